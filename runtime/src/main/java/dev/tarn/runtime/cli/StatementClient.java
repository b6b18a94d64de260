package dev.tarn.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Runs one statement on a Tarn (or Trino) server over Trino's client protocol: {@code POST
 * /v1/statement}, then {@code GET nextUri} until the server stops giving one, gathering columns,
 * rows, the update type, a schema change and the error.
 *
 * <p>Values are kept as the text the server sent (a decimal stays {@code "12.30"}, a timestamp
 * {@code "2024-01-31 10:20:30.123456"}), which is exactly what a printer needs.
 */
public final class StatementClient {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);

  private final HttpClient http;
  private final URI server;
  private final String user;

  /**
   * @param server the server's base URI, e.g. {@code http://127.0.0.1:8080}
   * @param user the user name sent as {@code X-Trino-User}
   */
  public StatementClient(HttpClient http, URI server, String user) {
    this.http = Objects.requireNonNull(http, "http");
    this.server = Objects.requireNonNull(server, "server");
    this.user = Objects.requireNonNull(user, "user");
  }

  /** A result column: its name and Trino type name. */
  public record ResultColumn(String name, String type) {}

  /** A failed statement: the server's message and, when known, the 1-based position. */
  public record Failure(String message, String errorName, int line, int column) {}

  /**
   * A finished statement.
   *
   * @param columns the result columns; empty for statements without a result table
   * @param rows values as text, null for NULL
   * @param updateType for DDL and USE, the update type ({@code CREATE TABLE}); else null
   * @param setSchema the database a USE switched to; else null
   * @param failure why the statement failed; null when it did not
   */
  public record Result(
      String queryId,
      List<ResultColumn> columns,
      List<List<String>> rows,
      String updateType,
      String setSchema,
      Failure failure,
      long elapsedMillis) {}

  /** A server that cannot be reached or that does not answer in the protocol. */
  public static final class ServerException extends IOException {
    private static final long serialVersionUID = 1L;

    ServerException(String message) {
      super(message);
    }
  }

  /**
   * Runs a statement to its end.
   *
   * @param database the session's database, sent as {@code X-Trino-Schema}
   * @throws ServerException when the server cannot be reached or answers something other than the
   *     protocol (HTTP errors, non-JSON bodies)
   */
  public Result execute(String sql, String database) throws ServerException, InterruptedException {
    long start = System.nanoTime();
    HttpRequest first =
        request(server.resolve("/v1/statement"), database)
            .POST(HttpRequest.BodyPublishers.ofString(sql, StandardCharsets.UTF_8))
            .header("Content-Type", "text/plain; charset=utf-8")
            .build();
    String queryId = null;
    List<ResultColumn> columns = null;
    List<List<String>> rows = new ArrayList<>();
    String updateType = null;
    String setSchema = null;
    HttpRequest next = first;
    while (next != null) {
      HttpResponse<String> response = send(next);
      setSchema = response.headers().firstValue("X-Trino-Set-Schema").orElse(setSchema);
      JsonNode page = parse(response);
      queryId = page.path("id").asText(queryId);
      if (page.hasNonNull("updateType")) {
        updateType = page.get("updateType").asText();
      }
      if (columns == null && page.hasNonNull("columns")) {
        columns = new ArrayList<>();
        for (JsonNode column : page.get("columns")) {
          columns.add(new ResultColumn(column.path("name").asText(), column.path("type").asText()));
        }
      }
      for (JsonNode row : page.path("data")) {
        List<String> values = new ArrayList<>(row.size());
        for (JsonNode value : row) {
          values.add(value.isNull() ? null : value.isTextual() ? value.textValue() : text(value));
        }
        rows.add(values);
      }
      if (page.hasNonNull("error")) {
        JsonNode error = page.get("error");
        JsonNode location = error.path("errorLocation");
        Failure failure =
            new Failure(
                error.path("message").asText("unknown error"),
                error.path("errorName").asText(""),
                location.path("lineNumber").asInt(0),
                location.path("columnNumber").asInt(0));
        return new Result(
            queryId, List.of(), List.of(), updateType, null, failure, elapsedSince(start));
      }
      next =
          page.hasNonNull("nextUri")
              ? request(URI.create(page.get("nextUri").asText()), database).GET().build()
              : null;
    }
    if (updateType != null && !isRowCount(columns)) {
      // The server's one-column "result" table of an update carries nothing worth printing;
      // only a "rows" table (ANALYZE) holds a count, which is kept.
      columns = List.of();
      rows = List.of();
    }
    return new Result(
        queryId,
        columns == null ? List.of() : columns,
        rows,
        updateType,
        setSchema,
        null,
        elapsedSince(start));
  }

  private static boolean isRowCount(List<ResultColumn> columns) {
    return columns != null && columns.size() == 1 && columns.get(0).name().equals("rows");
  }

  private HttpRequest.Builder request(URI uri, String database) {
    return HttpRequest.newBuilder(uri)
        .timeout(REQUEST_TIMEOUT)
        .header("X-Trino-User", user)
        .header("X-Trino-Catalog", "tarn")
        .header("X-Trino-Schema", database)
        .header("X-Trino-Source", "tarn-cli");
  }

  private HttpResponse<String> send(HttpRequest request)
      throws ServerException, InterruptedException {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new ServerException("cannot reach Tarn server at " + server + ": " + reason);
    }
  }

  private JsonNode parse(HttpResponse<String> response) throws ServerException {
    String body = response.body() == null ? "" : response.body().trim();
    if (response.statusCode() != 200) {
      throw new ServerException(
          "server "
              + server
              + " answered HTTP "
              + response.statusCode()
              + (body.isEmpty() ? "" : ": " + body));
    }
    try {
      return MAPPER.readTree(body);
    } catch (IOException e) {
      throw new ServerException("server " + server + " answered something other than JSON");
    }
  }

  private static long elapsedSince(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  /**
   * A value as the Trino CLI prints it: numbers and booleans as written, arrays (and rows) as
   * {@code [1, 2]}, maps as {@code {a=1}}, nested NULLs as {@code null}.
   */
  static String text(JsonNode value) {
    if (value.isNull()) {
      return "null";
    }
    if (value.isTextual()) {
      return value.textValue();
    }
    if (value.isArray()) {
      List<String> elements = new ArrayList<>();
      for (JsonNode element : value) {
        elements.add(text(element));
      }
      return "[" + String.join(", ", elements) + "]";
    }
    if (value.isObject()) {
      List<String> entries = new ArrayList<>();
      for (var entry : value.properties()) {
        entries.add(entry.getKey() + "=" + text(entry.getValue()));
      }
      return "{" + String.join(", ", entries) + "}";
    }
    return value.toString();
  }
}
