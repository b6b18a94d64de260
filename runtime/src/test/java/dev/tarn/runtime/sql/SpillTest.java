package dev.tarn.runtime.sql;

import dev.tarn.testing.DuckDbOracle;
import dev.tarn.testing.ResultComparison;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tarn.actors.query.QueryResults;
import dev.tarn.runtime.demo.TpchData;
import dev.tarn.runtime.node.NodeSettings;
import dev.tarn.runtime.node.TarnNode;
import io.trino.tpch.TpchTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under a memory limit too small to hold its input, a sort spills sorted runs to disk and merges
 * them: the same rows as DuckDB, in the same order, with spill reported by EXPLAIN ANALYZE and
 * no spill files left behind.
 */
class SpillTest {
  @TempDir Path temp;

  @Test
  void sortOverTheLimitSpillsAndReturnsTheSameRows() throws Exception {
    Path data = Path.of("target", "tpch-sf" + TpchQueriesTest.SCALE).toAbsolutePath();
    try (RootAllocator allocator = new RootAllocator()) {
      TpchData.write(data, TpchQueriesTest.SCALE, 2, allocator);
    }
    Path nodeDir = temp.resolve("node");
    TarnNode node =
        TarnNode.start(
            NodeSettings.singleNode()
                .dataDir(nodeDir)
                .httpPort(0)
                .set("tarn.query.max-memory-per-node", "4m"));
    try (DuckDbOracle oracle = new DuckDbOracle()) {
      run(node, "CREATE DATABASE tpch");
      run(node, TpchData.createTableSql("tpch", TpchTable.ORDERS, data));
      oracle.register(node.catalog().getTable("tpch", "orders").toCompletableFuture().get(30, TimeUnit.SECONDS).table());

      String sql = "SELECT o_orderkey, o_totalprice FROM orders ORDER BY o_totalprice DESC, o_orderkey";
      QueryResults tarn = run(node, sql);
      List<List<Object>> duck = oracle.query(sql, "tpch");
      assertThat(ResultComparison.difference(tarn.rows(), duck, true)).isNull();

      String analyzed = (String) run(node, "EXPLAIN ANALYZE " + sql).rows().get(0).get(0);
      assertThat(analyzed).containsPattern("Sort: .*spillBytes=[1-9]");
    } finally {
      node.close();
    }
    assertThat(node.leakReport()).isNull();
    try (var left = Files.walk(nodeDir.resolve("spill"))) {
      assertThat(left.filter(Files::isRegularFile)).as("spill files left behind").isEmpty();
    } catch (java.nio.file.NoSuchFileException noSpillFolder) {
      // nothing left: fine
    }
  }

  private static QueryResults run(TarnNode node, String sql) throws Exception {
    QueryResults result = node.gateway().execute(sql, "tpch").toCompletableFuture().get(5, TimeUnit.MINUTES);
    assertThat(result.error()).as(sql).isNull();
    return result;
  }
}
