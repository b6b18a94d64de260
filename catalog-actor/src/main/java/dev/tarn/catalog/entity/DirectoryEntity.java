package dev.tarn.catalog.entity;

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
 * The list of database names, for {@code SHOW DATABASES}: one sharded entity with the id {@value
 * #ENTITY_ID}. Sharding cannot enumerate entities, so some entity must hold the list; keeping it
 * apart from the {@link DatabaseEntity}s leaves each database entity about one database.
 *
 * <p>The directory only lists names; whether a database exists is the {@link DatabaseEntity}'s to
 * say. The client facade registers a name before creating the database and unregisters it after
 * dropping it, both idempotently, so a crash between the two steps can leave a listed name without
 * a database until the statement is retried (see {@code dev.tarn.catalog.protocol.CatalogService}).
 * It starts out listing {@value DatabaseEntity#DEFAULT_DATABASE}, which always exists.
 */
public final class DirectoryEntity
    extends EventSourcedBehaviorWithEnforcedReplies<
        DirectoryEntity.Command, DirectoryEntity.Event, DirectoryEntity.Listing> {

  public static final EntityTypeKey<Command> TYPE_KEY =
      EntityTypeKey.create(Command.class, "directory");

  /** The one entity id of this type. */
  public static final String ENTITY_ID = "directory";

  /** Commands the entity accepts. */
  public sealed interface Command extends TarnMessage {}

  /** Lists a database; replies true when it was not listed yet. */
  public record Register(String database, ActorRef<CatalogReply<Boolean>> replyTo)
      implements Command {
    public Register {
      Objects.requireNonNull(database, "database");
    }
  }

  /** Stops listing a database; replies true when it was listed. */
  public record Unregister(String database, ActorRef<CatalogReply<Boolean>> replyTo)
      implements Command {
    public Unregister {
      Objects.requireNonNull(database, "database");
    }
  }

  /** Replies with the database names, sorted. */
  public record ListDatabases(ActorRef<CatalogReply<List<String>>> replyTo) implements Command {}

  /** Events, in the past tense. */
  public sealed interface Event extends CatalogEvent {}

  public record DatabaseRegistered(String database) implements Event {
    public DatabaseRegistered {
      Objects.requireNonNull(database, "database");
    }
  }

  public record DatabaseUnregistered(String database) implements Event {
    public DatabaseUnregistered {
      Objects.requireNonNull(database, "database");
    }
  }

  /** The directory's only state: the listed names. */
  public record Listing(Set<String> databases) implements CatalogState {
    public Listing {
      databases = Set.copyOf(databases);
    }

    Listing with(String database) {
      Set<String> next = new HashSet<>(databases);
      next.add(database);
      return new Listing(next);
    }

    Listing without(String database) {
      Set<String> next = new HashSet<>(databases);
      next.remove(database);
      return new Listing(next);
    }
  }

  private final int snapshotEvery;

  private DirectoryEntity(int snapshotEvery) {
    super(PersistenceId.of(TYPE_KEY.name(), ENTITY_ID));
    this.snapshotEvery = snapshotEvery;
  }

  /**
   * The directory's behavior.
   *
   * @param snapshotEvery events between snapshots (positive)
   */
  public static Behavior<Command> create(int snapshotEvery) {
    if (snapshotEvery < 1) {
      throw new IllegalArgumentException("snapshotEvery must be positive, was " + snapshotEvery);
    }
    return new DirectoryEntity(snapshotEvery);
  }

  @Override
  public Listing emptyState() {
    return new Listing(Set.of(DatabaseEntity.DEFAULT_DATABASE));
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(snapshotEvery, 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, Listing> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Register.class, this::register)
        .onCommand(Unregister.class, this::unregister)
        .onCommand(
            ListDatabases.class,
            (state, cmd) ->
                Effect()
                    .reply(
                        cmd.replyTo(),
                        CatalogReply.ok(List.copyOf(new TreeSet<>(state.databases())))))
        .build();
  }

  private ReplyEffect<Event, Listing> register(Listing state, Register cmd) {
    if (state.databases().contains(cmd.database())) {
      return Effect().reply(cmd.replyTo(), CatalogReply.ok(false));
    }
    return Effect()
        .persist(new DatabaseRegistered(cmd.database()))
        .thenReply(cmd.replyTo(), next -> CatalogReply.ok(true));
  }

  private ReplyEffect<Event, Listing> unregister(Listing state, Unregister cmd) {
    if (!state.databases().contains(cmd.database())) {
      return Effect().reply(cmd.replyTo(), CatalogReply.ok(false));
    }
    return Effect()
        .persist(new DatabaseUnregistered(cmd.database()))
        .thenReply(cmd.replyTo(), next -> CatalogReply.ok(true));
  }

  @Override
  public EventHandler<Listing, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(DatabaseRegistered.class, (state, event) -> state.with(event.database()))
        .onEvent(DatabaseUnregistered.class, (state, event) -> state.without(event.database()))
        .build();
  }
}
