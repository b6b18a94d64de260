package dev.tarn.core.format;

import static dev.tarn.core.format.FormatTestSupport.duckdbExecute;
import static dev.tarn.core.format.FormatTestSupport.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.batch.BatchRows;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.meta.Column;
import dev.tarn.core.meta.FileFormat;
import dev.tarn.core.storage.LocalStorage;
import dev.tarn.core.type.SqlType;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Struct;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parquet and JSON files with arrays, maps and rows read as DuckDB reads them. */
class NestedFormatReadersTest {

  @TempDir static Path dir;
  static Path parquet;
  static Path json;

  static final String SELECT =
      "SELECT i AS id,"
          + " CASE WHEN i % 5 = 0 THEN NULL WHEN i % 7 = 0 THEN [] ELSE [i, i + 1, NULL] END AS a,"
          + " CASE WHEN i % 6 = 0 THEN NULL ELSE {'x': i, 'y': 'v' || i} END AS s,"
          + " MAP {'k': i, 'j': NULL} AS m,"
          + " [{'p': i * 1.5, 'q': ['a', 'b' || i]}] AS la"
          + " FROM range(2500) t(i)";

  static final List<Column> COLUMNS =
      List.of(
          new Column("id", SqlType.BIGINT),
          new Column("a", SqlType.parse("array(bigint)")),
          new Column("s", SqlType.parse("row(x bigint, y varchar)")),
          new Column("m", SqlType.parse("map(varchar, bigint)")),
          new Column("la", SqlType.parse("array(row(p decimal(12,1), q array(varchar)))")));

  @BeforeAll
  static void writeWithDuckDb() {
    parquet = dir.resolve("nested.parquet");
    json = dir.resolve("nested.json");
    duckdbExecute(
        "COPY (" + SELECT + ") TO '" + parquet + "' (FORMAT PARQUET, ROW_GROUP_SIZE 1000)",
        "COPY (" + SELECT + ") TO '" + json + "' (FORMAT JSON)");
  }

  static List<List<Object>> read(FileFormat format, Path file, int[] projection, int batchRows) {
    try (RootAllocator allocator = new RootAllocator();
        BatchReader reader =
            FormatReaders.forFormat(format)
                .open(
                    new LocalStorage(),
                    entry(file),
                    new ScanRequest(COLUMNS, projection, Map.of(), batchRows),
                    allocator)) {
      List<List<Object>> rows = new ArrayList<>();
      Batch batch;
      while ((batch = reader.next()) != null) {
        try (Batch b = batch) {
          rows.addAll(BatchRows.toRows(b));
        }
      }
      return rows;
    }
  }

  @Test
  void parquetEqualsDuckDb() {
    assertThat(read(FileFormat.PARQUET, parquet, new int[] {0, 1, 2, 3, 4}, 700))
        .hasSize(2500)
        .isEqualTo(duck("SELECT id, a, s, m, la FROM read_parquet('" + parquet + "')"));
  }

  @Test
  void parquetProjectsNestedAmongFlatColumns() {
    assertThat(read(FileFormat.PARQUET, parquet, new int[] {3, 0, 1}, 333))
        .isEqualTo(duck("SELECT m, id, a FROM read_parquet('" + parquet + "')"));
  }

  @Test
  void jsonEqualsDuckDb() {
    assertThat(read(FileFormat.JSON, json, new int[] {0, 1, 2, 3, 4}, 1024))
        .hasSize(2500)
        .isEqualTo(duck("SELECT id, a, s, m, la FROM read_parquet('" + parquet + "')"));
  }

  @Test
  void jsonOfTheWrongShapeNamesFileAndLine() throws IOException {
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{\"id\": 1, \"a\": [1, 2]}\n{\"id\": 2, \"a\": {\"x\": 1}}\n");
    assertThatThrownBy(() -> read(FileFormat.JSON, bad, new int[] {0, 1}, 10))
        .isInstanceOf(TarnException.class)
        .hasMessageContaining("bad.json")
        .hasMessageContaining("row 2")
        .hasMessageContaining("array(bigint)");
    Files.writeString(bad, "{\"id\": 1, \"a\": [1, \"x\"]}\n");
    assertThatThrownBy(() -> read(FileFormat.JSON, bad, new int[] {0, 1}, 10))
        .isInstanceOf(TarnException.class)
        .hasMessageContaining("row 1");
  }

  /** DuckDB's rows with nested JDBC values turned into BatchRows' Java conventions. */
  static List<List<Object>> duck(String sql) {
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      List<List<Object>> rows = new ArrayList<>();
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          row.add(normalize(rs.getObject(i)));
        }
        rows.add(row);
      }
      return rows;
    } catch (SQLException e) {
      throw new AssertionError("DuckDB failed on: " + sql, e);
    }
  }

  static Object normalize(Object value) throws SQLException {
    if (value instanceof Array array) {
      List<Object> out = new ArrayList<>();
      for (Object element : (Object[]) array.getArray()) {
        out.add(normalize(element));
      }
      return out;
    }
    if (value instanceof Struct struct) {
      List<Object> out = new ArrayList<>();
      for (Object field : struct.getAttributes()) {
        out.add(normalize(field));
      }
      return out;
    }
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        out.put(normalize(entry.getKey()), normalize(entry.getValue()));
      }
      return out;
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof BigDecimal || value == null) {
      return value;
    }
    return value;
  }
}
