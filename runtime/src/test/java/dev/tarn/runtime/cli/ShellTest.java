package dev.tarn.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tarn.runtime.http.FakeServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jline.reader.EOFError;
import org.jline.reader.Parser.ParseContext;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The interactive prompt on a dumb terminal fed from a string. */
class ShellTest {
  private static FakeServer server;

  @BeforeAll
  static void start() throws Exception {
    server = FakeServer.start();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void parserAsksForMoreUntilTheSemicolon() {
    Shell.StatementParser parser = new Shell.StatementParser();
    assertThatThrownBy(() -> parser.parse("SELECT *\nFROM t", 0, ParseContext.ACCEPT_LINE))
        .isInstanceOf(EOFError.class);
    assertThatThrownBy(() -> parser.parse("SELECT ';'", 0, ParseContext.ACCEPT_LINE))
        .isInstanceOf(EOFError.class);
    assertThat(parser.parse("SELECT *\nFROM t;", 0, ParseContext.ACCEPT_LINE)).isNotNull();
    assertThat(parser.parse("quit", 0, ParseContext.ACCEPT_LINE)).isNotNull();
    assertThat(parser.parse("", 0, ParseContext.ACCEPT_LINE)).isNotNull();
  }

  @Test
  void runsMultiLineStatementsFollowsUseAndQuits(@TempDir Path dir) throws Exception {
    String input =
        "SELECT *\nFROM all_types;\nUSE sales;\nSELECT current_database;\nSELECT bad;\nquit\n";
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    Path history = dir.resolve("history");
    StatementClient client =
        new StatementClient(HttpClient.newHttpClient(), URI.create(server.url()), "shell");
    int code;
    // A dumb terminal reads its stream directly; the builder's stream terminals close early on a
    // stream that is already at its end.
    try (Terminal terminal =
        new DumbTerminal(
            new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), output)) {
      code = new Shell(client, "default").run(terminal, history);
    }
    String text = output.toString(StandardCharsets.UTF_8);
    assertThat(code).isEqualTo(0);
    assertThat(text)
        .contains("tarn:default> ")
        .contains("(4 rows)")
        .contains("tarn:sales> ")
        .contains("Query failed: line 1:8: Column 'bad' cannot be resolved");
    assertThat(server.gateway.started)
        .contains(List.of("SELECT *\nFROM all_types", "default"))
        .contains(List.of("SELECT current_database", "sales"));
    assertThat(Files.readString(history)).contains("USE sales;");
  }
}
