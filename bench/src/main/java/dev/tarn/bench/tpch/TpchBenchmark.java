package dev.tarn.bench.tpch;

import dev.tarn.actors.query.QueryResults;
import dev.tarn.bench.report.RunFacts;
import dev.tarn.core.meta.TableSnapshot;
import dev.tarn.runtime.demo.TpchData;
import dev.tarn.runtime.node.NodeSettings;
import dev.tarn.runtime.node.TarnNode;
import dev.tarn.testing.DuckDbOracle;
import dev.tarn.testing.ResultComparison;
import io.trino.tpch.TpchTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * TPC-H on Tarn and DuckDB, side by side, in one run: the same Parquet files, the same SQL,
 * alternating runs, medians, the Tarn/DuckDB ratio per query and their geometric mean, Tarn's peak
 * heap and Arrow memory, and a check that Tarn's answer equals DuckDB's. The report goes to {@code
 * docs/PERFORMANCE.md}.
 *
 * <p>Tarn runs in-process through the query gateway: the actor path every statement takes (parse,
 * plan, stages, tasks, exchanges through StreamRefs, result pages), without the HTTP hop. DuckDB
 * runs in-process through JDBC over views on the same files.
 */
@Command(
    name = "tpch",
    mixinStandardHelpOptions = true,
    description =
        "TPC-H on Tarn and DuckDB over the same Parquet files; writes docs/PERFORMANCE.md.")
public final class TpchBenchmark implements Callable<Integer> {
  @Option(names = "--sf", description = "Scale factor (default 1).")
  double scale = 1;

  @Option(names = "--runs", description = "Measured runs per query and engine (default 5).")
  int runs = 5;

  @Option(names = "--warmup", description = "Unmeasured runs first (default 1).")
  int warmup = 1;

  @Option(names = "--queries", description = "Folder of q01.sql .. q22.sql.")
  Path queries = TpchQueries.FOLDER;

  @Option(names = "--only", split = ",", description = "Query numbers to run (default all 22).")
  List<Integer> only;

  @Option(names = "--data", description = "Cache folder for generated data (default bench-data).")
  Path data = Path.of("bench-data");

  @Option(names = "--out", description = "Report file (default docs/PERFORMANCE.md).")
  Path out = Path.of("docs/PERFORMANCE.md");

  /** One query's outcome. */
  record Outcome(int query, double tarnMillis, double duckMillis, String check) {
    boolean measured() {
      return tarnMillis > 0 && duckMillis > 0;
    }

    double ratio() {
      return tarnMillis / duckMillis;
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new TpchBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Path tables = data.resolve("tpch-sf" + format(scale)).toAbsolutePath();
    int files = Math.max(2, 2 * Runtime.getRuntime().availableProcessors());
    long generationStart = System.nanoTime();
    try (RootAllocator allocator = new RootAllocator()) {
      TpchData.write(tables, scale, files, allocator);
    }
    System.out.printf(
        "TPC-H SF %s data in %s (%.0f s to generate or find)%n",
        format(scale), tables, (System.nanoTime() - generationStart) / 1e9);
    Path nodeDir = Files.createTempDirectory("tarn-bench-node");
    TarnNode node = TarnNode.start(NodeSettings.singleNode().dataDir(nodeDir).httpPort(0));
    HeapSampler heap = new HeapSampler();
    List<Outcome> outcomes = new ArrayList<>();
    try (DuckDbOracle duck = new DuckDbOracle()) {
      execute(node, "CREATE DATABASE IF NOT EXISTS tpch");
      for (TpchTable<?> table : TpchTable.getTables()) {
        execute(node, TpchData.createTableSql("tpch", table, tables));
        TableSnapshot snapshot =
            node.catalog()
                .getTable("tpch", table.getTableName())
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        duck.register(snapshot.table());
      }
      heap.start();
      for (int q = 1; q <= 22; q++) {
        if (only != null && !only.contains(q)) {
          continue;
        }
        outcomes.add(measure(node, duck, q));
      }
    } finally {
      heap.stop();
      node.close();
    }
    String report = report(outcomes, heap.peak(), node.allocator().getPeakMemoryAllocation());
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, report + keptSections());
    System.out.println(report);
    return 0;
  }

  private Outcome measure(TarnNode node, DuckDbOracle duck, int q) {
    double[] tarn = new double[runs];
    double[] duckdb = new double[runs];
    String check;
    try {
      String sql = TpchQueries.text(queries, q);
      QueryResults first = null;
      List<List<Object>> expected = null;
      for (int i = 0; i < warmup + runs; i++) {
        long start = System.nanoTime();
        QueryResults result = execute(node, sql);
        double tarnMillis = (System.nanoTime() - start) / 1e6;
        start = System.nanoTime();
        List<List<Object>> duckRows = duck.query(sql, "tpch");
        double duckMillis = (System.nanoTime() - start) / 1e6;
        if (first == null) {
          first = result;
          expected = duckRows;
        }
        if (i >= warmup) {
          tarn[i - warmup] = tarnMillis;
          duckdb[i - warmup] = duckMillis;
        }
      }
      String difference = ResultComparison.difference(first.rows(), expected, true);
      check =
          difference == null
              ? "equal (" + first.rows().size() + " rows)"
              : "DIFFERENT: " + oneLine(difference);
    } catch (Exception e) {
      String message = e.getMessage() == null ? e.toString() : e.getMessage();
      System.out.printf("Q%d failed: %s%n", q, oneLine(message));
      return new Outcome(q, 0, 0, "FAILED: " + oneLine(message));
    }
    Outcome outcome = new Outcome(q, median(tarn), median(duckdb), check);
    System.out.printf(
        Locale.ROOT,
        "Q%d: Tarn %.1f ms, DuckDB %.1f ms, ratio %.2f, %s%n",
        q,
        outcome.tarnMillis(),
        outcome.duckMillis(),
        outcome.ratio(),
        check);
    return outcome;
  }

  private static QueryResults execute(TarnNode node, String sql) throws Exception {
    return TpchQueries.execute(node, sql, 30);
  }

  private String report(List<Outcome> outcomes, long peakHeap, long peakArrow) {
    StringBuilder md = new StringBuilder();
    md.append("# Performance\n\n");
    md.append("TPC-H at scale factor ")
        .append(format(scale))
        .append(", Tarn against DuckDB ")
        .append("in the same run, over the same Parquet files (`bench` module, ")
        .append("`./tarn bench tpch --sf ")
        .append(format(scale))
        .append(" --runs ")
        .append(runs)
        .append("`).\n\n");
    md.append("- Date: ")
        .append(LocalDate.now())
        .append(", commit ")
        .append(RunFacts.commit())
        .append('\n');
    md.append("- Machine: ")
        .append(RunFacts.machine())
        .append(", max heap ")
        .append(Runtime.getRuntime().maxMemory() >> 20)
        .append(" MiB\n");
    md.append("- Runs: ")
        .append(warmup)
        .append(" warm-up, then ")
        .append(runs)
        .append(
            " measured per engine, alternating; times are medians of wall time until the last row\n");
    md.append("- Tarn peak heap (sampled) ")
        .append(peakHeap >> 20)
        .append(" MiB, peak Arrow (off-heap) ")
        .append(peakArrow >> 20)
        .append(" MiB\n\n");
    md.append("| query | Tarn ms | DuckDB ms | Tarn/DuckDB | answer |\n|---|---:|---:|---:|---|\n");
    double logSum = 0;
    int measured = 0;
    double worst = 0;
    for (Outcome o : outcomes) {
      if (o.measured()) {
        md.append(
            String.format(
                Locale.ROOT,
                "| Q%d | %.1f | %.1f | %.2f | %s |%n",
                o.query(),
                o.tarnMillis(),
                o.duckMillis(),
                o.ratio(),
                o.check()));
        logSum += Math.log(o.ratio());
        measured++;
        worst = Math.max(worst, o.ratio());
      } else {
        md.append(String.format(Locale.ROOT, "| Q%d | | | | %s |%n", o.query(), o.check()));
      }
    }
    md.append('\n');
    if (measured > 0) {
      md.append(
          String.format(
              Locale.ROOT,
              "Geometric mean of Tarn/DuckDB over the %d queries that ran: **%.2f**; worst %.2f.%n",
              measured,
              Math.exp(logSum / measured),
              worst));
    }
    long failed = outcomes.stream().filter(o -> !o.measured()).count();
    if (failed > 0) {
      md.append(failed).append(" queries did not run on Tarn (see the answer column).\n");
    }
    return md.toString();
  }

  /** The report's other sections (the JMH results), which this run leaves as they are. */
  private String keptSections() throws IOException {
    if (!Files.exists(out)) {
      return "";
    }
    String existing = Files.readString(out);
    int jmh = existing.indexOf("\n## Micro benchmarks (JMH)");
    return jmh < 0 ? "" : existing.substring(jmh);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static String format(double scale) {
    return scale == Math.rint(scale) ? String.valueOf((long) scale) : String.valueOf(scale);
  }

  private static String oneLine(String text) {
    String line = text.replace('\n', ' ').replace('|', '/');
    return line.length() > 160 ? line.substring(0, 160) + "..." : line;
  }

  /**
   * Samples used heap every 20 ms on a daemon thread; the peak is a lower bound of the true one.
   */
  private static final class HeapSampler {
    private final AtomicLong peak = new AtomicLong();
    private volatile boolean running;
    private Thread thread;

    void start() {
      running = true;
      thread =
          new Thread(
              () -> {
                Runtime runtime = Runtime.getRuntime();
                while (running) {
                  peak.accumulateAndGet(runtime.totalMemory() - runtime.freeMemory(), Math::max);
                  try {
                    Thread.sleep(20);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "heap-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    void stop() {
      running = false;
    }

    long peak() {
      return peak.get();
    }
  }
}
