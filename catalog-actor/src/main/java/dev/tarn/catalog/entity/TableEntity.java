package dev.tarn.catalog.entity;

import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.meta.Partition;
import dev.tarn.core.meta.TableMetadata;
import dev.tarn.core.meta.TableSnapshot;
import dev.tarn.core.meta.TableStatistics;
import dev.tarn.core.serde.TarnMessage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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
 * One table of the catalog, as a sharded event-sourced entity whose id is {@code db.table}: its
 * {@link TableMetadata}, its partitions and the statistics {@code ANALYZE} stored.
 *
 * <pre>
 *            TableCreated
 *   Empty ----------------> Active ---+ PartitionsAdded, PartitionsDropped, StatisticsSet
 *     ^                       |  ^----+
 *     +----- TableDropped ----+
 * </pre>
 *
 * <p>A dropped table returns to {@link Empty} so that its name can be used again, and its
 * statistics go with it. Adding partitions is idempotent: a partition whose values the table
 * already has is ignored (its location is not changed), and the reply counts only the new ones, so
 * crawlers may send what they found every run.
 *
 * <p>Statistics describe the files the table had when it was analyzed. Adding or dropping a
 * partition changes the row count, the NULL counts and possibly min and max by an unknown amount,
 * so those events forget the statistics: a planner without statistics falls back to file sizes and
 * footers, which is safer than trusting figures that may be off by a whole partition (a side
 * believed small would be broadcast). A crawler run that finds nothing new persists no event and
 * keeps them. The schema cannot change without dropping and creating the table again.
 */
public final class TableEntity
    extends EventSourcedBehaviorWithEnforcedReplies<
        TableEntity.Command, TableEntity.Event, TableEntity.State> {

  public static final EntityTypeKey<Command> TYPE_KEY =
      EntityTypeKey.create(Command.class, "table");

  /** Commands the entity accepts. */
  public sealed interface Command extends TarnMessage {}

  /** Creates the table; replies true when created, false when it existed and ifNotExists. */
  public record Create(
      TableMetadata table, boolean ifNotExists, ActorRef<CatalogReply<Boolean>> replyTo)
      implements Command {
    public Create {
      Objects.requireNonNull(table, "table");
    }
  }

  /** Drops the table; replies true when dropped, false when absent and ifExists. */
  public record Drop(boolean ifExists, ActorRef<CatalogReply<Boolean>> replyTo)
      implements Command {}

  /** Replies with the table's metadata and partitions. */
  public record Get(ActorRef<CatalogReply<TableSnapshot>> replyTo) implements Command {}

  /** Adds partitions; replies how many were new. */
  public record AddPartitions(List<Partition> partitions, ActorRef<CatalogReply<Integer>> replyTo)
      implements Command {
    public AddPartitions {
      partitions = List.copyOf(partitions);
    }
  }

  /** Drops the partitions with these values; replies how many existed. */
  public record DropPartitions(List<List<String>> values, ActorRef<CatalogReply<Integer>> replyTo)
      implements Command {
    public DropPartitions {
      values = copyOfValues(values);
    }
  }

  /**
   * Stores the statistics ANALYZE computed, replacing any before; replies true. Refused when the
   * table is no longer what ANALYZE read ({@code analyzed}: its metadata and partitions; its
   * statistics are ignored): created again with another schema, or partitions added or dropped
   * while ANALYZE ran. The figures would describe other columns or other files.
   */
  public record SetStatistics(
      TableSnapshot analyzed, TableStatistics statistics, ActorRef<CatalogReply<Boolean>> replyTo)
      implements Command {
    public SetStatistics {
      Objects.requireNonNull(analyzed, "analyzed");
      Objects.requireNonNull(statistics, "statistics");
    }
  }

  /** Events, in the past tense. */
  public sealed interface Event extends CatalogEvent {}

  public record TableCreated(TableMetadata table) implements Event {
    public TableCreated {
      Objects.requireNonNull(table, "table");
    }
  }

  /**
   * @param qualifiedName {@code db.table}, for whoever reads the journal
   */
  public record TableDropped(String qualifiedName) implements Event {
    public TableDropped {
      Objects.requireNonNull(qualifiedName, "qualifiedName");
    }
  }

  /** Only the partitions that were new when the command arrived. */
  public record PartitionsAdded(List<Partition> partitions) implements Event {
    public PartitionsAdded {
      partitions = List.copyOf(partitions);
    }
  }

  /** Only the values of partitions that existed when the command arrived. */
  public record PartitionsDropped(List<List<String>> values) implements Event {
    public PartitionsDropped {
      values = copyOfValues(values);
    }
  }

  /** ANALYZE's figures, replacing any earlier ones. */
  public record StatisticsSet(TableStatistics statistics) implements Event {
    public StatisticsSet {
      Objects.requireNonNull(statistics, "statistics");
    }
  }

  /** One class per lifecycle phase. */
  public sealed interface State extends CatalogState {}

  /** Never created, or dropped. */
  public record Empty() implements State {}

  /**
   * Exists.
   *
   * @param partitions by partition values, in the order they were added
   * @param statistics what ANALYZE stored, or null when never analyzed (or forgotten since)
   */
  public record Active(
      TableMetadata table, Map<List<String>, Partition> partitions, TableStatistics statistics)
      implements State {
    public Active {
      Objects.requireNonNull(table, "table");
      partitions = Collections.unmodifiableMap(new LinkedHashMap<>(partitions));
    }

    /** The state holding these partitions, in this order, without statistics. */
    public static Active of(TableMetadata table, List<Partition> partitions) {
      return of(table, partitions, null);
    }

    /** The state holding these partitions, in this order, and these statistics (may be null). */
    public static Active of(
        TableMetadata table, List<Partition> partitions, TableStatistics statistics) {
      Map<List<String>, Partition> byValues = new LinkedHashMap<>();
      for (Partition p : partitions) {
        byValues.put(p.values(), p);
      }
      return new Active(table, byValues, statistics);
    }

    /** With the partitions added; statistics are forgotten (see the class comment). */
    Active plus(List<Partition> added) {
      Map<List<String>, Partition> next = new LinkedHashMap<>(partitions);
      for (Partition p : added) {
        next.putIfAbsent(p.values(), p);
      }
      return new Active(table, next, null);
    }

    /** Without the partitions dropped; statistics are forgotten (see the class comment). */
    Active minus(List<List<String>> dropped) {
      Map<List<String>, Partition> next = new LinkedHashMap<>(partitions);
      for (List<String> values : dropped) {
        next.remove(values);
      }
      return new Active(table, next, null);
    }

    Active withStatistics(TableStatistics next) {
      return new Active(table, partitions, next);
    }

    TableSnapshot snapshot() {
      return new TableSnapshot(table, new ArrayList<>(partitions.values()), statistics);
    }
  }

  private final String qualifiedName;
  private final int snapshotEvery;

  private TableEntity(String qualifiedName, int snapshotEvery) {
    super(PersistenceId.of(TYPE_KEY.name(), qualifiedName));
    this.qualifiedName = qualifiedName;
    this.snapshotEvery = snapshotEvery;
  }

  /**
   * The behavior of table {@code qualifiedName} ({@code db.table}).
   *
   * @param snapshotEvery events between snapshots (positive)
   */
  public static Behavior<Command> create(String qualifiedName, int snapshotEvery) {
    Objects.requireNonNull(qualifiedName, "qualifiedName");
    if (snapshotEvery < 1) {
      throw new IllegalArgumentException("snapshotEvery must be positive, was " + snapshotEvery);
    }
    return new TableEntity(qualifiedName, snapshotEvery);
  }

  /** The entity id of a table: {@code db.table}. */
  public static String entityId(String database, String table) {
    return database + "." + table;
  }

  @Override
  public State emptyState() {
    return new Empty();
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
        .onCommand(AddPartitions.class, (state, cmd) -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(DropPartitions.class, (state, cmd) -> Effect().reply(cmd.replyTo(), notFound()))
        .onCommand(SetStatistics.class, (state, cmd) -> Effect().reply(cmd.replyTo(), notFound()));
    builder
        .forStateType(Active.class)
        .onCommand(Create.class, this::createWhenActive)
        .onCommand(Drop.class, this::dropWhenActive)
        .onCommand(
            Get.class,
            (state, cmd) -> Effect().reply(cmd.replyTo(), CatalogReply.ok(state.snapshot())))
        .onCommand(AddPartitions.class, this::addPartitions)
        .onCommand(DropPartitions.class, this::dropPartitions)
        .onCommand(SetStatistics.class, this::setStatistics);
    return builder.build();
  }

  private ReplyEffect<Event, State> createWhenEmpty(Empty state, Create cmd) {
    if (!qualifiedName.equals(cmd.table().qualifiedName())) {
      // The facade derives the entity id from the metadata; a mismatch is a caller's bug.
      return Effect()
          .reply(
              cmd.replyTo(),
              CatalogReply.failed(
                  ErrorCode.INTERNAL_ERROR,
                  "table entity "
                      + qualifiedName
                      + " was asked to create table "
                      + cmd.table().qualifiedName()));
    }
    return Effect()
        .persist(new TableCreated(cmd.table()))
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
                    ErrorCode.ALREADY_EXISTS, "table " + qualifiedName + " already exists"));
  }

  private ReplyEffect<Event, State> dropWhenActive(Active state, Drop cmd) {
    return Effect()
        .persist(new TableDropped(qualifiedName))
        .thenReply(cmd.replyTo(), next -> CatalogReply.ok(true));
  }

  private ReplyEffect<Event, State> addPartitions(Active state, AddPartitions cmd) {
    int expected = state.table().partitionColumns().size();
    Map<List<String>, Partition> fresh = new LinkedHashMap<>();
    for (Partition p : cmd.partitions()) {
      if (p.values().size() != expected) {
        return Effect().reply(cmd.replyTo(), wrongArity(p.values(), expected, "add"));
      }
      if (!state.partitions().containsKey(p.values())) {
        fresh.putIfAbsent(p.values(), p);
      }
    }
    if (fresh.isEmpty()) {
      return Effect().reply(cmd.replyTo(), CatalogReply.ok(0));
    }
    int added = fresh.size();
    return Effect()
        .persist(new PartitionsAdded(new ArrayList<>(fresh.values())))
        .thenReply(cmd.replyTo(), next -> CatalogReply.ok(added));
  }

  private ReplyEffect<Event, State> dropPartitions(Active state, DropPartitions cmd) {
    int expected = state.table().partitionColumns().size();
    Set<List<String>> existing = new LinkedHashSet<>();
    for (List<String> values : cmd.values()) {
      if (values.size() != expected) {
        return Effect().reply(cmd.replyTo(), wrongArity(values, expected, "drop"));
      }
      if (state.partitions().containsKey(values)) {
        existing.add(values);
      }
    }
    if (existing.isEmpty()) {
      return Effect().reply(cmd.replyTo(), CatalogReply.ok(0));
    }
    int dropped = existing.size();
    return Effect()
        .persist(new PartitionsDropped(new ArrayList<>(existing)))
        .thenReply(cmd.replyTo(), next -> CatalogReply.ok(dropped));
  }

  private ReplyEffect<Event, State> setStatistics(Active state, SetStatistics cmd) {
    if (!state.table().equals(cmd.analyzed().table())) {
      return Effect()
          .reply(
              cmd.replyTo(),
              CatalogReply.failed(
                  ErrorCode.INVALID_ARGUMENT,
                  "table "
                      + qualifiedName
                      + " was dropped and created again while it was analyzed; run ANALYZE"
                      + " again"));
    }
    Set<List<String>> analyzedPartitions = new HashSet<>();
    for (Partition p : cmd.analyzed().partitions()) {
      analyzedPartitions.add(p.values());
    }
    if (!analyzedPartitions.equals(state.partitions().keySet())) {
      return Effect()
          .reply(
              cmd.replyTo(),
              CatalogReply.failed(
                  ErrorCode.INVALID_ARGUMENT,
                  "partitions of table "
                      + qualifiedName
                      + " were added or dropped while it was analyzed; run ANALYZE again"));
    }
    return Effect()
        .persist(new StatisticsSet(cmd.statistics()))
        .thenReply(cmd.replyTo(), next -> CatalogReply.ok(true));
  }

  private CatalogReply<Integer> wrongArity(List<String> values, int expected, String verb) {
    String message =
        expected == 0
            ? "cannot "
                + verb
                + " partition "
                + values
                + ": table "
                + qualifiedName
                + " is not partitioned"
            : "cannot "
                + verb
                + " partition "
                + values
                + " of table "
                + qualifiedName
                + ": it has "
                + values.size()
                + " values, the table has "
                + expected
                + " partition columns";
    return CatalogReply.failed(ErrorCode.INVALID_ARGUMENT, message);
  }

  private <T> CatalogReply<T> notFound() {
    return CatalogReply.failed(
        ErrorCode.TABLE_NOT_FOUND, "table " + qualifiedName + " does not exist");
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    var builder = newEventHandlerBuilder();
    builder
        .forStateType(Empty.class)
        .onEvent(TableCreated.class, (state, event) -> Active.of(event.table(), List.of()));
    builder
        .forStateType(Active.class)
        .onEvent(TableDropped.class, (state, event) -> new Empty())
        .onEvent(PartitionsAdded.class, (state, event) -> state.plus(event.partitions()))
        .onEvent(PartitionsDropped.class, (state, event) -> state.minus(event.values()))
        .onEvent(StatisticsSet.class, (state, event) -> state.withStatistics(event.statistics()));
    return builder.build();
  }

  private static List<List<String>> copyOfValues(List<List<String>> values) {
    List<List<String>> out = new ArrayList<>(values.size());
    for (List<String> v : values) {
      out.add(List.copyOf(v));
    }
    return List.copyOf(out);
  }
}
