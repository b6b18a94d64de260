package dev.tarn.runtime;

import dev.tarn.runtime.cli.TarnCommand;
import dev.tarn.runtime.demo.DemoCommand;
import dev.tarn.runtime.node.ServerCommand;
import picocli.CommandLine;

/** The {@code tarn} program: {@code server}, {@code demo} and {@code sql}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    CommandLine commandLine = TarnCommand.commandLine();
    commandLine.addSubcommand("server", new ServerCommand());
    commandLine.addSubcommand("demo", new DemoCommand());
    // server and demo return only once the node has stopped (Ctrl-C), so exiting is always right.
    System.exit(commandLine.execute(args));
  }
}
