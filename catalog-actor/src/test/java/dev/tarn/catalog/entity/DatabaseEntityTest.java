package dev.tarn.catalog.entity;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.tarn.core.error.ErrorCode;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The database entity's commands, events and replies, and its recovery. The event-sourced testkit
 * serializes every command (Kryo), event and state (CBOR), so these also prove both formats.
 */
class DatabaseEntityTest {
  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit =
        ActorTestKit.create(
            EventSourcedBehaviorTestKit.config()
                .withFallback(PersistenceTestKitSnapshotPlugin.config())
                .withFallback(ConfigFactory.load()));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static EventSourcedBehaviorTestKit<
          DatabaseEntity.Command, DatabaseEntity.Event, DatabaseEntity.State>
      entity(String name) {
    EventSourcedBehaviorTestKit<DatabaseEntity.Command, DatabaseEntity.Event, DatabaseEntity.State>
        kit = EventSourcedBehaviorTestKit.create(testKit.system(), DatabaseEntity.create(name, 3));
    kit.clear();
    return kit;
  }

  @Test
  void createdDatabaseCollectsTableNamesIdempotently() {
    var kit = entity("sales");
    var created = kit.<CatalogReply<Boolean>>runCommand(r -> new DatabaseEntity.Create(false, r));
    assertThat(created.reply()).isEqualTo(CatalogReply.ok(true));
    assertThat(created.event()).isEqualTo(new DatabaseEntity.DatabaseCreated("sales"));

    var added =
        kit.<CatalogReply<Boolean>>runCommand(r -> new DatabaseEntity.AddTable("orders", r));
    assertThat(added.reply()).isEqualTo(CatalogReply.ok(true));
    assertThat(added.event()).isEqualTo(new DatabaseEntity.TableAdded("orders"));

    var again =
        kit.<CatalogReply<Boolean>>runCommand(r -> new DatabaseEntity.AddTable("orders", r));
    assertThat(again.reply()).isEqualTo(CatalogReply.ok(false));
    assertThat(again.hasNoEvents()).isTrue();

    kit.<CatalogReply<Boolean>>runCommand(r -> new DatabaseEntity.AddTable("customers", r));
    var listed = kit.<CatalogReply<List<String>>>runCommand(DatabaseEntity.ListTables::new);
    assertThat(listed.reply()).isEqualTo(CatalogReply.ok(List.of("customers", "orders")));

    var removed =
        kit.<CatalogReply<Boolean>>runCommand(r -> new DatabaseEntity.RemoveTable("orders", r));
    assertThat(removed.reply()).isEqualTo(CatalogReply.ok(true));
    var removedAgain =
        kit.<CatalogReply<Boolean>>runCommand(r -> new DatabaseEntity.RemoveTable("orders", r));
    assertThat(removedAgain.reply()).isEqualTo(CatalogReply.ok(false));

    var described =
        kit.<CatalogReply<DatabaseEntity.Description>>runCommand(DatabaseEntity.Get::new);
    assertThat(described.reply().value())
        .isEqualTo(new DatabaseEntity.Description("sales", List.of("customers")));

    // Four events with a snapshot every three: recovery reads a snapshot and one more event.
    assertThat(kit.restart().state()).isEqualTo(new DatabaseEntity.Active(Set.of("customers")));
  }

  @Test
  void createTwiceFailsUnlessIfNotExists() {
    var kit = entity("sales");
    kit.<CatalogReply<Boolean>>runCommand(r -> new DatabaseEntity.Create(false, r));

    var again = kit.<CatalogReply<Boolean>>runCommand(r -> new DatabaseEntity.Create(false, r));
    assertThat(again.reply().error().code()).isEqualTo(ErrorCode.ALREADY_EXISTS);
    assertThat(again.reply().error().message()).isEqualTo("database sales already exists");
    assertThat(again.hasNoEvents()).isTrue();

    var ifNotExists =
        kit.<CatalogReply<Boolean>>runCommand(r -> new DatabaseEntity.Create(true, r));
    assertThat(ifNotExists.reply()).isEqualTo(CatalogReply.ok(false));
  }

  @Test
  void missingDatabaseAnswersSchemaNotFound() {
    var kit = entity("nowhere");
    var get = kit.<CatalogReply<DatabaseEntity.Description>>runCommand(DatabaseEntity.Get::new);
    assertThat(get.reply().error().code()).isEqualTo(ErrorCode.SCHEMA_NOT_FOUND);
    assertThat(get.reply().error().message()).isEqualTo("database nowhere does not exist");

    var add = kit.<CatalogReply<Boolean>>runCommand(r -> new DatabaseEntity.AddTable("t", r));
    assertThat(add.reply().error().code()).isEqualTo(ErrorCode.SCHEMA_NOT_FOUND);
    assertThat(add.hasNoEvents()).isTrue();

    var drop = kit.<CatalogReply<Boolean>>runCommand(r -> new DatabaseEntity.Drop(false, false, r));
    assertThat(drop.reply().error().code()).isEqualTo(ErrorCode.SCHEMA_NOT_FOUND);
    var dropIfExists =
        kit.<CatalogReply<Boolean>>runCommand(r -> new DatabaseEntity.Drop(true, false, r));
    assertThat(dropIfExists.reply()).isEqualTo(CatalogReply.ok(false));
  }

  @Test
  void dropRefusesTablesUnlessCascadeAndNameCanBeReused() {
    var kit = entity("sales");
    kit.<CatalogReply<Boolean>>runCommand(r -> new DatabaseEntity.Create(false, r));
    kit.<CatalogReply<Boolean>>runCommand(r -> new DatabaseEntity.AddTable("orders", r));

    var refused =
        kit.<CatalogReply<Boolean>>runCommand(r -> new DatabaseEntity.Drop(false, false, r));
    assertThat(refused.reply().error().code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(refused.reply().error().message())
        .isEqualTo(
            "database sales is not empty: it still has tables orders"
                + " (drop them first or use CASCADE)");

    var dropped =
        kit.<CatalogReply<Boolean>>runCommand(r -> new DatabaseEntity.Drop(false, true, r));
    assertThat(dropped.reply()).isEqualTo(CatalogReply.ok(true));
    assertThat(dropped.event()).isEqualTo(new DatabaseEntity.DatabaseDropped("sales"));
    assertThat(dropped.state()).isEqualTo(new DatabaseEntity.Empty());

    var recreated = kit.<CatalogReply<Boolean>>runCommand(r -> new DatabaseEntity.Create(false, r));
    assertThat(recreated.reply()).isEqualTo(CatalogReply.ok(true));
    assertThat(recreated.state()).isEqualTo(new DatabaseEntity.Active(Set.of()));
    assertThat(kit.restart().state()).isEqualTo(new DatabaseEntity.Active(Set.of()));
  }

  @Test
  void defaultDatabaseExistsWithoutCreationAndCannotBeDropped() {
    var kit = entity(DatabaseEntity.DEFAULT_DATABASE);
    var add = kit.<CatalogReply<Boolean>>runCommand(r -> new DatabaseEntity.AddTable("t", r));
    assertThat(add.reply()).isEqualTo(CatalogReply.ok(true));

    var drop = kit.<CatalogReply<Boolean>>runCommand(r -> new DatabaseEntity.Drop(false, true, r));
    assertThat(drop.reply().error().code()).isEqualTo(ErrorCode.NOT_SUPPORTED);
    assertThat(drop.reply().error().message()).isEqualTo("database default cannot be dropped");

    var create = kit.<CatalogReply<Boolean>>runCommand(r -> new DatabaseEntity.Create(true, r));
    assertThat(create.reply()).isEqualTo(CatalogReply.ok(false));
  }

  @Test
  void directoryListsDefaultAndRegisteredDatabases() {
    EventSourcedBehaviorTestKit<
            DirectoryEntity.Command, DirectoryEntity.Event, DirectoryEntity.Listing>
        kit = EventSourcedBehaviorTestKit.create(testKit.system(), DirectoryEntity.create(3));
    kit.clear();
    var registered =
        kit.<CatalogReply<Boolean>>runCommand(r -> new DirectoryEntity.Register("sales", r));
    assertThat(registered.reply()).isEqualTo(CatalogReply.ok(true));
    assertThat(registered.event()).isEqualTo(new DirectoryEntity.DatabaseRegistered("sales"));
    var again =
        kit.<CatalogReply<Boolean>>runCommand(r -> new DirectoryEntity.Register("sales", r));
    assertThat(again.reply()).isEqualTo(CatalogReply.ok(false));
    kit.<CatalogReply<Boolean>>runCommand(r -> new DirectoryEntity.Register("hr", r));
    kit.<CatalogReply<Boolean>>runCommand(r -> new DirectoryEntity.Unregister("hr", r));

    var listed = kit.<CatalogReply<List<String>>>runCommand(DirectoryEntity.ListDatabases::new);
    assertThat(listed.reply()).isEqualTo(CatalogReply.ok(List.of("default", "sales")));
    assertThat(kit.restart().state())
        .isEqualTo(new DirectoryEntity.Listing(Set.of("default", "sales")));
  }
}
