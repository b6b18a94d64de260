package dev.tarn.bench;

import dev.tarn.bench.tpch.TpchBenchmark;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code tarn bench}: {@code tpch} (TPC-H against DuckDB). */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks, never part of the test run.",
    subcommands = {TpchBenchmark.class})
public final class Main implements Runnable {
  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
