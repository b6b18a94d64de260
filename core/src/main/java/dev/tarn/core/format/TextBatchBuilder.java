package dev.tarn.core.format;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.batch.BatchRows;
import dev.tarn.core.meta.Column;
import dev.tarn.core.type.SqlType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedWidthVector;

/**
 * Fills the vectors of one batch from values that text formats (CSV, JSON) produce, converting them
 * to each column's SQL type. Rows not set stay NULL.
 *
 * <p>Lifecycle: {@link #start()} allocates a batch's vectors; the {@code set} methods fill rows
 * {@code 0..n-1}; {@link #finish(int)} hands the batch over. {@link #close()} frees vectors of an
 * unfinished batch. A value that does not fit its column throws {@link IllegalArgumentException}
 * saying what was expected; the reader turns that into BAD_DATA naming file, row and column.
 */
public final class TextBatchBuilder implements AutoCloseable {

  private final List<Column> columns;
  private final BufferAllocator allocator;
  private final int capacity;
  private List<FieldVector> vectors;

  public TextBatchBuilder(List<Column> columns, BufferAllocator allocator, int capacity) {
    this.columns = List.copyOf(columns);
    this.allocator = allocator;
    this.capacity = capacity;
  }

  /** Allocates the next batch's vectors, each with room for {@code capacity} rows. */
  public void start() {
    if (vectors != null) {
      throw new IllegalStateException("previous batch not finished");
    }
    vectors = new ArrayList<>(columns.size());
    for (Column column : columns) {
      FieldVector vector = column.type().toField(column.name()).createVector(allocator);
      vectors.add(vector);
      if (vector instanceof BaseVariableWidthVector variable) {
        variable.allocateNew(capacity);
      } else if (column.type().isNested()) {
        vector.setInitialCapacity(capacity);
        vector.allocateNew();
      } else {
        ((FixedWidthVector) vector).allocateNew(capacity);
      }
    }
  }

  /** Whether {@link #start()} was called and the batch not yet finished. */
  public boolean started() {
    return vectors != null;
  }

  public SqlType type(int column) {
    return columns.get(column).type();
  }

  /** Makes a row NULL again (a JSON key seen twice, the second time null). */
  public void setNull(int column, int row) {
    BitVectorHelper.unsetBit(vectors.get(column).getValidityBuffer(), row);
  }

  /**
   * Sets an array, map or row value given in {@link BatchRows}' Java conventions (a JSON reader
   * builds those from nested JSON).
   */
  public void setNested(int column, int row, Object value) {
    BatchRows.set(vectors.get(column), columns.get(column).type(), row, value);
  }

  /** Sets a value given as text: numbers, true/false, dates, timestamps, strings. */
  public void setText(int column, int row, String text) {
    SqlType type = columns.get(column).type();
    FieldVector vector = vectors.get(column);
    switch (type.kind()) {
      case VARCHAR:
      case VARBINARY:
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ((BaseVariableWidthVector) vector).setSafe(row, bytes, 0, bytes.length);
        return;
      case BOOLEAN:
        String word = text.trim();
        if (word.equalsIgnoreCase("true")) {
          setBoolean(column, row, true);
        } else if (word.equalsIgnoreCase("false")) {
          setBoolean(column, row, false);
        } else {
          throw new IllegalArgumentException("expected true or false");
        }
        return;
      case TINYINT:
      case SMALLINT:
      case INTEGER:
      case BIGINT:
        long value;
        try {
          value = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("not an integer");
        }
        setLong(column, row, value);
        return;
      case REAL:
      case DOUBLE:
        double number;
        try {
          number = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("not a number");
        }
        setDouble(column, row, number);
        return;
      case DECIMAL:
        BigDecimal decimal;
        try {
          decimal = new BigDecimal(text.trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("not a decimal number");
        }
        setDecimal(column, row, decimal);
        return;
      case DATE:
        setFixed(vector, row, 4, TextValues.parseDate(text.trim()));
        return;
      case TIMESTAMP:
        setFixed(vector, row, 8, TextValues.parseTimestamp(text.trim()));
        return;
      case ARRAY:
      case MAP:
      case ROW:
        // Readers name the file and row around this message.
        throw new IllegalArgumentException(type + " is not read from text");
    }
    throw new AssertionError(type);
  }

  /** Sets an integer value: into integer columns (range-checked), decimals, doubles, text. */
  public void setLong(int column, int row, long value) {
    SqlType type = columns.get(column).type();
    FieldVector vector = vectors.get(column);
    switch (type.kind()) {
      case TINYINT:
        checkRange(value, Byte.MIN_VALUE, Byte.MAX_VALUE, type);
        setFixed(vector, row, 1, value);
        return;
      case SMALLINT:
        checkRange(value, Short.MIN_VALUE, Short.MAX_VALUE, type);
        setFixed(vector, row, 2, value);
        return;
      case INTEGER:
        checkRange(value, Integer.MIN_VALUE, Integer.MAX_VALUE, type);
        setFixed(vector, row, 4, value);
        return;
      case BIGINT:
        setFixed(vector, row, 8, value);
        return;
      case REAL:
      case DOUBLE:
        setDouble(column, row, value);
        return;
      case DECIMAL:
        setDecimal(column, row, BigDecimal.valueOf(value));
        return;
      default:
        setText(column, row, Long.toString(value));
    }
  }

  /** Sets a floating-point value into a real, double or decimal column. */
  public void setDouble(int column, int row, double value) {
    SqlType type = columns.get(column).type();
    FieldVector vector = vectors.get(column);
    switch (type.kind()) {
      case REAL:
        vector.getDataBuffer().setFloat((long) row << 2, (float) value);
        BitVectorHelper.setBit(vector.getValidityBuffer(), row);
        return;
      case DOUBLE:
        vector.getDataBuffer().setDouble((long) row << 3, value);
        BitVectorHelper.setBit(vector.getValidityBuffer(), row);
        return;
      case DECIMAL:
        if (Double.isNaN(value) || Double.isInfinite(value)) {
          throw new IllegalArgumentException("does not fit " + type);
        }
        setDecimal(column, row, BigDecimal.valueOf(value));
        return;
      case VARCHAR:
        setText(column, row, Double.toString(value));
        return;
      default:
        throw new IllegalArgumentException("expected " + type + ", found a fractional number");
    }
  }

  /** Sets a decimal value, rounding half up to the column's scale. */
  public void setDecimal(int column, int row, BigDecimal value) {
    SqlType type = columns.get(column).type();
    switch (type.kind()) {
      case DECIMAL:
        BigDecimal scaled = value.setScale(type.scale(), RoundingMode.HALF_UP);
        if (scaled.precision() - scaled.scale() > type.precision() - type.scale()) {
          throw new IllegalArgumentException("does not fit " + type);
        }
        ((DecimalVector) vectors.get(column)).setSafe(row, scaled);
        return;
      case REAL:
      case DOUBLE:
        setDouble(column, row, value.doubleValue());
        return;
      case TINYINT:
      case SMALLINT:
      case INTEGER:
      case BIGINT:
        try {
          setLong(column, row, value.longValueExact());
        } catch (ArithmeticException e) {
          throw new IllegalArgumentException("expected " + type + ", found a fractional number");
        }
        return;
      default:
        setText(column, row, value.toPlainString());
    }
  }

  /** Sets a boolean value; text columns get {@code true}/{@code false}. */
  public void setBoolean(int column, int row, boolean value) {
    SqlType type = columns.get(column).type();
    FieldVector vector = vectors.get(column);
    if (type.kind() == SqlType.Kind.BOOLEAN) {
      if (value) {
        BitVectorHelper.setBit(vector.getDataBuffer(), row);
      } else {
        BitVectorHelper.unsetBit(vector.getDataBuffer(), row);
      }
      BitVectorHelper.setBit(vector.getValidityBuffer(), row);
    } else if (type.kind() == SqlType.Kind.VARCHAR) {
      setText(column, row, value ? "true" : "false");
    } else {
      throw new IllegalArgumentException("expected " + type + ", found a boolean");
    }
  }

  /** Hands over the batch of the first {@code rows} rows. */
  public Batch finish(int rows) {
    List<FieldVector> done = vectors;
    vectors = null;
    return Batch.of(done, rows);
  }

  @Override
  public void close() {
    if (vectors != null) {
      for (FieldVector vector : vectors) {
        vector.close();
      }
      vectors = null;
    }
  }

  private static void setFixed(FieldVector vector, int row, int width, long value) {
    ArrowBuf data = vector.getDataBuffer();
    switch (width) {
      case 1:
        data.setByte(row, (byte) value);
        break;
      case 2:
        data.setShort((long) row << 1, (short) value);
        break;
      case 4:
        data.setInt((long) row << 2, (int) value);
        break;
      default:
        data.setLong((long) row << 3, value);
        break;
    }
    BitVectorHelper.setBit(vector.getValidityBuffer(), row);
  }

  private static void checkRange(long value, long min, long max, SqlType type) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          "value " + value + " out of range for " + type.toString().toLowerCase(Locale.ROOT));
    }
  }
}
