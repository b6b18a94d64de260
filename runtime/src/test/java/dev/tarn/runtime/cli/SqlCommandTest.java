package dev.tarn.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tarn.runtime.http.FakeServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code tarn sql -e} against the endpoint over a fake gateway: output, errors, exit codes. */
class SqlCommandTest {
  private static FakeServer server;

  @BeforeAll
  static void start() throws Exception {
    server = FakeServer.start();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  /** The outcome of one run of the command. */
  private record Run(int exitCode, String out, String err) {
    List<String> outLines() {
      return List.of(out.split(System.lineSeparator()));
    }
  }

  private static Run tarn(String... args) {
    CommandLine tarn = TarnCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    tarn.setOut(new PrintWriter(out, true));
    tarn.setErr(new PrintWriter(err, true));
    int code = tarn.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private static Run sql(String statements) {
    return tarn("sql", "--server", server.url(), "--user", "cli", "-e", statements);
  }

  @Test
  void printsTableRowCountAndTiming() {
    Run run = sql("SELECT * FROM all_types");
    assertThat(run.exitCode()).isEqualTo(0);
    assertThat(run.err()).isEmpty();
    List<String> lines = run.outLines();
    assertThat(lines.get(0))
        .matches(" +b +\\| +i +\\| +d +\\| +m +\\| +s +\\| +dt +\\| +ts +\\| +f +");
    assertThat(lines.get(1)).matches("[-+]+");
    assertThat(lines.get(2))
        .contains(" 12.30 | alpha ")
        .contains("| 2024-01-31 | 2024-01-31 10:20:30.123456 | true");
    assertThat(lines.get(3)).contains("with 'quote' and ; semicolon");
    assertThat(lines.get(5)).matches(" +NULL \\| +NULL \\| .*");
    assertThat(lines.get(6)).isEqualTo("(4 rows)");
    assertThat(lines.get(7)).matches("Query q\\d+ finished in \\d+\\.\\d\\d s");
    // Every table line is as wide as the separator.
    for (int i = 0; i < 6; i++) {
      assertThat(lines.get(i)).hasSameSizeAs(lines.get(1));
    }
  }

  @Test
  void failurePrintsMessagePositionAndExitsNonZero() {
    Run run = sql("SELECT bad");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().split(System.lineSeparator()))
        .containsExactly(
            "Query failed: line 1:8: Column 'bad' cannot be resolved",
            "LINE 1: SELECT bad",
            "               ^");
    assertThat(run.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void ddlPrintsUpdateType() {
    Run run = sql("CREATE TABLE t (x integer)");
    assertThat(run.exitCode()).isEqualTo(0);
    assertThat(run.outLines().get(0)).isEqualTo("CREATE TABLE");
  }

  @Test
  void useCarriesOverToTheNextStatement() {
    Run run = sql("USE sales; SELECT current_database");
    assertThat(run.exitCode()).isEqualTo(0);
    assertThat(run.out()).contains("USE").contains(" sales ");
    assertThat(server.gateway.started).contains(List.of("SELECT current_database", "sales"));
  }

  @Test
  void firstFailureStopsTheRun() {
    Run run = sql("SELECT bad; CREATE TABLE never (x integer)");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(server.gateway.started)
        .doesNotContain(List.of("CREATE TABLE never (x integer)", "default"));
  }

  @Test
  void unreachableServerIsACleanError() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Run run = tarn("sql", "--server", "http://127.0.0.1:" + port, "-e", "SELECT 1");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith("Error: cannot reach Tarn server at http://127.0.0.1:" + port);
    assertThat(run.err()).doesNotContain("\tat ");
  }

  @Test
  void badServerAddressIsACleanError() {
    Run run = tarn("sql", "--server", "not a uri", "-e", "SELECT 1");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("--server 'not a uri'");
  }

  @Test
  void tarnWithoutSubcommandPrintsUsage() {
    Run run = tarn();
    assertThat(run.exitCode()).isEqualTo(0);
    assertThat(run.out()).contains("Usage: tarn").contains("sql");
  }
}
