package dev.tarn.runtime.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.tarn.actors.query.QueryResults;
import dev.tarn.runtime.node.NodeSettings;
import dev.tarn.runtime.node.TarnNode;
import dev.tarn.testing.DuckDbOracle;
import dev.tarn.testing.ResultComparison;
import io.trino.tpch.TpchTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The 22 TPC-H queries at scale factor 0.1 (io.trino.tpch's dbgen, written as Parquet), each
 * compared with DuckDB running the same SQL over the same files: decimals exactly, doubles to a
 * relative 1e-9, an exact decimal against DuckDB's double by rounding to the decimal's scale. The
 * data set is generated once into {@code target/tpch-sf0.1} and reused by later runs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TpchQueriesTest {
  @TempDir static Path temp;
  private TarnNode node;
  private DuckDbOracle oracle;

  @BeforeAll
  void start() throws Exception {
    node = TpchLake.start(temp.resolve("node"), NodeSettings.singleNode());
    oracle = new DuckDbOracle();
    TpchLake.register(node, oracle, TpchTable.getTables());
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

  @TestFactory
  Stream<DynamicTest> tpchQueries() {
    List<DynamicTest> tests = new ArrayList<>();
    for (int q = 1; q <= 22; q++) {
      int query = q;
      tests.add(
          DynamicTest.dynamicTest(
              "TPC-H Q" + q,
              () -> {
                String sql = TpchLake.query(query);
                QueryResults tarn = TpchLake.run(node, sql);
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
