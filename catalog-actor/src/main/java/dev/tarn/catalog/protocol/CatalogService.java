package dev.tarn.catalog.protocol;

import com.typesafe.config.Config;
import dev.tarn.catalog.entity.CatalogReply;
import dev.tarn.catalog.entity.DatabaseEntity;
import dev.tarn.catalog.entity.DirectoryEntity;
import dev.tarn.catalog.entity.TableEntity;
import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.ErrorInfo;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.meta.Partition;
import dev.tarn.core.meta.TableMetadata;
import dev.tarn.core.meta.TableSnapshot;
import dev.tarn.core.meta.TableStatistics;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.japi.function.Function;

/**
 * The catalog as the rest of Tarn uses it: DDL and lookups as asynchronous calls on the sharded
 * catalog entities. Every returned stage completes with its result or fails with a {@link
 * TarnException} (the entity's error, or an internal error naming the operation when the catalog
 * does not answer within {@code tarn.catalog.ask-timeout}); never with another exception.
 *
 * <p>The catalog is three entity types, all hosted on nodes with the role {@value #ROLE} (other
 * nodes reach them through sharding proxies):
 *
 * <ul>
 *   <li>{@link DirectoryEntity}: the list of database names ({@code SHOW DATABASES});
 *   <li>{@link DatabaseEntity}, one per database: whether it exists, and its table names;
 *   <li>{@link TableEntity}, one per table ({@code db.table}): metadata and partitions.
 * </ul>
 *
 * <p>Statements that touch two entities cannot be atomic. Each does the container's step first and
 * makes every step idempotent, so that a crash in between leaves at most a listed name without its
 * entity, and repeating the statement finishes the job:
 *
 * <pre>
 *   CREATE DATABASE d   directory.Register(d)      then  database(d).Create
 *   DROP DATABASE d     [CASCADE: DROP TABLE IF EXISTS each table]
 *                       database(d).Drop           then  directory.Unregister(d)   (also when d is absent)
 *   CREATE TABLE d.t    database(d).AddTable(t)    then  table(d.t).Create   (AddTable checks d exists)
 *   DROP TABLE d.t      table(d.t).Drop            then  database(d).RemoveTable(t) (also when absent)
 * </pre>
 *
 * The database {@value DatabaseEntity#DEFAULT_DATABASE} always exists: it needs no creation (its
 * entity starts out active and the directory starts out listing it) and cannot be dropped.
 */
public final class CatalogService {
  /** The cluster role of the nodes that host the catalog entities. */
  public static final String ROLE = "catalog";

  private static final Pattern NAME = Pattern.compile("[a-z0-9_][a-z0-9_-]*");

  private final ClusterSharding sharding;
  private final Duration askTimeout;

  private CatalogService(ClusterSharding sharding, Duration askTimeout) {
    this.sharding = sharding;
    this.askTimeout = askTimeout;
  }

  /**
   * Initializes sharding of the catalog entities in {@code system} (hosting them when this node has
   * the role {@value #ROLE}, a proxy otherwise) and returns a facade over them. Settings come from
   * {@code tarn.catalog}; calling it again in the same system is harmless.
   */
  public static CatalogService start(ActorSystem<?> system) {
    Config config = system.settings().config().getConfig("tarn.catalog");
    int snapshotEvery = config.getInt("snapshot-every");
    ClusterSharding sharding = ClusterSharding.get(system);
    sharding.init(
        Entity.of(DirectoryEntity.TYPE_KEY, context -> DirectoryEntity.create(snapshotEvery))
            .withRole(ROLE));
    sharding.init(
        Entity.of(
                DatabaseEntity.TYPE_KEY,
                context -> DatabaseEntity.create(context.getEntityId(), snapshotEvery))
            .withRole(ROLE));
    sharding.init(
        Entity.of(
                TableEntity.TYPE_KEY,
                context -> TableEntity.create(context.getEntityId(), snapshotEvery))
            .withRole(ROLE));
    return new CatalogService(sharding, config.getDuration("ask-timeout"));
  }

  /** CREATE DATABASE; completes with true when created, false when it existed and ifNotExists. */
  public CompletionStage<Boolean> createDatabase(String name, boolean ifNotExists) {
    String what = "create database " + name;
    return settle(
        checkName(name, "database")
            .thenCompose(
                ok ->
                    this.<Boolean>askDirectory(
                        replyTo -> new DirectoryEntity.Register(name, replyTo), what))
            .thenCompose(
                registered ->
                    this.<Boolean>askDatabase(
                        name, replyTo -> new DatabaseEntity.Create(ifNotExists, replyTo), what)),
        what);
  }

  /** DROP DATABASE without CASCADE: fails while the database has tables. */
  public CompletionStage<Boolean> dropDatabase(String name, boolean ifExists) {
    return dropDatabase(name, ifExists, false);
  }

  /**
   * DROP DATABASE; completes with true when dropped, false when absent and ifExists. With cascade
   * its tables are dropped first.
   */
  public CompletionStage<Boolean> dropDatabase(String name, boolean ifExists, boolean cascade) {
    String what = "drop database " + name;
    CompletionStage<Void> tablesGone = CompletableFuture.completedFuture(null);
    if (cascade) {
      tablesGone =
          this.<List<String>>askDatabase(name, DatabaseEntity.ListTables::new, what)
              .exceptionally(failure -> List.of())
              .thenCompose(tables -> dropAll(name, tables, 0));
    }
    CompletionStage<Boolean> dropped =
        tablesGone.thenCompose(
            ok ->
                this.<Boolean>askDatabase(
                    name, replyTo -> new DatabaseEntity.Drop(ifExists, cascade, replyTo), what));
    return settle(
        thenCleanUp(
            dropped,
            ErrorCode.SCHEMA_NOT_FOUND,
            () ->
                this.<Boolean>askDirectory(
                    replyTo -> new DirectoryEntity.Unregister(name, replyTo), what)),
        what);
  }

  private CompletionStage<Void> dropAll(String database, List<String> tables, int from) {
    if (from == tables.size()) {
      return CompletableFuture.completedFuture(null);
    }
    return dropTableSteps(database, tables.get(from), true)
        .thenCompose(dropped -> dropAll(database, tables, from + 1));
  }

  /** SHOW DATABASES: the database names, sorted. */
  public CompletionStage<List<String>> listDatabases() {
    String what = "list databases";
    return settle(this.<List<String>>askDirectory(DirectoryEntity.ListDatabases::new, what), what);
  }

  /**
   * CREATE TABLE; completes with true when created, false when it existed and ifNotExists. Fails
   * with SCHEMA_NOT_FOUND when its database does not exist.
   */
  public CompletionStage<Boolean> createTable(TableMetadata table, boolean ifNotExists) {
    Objects.requireNonNull(table, "table");
    String what = "create table " + table.qualifiedName();
    return settle(
        checkName(table.database(), "database")
            .thenCompose(ok -> checkName(table.name(), "table"))
            .thenCompose(
                ok ->
                    this.<Boolean>askDatabase(
                        table.database(),
                        replyTo -> new DatabaseEntity.AddTable(table.name(), replyTo),
                        what))
            .thenCompose(
                added ->
                    this.<Boolean>askTable(
                        table.database(),
                        table.name(),
                        replyTo -> new TableEntity.Create(table, ifNotExists, replyTo),
                        what)),
        what);
  }

  /** DROP TABLE; completes with true when dropped, false when absent and ifExists. */
  public CompletionStage<Boolean> dropTable(String database, String name, boolean ifExists) {
    return settle(dropTableSteps(database, name, ifExists), "drop table " + database + "." + name);
  }

  private CompletionStage<Boolean> dropTableSteps(String database, String name, boolean ifExists) {
    String what = "drop table " + database + "." + name;
    CompletionStage<Boolean> dropped =
        this.<Boolean>askTable(
            database, name, replyTo -> new TableEntity.Drop(ifExists, replyTo), what);
    return thenCleanUp(
        dropped,
        ErrorCode.TABLE_NOT_FOUND,
        () ->
            this.<Boolean>askDatabase(
                    database, replyTo -> new DatabaseEntity.RemoveTable(name, replyTo), what)
                // The database may be gone (DROP TABLE IF EXISTS in a dropped database): fine.
                .exceptionally(failure -> false));
  }

  /** SHOW TABLES IN database: the table names, sorted. */
  public CompletionStage<List<String>> listTables(String database) {
    String what = "list tables of database " + database;
    return settle(
        this.<List<String>>askDatabase(database, DatabaseEntity.ListTables::new, what), what);
  }

  /** A table's metadata and partitions; fails with TABLE_NOT_FOUND when it does not exist. */
  public CompletionStage<TableSnapshot> getTable(String database, String name) {
    String what = "get table " + database + "." + name;
    return settle(this.<TableSnapshot>askTable(database, name, TableEntity.Get::new, what), what);
  }

  /**
   * Adds partitions to a table; those whose values it already has are ignored. Completes with the
   * number of new partitions.
   */
  public CompletionStage<Integer> addPartitions(
      String database, String name, List<Partition> partitions) {
    String what = "add partitions to table " + database + "." + name;
    List<Partition> copy = List.copyOf(partitions);
    return settle(
        this.<Integer>askTable(
            database, name, replyTo -> new TableEntity.AddPartitions(copy, replyTo), what),
        what);
  }

  /**
   * Drops the partitions with these values from a table. Completes with the number that existed.
   */
  public CompletionStage<Integer> dropPartitions(
      String database, String name, List<List<String>> values) {
    String what = "drop partitions of table " + database + "." + name;
    return settle(
        this.<Integer>askTable(
            database, name, replyTo -> new TableEntity.DropPartitions(values, replyTo), what),
        what);
  }

  /**
   * Stores the statistics ANALYZE computed from the table as {@code analyzed} (its metadata and
   * partitions), replacing earlier ones. Fails with TABLE_NOT_FOUND when the table is gone, and
   * with INVALID_ARGUMENT when it was created again or its partitions changed meanwhile.
   */
  public CompletionStage<Boolean> setStatistics(
      TableSnapshot analyzed, TableStatistics statistics) {
    Objects.requireNonNull(analyzed, "analyzed");
    Objects.requireNonNull(statistics, "statistics");
    String what = "store statistics of table " + analyzed.table().qualifiedName();
    return settle(
        this.<Boolean>askTable(
            analyzed.table().database(),
            analyzed.table().name(),
            replyTo -> new TableEntity.SetStatistics(analyzed, statistics, replyTo),
            what),
        what);
  }

  private <T> CompletionStage<T> askDirectory(
      Function<ActorRef<CatalogReply<T>>, DirectoryEntity.Command> command, String what) {
    return unwrap(
        sharding
            .entityRefFor(DirectoryEntity.TYPE_KEY, DirectoryEntity.ENTITY_ID)
            .ask(command, askTimeout),
        what);
  }

  private <T> CompletionStage<T> askDatabase(
      String database,
      Function<ActorRef<CatalogReply<T>>, DatabaseEntity.Command> command,
      String what) {
    return unwrap(
        sharding.entityRefFor(DatabaseEntity.TYPE_KEY, database).ask(command, askTimeout), what);
  }

  private <T> CompletionStage<T> askTable(
      String database,
      String table,
      Function<ActorRef<CatalogReply<T>>, TableEntity.Command> command,
      String what) {
    return unwrap(
        sharding
            .entityRefFor(TableEntity.TYPE_KEY, TableEntity.entityId(database, table))
            .ask(command, askTimeout),
        what);
  }

  /** The reply's value, or its error as a TarnException; a plain future the callers chain on. */
  private <T> CompletionStage<T> unwrap(CompletionStage<CatalogReply<T>> asked, String what) {
    CompletableFuture<T> out = new CompletableFuture<>();
    // On the replying thread: a plain whenComplete on the ask's Scala-converted future would run on
    // the default async executor, which starts a new thread per callback on a two-core machine.
    asked.whenCompleteAsync(
        (reply, failure) -> {
          if (failure != null) {
            out.completeExceptionally(asTarn(failure, what));
          } else if (reply.isOk()) {
            out.complete(reply.value());
          } else {
            out.completeExceptionally(reply.error().toException());
          }
        },
        Runnable::run);
    return out;
  }

  /**
   * Runs the second, idempotent step of a two-entity statement after the first one succeeded or
   * found its entity absent (code {@code absent}): the outcome is the first step's, unless the
   * first succeeded and the clean-up failed.
   */
  private static <T> CompletionStage<T> thenCleanUp(
      CompletionStage<T> first, ErrorCode absent, Supplier<CompletionStage<?>> cleanUp) {
    return first
        .handle((value, failure) -> failure)
        .thenCompose(
            failure -> {
              if (failure != null && ErrorInfo.of(failure).code() != absent) {
                return first;
              }
              return cleanUp
                  .get()
                  .handle((ignored, cleanUpFailure) -> cleanUpFailure)
                  .thenCompose(
                      cleanUpFailure ->
                          failure != null || cleanUpFailure == null
                              ? first
                              : CompletableFuture.<T>failedFuture(cleanUpFailure));
            });
  }

  /** The same outcome, its failure unwrapped to the TarnException users see. */
  private <T> CompletionStage<T> settle(CompletionStage<T> stage, String what) {
    CompletableFuture<T> out = new CompletableFuture<>();
    stage.whenComplete(
        (value, failure) -> {
          if (failure == null) {
            out.complete(value);
          } else {
            out.completeExceptionally(asTarn(failure, what));
          }
        });
    return out;
  }

  private TarnException asTarn(Throwable failure, String what) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof TarnException tarn) {
      return tarn;
    }
    if (cause instanceof TimeoutException) {
      return new TarnException(
          ErrorCode.INTERNAL_ERROR,
          "the catalog did not answer within " + askTimeout.toMillis() + " ms to " + what,
          cause);
    }
    return new TarnException(
        ErrorCode.INTERNAL_ERROR, "the catalog failed to " + what + ": " + cause, cause);
  }

  private static CompletionStage<Void> checkName(String name, String kind) {
    if (name != null && NAME.matcher(name).matches()) {
      return CompletableFuture.completedFuture(null);
    }
    return CompletableFuture.failedFuture(
        new TarnException(
            ErrorCode.INVALID_ARGUMENT,
            "invalid "
                + kind
                + " name '"
                + name
                + "': use lower-case letters, digits, '_' and '-', starting with a letter, digit"
                + " or '_'"));
  }
}
