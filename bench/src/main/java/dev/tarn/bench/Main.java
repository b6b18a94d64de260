package dev.tarn.bench;

import dev.tarn.bench.jmh.JmhCommand;
import dev.tarn.bench.tpch.LatencyBenchmark;
import dev.tarn.bench.tpch.TpchBenchmark;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code tarn bench}: {@code tpch} (TPC-H against DuckDB), {@code latency} (fixed per-query cost)
 * and {@code jmh} (operator micro benchmarks).
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks, never part of the test run.",
    subcommands = {TpchBenchmark.class, LatencyBenchmark.class, JmhCommand.class})
public final class Main implements Runnable {
  public static void main(String[] args) {
    // Arrow checks every buffer access against the buffer's bounds unless told otherwise. Tarn's
    // operators size their buffers before writing, and the test suite runs with the checks on
    // (the default) to prove it; a node runs without them, as Dremio and Spark run Arrow. This
    // must happen before any Arrow class is loaded: -D on the command line wins.
    if (System.getProperty("arrow.enable_unsafe_memory_access") == null) {
      System.setProperty("arrow.enable_unsafe_memory_access", "true");
    }
    if (System.getProperty("arrow.enable_null_check_for_get") == null) {
      System.setProperty("arrow.enable_null_check_for_get", "false");
    }
    CommandLine command = new CommandLine(new Main());
    // JMH's options (-f, -wi, -p ...) are not ours: pass them through to JMH as they are.
    command.getSubcommands().get("jmh").setUnmatchedOptionsArePositionalParams(true);
    System.exit(command.execute(args));
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
