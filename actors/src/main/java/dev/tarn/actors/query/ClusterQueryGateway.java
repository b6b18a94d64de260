package dev.tarn.actors.query;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/** {@link QueryGateway} over the node's {@link QueryManager} actor. */
public final class ClusterQueryGateway implements QueryGateway {
  private final ActorRef<QueryManager.Command> manager;
  private final ActorSystem<?> system;
  private final Duration askTimeout;

  public ClusterQueryGateway(
      ActorRef<QueryManager.Command> manager, ActorSystem<?> system, Duration askTimeout) {
    this.manager = manager;
    this.system = system;
    this.askTimeout = askTimeout;
  }

  @Override
  public CompletionStage<QueryResults> start(String sql, String database) {
    return recover(
        "new query",
        AskPattern.ask(
            manager,
            replyTo -> new QueryManager.Submit(sql, database, replyTo),
            askTimeout,
            system.scheduler()));
  }

  @Override
  public CompletionStage<QueryResults> fetch(String queryId, long token) {
    return recover(
        queryId,
        AskPattern.ask(
            manager,
            replyTo -> new QueryManager.Fetch(queryId, token, replyTo),
            askTimeout,
            system.scheduler()));
  }

  @Override
  public CompletionStage<Void> cancel(String queryId) {
    manager.tell(new QueryManager.Cancel(queryId));
    return CompletableFuture.completedFuture(null);
  }

  /**
   * An ask that timed out or failed becomes a FAILED page, as the interface promises.
   *
   * <p>The answer completes on the thread that replied, not through {@code exceptionally}: Pekko's
   * ask answers a Scala-converted future that runs every non-async callback on the default async
   * executor, and on a machine with two cores that executor starts a new thread per callback.
   */
  private static CompletionStage<QueryResults> recover(
      String queryId, CompletionStage<QueryResults> ask) {
    return ask.handleAsync(
        (page, failure) -> failure == null ? page : QueryResults.failed(queryId, failure),
        Runnable::run);
  }
}
