package dev.tarn.runtime.http;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.tarn.actors.query.QueryResults;
import dev.tarn.core.error.ErrorInfo;
import dev.tarn.core.meta.Column;
import dev.tarn.core.type.SqlType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Writes one response of Trino's client protocol (v1): the JSON document that Trino's {@code
 * io.trino.client.QueryResults}, {@code StatementStats}, {@code QueryError} and {@code Column}
 * read, fields in the order a Trino server writes them.
 *
 * <pre>
 * {"id":"q1","infoUri":"http://h:8080/ui/query.html?q1","nextUri":"http://h:8080/v1/statement/...",
 *  "columns":[{"name":"n","type":"bigint","typeSignature":{"rawType":"bigint","arguments":[]}}],
 *  "data":[[1],[2]],
 *  "stats":{"state":"RUNNING","queued":false,"scheduled":true,"nodes":1,...},
 *  "warnings":[]}
 * </pre>
 *
 * <p>A statement that changes something and returns no rows (DDL, USE) is answered as Trino does:
 * its update type plus one boolean column {@code result} holding {@code true}. Trino's JDBC driver
 * depends on it: a statement whose responses never carry columns fails with "Query has no columns".
 */
final class StatementJson {
  private static final JsonFactory JSON = new JsonFactory();
  private static final List<Column> UPDATE_COLUMNS = List.of(new Column("result", SqlType.BOOLEAN));

  private StatementJson() {}

  /**
   * The response for one page of a query.
   *
   * @param results the page from the gateway
   * @param id the query id to show the client
   * @param infoUri where the query's page would be
   * @param nextUri where to fetch the next page, null on the last page
   */
  static byte[] page(QueryResults results, String id, String infoUri, String nextUri) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + results.rows().size() * 64);
    try (JsonGenerator json = JSON.createGenerator(bytes, JsonEncoding.UTF8)) {
      json.writeStartObject();
      json.writeStringField("id", id);
      json.writeStringField("infoUri", infoUri);
      if (nextUri != null) {
        json.writeStringField("nextUri", nextUri);
      }
      boolean failed = results.error() != null;
      List<Column> columns = results.columns();
      boolean synthesized = false;
      if (results.updateType() != null && (columns == null || columns.isEmpty())) {
        columns = UPDATE_COLUMNS;
        synthesized = true;
      }
      if (columns != null) {
        writeColumns(json, columns);
      }
      if (!failed && columns != null && !columns.isEmpty()) {
        if (synthesized) {
          if (results.isDone()) {
            json.writeArrayFieldStart("data");
            json.writeStartArray();
            json.writeBoolean(true);
            json.writeEndArray();
            json.writeEndArray();
          }
        } else if (!results.rows().isEmpty()) {
          writeData(json, columns, results.rows());
        }
      }
      writeStats(json, results, state(results));
      if (failed) {
        writeError(json, results.error());
      }
      json.writeArrayFieldStart("warnings");
      json.writeEndArray();
      if (results.updateType() != null) {
        json.writeStringField("updateType", results.updateType());
        // ANALYZE answers Trino's one-column "rows" table; clients read it as the update count.
        if (!synthesized
            && columns != null
            && columns.size() == 1
            && columns.get(0).name().equals("rows")
            && !results.rows().isEmpty()) {
          json.writeNumberField("updateCount", ((Number) results.rows().get(0).get(0)).longValue());
        }
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * The response for a query whose page is not ready yet: no columns, no data, only where to ask
   * again.
   */
  static byte[] waiting(String id, String state, String infoUri, String nextUri) {
    QueryResults empty =
        new QueryResults(
            id, state, null, List.of(), 0, null, null, null, QueryResults.QueryStats.EMPTY);
    return page(empty, id, infoUri, nextUri);
  }

  /** The state to report: a last page that did not fail is FINISHED whatever the gateway said. */
  static String state(QueryResults results) {
    if (results.error() != null) {
      return "FAILED";
    }
    if (results.isDone()) {
      return "FINISHED";
    }
    return results.state() == null ? "RUNNING" : results.state();
  }

  /**
   * Trino's message for an error: the statement position first, as Trino writes it ({@code line
   * 1:8: Column 'x' cannot be resolved}), so that every client shows where.
   */
  static String messageWithPosition(ErrorInfo error) {
    String message = error.message();
    if (error.line() > 0 && !message.startsWith("line ")) {
      return "line " + error.line() + ":" + error.column() + ": " + message;
    }
    return message;
  }

  private static void writeColumns(JsonGenerator json, List<Column> columns) throws IOException {
    json.writeArrayFieldStart("columns");
    for (Column column : columns) {
      json.writeStartObject();
      json.writeStringField("name", column.name());
      json.writeStringField("type", JsonValues.typeName(column.type()));
      json.writeFieldName("typeSignature");
      JsonValues.writeTypeSignature(json, column.type());
      json.writeEndObject();
    }
    json.writeEndArray();
  }

  private static void writeData(JsonGenerator json, List<Column> columns, List<List<Object>> rows)
      throws IOException {
    int width = columns.size();
    SqlType[] types = new SqlType[width];
    for (int c = 0; c < width; c++) {
      types[c] = columns.get(c).type();
    }
    json.writeArrayFieldStart("data");
    for (int r = 0; r < rows.size(); r++) {
      List<Object> row = rows.get(r);
      if (row.size() != width) {
        throw new IllegalStateException(
            "row " + r + " has " + row.size() + " values, expected " + width + " columns");
      }
      json.writeStartArray();
      for (int c = 0; c < width; c++) {
        JsonValues.writeValue(json, types[c], row.get(c));
      }
      json.writeEndArray();
    }
    json.writeEndArray();
  }

  private static void writeStats(JsonGenerator json, QueryResults results, String state)
      throws IOException {
    QueryResults.QueryStats stats =
        results.stats() == null ? QueryResults.QueryStats.EMPTY : results.stats();
    boolean queued = "QUEUED".equals(state);
    boolean running = "RUNNING".equals(state);
    json.writeObjectFieldStart("stats");
    json.writeStringField("state", state);
    json.writeBooleanField("queued", queued);
    json.writeBooleanField("scheduled", !queued);
    json.writeNumberField("nodes", 1);
    json.writeNumberField("totalSplits", stats.totalSplits());
    json.writeNumberField("queuedSplits", 0);
    json.writeNumberField(
        "runningSplits", running ? Math.max(0, stats.totalSplits() - stats.completedSplits()) : 0);
    json.writeNumberField("completedSplits", stats.completedSplits());
    json.writeNumberField("cpuTimeMillis", 0);
    json.writeNumberField("wallTimeMillis", stats.elapsedMillis());
    json.writeNumberField("queuedTimeMillis", 0);
    json.writeNumberField("elapsedTimeMillis", stats.elapsedMillis());
    json.writeNumberField("processedRows", stats.processedRows());
    json.writeNumberField("processedBytes", stats.processedBytes());
    json.writeNumberField("physicalInputBytes", stats.processedBytes());
    json.writeNumberField("peakMemoryBytes", 0);
    json.writeNumberField("spilledBytes", 0);
    json.writeEndObject();
  }

  private static void writeError(JsonGenerator json, ErrorInfo error) throws IOException {
    String message = messageWithPosition(error);
    json.writeObjectFieldStart("error");
    json.writeStringField("message", message);
    json.writeNumberField("errorCode", error.code().code());
    json.writeStringField("errorName", error.code().name());
    json.writeStringField("errorType", error.code().type().name());
    writeLocation(json, error);
    json.writeObjectFieldStart("failureInfo");
    // The type names the exception class as Trino's does; stack stays empty on purpose: users get
    // the message, never Tarn's internals.
    json.writeStringField("type", "dev.tarn.core.error.TarnException");
    json.writeStringField("message", message);
    json.writeArrayFieldStart("suppressed");
    json.writeEndArray();
    json.writeArrayFieldStart("stack");
    json.writeEndArray();
    writeLocation(json, error);
    json.writeEndObject();
    json.writeEndObject();
  }

  private static void writeLocation(JsonGenerator json, ErrorInfo error) throws IOException {
    if (error.line() > 0) {
      json.writeObjectFieldStart("errorLocation");
      json.writeNumberField("lineNumber", error.line());
      json.writeNumberField("columnNumber", Math.max(1, error.column()));
      json.writeEndObject();
    }
  }
}
