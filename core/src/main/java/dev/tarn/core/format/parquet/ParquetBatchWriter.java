package dev.tarn.core.format.parquet;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.meta.Column;
import dev.tarn.core.type.SqlType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * Writes Arrow batches to one Parquet file: Snappy-compressed, one OPTIONAL column per table
 * column, types as {@link ParquetTypes} writes them (timestamps as TIMESTAMP(MICROS, not adjusted
 * to UTC), decimals on INT32/INT64/FIXED_LEN_BYTE_ARRAY by precision). An existing file at the path
 * is replaced, so that a retried task rewrites its own output.
 *
 * <p>Batches are handed to parquet-mr row by row through its record consumer; parquet-mr buffers
 * the row group in column pages and flushes it when it reaches the row group size.
 *
 * <pre>
 *   try (ParquetBatchWriter writer = new ParquetBatchWriter(path, columns)) {
 *     writer.write(batch);   // the caller still owns and closes the batch
 *   }
 * </pre>
 */
public final class ParquetBatchWriter implements AutoCloseable {

  /** Row groups of about 128 MB, as Hive, Spark and Trino write them. */
  public static final long DEFAULT_ROW_GROUP_BYTES = 128L * 1024 * 1024;

  private final Path file;
  private final List<Column> columns;
  private final BatchWriteSupport support;
  private final ParquetWriter<RowCursor> writer;
  private final RowCursor cursor = new RowCursor();
  private boolean closed;

  public ParquetBatchWriter(Path file, List<Column> columns) {
    this(file, columns, DEFAULT_ROW_GROUP_BYTES, Integer.MAX_VALUE);
  }

  /**
   * A writer with a chosen row group size.
   *
   * @param rowGroupBytes target bytes of a row group (buffered in memory before it is flushed)
   * @param rowGroupRows most rows in one row group
   */
  public ParquetBatchWriter(Path file, List<Column> columns, long rowGroupBytes, int rowGroupRows) {
    this.file = Objects.requireNonNull(file, "file");
    this.columns = List.copyOf(Objects.requireNonNull(columns, "columns"));
    if (this.columns.isEmpty()) {
      throw new IllegalArgumentException("a Parquet file needs at least one column");
    }
    List<Type> fields = new ArrayList<>();
    for (Column column : this.columns) {
      fields.add(ParquetTypes.parquetTypeOf(column));
    }
    this.support = new BatchWriteSupport(new MessageType("tarn_schema", fields), this.columns);
    try {
      this.writer =
          new Builder(new LocalOutputFile(file), support)
              .withConf(new PlainParquetConfiguration())
              .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
              .withCompressionCodec(CompressionCodecName.SNAPPY)
              .withRowGroupSize(rowGroupBytes)
              .withRowGroupRowCountLimit(rowGroupRows)
              .build();
    } catch (IOException e) {
      throw new TarnException(
          ErrorCode.INTERNAL_ERROR,
          "cannot create Parquet file " + file + ": " + e.getMessage(),
          e);
    }
  }

  /** Appends every row of the batch. Does not close the batch. */
  public void write(Batch batch) {
    if (closed) {
      throw new IllegalStateException("writer of " + file + " is closed");
    }
    if (batch.columnCount() != columns.size()) {
      throw new IllegalArgumentException(
          "batch has " + batch.columnCount() + " columns, file " + file + " has " + columns.size());
    }
    cursor.vectors = batch.root().getFieldVectors();
    try {
      int rows = batch.rowCount();
      for (int row = 0; row < rows; row++) {
        cursor.row = row;
        writer.write(cursor);
      }
    } catch (IOException e) {
      throw new TarnException(
          ErrorCode.INTERNAL_ERROR, "cannot write Parquet file " + file + ": " + e.getMessage(), e);
    } finally {
      cursor.vectors = null;
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      writer.close();
    } catch (IOException e) {
      throw new TarnException(
          ErrorCode.INTERNAL_ERROR,
          "cannot finish Parquet file " + file + ": " + e.getMessage(),
          e);
    }
  }

  /** The row being written: one mutable object, so no row allocates. */
  private static final class RowCursor {
    List<FieldVector> vectors;
    int row;
  }

  private static final class Builder extends ParquetWriter.Builder<RowCursor, Builder> {
    private final BatchWriteSupport support;

    Builder(OutputFile file, BatchWriteSupport support) {
      super(file);
      this.support = support;
    }

    @Override
    protected Builder self() {
      return this;
    }

    // Abstract, though deprecated, in parquet-mr 1.16: build() calls the ParquetConfiguration one.
    @Override
    @SuppressWarnings("deprecation")
    protected WriteSupport<RowCursor> getWriteSupport(Configuration conf) {
      return support;
    }

    @Override
    protected WriteSupport<RowCursor> getWriteSupport(ParquetConfiguration conf) {
      return support;
    }
  }

  /** Writes one row of Arrow vectors as one Parquet record. */
  private static final class BatchWriteSupport extends WriteSupport<RowCursor> {
    private final MessageType schema;
    private final String[] names;
    private final SqlType[] types;

    /** Scratch space for one variable-width or decimal value; parquet-mr copies what it keeps. */
    private byte[] scratch = new byte[64];

    private RecordConsumer consumer;

    BatchWriteSupport(MessageType schema, List<Column> columns) {
      this.schema = schema;
      this.names = new String[columns.size()];
      this.types = new SqlType[columns.size()];
      for (int i = 0; i < columns.size(); i++) {
        names[i] = columns.get(i).name();
        types[i] = columns.get(i).type();
      }
    }

    // Abstract, though deprecated, in parquet-mr 1.16; the writer calls the other init.
    @Override
    @SuppressWarnings("deprecation")
    public WriteContext init(Configuration configuration) {
      return new WriteContext(schema, new HashMap<>());
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
      return new WriteContext(schema, new HashMap<>());
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      this.consumer = recordConsumer;
    }

    @Override
    public void write(RowCursor cursor) {
      int row = cursor.row;
      consumer.startMessage();
      for (int c = 0; c < names.length; c++) {
        FieldVector vector = cursor.vectors.get(c);
        if (vector.isNull(row)) {
          continue;
        }
        consumer.startField(names[c], c);
        writeValue(vector, types[c], row);
        consumer.endField(names[c], c);
      }
      consumer.endMessage();
    }

    private void writeValue(FieldVector vector, SqlType type, int row) {
      ArrowBuf data = vector.getDataBuffer();
      switch (type.kind()) {
        case BOOLEAN:
          consumer.addBoolean(BitVectorHelper.get(data, row) != 0);
          return;
        case TINYINT:
          consumer.addInteger(data.getByte(row));
          return;
        case SMALLINT:
          consumer.addInteger(data.getShort((long) row << 1));
          return;
        case INTEGER:
        case DATE:
          consumer.addInteger(data.getInt((long) row << 2));
          return;
        case BIGINT:
        case TIMESTAMP:
          consumer.addLong(data.getLong((long) row << 3));
          return;
        case REAL:
          consumer.addFloat(data.getFloat((long) row << 2));
          return;
        case DOUBLE:
          consumer.addDouble(data.getDouble((long) row << 3));
          return;
        case DECIMAL:
          writeDecimal(data, type.precision(), row);
          return;
        case VARCHAR:
        case VARBINARY:
          BaseVariableWidthVector variable = (BaseVariableWidthVector) vector;
          int start = variable.getStartOffset(row);
          int length = variable.getValueLength(row);
          if (scratch.length < length) {
            scratch = new byte[Math.max(length, scratch.length * 2)];
          }
          data.getBytes(start, scratch, 0, length);
          consumer.addBinary(Binary.fromReusedByteArray(scratch, 0, length));
          return;
      }
      throw new AssertionError(type);
    }

    private void writeDecimal(ArrowBuf data, int precision, int row) {
      long offset = (long) row << 4;
      if (precision <= 9) {
        consumer.addInteger((int) data.getLong(offset));
      } else if (precision <= 18) {
        consumer.addLong(data.getLong(offset));
      } else {
        // Arrow holds 16 little-endian bytes; Parquet wants the low n bytes big-endian.
        int bytes = ParquetTypes.decimalBytes(precision);
        long low = data.getLong(offset);
        long high = data.getLong(offset + 8);
        for (int i = 0; i < bytes; i++) {
          int shift = 8 * (bytes - 1 - i);
          long word = shift >= 64 ? high : low;
          scratch[i] = (byte) (word >>> (shift & 63));
        }
        consumer.addBinary(Binary.fromReusedByteArray(scratch, 0, bytes));
      }
    }
  }
}
