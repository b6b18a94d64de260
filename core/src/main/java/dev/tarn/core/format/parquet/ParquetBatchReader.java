package dev.tarn.core.format.parquet;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.format.BatchReader;
import dev.tarn.core.format.ScanRequest;
import dev.tarn.core.meta.Column;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedWidthVector;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.page.DictionaryPageReadStore;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ColumnPath;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * Reads one Parquet file column by column into Arrow batches.
 *
 * <pre>
 *   footer -> requested schema (projected columns present in the file, matched by lower-case name)
 *   for each row group:
 *     read only the requested column chunks (bytesRead += their compressed sizes)
 *     for each batch of at most batchRows rows:
 *       for each requested column: decoder.read(chunkReader, vector, rows)
 *       columns the file lacks stay all NULL
 * </pre>
 *
 * <p>A row group larger than {@code batchRows} spans several batches: the {@link
 * ColumnChunkReader}s keep their position between batches. Row groups are counted from 0 in error
 * messages, as Parquet tools count them.
 */
final class ParquetBatchReader implements BatchReader {

  private final String file;
  private final List<Column> outputColumns;
  private final BufferAllocator allocator;
  private final int batchRows;
  private final ParquetFileReader reader;
  private final List<BlockMetaData> rowGroups;
  private final MessageType requested;

  /** One decoder per distinct file column read. */
  private final ParquetColumnDecoder[] decoders;

  /** Output column index of each decoder's first vector. */
  private final int[] decoderOutput;

  /** Decoder of each output column, or -1 when the file lacks the column (all NULL). */
  private final int[] outputDecoder;

  /** Each decoder's page decoder for the current row group. */
  private final ColumnChunkReader[] chunkReaders;

  private final RowGroupFilter rowGroupFilter;

  /** Reads the array, map and row columns; null when none is projected. */
  private final ParquetNestedColumnReader nested;

  private int rowGroupsSkipped;
  private int rowGroup = -1;
  private long rowsLeftInGroup;
  private long bytesRead;
  private boolean closed;

  ParquetBatchReader(Path path, String file, ScanRequest request, BufferAllocator allocator) {
    this.file = file;
    this.outputColumns = request.outputColumns();
    this.allocator = allocator;
    this.batchRows = request.batchRows();
    this.rowGroupFilter = RowGroupFilter.of(request.predicate(), outputColumns);
    this.reader = openFile(path, file);
    try {
      MessageType schema = reader.getFooter().getFileMetaData().getSchema();
      this.rowGroups = reader.getRowGroups();
      Map<String, Type> fields = new HashMap<>();
      for (Type field : schema.getFields()) {
        fields.putIfAbsent(field.getName().toLowerCase(Locale.ROOT), field);
      }
      List<Type> requestedFields = new ArrayList<>();
      List<Integer> firstOutputs = new ArrayList<>();
      List<Type> nestedFields = new ArrayList<>();
      List<Integer> nestedOutputs = new ArrayList<>();
      this.outputDecoder = new int[outputColumns.size()];
      for (int i = 0; i < outputColumns.size(); i++) {
        Column column = outputColumns.get(i);
        Type field = fields.get(column.name().toLowerCase(Locale.ROOT));
        if (field == null) {
          outputDecoder[i] = -1;
          continue;
        }
        if (column.type().isNested()) {
          outputDecoder[i] = -1;
          nestedFields.add(field);
          nestedOutputs.add(i);
          continue;
        }
        if (!field.isPrimitive() || field.isRepetition(Type.Repetition.REPEATED)) {
          throw new TarnException(
              ErrorCode.NOT_SUPPORTED,
              file + ": column " + column.name() + " is a nested Parquet type, not read yet");
        }
        int existing = requestedFields.indexOf(field);
        if (existing >= 0) {
          Column first = outputColumns.get(firstOutputs.get(existing));
          if (!first.type().equals(column.type())) {
            // One chunk can feed only one column reader, so both would need one type.
            throw new TarnException(
                ErrorCode.INVALID_ARGUMENT,
                file
                    + ": columns "
                    + first.name()
                    + " and "
                    + column.name()
                    + " both match file column "
                    + field.getName());
          }
          outputDecoder[i] = existing;
        } else {
          outputDecoder[i] = requestedFields.size();
          requestedFields.add(field);
          firstOutputs.add(i);
        }
      }
      this.requested = new MessageType(schema.getName(), requestedFields);
      this.decoders = new ParquetColumnDecoder[requestedFields.size()];
      this.decoderOutput = new int[requestedFields.size()];
      for (int d = 0; d < decoders.length; d++) {
        int output = firstOutputs.get(d);
        ColumnDescriptor descriptor =
            requested.getColumnDescription(new String[] {requestedFields.get(d).getName()});
        decoders[d] =
            new ParquetColumnDecoder(
                file,
                outputColumns.get(output).name(),
                descriptor,
                outputColumns.get(output).type());
        decoderOutput[d] = output;
      }
      this.chunkReaders = new ColumnChunkReader[decoders.length];
      reader.setRequestedSchema(requested);
      this.nested =
          ParquetNestedColumnReader.open(path, file, nestedFields, nestedOutputs, outputColumns);
    } catch (RuntimeException e) {
      closeQuietly();
      throw e;
    }
  }

  static ParquetFileReader openFile(Path path, String file) {
    if (!Files.exists(path)) {
      throw new TarnException(ErrorCode.PATH_NOT_FOUND, "file does not exist: " + file);
    }
    try {
      return ParquetFileReader.open(new LocalInputFile(path), ParquetFormatReader.readOptions());
    } catch (NoSuchFileException e) {
      throw new TarnException(ErrorCode.PATH_NOT_FOUND, "file does not exist: " + file, e);
    } catch (IOException | RuntimeException e) {
      // parquet-mr names the file by its InputFile's toString(); keep only what it found.
      String detail = e.getMessage() == null ? e.toString() : e.getMessage();
      String marker = "is not a Parquet file. ";
      int cut = detail.indexOf(marker);
      if (cut >= 0) {
        detail = detail.substring(cut + marker.length());
      }
      throw new TarnException(
          ErrorCode.BAD_DATA, file + ": not a Parquet file (" + detail + ")", e);
    }
  }

  @Override
  public Batch next() {
    while (rowsLeftInGroup == 0) {
      if (!nextRowGroup()) {
        return null;
      }
    }
    int rows = (int) Math.min(batchRows, rowsLeftInGroup);
    List<FieldVector> vectors = new ArrayList<>(outputColumns.size());
    try {
      for (Column column : outputColumns) {
        FieldVector vector = column.type().toField(column.name()).createVector(allocator);
        vectors.add(vector);
        if (vector instanceof BaseVariableWidthVector variable) {
          variable.allocateNew(rows);
        } else if (vector instanceof FixedWidthVector fixed) {
          fixed.allocateNew(rows);
        } else {
          vector.allocateNew();
        }
      }
      for (int d = 0; d < decoders.length; d++) {
        decoders[d].read(chunkReaders[d], vectors.get(decoderOutput[d]), rows, rowGroup);
      }
      if (nested != null) {
        nested.read(vectors, rows, rowGroup);
      }
      for (int i = 0; i < vectors.size(); i++) {
        int d = outputDecoder[i];
        if (d >= 0 && decoderOutput[d] != i) {
          // The same file column projected twice: copy the first copy's values.
          FieldVector source = vectors.get(decoderOutput[d]);
          for (int row = 0; row < rows; row++) {
            vectors.get(i).copyFromSafe(row, row, source);
          }
        }
      }
    } catch (TarnException e) {
      closeAll(vectors);
      throw e;
    } catch (RuntimeException e) {
      closeAll(vectors);
      throw new TarnException(
          ErrorCode.BAD_DATA,
          file + ", row group " + rowGroup + ": corrupt column data (" + e.getMessage() + ")",
          e);
    }
    rowsLeftInGroup -= rows;
    return Batch.of(vectors, rows);
  }

  private boolean nextRowGroup() {
    while (rowGroup + 1 < rowGroups.size() && rowGroupFilter != null && !mightMatch(rowGroup + 1)) {
      // The group's statistics or dictionaries rule out every row: skip its pages unread.
      rowGroup++;
      rowGroupsSkipped++;
      if (decoders.length > 0) {
        reader.skipNextRowGroup();
      }
    }
    if (rowGroup + 1 >= rowGroups.size()) {
      return false;
    }
    rowGroup++;
    BlockMetaData block = rowGroups.get(rowGroup);
    rowsLeftInGroup = block.getRowCount();
    if (decoders.length == 0) {
      // Nothing to decode (only missing columns, or a row count): the footer has the counts.
      return true;
    }
    PageReadStore pages;
    try {
      pages = reader.readNextRowGroup();
    } catch (IOException | RuntimeException e) {
      throw new TarnException(
          ErrorCode.BAD_DATA,
          file + ", row group " + rowGroup + ": cannot read column chunks (" + e.getMessage() + ")",
          e);
    }
    if (pages == null) {
      throw new TarnException(
          ErrorCode.BAD_DATA, file + ", row group " + rowGroup + ": missing from the file");
    }
    for (ColumnChunkMetaData chunk : block.getColumns()) {
      if (isRequested(chunk.getPath())) {
        bytesRead += chunk.getTotalSize();
      }
    }
    for (int d = 0; d < decoders.length; d++) {
      ColumnDescriptor descriptor = decoders[d].descriptor();
      String name = outputColumns.get(decoderOutput[d]).name();
      try {
        chunkReaders[d] =
            new ColumnChunkReader(
                file, rowGroup, name, descriptor, pages.getPageReader(descriptor));
      } catch (TarnException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new TarnException(
            ErrorCode.BAD_DATA,
            file
                + ", row group "
                + rowGroup
                + ": column "
                + name
                + ": cannot read its dictionary ("
                + e.getMessage()
                + ")",
            e);
      }
    }
    return true;
  }

  /** Whether row group {@code index} might hold a row of the predicate: statistics first. */
  private boolean mightMatch(int index) {
    BlockMetaData block = rowGroups.get(index);
    if (!rowGroupFilter.mightMatch(block)) {
      return false;
    }
    if (!rowGroupFilter.usesDictionaries(block)) {
      return true;
    }
    try (DictionaryPageReadStore dictionaries = reader.getDictionaryReader(block)) {
      return rowGroupFilter.mightMatchDictionaries(block, dictionaries);
    } catch (IOException | RuntimeException e) {
      throw new TarnException(
          ErrorCode.BAD_DATA,
          file + ", row group " + index + ": cannot read a dictionary (" + e.getMessage() + ")",
          e);
    }
  }

  private boolean isRequested(ColumnPath path) {
    for (ParquetColumnDecoder decoder : decoders) {
      if (ColumnPath.get(decoder.descriptor().getPath()).equals(path)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public long bytesRead() {
    return bytesRead;
  }

  /** Row groups skipped on their statistics or dictionaries so far. */
  int rowGroupsSkipped() {
    return rowGroupsSkipped;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      closeQuietly();
    }
  }

  private void closeQuietly() {
    if (nested != null) {
      nested.close();
    }
    try {
      reader.close();
    } catch (IOException e) {
      // Only a read handle: nothing was written that closing could lose.
    }
  }

  private static void closeAll(List<FieldVector> vectors) {
    for (FieldVector vector : vectors) {
      vector.close();
    }
  }
}
