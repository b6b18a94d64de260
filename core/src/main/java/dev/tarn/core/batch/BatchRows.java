package dev.tarn.core.batch;

import dev.tarn.core.meta.Column;
import dev.tarn.core.type.SqlType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;

/**
 * Converts between batches and rows of Java values: the slow, boxed path for results paged to
 * clients, constant rows ({@code VALUES}) and tests. Operators never use it per row.
 *
 * <p>Java types (as {@code QueryResults} documents): {@code Boolean}; {@code Long} for
 * tinyint..bigint; {@code Double} for real and double; {@code BigDecimal} for decimal; {@code
 * String} for varchar; {@code byte[]} for varbinary; {@code LocalDate} for date; {@code
 * LocalDateTime} for timestamp; {@code List} for array; {@code Map} (a {@code LinkedHashMap} in
 * entry order) for map; {@code List} of the field values for row; {@code null} for NULL.
 */
public final class BatchRows {
  private static final LocalDate EPOCH = LocalDate.of(1970, 1, 1);

  private BatchRows() {}

  /** The rows of a batch as Java values; the batch is not closed. */
  public static List<List<Object>> toRows(Batch batch) {
    int rows = batch.rowCount();
    int columns = batch.columnCount();
    List<Column> types = batch.columns();
    List<List<Object>> out = new ArrayList<>(rows);
    for (int r = 0; r < rows; r++) {
      List<Object> row = new ArrayList<>(columns);
      for (int c = 0; c < columns; c++) {
        row.add(value(batch.vector(c), types.get(c).type(), r));
      }
      out.add(row);
    }
    return out;
  }

  /** The value at {@code row} of a vector of type {@code type}, as a QueryResults Java value. */
  public static Object value(FieldVector vector, SqlType type, int row) {
    if (vector.isNull(row)) {
      return null;
    }
    switch (type.kind()) {
      case BOOLEAN:
        return ((BitVector) vector).get(row) != 0;
      case TINYINT:
        return (long) ((TinyIntVector) vector).get(row);
      case SMALLINT:
        return (long) ((SmallIntVector) vector).get(row);
      case INTEGER:
        return (long) ((IntVector) vector).get(row);
      case BIGINT:
        return ((BigIntVector) vector).get(row);
      case REAL:
        return (double) ((Float4Vector) vector).get(row);
      case DOUBLE:
        return ((Float8Vector) vector).get(row);
      case DECIMAL:
        return ((DecimalVector) vector).getObject(row);
      case VARCHAR:
        return new String(((VarCharVector) vector).get(row), StandardCharsets.UTF_8);
      case VARBINARY:
        return ((VarBinaryVector) vector).get(row);
      case DATE:
        return EPOCH.plusDays(((DateDayVector) vector).get(row));
      case TIMESTAMP:
        return microsToDateTime(((TimeStampMicroVector) vector).get(row));
      case ARRAY:
        {
          ListVector list = (ListVector) vector;
          int start = list.getElementStartIndex(row);
          int end = list.getElementEndIndex(row);
          List<Object> elements = new ArrayList<>(end - start);
          for (int i = start; i < end; i++) {
            elements.add(value(list.getDataVector(), type.elementType(), i));
          }
          return elements;
        }
      case MAP:
        {
          MapVector map = (MapVector) vector;
          StructVector entries = (StructVector) map.getDataVector();
          FieldVector keys = (FieldVector) entries.getChildByOrdinal(0);
          FieldVector values = (FieldVector) entries.getChildByOrdinal(1);
          int start = map.getElementStartIndex(row);
          int end = map.getElementEndIndex(row);
          Map<Object, Object> out = new LinkedHashMap<>();
          for (int i = start; i < end; i++) {
            out.put(value(keys, type.keyType(), i), value(values, type.valueType(), i));
          }
          return out;
        }
      case ROW:
        {
          StructVector struct = (StructVector) vector;
          List<Object> fields = new ArrayList<>(type.children().size());
          for (int f = 0; f < type.children().size(); f++) {
            fields.add(
                value((FieldVector) struct.getChildByOrdinal(f), type.children().get(f), row));
          }
          return fields;
        }
    }
    throw new AssertionError(type);
  }

  /**
   * A batch of {@code columns} holding {@code rows}. Values may follow either the {@link
   * dev.tarn.core.expr.Expr.Literal} conventions (Long days and micros for dates and timestamps) or
   * the QueryResults types above; any {@link Number} fits a numeric column.
   *
   * @throws IllegalArgumentException naming the row and column when a value does not fit
   */
  public static Batch fromRows(
      List<Column> columns, List<List<Object>> rows, BufferAllocator allocator) {
    List<FieldVector> vectors = new ArrayList<>(columns.size());
    try {
      for (Column column : columns) {
        FieldVector vector = column.type().toField(column.name()).createVector(allocator);
        vectors.add(vector);
        vector.setInitialCapacity(rows.size());
        vector.allocateNew();
      }
      for (int r = 0; r < rows.size(); r++) {
        List<Object> row = rows.get(r);
        if (row.size() != columns.size()) {
          throw new IllegalArgumentException(
              "row " + r + " has " + row.size() + " values, expected " + columns.size());
        }
        for (int c = 0; c < columns.size(); c++) {
          try {
            set(vectors.get(c), columns.get(c).type(), r, row.get(c));
          } catch (ClassCastException | ArithmeticException e) {
            throw new IllegalArgumentException(
                "row "
                    + r
                    + ", column "
                    + columns.get(c).name()
                    + ": value "
                    + row.get(c)
                    + " does not fit "
                    + columns.get(c).type(),
                e);
          }
        }
      }
      for (FieldVector vector : vectors) {
        vector.setValueCount(rows.size());
      }
      return Batch.of(vectors, rows.size());
    } catch (RuntimeException e) {
      for (FieldVector vector : vectors) {
        vector.close();
      }
      throw e;
    }
  }

  /** Sets one value (Java value conventions as in {@link #fromRows}), growing the vector. */
  public static void set(FieldVector vector, SqlType type, int row, Object value) {
    if (value == null) {
      if (vector instanceof ListVector list) {
        // A list's offsets must be written in row order; a null still advances them.
        list.startNewValue(row);
        list.endValue(row, 0);
      }
      vector.setNull(row);
      return;
    }
    switch (type.kind()) {
      case BOOLEAN:
        ((BitVector) vector).setSafe(row, ((Boolean) value) ? 1 : 0);
        return;
      case TINYINT:
        ((TinyIntVector) vector).setSafe(row, Math.toIntExact(((Number) value).longValue()));
        return;
      case SMALLINT:
        ((SmallIntVector) vector).setSafe(row, Math.toIntExact(((Number) value).longValue()));
        return;
      case INTEGER:
        ((IntVector) vector).setSafe(row, Math.toIntExact(((Number) value).longValue()));
        return;
      case BIGINT:
        ((BigIntVector) vector).setSafe(row, ((Number) value).longValue());
        return;
      case REAL:
        ((Float4Vector) vector).setSafe(row, ((Number) value).floatValue());
        return;
      case DOUBLE:
        ((Float8Vector) vector).setSafe(row, ((Number) value).doubleValue());
        return;
      case DECIMAL:
        BigDecimal decimal = value instanceof BigDecimal d ? d : new BigDecimal(value.toString());
        ((DecimalVector) vector).setSafe(row, decimal.setScale(type.scale(), RoundingMode.HALF_UP));
        return;
      case VARCHAR:
        ((VarCharVector) vector).setSafe(row, ((String) value).getBytes(StandardCharsets.UTF_8));
        return;
      case VARBINARY:
        ((VarBinaryVector) vector).setSafe(row, (byte[]) value);
        return;
      case DATE:
        int days =
            value instanceof LocalDate date
                ? Math.toIntExact(date.toEpochDay())
                : Math.toIntExact(((Number) value).longValue());
        ((DateDayVector) vector).setSafe(row, days);
        return;
      case TIMESTAMP:
        long micros =
            value instanceof LocalDateTime time
                ? dateTimeToMicros(time)
                : ((Number) value).longValue();
        ((TimeStampMicroVector) vector).setSafe(row, micros);
        return;
      case ARRAY:
        {
          ListVector list = (ListVector) vector;
          List<?> elements = (List<?>) value;
          int start = list.startNewValue(row);
          for (int i = 0; i < elements.size(); i++) {
            set(list.getDataVector(), type.elementType(), start + i, elements.get(i));
          }
          list.endValue(row, elements.size());
          return;
        }
      case MAP:
        {
          MapVector map = (MapVector) vector;
          StructVector entries = (StructVector) map.getDataVector();
          FieldVector keys = (FieldVector) entries.getChildByOrdinal(0);
          FieldVector values = (FieldVector) entries.getChildByOrdinal(1);
          Map<?, ?> pairs = (Map<?, ?>) value;
          int index = map.startNewValue(row);
          for (Map.Entry<?, ?> pair : pairs.entrySet()) {
            set(keys, type.keyType(), index, pair.getKey());
            set(values, type.valueType(), index, pair.getValue());
            entries.setIndexDefined(index);
            index++;
          }
          map.endValue(row, pairs.size());
          return;
        }
      case ROW:
        {
          StructVector struct = (StructVector) vector;
          List<?> fields = (List<?>) value;
          if (fields.size() != type.children().size()) {
            throw new IllegalArgumentException(
                "a " + type + " value has " + type.children().size() + " fields, got " + fields);
          }
          for (int f = 0; f < fields.size(); f++) {
            set(
                (FieldVector) struct.getChildByOrdinal(f),
                type.children().get(f),
                row,
                fields.get(f));
          }
          struct.setIndexDefined(row);
          return;
        }
    }
    throw new AssertionError(type);
  }

  /** Microseconds since 1970-01-01T00:00 as a local date-time. */
  public static LocalDateTime microsToDateTime(long micros) {
    long seconds = Math.floorDiv(micros, 1_000_000L);
    int nanos = (int) Math.floorMod(micros, 1_000_000L) * 1000;
    return LocalDateTime.ofEpochSecond(seconds, nanos, ZoneOffset.UTC);
  }

  /** A local date-time as microseconds since 1970-01-01T00:00. */
  public static long dateTimeToMicros(LocalDateTime time) {
    return ChronoUnit.MICROS.between(LocalDateTime.of(1970, 1, 1, 0, 0), time);
  }
}
