package dev.tarn.runtime.http;

import dev.tarn.actors.query.QueryGateway;
import dev.tarn.actors.query.QueryResults;
import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.ErrorInfo;
import dev.tarn.core.meta.Column;
import dev.tarn.core.type.SqlType;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hand-written {@link QueryGateway} that serves canned statements, so that the HTTP endpoint, the
 * Trino JDBC driver and the CLI can be tested without a query runtime.
 *
 * <pre>
 *   SELECT * FROM all_types     every type, 4 rows over 3 pages (one of them empty)
 *   SELECT * FROM specials      double NaN/Infinity, real, varbinary, tinyint, smallint
 *   SELECT bad                  fails: Column 'bad' cannot be resolved at line 1:8
 *   SELECT slow                 first page and second page each take {@link #SLOW_MILLIS}
 *   SELECT current_database     one row: the database the statement was started in
 *   SELECT many                 5 rows over 5 pages
 *   USE x                       update type USE, switches to x
 *   CREATE TABLE ...            update type CREATE TABLE
 *   anything else               fails with a syntax error at line 1:1
 * </pre>
 */
public final class FakeQueryGateway implements QueryGateway {
  static final long SLOW_MILLIS = 1_500;

  public static final List<Column> ALL_TYPES_COLUMNS =
      List.of(
          new Column("b", SqlType.BIGINT),
          new Column("i", SqlType.INTEGER),
          new Column("d", SqlType.DOUBLE),
          new Column("m", SqlType.decimal(12, 2)),
          new Column("s", SqlType.VARCHAR),
          new Column("dt", SqlType.DATE),
          new Column("ts", SqlType.TIMESTAMP),
          new Column("f", SqlType.BOOLEAN));

  /** The rows of {@code all_types}, in order; pages: rows 0-1, none, rows 2-3. */
  public static final List<List<Object>> ALL_TYPES_ROWS =
      List.of(
          List.of(
              1L,
              10L,
              1.5,
              new BigDecimal("12.30"),
              "alpha",
              LocalDate.of(2024, 1, 31),
              LocalDateTime.of(2024, 1, 31, 10, 20, 30, 123_456_000),
              true),
          List.of(
              -9_000_000_000L,
              -2_147_483_648L,
              -0.25,
              new BigDecimal("-9999999999.99"),
              "with 'quote' and ; semicolon",
              LocalDate.of(1969, 12, 31),
              LocalDateTime.of(1969, 12, 31, 23, 59, 59, 1_000),
              false),
          List.of(
              Long.MAX_VALUE,
              2_147_483_647L,
              1e300,
              new BigDecimal("0.05"),
              "ünïcödé",
              LocalDate.of(2000, 2, 29),
              LocalDateTime.of(2000, 2, 29, 0, 0, 0, 0),
              true),
          Arrays.asList(null, null, null, null, null, null, null, null));

  public static final List<Column> SPECIALS_COLUMNS =
      List.of(
          new Column("d", SqlType.DOUBLE),
          new Column("r", SqlType.REAL),
          new Column("bin", SqlType.VARBINARY),
          new Column("t", SqlType.TINYINT),
          new Column("sm", SqlType.SMALLINT));

  public static final List<List<Object>> SPECIALS_ROWS =
      List.of(
          List.of(Double.NaN, 1.25, new byte[] {0, 1, 2, (byte) 255}, 7L, 300L),
          List.of(Double.POSITIVE_INFINITY, -0.5, new byte[0], -128L, -32768L),
          List.of(Double.NEGATIVE_INFINITY, 3.0, new byte[] {42}, 127L, 32767L));

  private final Map<String, List<QueryResults>> pages = new ConcurrentHashMap<>();
  private final Map<String, Boolean> slow = new ConcurrentHashMap<>();
  private final AtomicInteger ids = new AtomicInteger();
  private final Executor slowExecutor =
      CompletableFuture.delayedExecutor(SLOW_MILLIS, TimeUnit.MILLISECONDS);

  /** Every (sql, database) pair started, in order. */
  public final List<List<String>> started = new CopyOnWriteArrayList<>();

  /** Every page fetched, as "queryId/token", in order. */
  public final List<String> fetched = new CopyOnWriteArrayList<>();

  /** Every query id cancelled, in order. */
  public final List<String> cancelled = new CopyOnWriteArrayList<>();

  @Override
  public CompletionStage<QueryResults> start(String sql, String database) {
    started.add(List.of(sql, database));
    String text = sql.trim().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
    if (text.endsWith(";")) {
      text = text.substring(0, text.length() - 1).trim();
    }
    String id = "q" + ids.incrementAndGet();
    List<QueryResults> script = script(id, text, database);
    pages.put(id, script);
    if (text.equals("select slow")) {
      slow.put(id, true);
      return CompletableFuture.supplyAsync(() -> script.get(0), slowExecutor);
    }
    return CompletableFuture.completedFuture(script.get(0));
  }

  @Override
  public CompletionStage<QueryResults> fetch(String queryId, long token) {
    fetched.add(queryId + "/" + token);
    List<QueryResults> script = pages.get(queryId);
    if (script == null || token < 0 || token >= script.size()) {
      return CompletableFuture.completedFuture(
          failed(queryId, ErrorCode.INVALID_ARGUMENT, "no page " + token + " of " + queryId, 0, 0));
    }
    QueryResults page = script.get((int) token);
    if (slow.containsKey(queryId)) {
      return CompletableFuture.supplyAsync(() -> page, slowExecutor);
    }
    return CompletableFuture.completedFuture(page);
  }

  @Override
  public CompletionStage<Void> cancel(String queryId) {
    cancelled.add(queryId);
    return CompletableFuture.completedFuture(null);
  }

  private static List<QueryResults> script(String id, String text, String database) {
    switch (text) {
      case "select * from all_types":
        return List.of(
            page(id, "RUNNING", ALL_TYPES_COLUMNS, ALL_TYPES_ROWS.subList(0, 2), 1),
            page(id, "RUNNING", ALL_TYPES_COLUMNS, List.of(), 2),
            page(id, "FINISHED", ALL_TYPES_COLUMNS, ALL_TYPES_ROWS.subList(2, 4), -1));
      case "select * from specials":
        return List.of(page(id, "FINISHED", SPECIALS_COLUMNS, SPECIALS_ROWS, -1));
      case "select bad":
        return List.of(
            failed(id, ErrorCode.COLUMN_NOT_FOUND, "Column 'bad' cannot be resolved", 1, 8));
      case "select slow":
        List<Column> one = List.of(new Column("n", SqlType.BIGINT));
        return List.of(
            page(id, "RUNNING", one, List.of(), 1),
            page(id, "FINISHED", one, List.of(List.of(1L), List.of(2L)), -1));
      case "select current_database":
        return List.of(
            page(
                id,
                "FINISHED",
                List.of(new Column("db", SqlType.VARCHAR)),
                List.of(List.of(database)),
                -1));
      case "select many":
        List<Column> n = List.of(new Column("n", SqlType.BIGINT));
        List<QueryResults> many = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          many.add(page(id, "RUNNING", n, List.of(List.of((long) i)), i == 4 ? -1 : i + 1));
        }
        return many;
      default:
        if (text.startsWith("use ")) {
          return List.of(
              new QueryResults(
                  id,
                  "FINISHED",
                  null,
                  List.of(),
                  -1,
                  null,
                  "USE",
                  text.substring(4).trim(),
                  QueryResults.QueryStats.EMPTY));
        }
        if (text.startsWith("create table ")) {
          return List.of(
              new QueryResults(
                  id,
                  "FINISHED",
                  null,
                  List.of(),
                  -1,
                  null,
                  "CREATE TABLE",
                  null,
                  QueryResults.QueryStats.EMPTY));
        }
        return List.of(failed(id, ErrorCode.SYNTAX_ERROR, "mismatched input '" + text + "'", 1, 1));
    }
  }

  private static QueryResults page(
      String id, String state, List<Column> columns, List<List<Object>> rows, long next) {
    return new QueryResults(
        id,
        state,
        columns,
        rows,
        next,
        null,
        null,
        null,
        new QueryResults.QueryStats(5, rows.size(), rows.size() * 8L, 1, 2));
  }

  private static QueryResults failed(
      String id, ErrorCode code, String message, int line, int column) {
    return new QueryResults(
        id,
        "FAILED",
        null,
        List.of(),
        -1,
        new ErrorInfo(code, message, line, column),
        null,
        null,
        QueryResults.QueryStats.EMPTY);
  }
}
