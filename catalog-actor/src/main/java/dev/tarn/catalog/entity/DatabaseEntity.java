package dev.tarn.catalog.entity;

import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.serde.TarnMessage;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * One database (Trino: schema) of the catalog, as a sharded event-sourced entity whose id is the
 * database name. It holds the names of its tables; each table's metadata lives in its own {@link
 * TableEntity}.
 *
 * <pre>
 *            DatabaseCreated
 *   Empty -------------------> Active ---+ TableAdded, TableRemoved
 *     ^                          |  ^----+
 *     +------ DatabaseDropped ---+
 * </pre>
 *
 * <p>A dropped database returns to {@link Empty}, so its name can be used again. The database
 * {@value #DEFAULT_DATABASE} exists without being created: its empty state is already {@link
 * Active}, and it cannot be dropped, as in Hive and Athena.
 *
 * <p>{@link AddTable} and {@link RemoveTable} are idempotent (they reply whether anything changed)
 * because the client facade repeats them when it retries a half-done CREATE or DROP TABLE.
 */
public final class DatabaseEntity
    extends EventSourcedBehaviorWithEnforcedReplies<
        DatabaseEntity.Command, DatabaseEntity.Event, DatabaseEntity.State> {

  public static final EntityTypeKey<Command> TYPE_KEY =
      EntityTypeKey.create(Command.class, "database");

  /** The database every catalog has, in which unqualified tables live. */
  public static final String DEFAULT_DATABASE = "default";

  /** Commands the entity accepts. */
  public sealed interface Command extends TarnMessage {}

  /** Creates the database; replies true when created, false when it existed and ifNotExists. */
  public record Create(boolean ifNotExists, ActorRef<CatalogReply<Boolean>> replyTo)
      implements Command {}

  /**
   * Drops the database; replies true when dropped, false when absent and ifExists. Without cascade
   * it refuses while tables remain; with cascade it forgets them (dropping the table entities is
   * the caller's part).
   */
  public record Drop(boolean ifExists, boolean cascade, ActorRef<CatalogReply<Boolean>> replyTo)
      implements Command {}

  /** Replies with the {@link Description}. */
  public record Get(ActorRef<CatalogReply<Description>> replyTo) implements Command {}

  /** Adds a table name; replies true when added, false when already present. */
  public record AddTable(String table, ActorRef<CatalogReply<Boolean>> replyTo) implements Command {
    public AddTable {
      Objects.requireNonNull(table, "table");
    }
  }

  /** Removes a table name; replies true when removed, false when it was not there. */
  public record RemoveTable(String table, ActorRef<CatalogReply<Boolean>> replyTo)
      implements Command {
    public RemoveTable {
      Objects.requireNonNull(table, "table");
    }
  }

  /** Replies with the table names, sorted. */
  public record ListTables(ActorRef<CatalogReply<List<String>>> replyTo) implements Command {}

  /** What {@link Get} answers: the database name and its sorted table names. */
  public record Description(String name, List<String> tables) implements TarnMessage {
    public Description {
      Objects.requireNonNull(name, "name");
      tables = List.copyOf(tables);
    }
  }

  /** Events, in the past tense. */
  public sealed interface Event extends CatalogEvent {}

  public record DatabaseCreated(String name) implements Event {
    public DatabaseCreated {
      Objects.requireNonNull(name, "name");
    }
  }

  public record DatabaseDropped(String name) implements Event {
    public DatabaseDropped {
      Objects.requireNonNull(name, "name");
    }
  }

  public record TableAdded(String table) implements Event {
    public TableAdded {
      Objects.requireNonNull(table, "table");
    }
  }

  public record TableRemoved(String table) implements Event {
    public TableRemoved {
      Objects.requireNonNull(table, "table");
    }
  }

  /** One class per lifecycle phase. */
  public sealed interface State extends CatalogState {}

  /** Never created, or dropped. */
  public record Empty() implements State {}

  /** Exists, with these table names. */
  public record Active(Set<String> tables) implements State {
    public Active {
      tables = Set.copyOf(tables);
    }

    Active with(String table) {
      Set<String> next = new HashSet<>(tables);
      next.add(table);
      return new Active(next);
    }

    Active without(String table) {
      Set<String> next = new HashSet<>(tables);
      next.remove(table);
      return new Active(next);
    }

    List<String> sortedTables() {
      return List.copyOf(new TreeSet<>(tables));
    }
  }

  private final String name;
  private final int snapshotEvery;

  private DatabaseEntity(String name, int snapshotEvery) {
    super(PersistenceId.of(TYPE_KEY.name(), name));
    this.name = name;
    this.snapshotEvery = snapshotEvery;
  }

  /**
   * The behavior of database {@code name}.
   *
   * @param snapshotEvery events between snapshots (positive)
   */
  public static Behavior<Command> create(String name, int snapshotEvery) {
    Objects.requireNonNull(name, "name");
    if (snapshotEvery < 1) {
      throw new IllegalArgumentException("snapshotEvery must be positive, was " + snapshotEvery);
    }
    return new DatabaseEntity(name, snapshotEvery);
  }

  @Override
  public State emptyState() {
    return DEFAULT_DATABASE.equals(name) ? new Active(Set.of()) : new Empty();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(snapshotEvery, 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    var builder = newCommandHandlerWithReplyBuilder();
    builder
        .forStateType(Empty.class)
        .onCommand(Create.class, this::createWhenEmpty)
        .onCommand(Drop.class, this::dropWhenEmpty)
        .onCommand(Get.class, (state, cmd) -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(AddTable.class, (state, cmd) -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(RemoveTable.class, (state, cmd) -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(ListTables.class, (state, cmd) -> Effect().reply(cmd.replyTo(), notFound()));
    builder
        .forStateType(Active.class)
        .onCommand(Create.class, this::createWhenActive)
        .onCommand(Drop.class, this::dropWhenActive)
        .onCommand(
            Get.class,
            (state, cmd) ->
                Effect()
                    .reply(
                        cmd.replyTo(),
                        CatalogReply.ok(new Description(name, state.sortedTables()))))
        .onCommand(AddTable.class, this::addTable)
        .onCommand(RemoveTable.class, this::removeTable)
        .onCommand(
            ListTables.class,
            (state, cmd) -> Effect().reply(cmd.replyTo(), CatalogReply.ok(state.sortedTables())));
    return builder.build();
  }

  private ReplyEffect<Event, State> createWhenEmpty(Empty state, Create cmd) {
    return Effect()
        .persist(new DatabaseCreated(name))
        .thenReply(cmd.replyTo(), next -> CatalogReply.ok(true));
  }

  private ReplyEffect<Event, State> dropWhenEmpty(Empty state, Drop cmd) {
    return Effect().reply(cmd.replyTo(), cmd.ifExists() ? CatalogReply.ok(false) : notFound());
  }

  private ReplyEffect<Event, State> createWhenActive(Active state, Create cmd) {
    return Effect()
        .reply(
            cmd.replyTo(),
            cmd.ifNotExists()
                ? CatalogReply.ok(false)
                : CatalogReply.failed(
                    ErrorCode.ALREADY_EXISTS, "database " + name + " already exists"));
  }

  private ReplyEffect<Event, State> dropWhenActive(Active state, Drop cmd) {
    if (DEFAULT_DATABASE.equals(name)) {
      return Effect()
          .reply(
              cmd.replyTo(),
              CatalogReply.failed(
                  ErrorCode.NOT_SUPPORTED, "database " + name + " cannot be dropped"));
    }
    if (!cmd.cascade() && !state.tables().isEmpty()) {
      return Effect()
          .reply(
              cmd.replyTo(),
              CatalogReply.failed(
                  ErrorCode.INVALID_ARGUMENT,
                  "database "
                      + name
                      + " is not empty: it still has tables "
                      + String.join(", ", state.sortedTables())
                      + " (drop them first or use CASCADE)"));
    }
    return Effect()
        .persist(new DatabaseDropped(name))
        .thenReply(cmd.replyTo(), next -> CatalogReply.ok(true));
  }

  private ReplyEffect<Event, State> addTable(Active state, AddTable cmd) {
    if (state.tables().contains(cmd.table())) {
      return Effect().reply(cmd.replyTo(), CatalogReply.ok(false));
    }
    return Effect()
        .persist(new TableAdded(cmd.table()))
        .thenReply(cmd.replyTo(), next -> CatalogReply.ok(true));
  }

  private ReplyEffect<Event, State> removeTable(Active state, RemoveTable cmd) {
    if (!state.tables().contains(cmd.table())) {
      return Effect().reply(cmd.replyTo(), CatalogReply.ok(false));
    }
    return Effect()
        .persist(new TableRemoved(cmd.table()))
        .thenReply(cmd.replyTo(), next -> CatalogReply.ok(true));
  }

  private <T> CatalogReply<T> notFound() {
    return CatalogReply.failed(ErrorCode.SCHEMA_NOT_FOUND, "database " + name + " does not exist");
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    var builder = newEventHandlerBuilder();
    builder
        .forStateType(Empty.class)
        .onEvent(DatabaseCreated.class, (state, event) -> new Active(Set.of()));
    builder
        .forStateType(Active.class)
        .onEvent(DatabaseDropped.class, (state, event) -> new Empty())
        .onEvent(TableAdded.class, (state, event) -> state.with(event.table()))
        .onEvent(TableRemoved.class, (state, event) -> state.without(event.table()));
    return builder.build();
  }
}
