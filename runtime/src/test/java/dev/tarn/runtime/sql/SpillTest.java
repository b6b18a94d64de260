package dev.tarn.runtime.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tarn.actors.query.QueryResults;
import dev.tarn.runtime.node.NodeSettings;
import dev.tarn.runtime.node.TarnNode;
import dev.tarn.testing.DuckDbOracle;
import dev.tarn.testing.ResultComparison;
import io.trino.tpch.TpchTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spilling changes nothing but memory: TPC-H Q1, Q3, Q9, Q13, Q18 and Q21 (SF 0.1) on a node whose
 * operators spill past a few kilobytes return DuckDB's rows, while EXPLAIN ANALYZE shows that the
 * hash joins, the hash aggregations and the sorts among them did spill; no spill file outlives its
 * query. A plain sort too big for its share of a small memory limit spills the same way.
 */
class SpillTest {
  static final int[] QUERIES = {1, 3, 9, 13, 18, 21};
  @TempDir Path temp;

  @Test
  void tpchQueriesReturnTheSameRowsWhileSpillingInJoinAggregationAndSort() throws Exception {
    Path nodeDir = temp.resolve("node");
    TarnNode node =
        TpchLake.start(nodeDir, NodeSettings.singleNode().set("tarn.query.spill-threshold", "4k"));
    List<String> spilled = new ArrayList<>();
    try (DuckDbOracle oracle = new DuckDbOracle()) {
      TpchLake.register(node, oracle, TpchTable.getTables());
      for (int q : QUERIES) {
        String sql = TpchLake.query(q);
        QueryResults tarn = TpchLake.run(node, sql);
        assertThat(ResultComparison.difference(tarn.rows(), oracle.query(sql, "tpch"), true))
            .as("Q" + q)
            .isNull();
        String analyzed =
            (String) TpchLake.run(node, "EXPLAIN ANALYZE " + sql).rows().get(0).get(0);
        for (String line : analyzed.split("\n")) {
          if (Pattern.compile("spillBytes=[1-9]").matcher(line).find()) {
            spilled.add("Q" + q + " " + line.trim());
          }
        }
      }
    } finally {
      node.close();
    }
    assertThat(node.leakReport()).isNull();
    assertThat(spilled).anyMatch(line -> line.contains("HashJoin"));
    assertThat(spilled).anyMatch(line -> line.contains("HashAggregate"));
    assertThat(spilled).anyMatch(line -> line.contains("Sort"));
    assertNoSpillFilesLeft(nodeDir);
  }

  @Test
  void sortOverItsShareOfTheMemoryLimitSpills() throws Exception {
    Path nodeDir = temp.resolve("small");
    TarnNode node =
        TpchLake.start(
            nodeDir, NodeSettings.singleNode().set("tarn.query.max-memory-per-node", "4m"));
    try (DuckDbOracle oracle = new DuckDbOracle()) {
      TpchLake.register(node, oracle, List.of(TpchTable.ORDERS));
      String sql =
          "SELECT o_orderkey, o_totalprice FROM orders ORDER BY o_totalprice DESC, o_orderkey";
      QueryResults tarn = TpchLake.run(node, sql);
      assertThat(ResultComparison.difference(tarn.rows(), oracle.query(sql, "tpch"), true))
          .isNull();
      String analyzed = (String) TpchLake.run(node, "EXPLAIN ANALYZE " + sql).rows().get(0).get(0);
      assertThat(analyzed).containsPattern("Sort: .*spillBytes=[1-9]");
    } finally {
      node.close();
    }
    assertThat(node.leakReport()).isNull();
    assertNoSpillFilesLeft(nodeDir);
  }

  private static void assertNoSpillFilesLeft(Path nodeDir) throws Exception {
    Path spill = nodeDir.resolve("spill");
    if (Files.exists(spill)) {
      try (var left = Files.walk(spill)) {
        assertThat(left.filter(Files::isRegularFile)).as("spill files left behind").isEmpty();
      }
    }
  }
}
