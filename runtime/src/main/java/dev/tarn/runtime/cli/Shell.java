package dev.tarn.runtime.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import org.jline.reader.EOFError;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.ParsedLine;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The interactive {@code tarn sql} prompt.
 *
 * <pre>
 *   tarn:default> SELECT name
 *              -> FROM t;          a statement ends at its semicolon, however many lines it takes
 *   tarn:default> USE sales;
 *   tarn:sales>   quit             quit, exit or Ctrl-D leave; Ctrl-C drops the line being typed
 * </pre>
 *
 * History is kept in {@code ~/.tarn_history}.
 */
final class Shell {
  private final StatementClient client;
  private final String database;

  Shell(StatementClient client, String database) {
    this.client = client;
    this.database = database;
  }

  /** Runs the prompt on the system terminal until the user leaves; returns the exit code. */
  int run() throws IOException, InterruptedException {
    try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
      return run(terminal, Path.of(System.getProperty("user.home"), ".tarn_history"));
    }
  }

  /** Runs the prompt on a given terminal, keeping history in the given file. */
  int run(Terminal terminal, Path historyFile) throws IOException, InterruptedException {
    PrintWriter out = terminal.writer();
    SqlSession session = new SqlSession(client, database, out, out);
    LineReader reader =
        LineReaderBuilder.builder()
            .terminal(terminal)
            .appName("tarn")
            .parser(new StatementParser())
            .variable(LineReader.HISTORY_FILE, historyFile)
            .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
            .build();
    try {
      while (true) {
        String prompt = "tarn:" + session.database() + "> ";
        reader.setVariable(
            LineReader.SECONDARY_PROMPT_PATTERN, " ".repeat(prompt.length() - 3) + "-> ");
        String text;
        try {
          text = reader.readLine(prompt);
        } catch (UserInterruptException e) {
          continue;
        } catch (EndOfFileException e) {
          return SqlCommand.EXIT_OK;
        }
        if (isQuit(text)) {
          return SqlCommand.EXIT_OK;
        }
        for (String sql : StatementSplitter.split(text).statements()) {
          try {
            session.run(sql);
          } catch (StatementClient.ServerException e) {
            out.println("Error: " + e.getMessage());
            out.flush();
          }
        }
      }
    } finally {
      reader.getHistory().save();
    }
  }

  static boolean isQuit(String text) {
    String command = text.strip().toLowerCase(Locale.ROOT);
    if (command.endsWith(";")) {
      command = command.substring(0, command.length() - 1).strip();
    }
    return command.equals("quit") || command.equals("exit");
  }

  /**
   * Accepts a line only once it completes a statement: until then JLine shows the continuation
   * prompt and keeps the text in one buffer.
   */
  static final class StatementParser extends DefaultParser {
    @Override
    public ParsedLine parse(String line, int cursor, ParseContext context) {
      if (context == ParseContext.ACCEPT_LINE && !isQuit(line)) {
        if (!StatementSplitter.split(line).remainder().isEmpty()) {
          throw new EOFError(-1, -1, "statement not terminated by ;");
        }
      }
      return super.parse(line, cursor, context);
    }
  }
}
