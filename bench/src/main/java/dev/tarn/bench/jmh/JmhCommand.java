package dev.tarn.bench.jmh;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tarn bench jmh [JMH arguments]}: runs the operator micro benchmarks of this package
 * through JMH's runner (the arguments are JMH's own: a benchmark regex, {@code -f}, {@code -wi},
 * {@code -p groups=4}, {@code -h} for the list), then writes their table into the "Micro benchmarks
 * (JMH)" section of {@code docs/PERFORMANCE.md}.
 *
 * <p>Unknown options must reach JMH untouched, so the launcher registers this command with
 * unmatched options treated as positional parameters.
 */
@Command(
    name = "jmh",
    description = {
      "Operator micro benchmarks (JMH); writes the JMH section of docs/PERFORMANCE.md.",
      "Other arguments go to JMH, e.g. 'Sort -f 1 -wi 1' or '-h' for JMH's help."
    })
public final class JmhCommand implements Callable<Integer> {
  @Option(
      names = "--out",
      description = "Report file whose JMH section is replaced (default docs/PERFORMANCE.md).")
  Path out = Path.of("docs/PERFORMANCE.md");

  @Parameters(paramLabel = "JMH_ARGS", description = "Arguments for JMH.")
  List<String> jmhArgs = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    CommandLineOptions options;
    try {
      options = new CommandLineOptions(jmhArgs.toArray(new String[0]));
    } catch (CommandLineOptionException e) {
      System.err.println("Bad JMH arguments: " + e.getMessage());
      return 2;
    }
    if (options.shouldHelp()) {
      options.showHelp();
      return 0;
    }
    Runner runner = new Runner(options);
    if (options.shouldList()) {
      runner.list();
      return 0;
    }
    double loadBefore = MicroBenchmarkReport.loadAverage();
    Collection<RunResult> results = runner.run();
    if (results.isEmpty()) {
      System.err.println("JMH ran no benchmark; " + out + " is unchanged.");
      return 1;
    }
    String command = ("./tarn bench jmh " + String.join(" ", jmhArgs)).trim();
    MicroBenchmarkReport.write(out, results, command, loadBefore);
    System.out.println("Wrote the JMH section of " + out.toAbsolutePath());
    return 0;
  }
}
