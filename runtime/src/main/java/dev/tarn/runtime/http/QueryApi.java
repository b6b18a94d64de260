package dev.tarn.runtime.http;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tarn.actors.query.QueryGateway;
import dev.tarn.actors.query.QueryResults;
import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.ErrorInfo;
import dev.tarn.core.meta.Column;
import dev.tarn.core.type.SqlType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * Tarn's own JSON API, for scripts and the demo: one request runs one statement to completion.
 *
 * <pre>
 *   GET  /api/v1/health   200 {"status":"UP",...details} or 503 {"status":"DOWN",...}
 *   POST /api/v1/query    {"sql":"SELECT 1","database":"default","maxRows":100000}
 *        200 {"queryId":"q1","columns":[{"name":"_col0","type":"integer"}],"rows":[[1]],
 *             "updateType":null,"setSchema":null,"truncated":false,"elapsedMillis":12}
 *        400 {"error":{"code":"SYNTAX_ERROR","message":"...","line":1,"column":8}}
 * </pre>
 *
 * Values are encoded as in the Trino protocol ({@link JsonValues}). A result longer than {@code
 * maxRows} is cut there, marked {@code "truncated":true}, and its query cancelled, so that one
 * request cannot hold an unbounded result in the node's memory.
 */
final class QueryApi extends AllDirectives {
  private static final int DEFAULT_MAX_ROWS = 100_000;
  private static final long HEALTH_TIMEOUT_SECONDS = 5;

  private final QueryGateway gateway;
  private final HealthCheck health;
  private final Executor executor;

  /**
   * @param executor where page follow-ups run; keeps a long result from growing the stack when
   *     pages complete synchronously
   */
  QueryApi(QueryGateway gateway, HealthCheck health, Executor executor) {
    this.gateway = gateway;
    this.health = health;
    this.executor = executor;
  }

  Route route() {
    return pathPrefix(
        "api",
        () ->
            pathPrefix(
                "v1",
                () ->
                    concat(
                        path("health", () -> get(() -> completeWithFuture(health()))),
                        path(
                            "query",
                            () ->
                                post(
                                    () ->
                                        entity(
                                            Unmarshaller.entityToString(),
                                            body -> completeWithFuture(query(body))))))));
  }

  private CompletionStage<HttpResponse> health() {
    CompletableFuture<HealthCheck.Status> check;
    try {
      check = health.check().toCompletableFuture();
    } catch (RuntimeException e) {
      check = CompletableFuture.failedFuture(e);
    }
    return check
        .orTimeout(HEALTH_TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .handle(
            (status, failure) -> {
              Map<String, Object> body = new LinkedHashMap<>();
              if (failure != null) {
                body.put("status", "DOWN");
                body.put("error", "health check failed: " + ErrorInfo.of(failure).message());
                return ApiJson.json(StatusCodes.SERVICE_UNAVAILABLE, body);
              }
              body.put("status", status.up() ? "UP" : "DOWN");
              body.putAll(status.details());
              return ApiJson.json(
                  status.up() ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE, body);
            });
  }

  private CompletionStage<HttpResponse> query(String body) {
    JsonNode request;
    try {
      request = ApiJson.MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      return badRequest("request body is not valid JSON: " + e.getOriginalMessage());
    }
    if (request == null || !request.isObject()) {
      return badRequest("request body must be a JSON object like {\"sql\": \"SELECT 1\"}");
    }
    JsonNode sql = request.get("sql");
    if (sql == null || !sql.isTextual() || sql.asText().isBlank()) {
      return badRequest("request field 'sql' must be a non-empty string");
    }
    JsonNode database = request.get("database");
    if (database != null && !database.isNull() && !database.isTextual()) {
      return badRequest("request field 'database' must be a string");
    }
    JsonNode maxRows = request.get("maxRows");
    if (maxRows != null
        && !maxRows.isNull()
        && (!maxRows.canConvertToInt() || maxRows.asInt() < 0)) {
      return badRequest("request field 'maxRows' must be a non-negative integer");
    }
    Collected collected =
        new Collected(
            maxRows == null || maxRows.isNull() ? DEFAULT_MAX_ROWS : maxRows.asInt(),
            System.nanoTime());
    String db = database == null || database.isNull() ? "default" : database.asText();
    return guard(gateway.start(sql.asText(), db)).thenComposeAsync(collected::follow, executor);
  }

  private static CompletionStage<HttpResponse> badRequest(String message) {
    return CompletableFuture.completedFuture(
        ApiJson.error(StatusCodes.BAD_REQUEST, ErrorCode.INVALID_ARGUMENT.name(), message, 0, 0));
  }

  private static CompletableFuture<QueryResults> guard(CompletionStage<QueryResults> stage) {
    return stage
        .toCompletableFuture()
        .exceptionally(failure -> QueryResults.failed("unknown", failure));
  }

  /** One request's result as it accumulates page by page. */
  private final class Collected {
    private final int maxRows;
    private final long startNanos;
    private final List<List<Object>> rows = new ArrayList<>();
    private List<Column> columns;
    private String updateType;
    private String setSchema;
    private boolean truncated;

    Collected(int maxRows, long startNanos) {
      this.maxRows = maxRows;
      this.startNanos = startNanos;
    }

    CompletionStage<HttpResponse> follow(QueryResults page) {
      if (page.error() != null) {
        return CompletableFuture.completedFuture(ApiJson.error(page.error()));
      }
      if (page.columns() != null) {
        columns = page.columns();
      }
      if (page.updateType() != null) {
        updateType = page.updateType();
      }
      if (page.setSchema() != null) {
        setSchema = page.setSchema();
      }
      List<List<Object>> pageRows = page.rows();
      for (int i = 0; i < pageRows.size(); i++) {
        if (rows.size() == maxRows) {
          truncated = true;
          break;
        }
        rows.add(pageRows.get(i));
      }
      if (page.isDone()) {
        return CompletableFuture.completedFuture(respond(page.queryId()));
      }
      if (truncated) {
        return gateway.cancel(page.queryId()).handle((done, failure) -> respond(page.queryId()));
      }
      return guard(gateway.fetch(page.queryId(), page.nextToken()))
          .thenComposeAsync(this::follow, executor);
    }

    private HttpResponse respond(String queryId) {
      long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + rows.size() * 64);
      List<Column> resultColumns = columns == null ? List.of() : columns;
      try (JsonGenerator json =
          ApiJson.MAPPER.getFactory().createGenerator(bytes, JsonEncoding.UTF8)) {
        json.writeStartObject();
        json.writeStringField("queryId", queryId);
        json.writeArrayFieldStart("columns");
        for (Column column : resultColumns) {
          json.writeStartObject();
          json.writeStringField("name", column.name());
          json.writeStringField("type", JsonValues.typeName(column.type()));
          json.writeEndObject();
        }
        json.writeEndArray();
        int width = resultColumns.size();
        SqlType[] types = new SqlType[width];
        for (int c = 0; c < width; c++) {
          types[c] = resultColumns.get(c).type();
        }
        json.writeArrayFieldStart("rows");
        for (int r = 0; r < rows.size(); r++) {
          List<Object> row = rows.get(r);
          json.writeStartArray();
          for (int c = 0; c < width; c++) {
            JsonValues.writeValue(json, types[c], row.get(c));
          }
          json.writeEndArray();
        }
        json.writeEndArray();
        json.writeStringField("updateType", updateType);
        json.writeStringField("setSchema", setSchema);
        json.writeBooleanField("truncated", truncated);
        json.writeNumberField("elapsedMillis", elapsedMillis);
        json.writeEndObject();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return HttpResponse.create()
          .withStatus(StatusCodes.OK)
          .withEntity(ContentTypes.APPLICATION_JSON, bytes.toByteArray());
    }
  }
}
