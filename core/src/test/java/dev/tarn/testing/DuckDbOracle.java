package dev.tarn.testing;

import dev.tarn.core.meta.Column;
import dev.tarn.core.meta.TableMetadata;
import dev.tarn.core.type.SqlType;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * DuckDB (in-process, in-memory) as the oracle: each table Tarn has is a DuckDB view over the same
 * files, with the same column types, so that the same SQL runs on both.
 */
public final class DuckDbOracle implements AutoCloseable {
  private final Connection connection;

  public DuckDbOracle() throws SQLException {
    connection = DriverManager.getConnection("jdbc:duckdb:");
  }

  /** Creates (or replaces) the view for a table Tarn registered. */
  public void register(TableMetadata table) throws SQLException {
    String glob = table.location().replaceAll("/+$", "") + "/**/*";
    StringBuilder columns = new StringBuilder("{");
    for (Column c : table.columns()) {
      columns
          .append(columns.length() > 1 ? ", " : "")
          .append('\'')
          .append(c.name())
          .append("': '")
          .append(duckType(c.type()))
          .append('\'');
    }
    columns.append('}');
    StringBuilder hiveTypes = new StringBuilder("{");
    for (Column c : table.partitionColumns()) {
      hiveTypes
          .append(hiveTypes.length() > 1 ? ", " : "")
          .append('\'')
          .append(c.name())
          .append("': '")
          .append(duckType(c.type()))
          .append('\'');
    }
    hiveTypes.append('}');
    String hive =
        table.isPartitioned()
            ? ", hive_partitioning = true, hive_types = " + hiveTypes
            : ", hive_partitioning = false";
    String reader;
    switch (table.format()) {
      case PARQUET:
        reader = "read_parquet('" + glob + ".parquet'" + hive + ")";
        break;
      case CSV:
        String delimiter = table.properties().getOrDefault("field.delim", ",");
        boolean header = "1".equals(table.properties().get("skip.header.line.count"));
        reader =
            "read_csv('"
                + glob
                + ".csv', header = "
                + header
                + ", delim = '"
                + delimiter
                + "', columns = "
                + columns
                + hive
                + ")";
        break;
      case JSON:
        reader =
            "read_json('"
                + glob
                + ".json', format = 'newline_delimited', columns = "
                + columns
                + hive
                + ")";
        break;
      default:
        throw new IllegalArgumentException(table.format().toString());
    }
    List<String> selected = new ArrayList<>();
    for (Column c : table.allColumns()) {
      selected.add(
          "CAST(\"" + c.name() + "\" AS " + duckType(c.type()) + ") AS \"" + c.name() + "\"");
    }
    try (Statement s = connection.createStatement()) {
      s.execute("CREATE SCHEMA IF NOT EXISTS \"" + table.database() + "\"");
      s.execute(
          "CREATE OR REPLACE VIEW \""
              + table.database()
              + "\".\""
              + table.name()
              + "\" AS SELECT "
              + String.join(", ", selected)
              + " FROM "
              + reader);
    }
  }

  public void drop(String database, String table) throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute("DROP VIEW IF EXISTS \"" + database + "\".\"" + table + "\"");
    }
  }

  /** Runs a query with {@code database} as the current schema; values as JDBC returns them. */
  public List<List<Object>> query(String sql, String database) throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute("CREATE SCHEMA IF NOT EXISTS \"" + database + "\"");
      s.execute("SET schema = '" + database + "'");
      List<List<Object>> rows = new ArrayList<>();
      try (ResultSet rs = s.executeQuery(sql)) {
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          List<Object> row = new ArrayList<>(n);
          for (int i = 1; i <= n; i++) {
            row.add(rs.getObject(i));
          }
          rows.add(row);
        }
      }
      return rows;
    }
  }

  public static String duckType(SqlType type) {
    switch (type.kind()) {
      case BOOLEAN:
        return "BOOLEAN";
      case TINYINT:
        return "TINYINT";
      case SMALLINT:
        return "SMALLINT";
      case INTEGER:
        return "INTEGER";
      case BIGINT:
        return "BIGINT";
      case REAL:
        return "FLOAT";
      case DOUBLE:
        return "DOUBLE";
      case DECIMAL:
        return "DECIMAL(" + type.precision() + "," + type.scale() + ")";
      case VARCHAR:
        return "VARCHAR";
      case VARBINARY:
        return "BLOB";
      case DATE:
        return "DATE";
      case TIMESTAMP:
        return "TIMESTAMP";
      case ARRAY:
        return duckType(type.elementType()) + "[]";
      case MAP:
        return "MAP(" + duckType(type.keyType()) + ", " + duckType(type.valueType()) + ")";
      case ROW:
        {
          StringBuilder out = new StringBuilder("STRUCT(");
          for (int i = 0; i < type.children().size(); i++) {
            out.append(i > 0 ? ", " : "")
                .append('"')
                .append(type.fieldNames().get(i))
                .append("\" ")
                .append(duckType(type.children().get(i)));
          }
          return out.append(')').toString();
        }
    }
    throw new AssertionError(type);
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
