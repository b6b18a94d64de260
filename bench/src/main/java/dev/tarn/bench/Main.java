package dev.tarn.bench;

import dev.tarn.bench.jmh.JmhCommand;
import dev.tarn.bench.tpch.TpchBenchmark;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code tarn bench}: {@code tpch} (TPC-H against DuckDB) and {@code jmh} (operator micro
 * benchmarks).
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks, never part of the test run.",
    subcommands = {TpchBenchmark.class, JmhCommand.class})
public final class Main implements Runnable {
  public static void main(String[] args) {
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
