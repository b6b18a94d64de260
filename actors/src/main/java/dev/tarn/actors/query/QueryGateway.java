package dev.tarn.actors.query;

import java.util.concurrent.CompletionStage;

/**
 * How the node's front ends (HTTP, the embedded API) run statements. The cluster implementation
 * asks the query manager actor; the futures complete on Pekko's threads and never with an
 * exception: a failed statement is a {@link QueryResults} with state FAILED.
 */
public interface QueryGateway {
  /**
   * Starts a statement.
   *
   * @param sql the statement text (one statement, without a trailing semicolon or with one)
   * @param database the session's current database (Trino schema), e.g. {@code default}
   * @return the first page: its {@code nextToken} fetches the next
   */
  CompletionStage<QueryResults> start(String sql, String database);

  /**
   * The page after the one whose {@code nextToken} was {@code token}. When no new page is ready
   * within a short long-poll time, the answer is an empty page whose {@code nextToken} is {@code
   * token} again: nothing yet, ask again (and do not cache that answer).
   */
  CompletionStage<QueryResults> fetch(String queryId, long token);

  /** Cancels a query; completes when the cancellation has been delivered. */
  CompletionStage<Void> cancel(String queryId);

  /**
   * Runs a statement to its end, following every page: one {@link QueryResults} holding all rows,
   * with the state, error and statistics of the last page. For embedded use and tests; clients page
   * through {@link #fetch} instead.
   */
  default CompletionStage<QueryResults> execute(String sql, String database) {
    return start(sql, database)
        .thenCompose(first -> follow(first, new java.util.ArrayList<>(), null));
  }

  private CompletionStage<QueryResults> follow(
      QueryResults page,
      java.util.List<java.util.List<Object>> rows,
      java.util.List<dev.tarn.core.meta.Column> columns) {
    rows.addAll(page.rows());
    java.util.List<dev.tarn.core.meta.Column> known =
        page.columns() != null ? page.columns() : columns;
    if (page.isDone()) {
      return java.util.concurrent.CompletableFuture.completedFuture(
          new QueryResults(
              page.queryId(),
              page.state(),
              known,
              rows,
              -1,
              page.error(),
              page.updateType(),
              page.setSchema(),
              page.stats()));
    }
    return fetch(page.queryId(), page.nextToken()).thenCompose(next -> follow(next, rows, known));
  }
}
