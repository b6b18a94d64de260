package dev.tarn.bench.tpch;

import dev.tarn.runtime.node.NodeSettings;
import dev.tarn.runtime.node.TarnNode;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The fixed cost of a query: runs small statements in a loop on an in-process node whose data
 * directory already has the TPC-H tables registered (database {@code tpch}), through the same
 * {@code gateway().execute} path as {@link TpchBenchmark}, and prints the median, lowest and 90th
 * percentile latency of each, and the process CPU time per run (every thread: Pekko's dispatchers,
 * the garbage collector and the JIT too; steadier than wall time on a busy machine). Statements
 * whose work is tiny ({@code select 1}, a count over the 25-row nation table) measure only what
 * every query pays: parsing, planning, starting stages and tasks, exchanges and the result's way
 * back.
 *
 * <pre>
 *   ./tarn bench latency --data-dir /tmp/node --tpch 2,11 --runs 30
 * </pre>
 *
 * The node's data directory is used as it is: copy a prepared one first, the node writes to it.
 */
@Command(
    name = "latency",
    mixinStandardHelpOptions = true,
    description = "Median latency of small queries on an in-process node (fixed per-query cost).")
public final class LatencyBenchmark implements Callable<Integer> {
  private static final com.sun.management.OperatingSystemMXBean PROCESS =
      (com.sun.management.OperatingSystemMXBean)
          java.lang.management.ManagementFactory.getOperatingSystemMXBean();

  @Option(
      names = "--data-dir",
      required = true,
      description = "A node data directory with the TPC-H tables registered in database tpch.")
  Path dataDir;

  @Option(names = "--runs", description = "Measured runs per statement (default 30).")
  int runs = 30;

  @Option(names = "--warmup", description = "Unmeasured runs per statement first (default 10).")
  int warmup = 10;

  @Option(
      names = "--tpch",
      split = ",",
      description = "TPC-H query numbers to measure after the statements (default 2,11; 0: none).")
  List<Integer> tpch = List.of(2, 11);

  @Option(names = "--queries", description = "Folder of q01.sql .. q22.sql.")
  Path queries = TpchQueries.FOLDER;

  @Option(
      names = "--sql",
      description =
          "Statements to measure, in database tpch (default: select 1, and a count of nation).")
  List<String> sql = List.of("select 1", "select count(*) from nation");

  @Override
  public Integer call() throws Exception {
    Map<String, String> statements = new LinkedHashMap<>();
    for (String statement : sql) {
      statements.put(statement, statement);
    }
    for (int q : tpch) {
      if (q == 0) {
        continue;
      }
      statements.put(String.format("Q%d", q), TpchQueries.text(queries, q));
    }
    try (TarnNode node =
        TarnNode.start(NodeSettings.singleNode().dataDir(dataDir).httpPort(0).arteryPort(0))) {
      for (Map.Entry<String, String> statement : statements.entrySet()) {
        double[] millis = new double[runs];
        long cpuStart = 0;
        for (int i = 0; i < warmup + runs; i++) {
          if (i == warmup) {
            cpuStart = PROCESS.getProcessCpuTime();
          }
          long start = System.nanoTime();
          TpchQueries.execute(node, statement.getValue(), 10);
          if (i >= warmup) {
            millis[i - warmup] = (System.nanoTime() - start) / 1e6;
          }
        }
        double cpuMillis = (PROCESS.getProcessCpuTime() - cpuStart) / 1e6 / runs;
        Arrays.sort(millis);
        System.out.printf(
            Locale.ROOT,
            "%-30.30s median %7.2f ms  min %7.2f ms  p90 %7.2f ms  process cpu %7.2f ms  (%d runs)%n",
            statement.getKey(),
            percentile(millis, 0.5),
            millis[0],
            percentile(millis, 0.9),
            cpuMillis,
            runs);
      }
    }
    return 0;
  }

  /** The value at {@code fraction} of the sorted {@code values}, the middle two averaged. */
  private static double percentile(double[] sorted, double fraction) {
    double position = fraction * (sorted.length - 1);
    int low = (int) Math.floor(position);
    int high = (int) Math.ceil(position);
    return (sorted[low] + sorted[high]) / 2;
  }
}
