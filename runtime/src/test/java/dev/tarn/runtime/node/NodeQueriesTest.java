package dev.tarn.runtime.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tarn.actors.query.QueryResults;
import dev.tarn.core.error.ErrorCode;
import dev.tarn.runtime.sql.LakeFixture;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.RootAllocator;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One in-process node over the test lake: partition pruning seen in scan statistics, bad data files
 * reported with file and row while the node keeps serving, and the real Trino JDBC driver.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeQueriesTest {
  @TempDir static Path temp;
  private TarnNode node;
  private Path lake;

  @BeforeAll
  void start() throws Exception {
    try (RootAllocator allocator = new RootAllocator()) {
      lake = LakeFixture.write(temp.resolve("lake"), allocator).root().toAbsolutePath();
    }
    node = TarnNode.start(NodeSettings.singleNode().dataDir(temp.resolve("node")).httpPort(0));
    ok(
        "CREATE EXTERNAL TABLE sales (id bigint, customer_id int, product string, quantity int,"
            + " price double, amount decimal(10,2), sale_date date, sold_at timestamp, returned boolean)"
            + " PARTITIONED BY (region string) STORED AS PARQUET LOCATION '"
            + lake.resolve("sales_parquet")
            + "'");
    ok("MSCK REPAIR TABLE sales");
  }

  @AfterAll
  void stop() {
    if (node != null) {
      node.close();
      assertThat(node.leakReport()).as("Arrow memory leaked").isNull();
    }
  }

  private QueryResults run(String sql) throws Exception {
    return node.gateway().execute(sql, "default").toCompletableFuture().get(1, TimeUnit.MINUTES);
  }

  private QueryResults ok(String sql) throws Exception {
    QueryResults result = run(sql);
    assertThat(result.error()).as(sql).isNull();
    return result;
  }

  @Test
  void partitionPredicateOpensOnlyMatchingFiles() throws Exception {
    QueryResults all = ok("SELECT count(*) FROM sales");
    QueryResults east = ok("SELECT count(*) FROM sales WHERE region = 'east'");
    QueryResults two =
        ok("SELECT count(*) FROM sales WHERE region IN ('north', 'west') AND quantity > 0");

    int files = LakeFixture.REGIONS.size() * LakeFixture.FILES_PER_REGION;
    assertThat(all.stats().completedSplits()).isEqualTo(files);
    assertThat(east.stats().totalSplits()).isEqualTo(LakeFixture.FILES_PER_REGION);
    assertThat(east.stats().completedSplits()).isEqualTo(LakeFixture.FILES_PER_REGION);
    assertThat(two.stats().completedSplits()).isEqualTo(2 * LakeFixture.FILES_PER_REGION);

    // The pruned answers equal the unpruned ones: a predicate Tarn cannot prune with
    // (it mixes a data column in) scans everything and must count the same rows.
    QueryResults eastUnpruned = ok("SELECT count(*) FROM sales WHERE region = 'east' OR id < 0");
    assertThat(eastUnpruned.stats().completedSplits()).isEqualTo(files);
    assertThat(east.rows()).isEqualTo(eastUnpruned.rows());
  }

  @Test
  void csvRowWithWrongFieldCountNamesFileAndRow() throws Exception {
    Path dir = Files.createDirectories(temp.resolve("bad_csv"));
    Files.writeString(
        dir.resolve("data.csv"), "a,b\n1,x\n2,y,extra\n3,z\n", StandardCharsets.UTF_8);
    ok(
        "CREATE EXTERNAL TABLE bad_csv (a int, b string) STORED AS CSV LOCATION '"
            + dir
            + "' TBLPROPERTIES ('skip.header.line.count'='1')");
    QueryResults result = run("SELECT * FROM bad_csv");
    assertThat(result.error()).isNotNull();
    assertThat(result.error().code()).isEqualTo(ErrorCode.BAD_DATA);
    assertThat(result.error().message())
        .contains("data.csv")
        .contains("row 3")
        .contains("expected 2 fields, found 3");
    assertNodeStillServes();
  }

  @Test
  void fileThatIsNotParquetIsNamed() throws Exception {
    Path dir = Files.createDirectories(temp.resolve("not_parquet"));
    Files.writeString(
        dir.resolve("broken.parquet"), "this is not a parquet file at all", StandardCharsets.UTF_8);
    ok("CREATE EXTERNAL TABLE not_parquet (a int) STORED AS PARQUET LOCATION '" + dir + "'");
    QueryResults result = run("SELECT * FROM not_parquet");
    assertThat(result.error()).isNotNull();
    assertThat(result.error().code()).isEqualTo(ErrorCode.BAD_DATA);
    assertThat(result.error().message())
        .contains("broken.parquet")
        .containsIgnoringCase("not a Parquet file");
    assertNodeStillServes();
  }

  @Test
  void malformedJsonLineNamesFileAndLine() throws Exception {
    Path dir = Files.createDirectories(temp.resolve("bad_json"));
    Files.writeString(dir.resolve("rows.json"), "{\"a\": 1}\n{\"a\": 2\n", StandardCharsets.UTF_8);
    ok("CREATE EXTERNAL TABLE bad_json (a int) STORED AS JSON LOCATION '" + dir + "'");
    QueryResults result = run("SELECT * FROM bad_json");
    assertThat(result.error()).isNotNull();
    assertThat(result.error().message()).contains("rows.json").contains("row 2");
    assertNodeStillServes();
  }

  @Test
  void badFileUnderAJoinFailsTheQueryNamingIt() throws Exception {
    // The broken table is scanned in its own stage while the join's stage waits for its inputs:
    // the waiting stages must end with the query, which reports the file.
    Path dir = Files.createDirectories(temp.resolve("broken_build"));
    Files.writeString(
        dir.resolve("side.parquet"), "this is not a parquet file either", StandardCharsets.UTF_8);
    ok("CREATE EXTERNAL TABLE broken_build (a int) STORED AS PARQUET LOCATION '" + dir + "'");
    QueryResults result =
        run("SELECT count(*) FROM sales s JOIN broken_build b ON s.quantity = b.a");
    assertThat(result.error()).isNotNull();
    assertThat(result.error().code()).isEqualTo(ErrorCode.BAD_DATA);
    assertThat(result.error().message()).contains("side.parquet");
    assertNodeStillServes();
    assertQueryMemoryReleased();
  }

  /** Every task of the queries so far has stopped and given its Arrow memory back. */
  private void assertQueryMemoryReleased() throws InterruptedException {
    // Tasks stop a moment after their query has answered: wait for them, a bounded time.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (node.allocator().getAllocatedMemory() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(node.allocator().getAllocatedMemory()).as("Arrow bytes still held").isZero();
  }

  private void assertNodeStillServes() throws Exception {
    assertThat(ok("SELECT count(*) FROM sales WHERE region = 'south'").rows()).hasSize(1);
  }

  @Test
  void trinoJdbcDriverRunsDdlAndReadsEveryType() throws Exception {
    String url = "jdbc:trino://127.0.0.1:" + node.httpPort() + "/tarn/default";
    try (Connection connection = DriverManager.getConnection(url, "tester", null);
        java.sql.Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE IF NOT EXISTS jdbc_db");
      statement.execute(
          "CREATE EXTERNAL TABLE IF NOT EXISTS jdbc_db.sales (id bigint, customer_id int, product string,"
              + " quantity int, price double, amount decimal(10,2), sale_date date, sold_at timestamp,"
              + " returned boolean) PARTITIONED BY (region string) STORED AS PARQUET LOCATION '"
              + lake.resolve("sales_parquet")
              + "'");
      statement.execute("MSCK REPAIR TABLE jdbc_db.sales");
      try (ResultSet rs =
          statement.executeQuery(
              "SELECT id, customer_id, product, price, amount, sale_date, sold_at, returned, region"
                  + " FROM jdbc_db.sales WHERE id = 1")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong("id")).isEqualTo(1L);
        rs.getInt("customer_id");
        assertThat(rs.getString("region")).isEqualTo("east");
        BigDecimal amount = rs.getBigDecimal("amount");
        assertThat(amount.scale()).isEqualTo(2);
        LocalDate date = rs.getObject("sale_date", LocalDate.class);
        if (date != null) {
          assertThat(date).isAfterOrEqualTo(LocalDate.of(2024, 1, 1));
        }
        assertThat(rs.getTimestamp("sold_at")).isNotNull();
        rs.getBoolean("returned");
        assertThat(rs.getMetaData().getColumnTypeName(5)).isEqualTo("decimal(10,2)");
        assertThat(rs.next()).isFalse();
      }
      try (ResultSet rs =
          statement.executeQuery(
              "SELECT region, count(*) FROM jdbc_db.sales GROUP BY region ORDER BY region")) {
        int regions = 0;
        while (rs.next()) {
          assertThat(rs.getString(1)).isEqualTo(LakeFixture.REGIONS.get(regions));
          assertThat(rs.getLong(2)).isPositive();
          regions++;
        }
        assertThat(regions).isEqualTo(LakeFixture.REGIONS.size());
      }
      // The client learns the columns from the first page: EXPLAIN ANALYZE of a two-column query
      // must announce its one "Query Plan" column from the start.
      try (ResultSet rs =
          statement.executeQuery(
              "EXPLAIN ANALYZE SELECT region, count(*) FROM jdbc_db.sales GROUP BY region")) {
        assertThat(rs.getMetaData().getColumnCount()).isEqualTo(1);
        assertThat(rs.getMetaData().getColumnName(1)).isEqualTo("Query Plan");
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).contains("HashAggregate");
        assertThat(rs.next()).isFalse();
      }
      SQLException error =
          Assertions.catchThrowableOfType(
              () -> statement.executeQuery("SELECT nope FROM jdbc_db.sales"), SQLException.class);
      assertThat(error.getMessage()).contains("Column 'nope' cannot be resolved");
      assertThat(error.getMessage()).contains("line 1:8");
    }
  }

  @Test
  void explainAnalyzeReportsOperatorsAndRowCounts() throws Exception {
    long rows = (Long) ok("SELECT count(*) FROM sales").rows().get(0).get(0);
    long east = (Long) ok("SELECT count(*) FROM sales WHERE region = 'east'").rows().get(0).get(0);
    String text =
        (String)
            ok("EXPLAIN ANALYZE SELECT region, count(*) FROM sales GROUP BY region")
                .rows()
                .get(0)
                .get(0);
    assertThat(text).contains("planning").contains("4 result rows");
    assertThat(text).containsPattern("wallMillis=[0-9.]+, cpuMillis=[0-9.]+");
    assertThat(text).containsPattern("Stage 0 \\[SINGLE, 1 tasks\\] output=RESULT");
    // Every row is scanned once and aggregated partially; the final step emits one row per region.
    assertThat(text).contains("Scan: rowsIn=0, rowsOut=" + rows + ",");
    assertThat(text).containsPattern("HashAggregate\\(PARTIAL\\): rowsIn=" + rows + ",");
    assertThat(text).containsPattern("HashAggregate\\(FINAL\\): rowsIn=\\d+, rowsOut=4,");
    assertThat(text)
        .contains("filesOpened=" + LakeFixture.REGIONS.size() * LakeFixture.FILES_PER_REGION);

    String pruned =
        (String)
            ok("EXPLAIN ANALYZE SELECT count(*) FROM sales WHERE region = 'east'")
                .rows()
                .get(0)
                .get(0);
    assertThat(pruned).contains("Scan: rowsIn=0, rowsOut=" + east + ",");
    assertThat(pruned).contains("filesOpened=" + LakeFixture.FILES_PER_REGION + ",");
  }

  /**
   * A LIMIT over a plain scan is pushed into it: each task's scan reads at most 10 rows (the final
   * LIMIT stays), where it used to read whole batches of its files.
   */
  @Test
  void limitOverAScanReadsOnlyTheRowsItNeeds() throws Exception {
    QueryResults limited = ok("SELECT id, product FROM sales LIMIT 10");
    assertThat(limited.rows()).hasSize(10);
    String plan = (String) ok("EXPLAIN SELECT * FROM sales LIMIT 10").rows().get(0).get(0);
    assertThat(plan).contains("limit=10");
    String text = (String) ok("EXPLAIN ANALYZE SELECT * FROM sales LIMIT 10").rows().get(0).get(0);
    java.util.regex.Matcher scan =
        java.util.regex.Pattern.compile("Scan: rowsIn=0, rowsOut=(\\d+),").matcher(text);
    assertThat(scan.find()).as(text).isTrue();
    // At most 10 rows per task (without the pushdown each task read a whole file's batch).
    assertThat(Long.parseLong(scan.group(1))).as(text).isLessThanOrEqualTo(10L * 8);
    String plain =
        (String) ok("EXPLAIN SELECT * FROM sales WHERE quantity > 3 LIMIT 10").rows().get(0).get(0);
    assertThat(plain).doesNotContain("limit=");
  }
}
