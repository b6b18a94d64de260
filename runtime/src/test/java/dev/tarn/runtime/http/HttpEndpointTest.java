package dev.tarn.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The endpoint's raw HTTP: Trino JSON shape, HTTP errors, waiting, cancel, and the Tarn API. */
class HttpEndpointTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static FakeServer server;

  @BeforeAll
  static void start() throws Exception {
    server = FakeServer.start();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder statement(String sql) {
    return HttpRequest.newBuilder(URI.create(server.url() + "/v1/statement"))
        .header("X-Trino-User", "test")
        .POST(HttpRequest.BodyPublishers.ofString(sql));
  }

  private static HttpRequest.Builder get(String uri) {
    return HttpRequest.newBuilder(URI.create(uri)).header("X-Trino-User", "test").GET();
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    return MAPPER.readTree(response.body());
  }

  /** Follows nextUri from a first response, returning every page including the first. */
  private static List<JsonNode> follow(JsonNode first) throws Exception {
    List<JsonNode> pages = new ArrayList<>();
    JsonNode page = first;
    pages.add(page);
    while (page.hasNonNull("nextUri")) {
      HttpResponse<String> response = send(get(page.get("nextUri").asText()));
      assertThat(response.statusCode()).isEqualTo(200);
      page = json(response);
      pages.add(page);
    }
    return pages;
  }

  @Test
  void firstPageHasTrinoShape() throws Exception {
    HttpResponse<String> response = send(statement("SELECT * FROM all_types"));
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode page = json(response);
    String id = page.get("id").asText();
    assertThat(page.get("infoUri").asText()).isEqualTo(server.url() + "/ui/query.html?" + id);
    assertThat(page.get("nextUri").asText())
        .startsWith(server.url() + "/v1/statement/executing/" + id + "/")
        .endsWith("/1");
    assertThat(page.get("warnings").isArray()).isTrue();

    JsonNode columns = page.get("columns");
    assertThat(columns).hasSize(FakeQueryGateway.ALL_TYPES_COLUMNS.size());
    assertThat(columns.get(3).get("type").asText()).isEqualTo("decimal(12,2)");
    assertThat(columns.get(3).get("typeSignature").toString())
        .isEqualTo(
            "{\"rawType\":\"decimal\",\"arguments\":"
                + "[{\"kind\":\"LONG\",\"value\":12},{\"kind\":\"LONG\",\"value\":2}]}");
    assertThat(columns.get(4).get("typeSignature").toString())
        .isEqualTo(
            "{\"rawType\":\"varchar\",\"arguments\":[{\"kind\":\"LONG\",\"value\":2147483647}]}");
    assertThat(columns.get(6).get("type").asText()).isEqualTo("timestamp(6)");
    assertThat(columns.get(0).get("typeSignature").toString())
        .isEqualTo("{\"rawType\":\"bigint\",\"arguments\":[]}");

    JsonNode row = page.get("data").get(0);
    assertThat(row.get(0).isIntegralNumber()).isTrue();
    assertThat(row.get(2).isFloatingPointNumber()).isTrue();
    assertThat(row.get(3).textValue()).isEqualTo("12.30");
    assertThat(row.get(5).textValue()).isEqualTo("2024-01-31");
    assertThat(row.get(6).textValue()).isEqualTo("2024-01-31 10:20:30.123456");
    assertThat(row.get(7).isBoolean()).isTrue();

    JsonNode stats = page.get("stats");
    for (String field :
        List.of(
            "state",
            "queued",
            "scheduled",
            "nodes",
            "totalSplits",
            "queuedSplits",
            "runningSplits",
            "completedSplits",
            "cpuTimeMillis",
            "wallTimeMillis",
            "queuedTimeMillis",
            "elapsedTimeMillis",
            "processedRows",
            "processedBytes",
            "physicalInputBytes",
            "peakMemoryBytes",
            "spilledBytes")) {
      assertThat(stats.has(field)).as("stats.%s", field).isTrue();
    }
    assertThat(stats.get("state").asText()).isEqualTo("RUNNING");

    List<JsonNode> pages = follow(page);
    JsonNode last = pages.get(pages.size() - 1);
    assertThat(last.has("nextUri")).isFalse();
    assertThat(last.get("stats").get("state").asText()).isEqualTo("FINISHED");
    int rows = 0;
    for (JsonNode p : pages) {
      rows += p.path("data").size();
    }
    assertThat(rows).isEqualTo(FakeQueryGateway.ALL_TYPES_ROWS.size());
  }

  @Test
  void specialFloatingValuesAreStrings() throws Exception {
    JsonNode page = json(send(statement("SELECT * FROM specials")));
    JsonNode data = page.get("data");
    assertThat(data.get(0).get(0).textValue()).isEqualTo("NaN");
    assertThat(data.get(1).get(0).textValue()).isEqualTo("Infinity");
    assertThat(data.get(2).get(0).textValue()).isEqualTo("-Infinity");
    assertThat(data.get(0).get(1).toString()).isEqualTo("1.25");
    assertThat(data.get(0).get(2).textValue()).isEqualTo("AAEC/w==");
  }

  @Test
  void failedStatementIsTrinoError() throws Exception {
    HttpResponse<String> response = send(statement("SELECT bad"));
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode page = json(response);
    assertThat(page.has("nextUri")).isFalse();
    assertThat(page.get("stats").get("state").asText()).isEqualTo("FAILED");
    JsonNode error = page.get("error");
    assertThat(error.get("message").asText())
        .isEqualTo("line 1:8: Column 'bad' cannot be resolved");
    assertThat(error.get("errorCode").asInt()).isEqualTo(47);
    assertThat(error.get("errorName").asText()).isEqualTo("COLUMN_NOT_FOUND");
    assertThat(error.get("errorType").asText()).isEqualTo("USER_ERROR");
    assertThat(error.get("errorLocation").toString())
        .isEqualTo("{\"lineNumber\":1,\"columnNumber\":8}");
    JsonNode failure = error.get("failureInfo");
    assertThat(failure.get("stack")).isEmpty();
    assertThat(failure.get("suppressed")).isEmpty();
    assertThat(failure.get("message").asText()).contains("Column 'bad'");
  }

  @Test
  void useSetsSchemaHeadersInTheClientsProtocol() throws Exception {
    HttpResponse<String> trino = send(statement("USE sales"));
    assertThat(trino.headers().firstValue("X-Trino-Set-Schema")).hasValue("sales");
    assertThat(trino.headers().firstValue("X-Trino-Set-Catalog")).hasValue("tarn");
    JsonNode page = json(trino);
    assertThat(page.get("updateType").asText()).isEqualTo("USE");

    HttpResponse<String> presto =
        send(
            HttpRequest.newBuilder(URI.create(server.url() + "/v1/statement"))
                .header("X-Presto-User", "old")
                .header("X-Presto-Schema", "legacy")
                .POST(HttpRequest.BodyPublishers.ofString("USE other")));
    assertThat(presto.statusCode()).isEqualTo(200);
    assertThat(presto.headers().firstValue("X-Presto-Set-Schema")).hasValue("other");
    assertThat(server.gateway.started).contains(List.of("USE other", "legacy"));
  }

  @Test
  void ddlAnswersLikeTrino() throws Exception {
    JsonNode page = json(send(statement("CREATE TABLE t (x integer)")));
    assertThat(page.get("updateType").asText()).isEqualTo("CREATE TABLE");
    assertThat(page.get("columns").get(0).get("name").asText()).isEqualTo("result");
    assertThat(page.get("data").toString()).isEqualTo("[[true]]");
  }

  @Test
  void slowStartAnswersWithinAboutASecond() throws Exception {
    long start = System.nanoTime();
    JsonNode first = json(send(statement("SELECT slow")));
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(millis).isLessThan(FakeQueryGateway.SLOW_MILLIS);
    assertThat(first.get("stats").get("state").asText()).isEqualTo("QUEUED");
    assertThat(first.has("data")).isFalse();
    assertThat(first.get("nextUri").asText()).contains("/v1/statement/queued/");

    List<JsonNode> pages = follow(first);
    List<Long> values = new ArrayList<>();
    for (JsonNode page : pages) {
      for (JsonNode row : page.path("data")) {
        values.add(row.get(0).asLong());
      }
    }
    assertThat(values).containsExactly(1L, 2L);
    // The client asked for the slow second page more than once; the gateway was asked once.
    assertThat(pages.size()).isGreaterThan(3);
    String id = pages.get(pages.size() - 1).get("id").asText();
    assertThat(server.gateway.fetched).containsOnlyOnce(id + "/1");
  }

  @Test
  void missingUserIs400() throws Exception {
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(URI.create(server.url() + "/v1/statement"))
                .POST(HttpRequest.BodyPublishers.ofString("SELECT 1")));
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    assertThat(response.body()).contains("X-Trino-User");
  }

  @Test
  void emptyStatementIs400() throws Exception {
    HttpResponse<String> response = send(statement("   "));
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("empty");
  }

  @Test
  void unknownQueryIs404Json() throws Exception {
    HttpResponse<String> response = send(get(server.url() + "/v1/statement/executing/nope/xabc/1"));
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(json(response).get("error").get("message").asText()).contains("'nope' not found");
  }

  @Test
  void wrongSlugIs404() throws Exception {
    JsonNode first = json(send(statement("SELECT many")));
    String next = first.get("nextUri").asText();
    String forged = next.replaceFirst("/x[0-9a-f]+/", "/xdeadbeef/");
    assertThat(forged).isNotEqualTo(next);
    assertThat(send(get(forged)).statusCode()).isEqualTo(404);
  }

  @Test
  void wrongMethodIs405() throws Exception {
    HttpResponse<String> response = send(get(server.url() + "/v1/statement"));
    assertThat(response.statusCode()).isEqualTo(405);
  }

  @Test
  void deleteCancelsAndForgetsTheQuery() throws Exception {
    JsonNode first = json(send(statement("SELECT many")));
    String id = first.get("id").asText();
    String next = first.get("nextUri").asText();
    HttpResponse<String> deleted =
        send(HttpRequest.newBuilder(URI.create(next)).header("X-Trino-User", "test").DELETE());
    assertThat(deleted.statusCode()).isEqualTo(204);
    assertThat(server.gateway.cancelled).contains(id);
    assertThat(send(get(next)).statusCode()).isEqualTo(404);
  }

  @Test
  void infoDescribesTheServer() throws Exception {
    JsonNode info = json(send(get(server.url() + "/v1/info")));
    assertThat(info.get("nodeVersion").get("version").asText()).isEqualTo("tarn-0.1.0");
    assertThat(info.get("coordinator").asBoolean()).isTrue();
    assertThat(info.get("starting").asBoolean()).isFalse();
    assertThat(info.get("uptime").asText()).matches("\\d+\\.\\d\\dm");
  }

  @Test
  void healthIsUpOr503() throws Exception {
    HttpResponse<String> up = send(get(server.url() + "/api/v1/health"));
    assertThat(up.statusCode()).isEqualTo(200);
    assertThat(json(up).get("status").asText()).isEqualTo("UP");
    assertThat(json(up).get("roles").asText()).isEqualTo("coordinator");
    server.healthy.set(false);
    try {
      HttpResponse<String> down = send(get(server.url() + "/api/v1/health"));
      assertThat(down.statusCode()).isEqualTo(503);
      assertThat(json(down).get("status").asText()).isEqualTo("DOWN");
    } finally {
      server.healthy.set(true);
    }
  }

  private static HttpResponse<String> api(String body) throws Exception {
    return send(
        HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/query"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  @Test
  void apiQueryRunsToCompletion() throws Exception {
    HttpResponse<String> response = api("{\"sql\": \"SELECT * FROM all_types\"}");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode result = json(response);
    assertThat(result.get("queryId").asText()).isNotEmpty();
    assertThat(result.get("columns").get(3).toString())
        .isEqualTo("{\"name\":\"m\",\"type\":\"decimal(12,2)\"}");
    JsonNode rows = result.get("rows");
    assertThat(rows).hasSize(FakeQueryGateway.ALL_TYPES_ROWS.size());
    assertThat(rows.get(1).get(3).textValue()).isEqualTo("-9999999999.99");
    assertThat(rows.get(1).get(6).textValue()).isEqualTo("1969-12-31 23:59:59.000001");
    assertThat(rows.get(3).get(0).isNull()).isTrue();
    assertThat(result.get("elapsedMillis").isIntegralNumber()).isTrue();
    assertThat(result.get("truncated").asBoolean()).isFalse();
  }

  @Test
  void apiQueryUsesTheDatabaseAndReportsUse() throws Exception {
    JsonNode result = json(api("{\"sql\": \"SELECT current_database\", \"database\": \"sales\"}"));
    assertThat(result.get("rows").toString()).isEqualTo("[[\"sales\"]]");
    JsonNode use = json(api("{\"sql\": \"USE other\"}"));
    assertThat(use.get("updateType").asText()).isEqualTo("USE");
    assertThat(use.get("setSchema").asText()).isEqualTo("other");
  }

  @Test
  void apiQueryStopsAtMaxRowsAndCancels() throws Exception {
    JsonNode result = json(api("{\"sql\": \"SELECT many\", \"maxRows\": 2}"));
    assertThat(result.get("rows").toString()).isEqualTo("[[0],[1]]");
    assertThat(result.get("truncated").asBoolean()).isTrue();
    assertThat(server.gateway.cancelled).contains(result.get("queryId").asText());
  }

  @Test
  void apiUserErrorIs400WithPosition() throws Exception {
    HttpResponse<String> response = api("{\"sql\": \"SELECT bad\"}");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).toString())
        .isEqualTo(
            "{\"error\":{\"code\":\"COLUMN_NOT_FOUND\","
                + "\"message\":\"Column 'bad' cannot be resolved\",\"line\":1,\"column\":8}}");
  }

  @Test
  void apiMalformedRequestsAre400() throws Exception {
    HttpResponse<String> notJson = api("{sql: ");
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(json(notJson).get("error").get("message").asText()).contains("not valid JSON");

    HttpResponse<String> noSql = api("{\"database\": \"x\"}");
    assertThat(noSql.statusCode()).isEqualTo(400);
    assertThat(json(noSql).get("error").get("message").asText()).contains("'sql'");

    HttpResponse<String> badRows = api("{\"sql\": \"SELECT 1\", \"maxRows\": -1}");
    assertThat(badRows.statusCode()).isEqualTo(400);
    assertThat(json(badRows).get("error").get("message").asText()).contains("'maxRows'");
  }
}
