package dev.tarn.testing;

import dev.tarn.core.batch.BatchRows;
import dev.tarn.core.meta.Column;
import dev.tarn.core.type.SqlType;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * DuckDB in memory as a test oracle: load rows into tables, run SQL, get rows back in the
 * QueryResults Java types ({@code Long} for every integer kind, {@code Double}, {@code BigDecimal},
 * {@code String}, {@code LocalDate}, {@code LocalDateTime}, {@code Boolean}).
 */
public final class DuckDb implements AutoCloseable {
  private final Connection connection;

  public DuckDb() {
    try {
      connection = DriverManager.getConnection("jdbc:duckdb:");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot open DuckDB", e);
    }
  }

  /** Creates table {@code name} with {@code columns} and inserts {@code rows}. */
  public DuckDb load(String name, List<Column> columns, List<List<Object>> rows) {
    StringBuilder ddl = new StringBuilder("CREATE TABLE " + name + " (");
    StringBuilder marks = new StringBuilder();
    for (int i = 0; i < columns.size(); i++) {
      ddl.append(i == 0 ? "" : ", ").append('"').append(columns.get(i).name()).append("\" ");
      ddl.append(duckType(columns.get(i).type()));
      marks.append(i == 0 ? "?" : ", ?");
    }
    ddl.append(')');
    try (Statement st = connection.createStatement()) {
      st.execute(ddl.toString());
      try (PreparedStatement insert =
          connection.prepareStatement("INSERT INTO " + name + " VALUES (" + marks + ")")) {
        for (List<Object> row : rows) {
          for (int i = 0; i < columns.size(); i++) {
            insert.setObject(i + 1, jdbcValue(row.get(i), columns.get(i).type()));
          }
          insert.addBatch();
        }
        insert.executeBatch();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot load " + name + ": " + e.getMessage(), e);
    }
    return this;
  }

  /** The rows of a query, in QueryResults types. */
  public List<List<Object>> query(String sql) {
    try (Statement st = connection.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      List<List<Object>> out = new ArrayList<>();
      while (rs.next()) {
        List<Object> row = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
          row.add(normalize(rs.getObject(i)));
        }
        out.add(row);
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException("DuckDB failed on " + sql + ": " + e.getMessage(), e);
    }
  }

  /** Rows sorted by their string form, for order-insensitive comparison. */
  public static List<List<Object>> sorted(List<List<Object>> rows) {
    List<List<Object>> copy = new ArrayList<>(rows);
    copy.sort((a, b) -> a.toString().compareTo(b.toString()));
    return Collections.unmodifiableList(copy);
  }

  private static Object normalize(Object value) {
    if (value instanceof Byte || value instanceof Short || value instanceof Integer) {
      return ((Number) value).longValue();
    }
    if (value instanceof java.math.BigInteger big) {
      return big.longValueExact();
    }
    if (value instanceof Float f) {
      return (double) f;
    }
    if (value instanceof java.sql.Date date) {
      return date.toLocalDate();
    }
    if (value instanceof Timestamp ts) {
      return ts.toLocalDateTime();
    }
    if (value instanceof java.time.OffsetDateTime odt) {
      return odt.toLocalDateTime();
    }
    return value;
  }

  private static Object jdbcValue(Object value, SqlType type) {
    if (value == null) {
      return null;
    }
    switch (type.kind()) {
      case DATE:
        return value instanceof LocalDate d
            ? d
            : LocalDate.ofEpochDay(((Number) value).longValue());
      case TIMESTAMP:
        return value instanceof LocalDateTime t
            ? t
            : BatchRows.microsToDateTime(((Number) value).longValue());
      case DECIMAL:
        return value instanceof BigDecimal d ? d : new BigDecimal(value.toString());
      default:
        return value;
    }
  }

  private static String duckType(SqlType type) {
    switch (type.kind()) {
      case VARBINARY:
        return "BLOB";
      case REAL:
        return "FLOAT";
      default:
        return type.toString();
    }
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
