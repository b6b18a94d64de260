package dev.tarn.bench.tpch;

import dev.tarn.actors.query.QueryResults;
import dev.tarn.runtime.node.TarnNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** The 22 TPC-H query texts the benchmarks run, and how they run one on an in-process node. */
public final class TpchQueries {
  /** Where the query texts live, {@code q01.sql} to {@code q22.sql}, relative to the checkout. */
  public static final Path FOLDER = Path.of("planner", "src", "test", "resources", "tpch");

  private TpchQueries() {}

  /** The text of query {@code number} in {@code folder}, without its closing semicolon. */
  public static String text(Path folder, int number) throws IOException {
    String sql =
        Files.readString(folder.resolve(String.format(Locale.ROOT, "q%02d.sql", number))).trim();
    return sql.endsWith(";") ? sql.substring(0, sql.length() - 1) : sql;
  }

  /**
   * Runs {@code sql} in database {@code tpch} through the gateway a user's query takes.
   *
   * @throws IllegalStateException naming the statement when the query failed
   */
  public static QueryResults execute(TarnNode node, String sql, long timeoutMinutes)
      throws Exception {
    QueryResults result =
        node.gateway()
            .execute(sql, "tpch")
            .toCompletableFuture()
            .get(timeoutMinutes, TimeUnit.MINUTES);
    if (result.error() != null) {
      throw new IllegalStateException(sql + ": " + result.error().message());
    }
    return result;
  }
}
