package dev.tarn.actors.query;

import dev.tarn.actors.task.TaskManager;
import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.ErrorInfo;
import dev.tarn.core.serde.TarnMessage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/**
 * One per coordinator node: gives each submitted statement an id and a {@link QueryCoordinator}
 * child, and routes fetches and cancellations to it. A coordinator that crashes takes only its
 * query with it. The manager follows the cluster's worker task managers through a receptionist
 * subscription and hands each new coordinator the current list, so a query does not ask the
 * receptionist again.
 */
public final class QueryManager extends AbstractBehavior<QueryManager.Command> {
  private static final java.time.format.DateTimeFormatter QUERY_ID_TIME =
      java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss");

  /** Messages the query manager handles. */
  public sealed interface Command extends TarnMessage {}

  /** Starts a statement; replies with the first (queued) page. */
  public record Submit(String sql, String database, ActorRef<QueryResults> replyTo)
      implements Command {}

  /** Fetches a page of a running or finished query. */
  public record Fetch(String queryId, long token, ActorRef<QueryResults> replyTo)
      implements Command {}

  /** Cancels a query. */
  public record Cancel(String queryId) implements Command {}

  private record CoordinatorStopped(String queryId)
      implements Command, org.apache.pekko.actor.NoSerializationVerificationNeeded {}

  private record WorkersChanged(Receptionist.Listing listing)
      implements Command, org.apache.pekko.actor.NoSerializationVerificationNeeded {}

  private final QueryContext context;
  private final Map<String, ActorRef<QueryCoordinator.Command>> queries = new HashMap<>();
  private List<ActorRef<TaskManager.Command>> workers = List.of();
  private long sequence;

  public static Behavior<Command> create(QueryContext context) {
    return Behaviors.setup(ctx -> new QueryManager(ctx, context));
  }

  private QueryManager(ActorContext<Command> ctx, QueryContext context) {
    super(ctx);
    this.context = context;
    ctx.getSystem()
        .receptionist()
        .tell(
            Receptionist.subscribe(
                TaskManager.SERVICE_KEY,
                ctx.messageAdapter(Receptionist.Listing.class, WorkersChanged::new)));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Submit.class, this::onSubmit)
        .onMessage(Fetch.class, this::onFetch)
        .onMessage(Cancel.class, this::onCancel)
        .onMessage(CoordinatorStopped.class, this::onStopped)
        .onMessage(WorkersChanged.class, this::onWorkersChanged)
        .build();
  }

  private Behavior<Command> onSubmit(Submit submit) {
    String queryId = newQueryId();
    ActorRef<QueryCoordinator.Command> coordinator =
        getContext()
            .spawn(
                Behaviors.supervise(
                        QueryCoordinator.create(
                            queryId, submit.sql(), submit.database(), context, workers))
                    .onFailure(SupervisorStrategy.stop()),
                "query-" + queryId);
    getContext().watchWith(coordinator, new CoordinatorStopped(queryId));
    queries.put(queryId, coordinator);
    submit
        .replyTo()
        .tell(
            new QueryResults(
                queryId,
                "QUEUED",
                null,
                List.of(),
                0,
                null,
                null,
                null,
                QueryResults.QueryStats.EMPTY));
    return this;
  }

  private Behavior<Command> onFetch(Fetch fetch) {
    ActorRef<QueryCoordinator.Command> coordinator = queries.get(fetch.queryId());
    if (coordinator == null) {
      fetch.replyTo().tell(notFound(fetch.queryId()));
    } else {
      coordinator.tell(new QueryCoordinator.Fetch(fetch.token(), fetch.replyTo()));
    }
    return this;
  }

  private Behavior<Command> onCancel(Cancel cancel) {
    ActorRef<QueryCoordinator.Command> coordinator = queries.get(cancel.queryId());
    if (coordinator != null) {
      coordinator.tell(new QueryCoordinator.Cancel());
    }
    return this;
  }

  private Behavior<Command> onWorkersChanged(WorkersChanged changed) {
    workers = List.copyOf(changed.listing().getServiceInstances(TaskManager.SERVICE_KEY));
    return this;
  }

  private Behavior<Command> onStopped(CoordinatorStopped stopped) {
    queries.remove(stopped.queryId());
    return this;
  }

  /** Trino-style query ids: date, time, sequence and a random suffix. */
  private String newQueryId() {
    String date = java.time.LocalDateTime.now(java.time.ZoneOffset.UTC).format(QUERY_ID_TIME);
    String random = UUID.randomUUID().toString().substring(0, 5);
    return date + "_" + String.format("%05d", sequence++) + "_" + random;
  }

  /** The reply for a query id this node does not know (never existed, or already expired). */
  public static QueryResults notFound(String queryId) {
    return QueryResults.failed(
        queryId,
        new ErrorInfo(ErrorCode.INVALID_ARGUMENT, "Query " + queryId + " does not exist", 0, 0));
  }
}
