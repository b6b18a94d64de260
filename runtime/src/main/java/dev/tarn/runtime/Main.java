package dev.tarn.runtime;

import dev.tarn.runtime.cli.TarnCommand;
import dev.tarn.runtime.demo.DemoCommand;
import dev.tarn.runtime.node.ServerCommand;
import picocli.CommandLine;

/** The {@code tarn} program: {@code server}, {@code demo} and {@code sql}. */
public final class Main {
  private Main() {}

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
    CommandLine commandLine = TarnCommand.commandLine();
    commandLine.addSubcommand("server", new ServerCommand());
    commandLine.addSubcommand("demo", new DemoCommand());
    // server and demo return only once the node has stopped (Ctrl-C), so exiting is always right.
    System.exit(commandLine.execute(args));
  }
}
