package dev.tarn.runtime.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tarn sql}: runs SQL on a running Tarn server over Trino's client protocol.
 *
 * <pre>
 *   tarn sql -e "SELECT count(*) FROM orders"     run, print, exit (0 ok, 1 failed)
 *   tarn sql --server http://host:8080 --database sales
 *                                                 interactive prompt
 * </pre>
 *
 * With {@code -e}, several statements separated by {@code ;} run in order and the first failure
 * stops the run.
 */
@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description = "Run SQL on a Tarn server (interactive unless -e is given).")
public final class SqlCommand implements Callable<Integer> {
  static final int EXIT_OK = 0;
  static final int EXIT_FAILED = 1;

  @Spec private CommandSpec spec;

  @Option(
      names = {"-e", "--execute"},
      paramLabel = "SQL",
      description = "Statements to run, separated by ';'; without it the prompt opens.")
  private String execute;

  @Option(
      names = "--server",
      defaultValue = "http://127.0.0.1:8080",
      description = "Server address (default: ${DEFAULT-VALUE}).")
  private String server;

  @Option(
      names = {"--database", "--schema"},
      defaultValue = "default",
      description = "Database to start in (default: ${DEFAULT-VALUE}).")
  private String database;

  @Option(
      names = "--user",
      defaultValue = "${sys:user.name}",
      description = "User name sent to the server (default: ${DEFAULT-VALUE}).")
  private String user;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    URI serverUri;
    try {
      serverUri = URI.create(server);
    } catch (IllegalArgumentException e) {
      err.println("Error: --server '" + server + "' is not a URI: " + e.getMessage());
      err.flush();
      return EXIT_FAILED;
    }
    if (serverUri.getScheme() == null || serverUri.getHost() == null) {
      err.println("Error: --server '" + server + "' must look like http://host:port");
      err.flush();
      return EXIT_FAILED;
    }
    // HTTP/1.1 as the Trino protocol uses it: the JDK client otherwise tries an h2c upgrade.
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    StatementClient client =
        new StatementClient(http, serverUri, user == null || user.isBlank() ? "tarn" : user);
    if (execute == null) {
      return new Shell(client, database).run();
    }
    StatementSplitter.Split split = StatementSplitter.split(execute);
    List<String> statements = split.statements();
    if (!split.remainder().isEmpty()) {
      // The last statement of -e needs no semicolon.
      statements = new ArrayList<>(statements);
      statements.add(split.remainder());
    }
    SqlSession session = new SqlSession(client, database, out, err);
    for (String sql : statements) {
      try {
        if (!session.run(sql)) {
          return EXIT_FAILED;
        }
      } catch (StatementClient.ServerException e) {
        err.println("Error: " + e.getMessage());
        err.flush();
        return EXIT_FAILED;
      }
    }
    return EXIT_OK;
  }
}
