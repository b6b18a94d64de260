package dev.tarn.runtime.sql;

import dev.tarn.actors.query.QueryResults;
import dev.tarn.runtime.demo.TpchData;
import dev.tarn.runtime.node.NodeSettings;
import dev.tarn.runtime.node.TarnNode;
import dev.tarn.testing.DuckDbOracle;
import io.trino.tpch.TpchTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.RootAllocator;

/**
 * TPC-H at scale factor 0.1 for end-to-end tests: generated once into {@code target/tpch-sf0.1}
 * (io.trino.tpch's dbgen, as Parquet), registered as database {@code tpch} on a node and as DuckDB
 * views over the same files; the 22 query texts are the planner's test resources.
 */
final class TpchLake {
  static final double SCALE = 0.1;
  static final Path QUERIES = Path.of("../planner/src/test/resources/tpch");

  private TpchLake() {}

  /** Writes the data if missing and registers every table on the node and the oracle. */
  static void register(TarnNode node, DuckDbOracle oracle, List<TpchTable<?>> tables)
      throws Exception {
    Path data = Path.of("target", "tpch-sf" + SCALE).toAbsolutePath();
    try (RootAllocator allocator = new RootAllocator()) {
      TpchData.write(data, SCALE, 2, allocator);
    }
    run(node, "CREATE DATABASE IF NOT EXISTS tpch");
    for (TpchTable<?> table : tables) {
      run(node, TpchData.createTableSql("tpch", table, data));
      oracle.register(
          node.catalog()
              .getTable("tpch", table.getTableName())
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS)
              .table());
    }
  }

  /** The text of TPC-H query {@code q}, without a trailing semicolon. */
  static String query(int q) throws IOException {
    String sql = Files.readString(QUERIES.resolve(String.format("q%02d.sql", q))).trim();
    return sql.endsWith(";") ? sql.substring(0, sql.length() - 1) : sql;
  }

  static TarnNode start(Path dir, NodeSettings settings) {
    return TarnNode.start(settings.dataDir(dir).httpPort(0));
  }

  /** Runs a statement in database tpch; fails on an error. */
  static QueryResults run(TarnNode node, String sql) throws Exception {
    QueryResults result =
        node.gateway().execute(sql, "tpch").toCompletableFuture().get(5, TimeUnit.MINUTES);
    if (result.error() != null) {
      throw new AssertionError(result.error().message() + "\n" + sql);
    }
    return result;
  }
}
