package dev.tarn.actors.query;

import dev.tarn.core.error.ErrorInfo;
import dev.tarn.core.meta.Column;
import dev.tarn.core.serde.TarnMessage;
import java.util.List;

/**
 * One page of a query's progress, as the HTTP layer pages it to a client.
 *
 * <p>Row values use these Java types: {@code Boolean}; {@code Long} for tinyint..bigint; {@code
 * Double} for real and double; {@code BigDecimal} for decimal; {@code String} for varchar; {@code
 * byte[]} for varbinary; {@code java.time.LocalDate} for date; {@code java.time.LocalDateTime} for
 * timestamp; {@code null} for NULL.
 *
 * @param queryId the query's id
 * @param state QUEUED, RUNNING, FINISHED or FAILED
 * @param columns the result columns once known, else null (DDL statements have columns too: SHOW
 *     returns rows; CREATE/DROP return none with {@code updateType} set)
 * @param rows rows of this page (possibly empty while running)
 * @param nextToken token to fetch the next page with; -1 when this is the last page
 * @param error the failure when state is FAILED, else null
 * @param updateType for DDL, Trino's update type ("CREATE TABLE", ...); else null
 * @param setSchema for USE, the database to make current; else null
 * @param stats progress figures
 */
public record QueryResults(
    String queryId,
    String state,
    List<Column> columns,
    List<List<Object>> rows,
    long nextToken,
    ErrorInfo error,
    String updateType,
    String setSchema,
    QueryStats stats)
    implements TarnMessage {

  /** The one page of a query that failed with {@code failure}. */
  public static QueryResults failed(String queryId, Throwable failure) {
    return failed(queryId, ErrorInfo.of(failure));
  }

  /** The one page of a query that failed with {@code error}. */
  public static QueryResults failed(String queryId, ErrorInfo error) {
    return new QueryResults(
        queryId, "FAILED", null, List.of(), -1, error, null, null, QueryStats.EMPTY);
  }

  /** Query progress figures. */
  public record QueryStats(
      long elapsedMillis,
      long processedRows,
      long processedBytes,
      int completedSplits,
      int totalSplits)
      implements TarnMessage {
    public static final QueryStats EMPTY = new QueryStats(0, 0, 0, 0, 0);
  }

  public boolean isDone() {
    return nextToken < 0;
  }
}
