package dev.tarn.runtime.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A CLI session: the current database, and how a statement's outcome is printed. Used by both
 * {@code tarn sql -e} and the interactive shell.
 *
 * <pre>
 *   result table     aligned table, then "(N rows)" and "Query q1 finished in 0.04 s"
 *   DDL, USE         the update type ("CREATE TABLE"), then the timing line
 *   failure          "Query failed: line 1:8: Column 'x' cannot be resolved" on the error stream,
 *                    then the statement line with a caret under the position
 * </pre>
 */
final class SqlSession {
  private final StatementClient client;
  private final PrintWriter out;
  private final PrintWriter err;
  private String database;

  SqlSession(StatementClient client, String database, PrintWriter out, PrintWriter err) {
    this.client = Objects.requireNonNull(client, "client");
    this.database = Objects.requireNonNull(database, "database");
    this.out = Objects.requireNonNull(out, "out");
    this.err = Objects.requireNonNull(err, "err");
  }

  String database() {
    return database;
  }

  /**
   * Runs one statement and prints its outcome.
   *
   * @return whether it succeeded
   * @throws StatementClient.ServerException when the server cannot be reached
   */
  boolean run(String sql) throws StatementClient.ServerException, InterruptedException {
    StatementClient.Result result = client.execute(sql, database);
    if (result.failure() != null) {
      printFailure(sql, result.failure());
      return false;
    }
    if (result.setSchema() != null) {
      database = result.setSchema();
    }
    if (result.updateType() != null && result.rows().size() == 1) {
      // As Trino's CLI prints an update count: "ANALYZE: 841 rows".
      out.println(result.updateType() + ": " + result.rows().get(0).get(0) + " rows");
    } else if (result.updateType() != null) {
      out.println(result.updateType());
    } else if (!result.columns().isEmpty()) {
      List<ResultPrinter.PrintColumn> columns = new ArrayList<>(result.columns().size());
      for (StatementClient.ResultColumn column : result.columns()) {
        columns.add(
            new ResultPrinter.PrintColumn(
                column.name(), ResultPrinter.isNumericType(column.type())));
      }
      ResultPrinter.printTable(out, columns, result.rows());
      out.println(ResultPrinter.rowCount(result.rows().size()));
    }
    out.println(
        String.format(
            Locale.ROOT,
            "Query %s finished in %.2f s",
            result.queryId(),
            result.elapsedMillis() / 1000.0));
    out.flush();
    return true;
  }

  private void printFailure(String sql, StatementClient.Failure failure) {
    String message = failure.message();
    if (failure.line() > 0 && !message.startsWith("line ")) {
      message = "line " + failure.line() + ":" + failure.column() + ": " + message;
    }
    err.println("Query failed: " + message);
    String[] lines = sql.split("\n", -1);
    if (failure.line() > 0 && failure.line() <= lines.length) {
      String prefix = "LINE " + failure.line() + ": ";
      err.println(prefix + lines[failure.line() - 1]);
      StringBuilder caret = new StringBuilder();
      for (int i = 1; i < prefix.length() + Math.max(1, failure.column()); i++) {
        caret.append(' ');
      }
      err.println(caret.append('^'));
    }
    err.flush();
  }
}
