package dev.tarn.runtime.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code tarn} command. It carries the client subcommands ({@code sql}); the node's {@code
 * main} adds the server-side ones to the same command line:
 *
 * <pre>
 *   CommandLine tarn = TarnCommand.commandLine();
 *   tarn.addSubcommand("server", new ServerCommand());
 *   System.exit(tarn.execute(args));
 * </pre>
 *
 * Without a subcommand it prints its usage.
 */
@Command(
    name = "tarn",
    mixinStandardHelpOptions = true,
    version = "tarn 0.1.0",
    description = "SQL over the files of a data lake.",
    subcommands = {SqlCommand.class})
public final class TarnCommand implements Runnable {
  @Spec private CommandSpec spec;

  /** A command line for {@code tarn} with its built-in subcommands. */
  public static CommandLine commandLine() {
    return new CommandLine(new TarnCommand());
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
