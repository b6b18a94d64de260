package dev.tarn.runtime.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tarn.actors.query.QueryResults;
import dev.tarn.core.error.ErrorCode;
import dev.tarn.runtime.sql.LakeFixture;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A query over the per-node memory limit fails with a clear error naming the limit, releases all it
 * held, and the node serves the next query.
 */
class MemoryLimitTest {
  @TempDir Path temp;

  @Test
  void queryOverTheLimitFailsClearlyAndTheNodeServesTheNext() throws Exception {
    Path lake;
    try (RootAllocator allocator = new RootAllocator()) {
      lake = LakeFixture.write(temp.resolve("lake"), allocator).root().toAbsolutePath();
    }
    TarnNode node =
        TarnNode.start(
            NodeSettings.singleNode()
                .dataDir(temp.resolve("node"))
                .httpPort(0)
                .set("tarn.query.max-memory-per-node", "512k"));
    try {
      run(
          node,
          "CREATE EXTERNAL TABLE sales (id bigint, product string) PARTITIONED BY (region string)"
              + " STORED AS PARQUET LOCATION '"
              + lake.resolve("sales_parquet")
              + "'");
      run(node, "MSCK REPAIR TABLE sales");
      QueryResults small = run(node, "SELECT count(*) FROM sales WHERE region = 'east'");
      assertThat(small.error()).isNull();

      // Every pair of sales in the same region, sorted: far more than 512 kB held by the sort.
      QueryResults big =
          run(
              node,
              "SELECT a.id, b.id, a.product FROM sales a JOIN sales b ON a.region = b.region ORDER BY 1, 2");
      assertThat(big.error()).isNotNull();
      assertThat(big.error().code()).isEqualTo(ErrorCode.EXCEEDED_MEMORY_LIMIT);
      assertThat(big.error().message()).isEqualTo("Query exceeded per-node memory limit of 512kB");

      QueryResults next = run(node, "SELECT count(*) FROM sales WHERE region = 'east'");
      assertThat(next.error()).isNull();
      assertThat(next.rows()).isEqualTo(small.rows());
    } finally {
      node.close();
    }
    assertThat(node.leakReport()).as("Arrow memory leaked").isNull();
  }

  private static QueryResults run(TarnNode node, String sql) throws Exception {
    return node.gateway().execute(sql, "default").toCompletableFuture().get(2, TimeUnit.MINUTES);
  }
}
