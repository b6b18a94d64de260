package dev.tarn.bench.jmh;

import dev.tarn.bench.report.RunFacts;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/**
 * The "Micro benchmarks (JMH)" section of {@code docs/PERFORMANCE.md}: one table row per benchmark
 * and parameter set of the last {@code tarn bench jmh} run, with the command that produced it.
 *
 * <p>The section is self-contained, from its heading to the next {@code ## } heading or the end of
 * the file, so that the TPC-H report above it can be rewritten independently; writing replaces the
 * section and leaves the rest of the file as it was (or creates the file).
 */
final class MicroBenchmarkReport {
  static final String HEADING = "## Micro benchmarks (JMH)";

  private MicroBenchmarkReport() {}

  /** Replaces (or appends) the section in {@code file}. */
  static void write(Path file, Collection<RunResult> results, String command, double loadBefore)
      throws IOException {
    String section = section(results, command, loadBefore);
    String existing = Files.exists(file) ? Files.readString(file) : "# Performance\n";
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, replaceSection(existing, section));
  }

  /**
   * {@code document} with its JMH section replaced by {@code section}, or {@code section} added.
   */
  static String replaceSection(String document, String section) {
    List<String> lines = new ArrayList<>(List.of(document.split("\n", -1)));
    int start = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).trim().equals(HEADING)) {
        start = i;
        break;
      }
    }
    if (start < 0) {
      String body = document.stripTrailing();
      return (body.isEmpty() ? "" : body + "\n\n") + section;
    }
    int end = lines.size();
    for (int i = start + 1; i < lines.size(); i++) {
      if (lines.get(i).startsWith("## ") || lines.get(i).startsWith("# ")) {
        end = i;
        break;
      }
    }
    String before = String.join("\n", lines.subList(0, start)).stripTrailing();
    String after = String.join("\n", lines.subList(end, lines.size())).strip();
    return (before.isEmpty() ? "" : before + "\n\n")
        + section
        + (after.isEmpty() ? "" : "\n" + after + "\n");
  }

  /**
   * The section's Markdown, ending with a newline.
   *
   * @param loadBefore the one-minute system load average when the run started (negative if
   *     unknown); printed with the load at the end because other processes skew the scores
   */
  static String section(Collection<RunResult> results, String command, double loadBefore) {
    // Sorted by benchmark then parameters, so that reruns diff line by line.
    Map<String, RunResult> rows = new TreeMap<>();
    for (RunResult result : results) {
      rows.put(label(result.getParams()), result);
    }
    StringBuilder md = new StringBuilder();
    md.append(HEADING).append("\n\n");
    md.append(
            "Operator throughput measured with JMH (`bench` module, package `dev.tarn.bench.jmh`)."
                + " ")
        .append("One operation is one input row, so the scores are rows per second; the operators ")
        .append(
            "run as a task runs them (Pekko Streams source, stage, sink) on data held in memory, ")
        .append("except the Parquet scans, which read an SF 0.1 lineitem file written once under ")
        .append(
            "`bench-data/`. Each class comment in `bench/src/main/java/dev/tarn/bench/jmh` says ")
        .append("what exactly one benchmark measures. The error is JMH's 99.9% confidence ")
        .append("half-width over the measurement iterations; it is wide on a busy machine.\n\n");
    md.append("- Date: ")
        .append(LocalDate.now())
        .append(", commit ")
        .append(RunFacts.commit())
        .append('\n');
    md.append("- Machine: ")
        .append(RunFacts.machine())
        .append(
            String.format(
                Locale.ROOT,
                ", load average %.1f at the start and %.1f at the end",
                loadBefore,
                loadAverage()))
        .append('\n');
    md.append("- Command: `").append(command).append("`\n\n");
    md.append("| benchmark | mode | score | error | unit |\n|---|---|---:|---:|---|\n");
    for (Map.Entry<String, RunResult> row : rows.entrySet()) {
      Result<?> primary = row.getValue().getPrimaryResult();
      md.append("| ")
          .append(row.getKey())
          .append(" | ")
          .append(row.getValue().getParams().getMode().shortLabel())
          .append(" | ")
          .append(number(primary.getScore()))
          .append(" | ")
          .append(
              Double.isNaN(primary.getScoreError()) ? "" : "± " + number(primary.getScoreError()))
          .append(" | ")
          .append(unit(primary.getScoreUnit()))
          .append(" |\n");
    }
    return md.toString();
  }

  /** {@code Class.method} without the package, then its parameters. */
  private static String label(BenchmarkParams params) {
    String name = params.getBenchmark();
    int method = name.lastIndexOf('.');
    int type = name.lastIndexOf('.', method - 1);
    StringBuilder label = new StringBuilder(name.substring(type + 1));
    List<String> keys = new ArrayList<>(params.getParamsKeys());
    if (!keys.isEmpty()) {
      label.append(" (");
      for (int i = 0; i < keys.size(); i++) {
        label
            .append(i == 0 ? "" : ", ")
            .append(keys.get(i))
            .append('=')
            .append(params.getParam(keys.get(i)));
      }
      label.append(')');
    }
    return label.toString();
  }

  private static String unit(String jmhUnit) {
    // Every benchmark here declares its rows as operations per invocation.
    return jmhUnit.replace("ops/", "rows/");
  }

  private static String number(double value) {
    return Math.abs(value) >= 100
        ? String.format(Locale.ROOT, "%,.0f", value)
        : String.format(Locale.ROOT, "%.3f", value);
  }

  /** The one-minute system load average, negative where the platform does not tell. */
  static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }
}
