package dev.tarn.core.format.parquet;

import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.format.BatchReader;
import dev.tarn.core.format.FormatReader;
import dev.tarn.core.format.ScanRequest;
import dev.tarn.core.meta.Column;
import dev.tarn.core.storage.FileEntry;
import dev.tarn.core.storage.LakeStorage;
import dev.tarn.core.type.SqlType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.schema.Type;

/**
 * Reads Parquet files into Arrow batches, column by column, reading only the projected columns'
 * chunks. Columns match the table's by name, case-insensitively; a table column the file lacks
 * reads as NULL; a file column of another type than the table's is converted when every value can
 * be (int32 to bigint, decimal(12,2) to decimal(15,2), double to decimal, ...), and refused with
 * BAD_DATA naming the file and column when none can (varchar to integer, ...). See {@link
 * ParquetTypes} for the type mapping.
 */
public final class ParquetFormatReader implements FormatReader {
  /**
   * One Hadoop configuration for every file: parquet-mr's default read options make a new one per
   * file, and a new one parses Hadoop's default XML resources again (about 5 ms an open, more than
   * reading a small file). Reading a loaded configuration is thread-safe.
   */
  private static final org.apache.hadoop.conf.Configuration HADOOP_CONF =
      new org.apache.hadoop.conf.Configuration();

  /**
   * The same configuration as parquet-mr's read options take it: {@code
   * ParquetReadOptions.builder()} without one makes (and parses) a new Hadoop configuration per
   * call, about 2 ms an open.
   */
  private static final org.apache.parquet.conf.ParquetConfiguration PARQUET_CONF =
      new org.apache.parquet.conf.HadoopParquetConfiguration(HADOOP_CONF);

  /**
   * parquet-mr read options for one file: a codec factory of its own (the reader releases it on
   * close) over the shared configuration.
   */
  public static org.apache.parquet.ParquetReadOptions readOptions() {
    return org.apache.parquet.ParquetReadOptions.builder(PARQUET_CONF)
        .withCodecFactory(org.apache.parquet.hadoop.util.HadoopCodecs.newFactory(HADOOP_CONF, 0))
        .build();
  }

  @Override
  public BatchReader open(
      LakeStorage storage, FileEntry file, ScanRequest request, BufferAllocator allocator) {
    return new ParquetBatchReader(storage.localPath(file.path()), file.path(), request, allocator);
  }

  /**
   * The footer's summary of a file: row and row-group counts and the columns (lower-cased names)
   * with their SQL types. Nested columns and types Tarn does not read are left out. Reads only the
   * footer.
   *
   * @throws TarnException PATH_NOT_FOUND if the file is missing, BAD_DATA if it is not Parquet
   */
  public static ParquetFileInfo footer(Path path) {
    ParquetMetadata metadata;
    try (ParquetFileReader reader = ParquetBatchReader.openFile(path, path.toString())) {
      metadata = reader.getFooter();
    } catch (IOException e) {
      // Closing a read handle: the footer is already in memory.
      throw new TarnException(ErrorCode.INTERNAL_ERROR, "cannot close " + path, e);
    }
    long rows = 0;
    for (BlockMetaData block : metadata.getBlocks()) {
      rows += block.getRowCount();
    }
    List<Column> columns = new ArrayList<>();
    for (Type field : metadata.getFileMetaData().getSchema().getFields()) {
      if (field.isPrimitive() && !field.isRepetition(Type.Repetition.REPEATED)) {
        SqlType type = ParquetTypes.sqlTypeOf(field.asPrimitiveType());
        if (type != null) {
          columns.add(new Column(field.getName().toLowerCase(Locale.ROOT), type));
        }
      }
    }
    return new ParquetFileInfo(rows, metadata.getBlocks().size(), columns);
  }
}
