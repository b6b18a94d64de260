package dev.tarn.runtime.sql;

import dev.tarn.testing.DuckDbOracle;
import dev.tarn.testing.ResultComparison;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.tarn.actors.query.QueryResults;
import dev.tarn.runtime.demo.TpchData;
import dev.tarn.runtime.node.NodeSettings;
import dev.tarn.runtime.node.TarnNode;
import io.trino.tpch.TpchTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The 22 TPC-H queries at scale factor 0.1 (io.trino.tpch's dbgen, written as Parquet), each
 * compared with DuckDB running the same SQL over the same files: decimals exactly, doubles to a
 * relative 1e-9, an exact decimal against DuckDB's double by rounding to the decimal's scale.
 * The data set is generated once into {@code target/tpch-sf0.1} and reused by later runs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TpchQueriesTest {
  static final double SCALE = 0.1;
  static final Path QUERIES = Path.of("../planner/src/test/resources/tpch");

  @TempDir static Path temp;
  private TarnNode node;
  private DuckDbOracle oracle;

  @BeforeAll
  void start() throws Exception {
    Path data = Path.of("target", "tpch-sf" + SCALE).toAbsolutePath();
    try (RootAllocator allocator = new RootAllocator()) {
      TpchData.write(data, SCALE, 2, allocator);
    }
    node = TarnNode.start(NodeSettings.singleNode().dataDir(temp.resolve("node")).httpPort(0));
    oracle = new DuckDbOracle();
    run("CREATE DATABASE tpch");
    for (TpchTable<?> table : TpchTable.getTables()) {
      run(TpchData.createTableSql("tpch", table, data));
      oracle.register(
          node.catalog().getTable("tpch", table.getTableName()).toCompletableFuture().get(30, TimeUnit.SECONDS).table());
    }
  }

  @AfterAll
  void stop() throws Exception {
    if (oracle != null) {
      oracle.close();
    }
    if (node != null) {
      node.close();
      assertThat(node.leakReport()).as("Arrow memory leaked").isNull();
    }
  }

  private QueryResults run(String sql) throws Exception {
    QueryResults result = node.gateway().execute(sql, "tpch").toCompletableFuture().get(5, TimeUnit.MINUTES);
    if (result.error() != null) {
      fail(result.error().message());
    }
    return result;
  }

  @TestFactory
  Stream<DynamicTest> tpchQueries() {
    List<DynamicTest> tests = new ArrayList<>();
    for (int q = 1; q <= 22; q++) {
      Path file = QUERIES.resolve(String.format("q%02d.sql", q));
      tests.add(
          DynamicTest.dynamicTest(
              "TPC-H Q" + q,
              () -> {
                assertThat(file).exists();
                String sql = Files.readString(file).trim();
                if (sql.endsWith(";")) {
                  sql = sql.substring(0, sql.length() - 1);
                }
                QueryResults tarn = run(sql);
                List<List<Object>> duck = oracle.query(sql, "tpch");
                assertThat(tarn.rows()).as("a TPC-H query returns rows at SF 0.1").isNotEmpty();
                String difference = ResultComparison.difference(tarn.rows(), duck, true);
                if (difference != null) {
                  fail(difference);
                }
              }));
    }
    return tests.stream();
  }
}
