package dev.tarn.runtime.sql;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Tables with arrays, maps and rows for {@code sql/nested/*.test}: the same 200 rows as Parquet
 * (two files) and as JSON lines, written by DuckDB under {@code ${LAKE}/nested_parquet} and {@code
 * ${LAKE}/nested_json}. Some arrays are empty or NULL, some elements and map values NULL.
 */
final class NestedLakeFixture {
  private static final String ROWS =
      "SELECT i AS id,"
          + " CASE WHEN i % 10 = 0 THEN NULL WHEN i % 7 = 0 THEN []::VARCHAR[]"
          + " ELSE ['t' || (i % 3), 't' || (i % 5)] END AS tags,"
          + " CASE WHEN i % 9 = 0 THEN [i, NULL, i * 2] ELSE [i, i + 1, i + 2] END AS scores,"
          + " CASE WHEN i % 4 = 0 THEN MAP {'a': i, 'b': NULL}"
          + " ELSE MAP {'a': i, 'c': i * 10} END AS attrs,"
          + " CASE WHEN i % 8 = 0 THEN NULL ELSE {'x': i * 0.5, 'y': 'p' || i} END AS point"
          + " FROM range(200) t(i)";

  private NestedLakeFixture() {}

  static void write(Path lake) throws IOException, SQLException {
    Path parquet = Files.createDirectories(lake.resolve("nested_parquet"));
    Path json = Files.createDirectories(lake.resolve("nested_json"));
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement()) {
      statement.execute(
          "COPY (" + ROWS + " WHERE id < 120) TO '" + parquet.resolve("part-0.parquet") + "'");
      statement.execute(
          "COPY (" + ROWS + " WHERE id >= 120) TO '" + parquet.resolve("part-1.parquet") + "'");
      statement.execute(
          "COPY (" + ROWS + ") TO '" + json.resolve("part-0.json") + "' (FORMAT JSON)");
    }
  }
}
