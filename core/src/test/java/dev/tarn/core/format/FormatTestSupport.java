package dev.tarn.core.format;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.meta.Column;
import dev.tarn.core.storage.FileEntry;
import dev.tarn.core.type.SqlType;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
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

/**
 * Rows as canonical Java values, so that Tarn's batches and DuckDB's JDBC results compare with
 * plain equality: integers as {@link Long}, real and double as {@link Double}, decimals as {@link
 * BigDecimal} at the column's scale, varchar as {@link String}, varbinary as a hex {@link String},
 * dates as {@link LocalDate}, timestamps as {@link LocalDateTime}, booleans, and {@code null}.
 */
public final class FormatTestSupport {
  private FormatTestSupport() {}

  public static FileEntry entry(Path file) {
    try {
      return new FileEntry(file.toString(), Files.size(file), 0);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Reads every batch, checking none exceeds {@code maxRows}, and closes them. */
  public static List<List<Object>> readAll(BatchReader reader, int maxRows) {
    List<List<Object>> rows = new ArrayList<>();
    Batch batch;
    while ((batch = reader.next()) != null) {
      try (Batch b = batch) {
        if (b.rowCount() > maxRows) {
          throw new AssertionError("batch of " + b.rowCount() + " rows, limit " + maxRows);
        }
        rows.addAll(rows(b));
      }
    }
    return rows;
  }

  public static List<List<Object>> rows(Batch batch) {
    List<List<Object>> rows = new ArrayList<>();
    for (int row = 0; row < batch.rowCount(); row++) {
      List<Object> values = new ArrayList<>();
      for (int c = 0; c < batch.columnCount(); c++) {
        values.add(value(batch.vector(c), row));
      }
      rows.add(values);
    }
    return rows;
  }

  private static Object value(FieldVector vector, int row) {
    if (vector.isNull(row)) {
      return null;
    }
    if (vector instanceof BitVector v) {
      return v.get(row) != 0;
    } else if (vector instanceof TinyIntVector v) {
      return (long) v.get(row);
    } else if (vector instanceof SmallIntVector v) {
      return (long) v.get(row);
    } else if (vector instanceof IntVector v) {
      return (long) v.get(row);
    } else if (vector instanceof BigIntVector v) {
      return v.get(row);
    } else if (vector instanceof Float4Vector v) {
      return (double) v.get(row);
    } else if (vector instanceof Float8Vector v) {
      return v.get(row);
    } else if (vector instanceof DecimalVector v) {
      return v.getObject(row);
    } else if (vector instanceof VarCharVector v) {
      return new String(v.get(row), StandardCharsets.UTF_8);
    } else if (vector instanceof VarBinaryVector v) {
      return HexFormat.of().formatHex(v.get(row));
    } else if (vector instanceof DateDayVector v) {
      return LocalDate.ofEpochDay(v.get(row));
    } else if (vector instanceof TimeStampMicroVector v) {
      long micros = v.get(row);
      return LocalDateTime.ofEpochSecond(
          Math.floorDiv(micros, 1_000_000L),
          (int) Math.floorMod(micros, 1_000_000L) * 1000,
          ZoneOffset.UTC);
    }
    throw new IllegalArgumentException("unexpected vector " + vector.getClass());
  }

  /** A batch of canonical values (see the class comment). */
  public static Batch batch(
      BufferAllocator allocator, List<Column> columns, List<List<Object>> rows) {
    List<FieldVector> vectors = new ArrayList<>();
    for (Column column : columns) {
      FieldVector vector = column.type().toField(column.name()).createVector(allocator);
      vector.allocateNew();
      vectors.add(vector);
    }
    for (int row = 0; row < rows.size(); row++) {
      for (int c = 0; c < columns.size(); c++) {
        Object value = rows.get(row).get(c);
        FieldVector vector = vectors.get(c);
        if (value == null) {
          continue;
        }
        SqlType type = columns.get(c).type();
        switch (type.kind()) {
          case BOOLEAN -> ((BitVector) vector).setSafe(row, (Boolean) value ? 1 : 0);
          case TINYINT -> ((TinyIntVector) vector).setSafe(row, ((Long) value).byteValue());
          case SMALLINT -> ((SmallIntVector) vector).setSafe(row, ((Long) value).shortValue());
          case INTEGER -> ((IntVector) vector).setSafe(row, ((Long) value).intValue());
          case BIGINT -> ((BigIntVector) vector).setSafe(row, (Long) value);
          case REAL -> ((Float4Vector) vector).setSafe(row, ((Double) value).floatValue());
          case DOUBLE -> ((Float8Vector) vector).setSafe(row, (Double) value);
          case DECIMAL -> ((DecimalVector) vector).setSafe(row, (BigDecimal) value);
          case VARCHAR ->
              ((VarCharVector) vector)
                  .setSafe(row, ((String) value).getBytes(StandardCharsets.UTF_8));
          case VARBINARY ->
              ((VarBinaryVector) vector).setSafe(row, HexFormat.of().parseHex((String) value));
          case DATE ->
              ((DateDayVector) vector).setSafe(row, (int) ((LocalDate) value).toEpochDay());
          case TIMESTAMP -> {
            LocalDateTime t = (LocalDateTime) value;
            long micros = t.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + t.getNano() / 1000;
            ((TimeStampMicroVector) vector).setSafe(row, micros);
          }
        }
      }
    }
    return Batch.of(vectors, rows.size());
  }

  /** Runs a query on an in-memory DuckDB and returns its rows as canonical values. */
  public static List<List<Object>> duckdb(String sql) {
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      ResultSetMetaData meta = rs.getMetaData();
      List<List<Object>> rows = new ArrayList<>();
      while (rs.next()) {
        List<Object> values = new ArrayList<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          values.add(duckValue(rs, meta, i));
        }
        rows.add(values);
      }
      return rows;
    } catch (SQLException e) {
      throw new AssertionError("DuckDB failed on: " + sql, e);
    }
  }

  /** Runs statements (COPY ... TO, CREATE ...) on an in-memory DuckDB. */
  public static void duckdbExecute(String... sql) {
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement()) {
      for (String s : sql) {
        statement.execute(s);
      }
    } catch (SQLException e) {
      throw new AssertionError("DuckDB failed on: " + Arrays.toString(sql), e);
    }
  }

  private static Object duckValue(ResultSet rs, ResultSetMetaData meta, int i) throws SQLException {
    String typeName = meta.getColumnTypeName(i);
    Object value;
    if (typeName.equals("DATE")) {
      value = rs.getObject(i, LocalDate.class);
    } else if (typeName.startsWith("TIMESTAMP")) {
      value = rs.getObject(i, LocalDateTime.class);
    } else if (typeName.equals("BLOB")) {
      byte[] bytes = rs.getBytes(i);
      value = bytes == null ? null : HexFormat.of().formatHex(bytes);
    } else {
      value = rs.getObject(i);
    }
    if (value == null || rs.wasNull()) {
      return null;
    }
    switch (meta.getColumnType(i)) {
      case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT:
        return ((Number) value).longValue();
      case Types.FLOAT, Types.REAL:
        return (double) ((Number) value).floatValue();
      case Types.DOUBLE:
        return ((Number) value).doubleValue();
      default:
        return value;
    }
  }
}
