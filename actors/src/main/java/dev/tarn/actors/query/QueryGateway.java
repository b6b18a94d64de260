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

  /** The page after the one whose {@code nextToken} was {@code token}. */
  CompletionStage<QueryResults> fetch(String queryId, long token);

  /** Cancels a query; completes when the cancellation has been delivered. */
  CompletionStage<Void> cancel(String queryId);
}
