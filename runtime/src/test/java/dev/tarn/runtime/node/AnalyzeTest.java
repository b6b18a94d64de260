package dev.tarn.runtime.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tarn.actors.query.QueryResults;
import dev.tarn.core.batch.Batch;
import dev.tarn.core.batch.BatchRows;
import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.format.parquet.ParquetBatchWriter;
import dev.tarn.core.meta.Column;
import dev.tarn.core.meta.TableMetadata;
import dev.tarn.core.meta.TableSnapshot;
import dev.tarn.core.type.SqlType;
import dev.tarn.runtime.cli.TarnCommand;
import dev.tarn.runtime.sql.LakeFixture;
import dev.tarn.testing.DuckDbOracle;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * ANALYZE and SHOW STATS on one node over the test lake, checked against DuckDB's exact figures on
 * the same files: row and NULL counts, min and max equal; distinct counts, which Tarn estimates
 * with HyperLogLog, within 5% of DuckDB's {@code count(DISTINCT c)}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnalyzeTest {
  private static final List<String> SHOW_STATS_COLUMNS =
      List.of(
          "column_name",
          "data_size",
          "distinct_values_count",
          "nulls_fraction",
          "row_count",
          "low_value",
          "high_value");

  @TempDir static Path temp;
  private TarnNode node;
  private Path lake;
  private DuckDbOracle duckDb;

  @BeforeAll
  void start() throws Exception {
    try (RootAllocator allocator = new RootAllocator()) {
      lake = LakeFixture.write(temp.resolve("lake"), allocator).root().toAbsolutePath();
    }
    node = TarnNode.start(NodeSettings.singleNode().dataDir(temp.resolve("node")).httpPort(0));
    duckDb = new DuckDbOracle();
    String sales =
        " (id bigint, customer_id int, product string, quantity int, price double,"
            + " amount decimal(10,2), sale_date date, sold_at timestamp, returned boolean)"
            + " PARTITIONED BY (region string) ";
    create(
        "sales_parquet",
        "CREATE EXTERNAL TABLE sales_parquet"
            + sales
            + "STORED AS PARQUET LOCATION '"
            + lake.resolve("sales_parquet")
            + "'");
    ok("MSCK REPAIR TABLE sales_parquet");
    create(
        "sales_csv",
        "CREATE EXTERNAL TABLE sales_csv"
            + sales
            + "ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' STORED AS TEXTFILE LOCATION '"
            + lake.resolve("sales_csv")
            + "' TBLPROPERTIES ('skip.header.line.count'='1')");
    ok("MSCK REPAIR TABLE sales_csv");
    create(
        "customers",
        "CREATE EXTERNAL TABLE customers (customer_id int, name string, segment string,"
            + " credit decimal(12,2)) STORED AS PARQUET LOCATION '"
            + lake.resolve("customers")
            + "'");
  }

  @AfterAll
  void stop() throws Exception {
    if (duckDb != null) {
      duckDb.close();
    }
    if (node != null) {
      node.close();
      assertThat(node.leakReport()).as("Arrow memory leaked").isNull();
    }
  }

  private void create(String table, String sql) throws Exception {
    ok(sql);
    duckDb.register(snapshot(table).table());
  }

  private TableSnapshot snapshot(String table) throws Exception {
    return node.catalog().getTable("default", table).toCompletableFuture().get(1, TimeUnit.MINUTES);
  }

  private QueryResults run(String sql) throws Exception {
    return node.gateway().execute(sql, "default").toCompletableFuture().get(2, TimeUnit.MINUTES);
  }

  private QueryResults ok(String sql) throws Exception {
    QueryResults result = run(sql);
    assertThat(result.error()).as(sql).isNull();
    return result;
  }

  @Test
  void partitionedParquetTableMatchesDuckDb() throws Exception {
    analyzeAndCompare("sales_parquet");
  }

  @Test
  void partitionedCsvTableMatchesDuckDb() throws Exception {
    analyzeAndCompare("sales_csv");
  }

  @Test
  void beforeAnalyzeEveryFigureIsNull() throws Exception {
    ok(
        "CREATE EXTERNAL TABLE customers_copy (customer_id int, name string, segment string,"
            + " credit decimal(12,2)) STORED AS PARQUET LOCATION '"
            + lake.resolve("customers")
            + "'");
    QueryResults stats = ok("SHOW STATS FOR customers_copy");
    assertThat(stats.columns()).extracting(Column::name).isEqualTo(SHOW_STATS_COLUMNS);
    assertThat(stats.rows())
        .containsExactly(
            Arrays.asList("customer_id", null, null, null, null, null, null),
            Arrays.asList("name", null, null, null, null, null, null),
            Arrays.asList("segment", null, null, null, null, null, null),
            Arrays.asList("credit", null, null, null, null, null, null),
            Arrays.asList(null, null, null, null, null, null, null));
  }

  @Test
  void emptyTableHasZeroRowsAndNoRanges() throws Exception {
    Path dir = Files.createDirectories(temp.resolve("empty"));
    ok("CREATE EXTERNAL TABLE empty (a int, b string) STORED AS PARQUET LOCATION '" + dir + "'");
    assertThat(ok("ANALYZE empty").rows()).containsExactly(List.of(0L));
    assertThat(ok("SHOW STATS FOR empty").rows())
        .containsExactly(
            Arrays.asList("a", null, 0.0, 0.0, null, null, null),
            Arrays.asList("b", null, 0.0, 0.0, null, null, null),
            Arrays.asList(null, null, null, null, 0.0, null, null));
  }

  @Test
  void varbinaryAndRealColumns() throws Exception {
    Path dir = Files.createDirectories(temp.resolve("bytes"));
    List<Column> columns =
        List.of(new Column("blob", SqlType.VARBINARY), new Column("ratio", SqlType.REAL));
    List<List<Object>> rows =
        List.of(
            Arrays.asList(new byte[] {1, 2}, 1.5),
            Arrays.asList(new byte[] {3}, null),
            Arrays.asList(null, 0.25),
            Arrays.asList(new byte[] {1, 2}, 1.5));
    try (RootAllocator allocator = new RootAllocator();
        ParquetBatchWriter writer = new ParquetBatchWriter(dir.resolve("b.parquet"), columns);
        Batch batch = BatchRows.fromRows(columns, rows, allocator)) {
      writer.write(batch);
    }
    ok(
        "CREATE EXTERNAL TABLE bytes (blob varbinary, ratio real) STORED AS PARQUET LOCATION '"
            + dir
            + "'");
    assertThat(ok("ANALYZE bytes").rows()).containsExactly(List.of(4L));
    // No readable literal for bytes, so no range; a real prints with a float's digits.
    assertThat(ok("SHOW STATS FOR bytes").rows())
        .containsExactly(
            Arrays.asList("blob", null, 2.0, 0.25, null, null, null),
            Arrays.asList("ratio", null, 2.0, 0.25, null, "0.25", "1.5"),
            Arrays.asList(null, null, null, null, 4.0, null, null));
  }

  @Test
  void unknownTableIsNamedWithSuggestions() throws Exception {
    QueryResults analyze = run("ANALYZE sales_parqet");
    assertThat(analyze.error().code()).isEqualTo(ErrorCode.TABLE_NOT_FOUND);
    assertThat(analyze.error().message())
        .contains("Table 'tarn.default.sales_parqet' does not exist")
        .contains("sales_parquet");
    assertThat(analyze.error().line()).isEqualTo(1);
    assertThat(analyze.error().column()).isEqualTo(9);

    QueryResults show = run("SHOW STATS FOR\n  custmers");
    assertThat(show.error().code()).isEqualTo(ErrorCode.TABLE_NOT_FOUND);
    assertThat(show.error().message()).contains("customers");
    assertThat(show.error().line()).isEqualTo(2);
    assertThat(show.error().column()).isEqualTo(3);

    QueryResults noSchema = run("ANALYZE nolake.sales");
    assertThat(noSchema.error().message()).contains("Schema 'tarn.nolake' does not exist");
  }

  @Test
  void corruptFileFailsAnalyzeAndKeepsTheOldStatistics() throws Exception {
    Path dir = Files.createDirectories(temp.resolve("customers_breaking"));
    Files.copy(
        lake.resolve("customers").resolve("customers.parquet"), dir.resolve("customers.parquet"));
    ok(
        "CREATE EXTERNAL TABLE customers_breaking (customer_id int, name string, segment string,"
            + " credit decimal(12,2)) STORED AS PARQUET LOCATION '"
            + dir
            + "'");
    QueryResults analyzed = ok("ANALYZE customers_breaking");
    long rows = (Long) analyzed.rows().get(0).get(0);
    List<List<Object>> before = ok("SHOW STATS FOR customers_breaking").rows();
    assertThat(before.get(before.size() - 1).get(4)).isEqualTo((double) rows);

    Files.writeString(
        dir.resolve("broken.parquet"), "this is not a parquet file at all", StandardCharsets.UTF_8);
    QueryResults failed = run("ANALYZE customers_breaking");
    assertThat(failed.error()).isNotNull();
    assertThat(failed.error().code()).isEqualTo(ErrorCode.BAD_DATA);
    assertThat(failed.error().message()).contains("broken.parquet");
    assertThat(ok("SHOW STATS FOR customers_breaking").rows()).isEqualTo(before);
  }

  @Test
  void clientsSeeTheUpdateCount() throws Exception {
    long customers =
        ((Number) duckDb.query("SELECT count(*) FROM customers", "default").get(0).get(0))
            .longValue();
    String url = "jdbc:trino://127.0.0.1:" + node.httpPort() + "/tarn/default";
    try (Connection connection = DriverManager.getConnection(url, "tester", null);
        java.sql.Statement statement = connection.createStatement()) {
      assertThat(statement.executeUpdate("ANALYZE customers")).isEqualTo(customers);
      try (ResultSet rs = statement.executeQuery("SHOW STATS FOR customers")) {
        assertThat(rs.getMetaData().getColumnName(3)).isEqualTo("distinct_values_count");
        int rows = 0;
        while (rs.next()) {
          rows++;
          if (rs.getString(1) == null) {
            assertThat(rs.getDouble(5)).isEqualTo((double) customers);
          }
        }
        assertThat(rows).isEqualTo(LakeFixture.CUSTOMERS.size() + 1);
      }
    }

    CommandLine tarn = TarnCommand.commandLine();
    StringWriter out = new StringWriter();
    tarn.setOut(new PrintWriter(out, true));
    tarn.setErr(new PrintWriter(new StringWriter(), true));
    int code =
        tarn.execute(
            "sql",
            "--server",
            node.httpAddress(),
            "--user",
            "cli",
            "-e",
            "ANALYZE customers; SHOW STATS FOR customers");
    assertThat(code).isEqualTo(0);
    List<String> lines = out.toString().lines().toList();
    assertThat(lines.get(0)).isEqualTo("ANALYZE: " + customers + " rows");
    assertThat(out.toString())
        .contains("column_name")
        .contains("distinct_values_count")
        .contains("(" + (LakeFixture.CUSTOMERS.size() + 1) + " rows)");
  }

  /**
   * ANALYZEs {@code table}, then checks every SHOW STATS row against DuckDB's exact aggregate of
   * the same column over the same files.
   */
  private void analyzeAndCompare(String table) throws Exception {
    QueryResults analyzed = ok("ANALYZE " + table);
    assertThat(analyzed.updateType()).isEqualTo("ANALYZE");
    assertThat(analyzed.columns()).extracting(Column::name).containsExactly("rows");
    long rowCount =
        ((Number) duckDb.query("SELECT count(*) FROM " + table, "default").get(0).get(0))
            .longValue();
    assertThat(analyzed.rows()).containsExactly(List.of(rowCount));
    assertThat(snapshot(table).statistics().rowCount()).isEqualTo(rowCount);

    QueryResults stats = ok("SHOW STATS FOR " + table);
    assertThat(stats.columns()).extracting(Column::name).isEqualTo(SHOW_STATS_COLUMNS);
    TableMetadata metadata = snapshot(table).table();
    List<Column> columns = new ArrayList<>(metadata.columns());
    columns.addAll(metadata.partitionColumns());
    assertThat(stats.rows()).hasSize(columns.size() + 1);
    for (int i = 0; i < columns.size(); i++) {
      compareColumn(table, columns.get(i), rowCount, stats.rows().get(i));
    }
    assertThat(stats.rows().get(columns.size()))
        .isEqualTo(Arrays.asList(null, null, null, null, (double) rowCount, null, null));
  }

  private void compareColumn(String table, Column column, long rowCount, List<Object> row)
      throws Exception {
    String c = '"' + column.name() + '"';
    SqlType.Kind kind = column.type().kind();
    String text =
        kind == SqlType.Kind.TIMESTAMP
            ? "strftime(%s, '%%Y-%%m-%%d %%H:%%M:%%S.%%f')"
            : "CAST(%s AS VARCHAR)";
    String sql =
        "SELECT count("
            + c
            + "), count(DISTINCT "
            + c
            + "), "
            + String.format(text, "min(" + c + ")")
            + ", "
            + String.format(text, "max(" + c + ")")
            + ", sum(length(CAST("
            + c
            + " AS VARCHAR))) FROM "
            + table;
    List<Object> expected = duckDb.query(sql, "default").get(0);
    long nonNull = ((Number) expected.get(0)).longValue();
    long distinct = ((Number) expected.get(1)).longValue();
    String what = table + "." + column.name() + " " + row;

    assertThat(row.get(0)).as(what).isEqualTo(column.name());
    assertThat((Double) row.get(3)).as(what).isEqualTo((double) (rowCount - nonNull) / rowCount);
    assertThat(row.get(4)).as(what).isNull();
    assertThat((Double) row.get(2))
        .as(what + " distinct count vs DuckDB's exact " + distinct)
        .isBetween(distinct * 0.95, distinct * 1.05);
    if (kind == SqlType.Kind.VARCHAR) {
      double totalLength = ((Number) expected.get(4)).doubleValue();
      assertThat((Double) row.get(1)).as(what).isCloseTo(totalLength, within(totalLength));
    } else {
      assertThat(row.get(1)).as(what).isNull();
    }
    if (kind == SqlType.Kind.BOOLEAN) {
      assertThat(row.get(5)).as(what).isNull();
      assertThat(row.get(6)).as(what).isNull();
      return;
    }
    assertSameValue(kind, (String) row.get(5), (String) expected.get(2), what + " low_value");
    assertSameValue(kind, (String) row.get(6), (String) expected.get(3), what + " high_value");
  }

  private static org.assertj.core.data.Offset<Double> within(double total) {
    return org.assertj.core.data.Offset.offset(Math.max(1e-6, total * 1e-9));
  }

  /** Numbers compare by value (DuckDB and Java print doubles differently), the rest as text. */
  private static void assertSameValue(SqlType.Kind kind, String tarn, String duck, String what) {
    switch (kind) {
      case TINYINT, SMALLINT, INTEGER, BIGINT, REAL, DOUBLE, DECIMAL ->
          assertThat(new BigDecimal(tarn).compareTo(new BigDecimal(duck)))
              .as(what + ": " + tarn + " vs DuckDB " + duck)
              .isZero();
      case DATE -> assertThat(LocalDate.parse(tarn)).as(what).isEqualTo(LocalDate.parse(duck));
      default -> assertThat(tarn).as(what).isEqualTo(duck);
    }
  }
}
