package dev.tarn.runtime.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tarn.runtime.sql.LakeFixture;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acknowledged DDL survives SIGKILL: a node runs in its own JVM, takes DDL through the HTTP API, is
 * killed with SIGKILL (no shutdown hook runs), and a new JVM on the same data directory still has
 * every acknowledged database, table and partition.
 */
class DurabilityTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path temp;
  private Process process;
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void killNode() {
    if (process != null) {
      process.destroyForcibly();
    }
  }

  @Test
  void catalogSurvivesSigkill() throws Exception {
    Path lake;
    try (RootAllocator allocator = new RootAllocator()) {
      lake = LakeFixture.write(temp.resolve("lake"), allocator).root().toAbsolutePath();
    }
    Path data = temp.resolve("node");
    int port = startNode(data, "first");
    query(port, "CREATE DATABASE durable");
    query(
        port,
        "CREATE EXTERNAL TABLE durable.sales (id bigint, amount decimal(10,2))"
            + " PARTITIONED BY (region string) STORED AS PARQUET LOCATION '"
            + lake.resolve("sales_parquet")
            + "'");
    query(
        port,
        "CREATE EXTERNAL TABLE durable.customers (customer_id int, name string) STORED AS PARQUET"
            + " LOCATION '"
            + lake.resolve("customers")
            + "'");
    query(port, "MSCK REPAIR TABLE durable.sales");
    JsonNode before =
        query(port, "SELECT region, count(*) FROM durable.sales GROUP BY region ORDER BY region");

    assertThat(process.pid()).isPositive();
    process.destroyForcibly(); // SIGKILL
    assertThat(process.waitFor()).isNotZero();

    port = startNode(data, "second");
    assertThat(values(query(port, "SHOW DATABASES"))).contains("durable");
    assertThat(values(query(port, "SHOW TABLES FROM durable")))
        .containsExactly("customers", "sales");
    assertThat(values(query(port, "DESCRIBE durable.sales")))
        .containsExactly("id", "amount", "region");
    JsonNode after =
        query(port, "SELECT region, count(*) FROM durable.sales GROUP BY region ORDER BY region");
    assertThat(after.get("rows")).isEqualTo(before.get("rows"));
    assertThat(after.get("rows")).hasSize(LakeFixture.REGIONS.size());
  }

  /** First column of every row. */
  private static List<String> values(JsonNode result) {
    List<String> out = new ArrayList<>();
    for (JsonNode row : result.get("rows")) {
      out.add(row.get(0).asText());
    }
    return out;
  }

  private int startNode(Path data, String name) throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path log = temp.resolve(name + ".log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--add-opens=java.base/java.nio=ALL-UNNAMED");
    command.add("-Xmx512m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(dev.tarn.runtime.Main.class.getName());
    command.addAll(
        List.of("server", "--data-dir", data.toString(), "--http-port", String.valueOf(port)));
    process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("node exited early:\n" + Files.readString(log));
      }
      try {
        HttpResponse<String> health =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/health"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (health.statusCode() == 200) {
          return port;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("node did not become healthy:\n" + Files.readString(log));
  }

  private JsonNode query(int port, String sql) throws Exception {
    String body = JSON.writeValueAsString(Map.of("sql", sql, "database", "default"));
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/query"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(60))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(sql + " -> " + response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }
}
