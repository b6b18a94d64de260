package dev.tarn.catalog.entity;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.meta.Column;
import dev.tarn.core.meta.ColumnStatistics;
import dev.tarn.core.meta.FileFormat;
import dev.tarn.core.meta.Partition;
import dev.tarn.core.meta.TableMetadata;
import dev.tarn.core.meta.TableSnapshot;
import dev.tarn.core.meta.TableStatistics;
import dev.tarn.core.type.SqlType;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The table entity's commands, events and replies, and its recovery through snapshots. */
class TableEntityTest {
  private static ActorTestKit testKit;

  static final TableMetadata ORDERS =
      new TableMetadata(
          "sales",
          "orders",
          List.of(
              new Column("id", SqlType.BIGINT),
              new Column("amount", SqlType.decimal(12, 2)),
              new Column("placed", SqlType.TIMESTAMP)),
          List.of(new Column("year", SqlType.INTEGER), new Column("region", SqlType.VARCHAR)),
          FileFormat.PARQUET,
          "/lake/sales/orders",
          Map.of("parquet.compression", "zstd"));

  static final TableMetadata FLAT =
      new TableMetadata(
          "sales",
          "flat",
          List.of(new Column("line", SqlType.VARCHAR)),
          List.of(),
          FileFormat.CSV,
          "/lake/sales/flat",
          Map.of("skip.header.line.count", "1"));

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
          TableEntity.Command, TableEntity.Event, TableEntity.State>
      entity(String id) {
    EventSourcedBehaviorTestKit<TableEntity.Command, TableEntity.Event, TableEntity.State> kit =
        EventSourcedBehaviorTestKit.create(testKit.system(), TableEntity.create(id, 2));
    kit.clear();
    return kit;
  }

  private static Partition partition(String year, String region) {
    return new Partition(
        List.of(year, region), "/lake/sales/orders/year=" + year + "/region=" + region);
  }

  @Test
  void createdTableAnswersItsSnapshot() {
    var kit = entity("sales.orders");
    var created =
        kit.<CatalogReply<Boolean>>runCommand(r -> new TableEntity.Create(ORDERS, false, r));
    assertThat(created.reply()).isEqualTo(CatalogReply.ok(true));
    assertThat(created.event()).isEqualTo(new TableEntity.TableCreated(ORDERS));

    var got = kit.<CatalogReply<TableSnapshot>>runCommand(TableEntity.Get::new);
    assertThat(got.reply()).isEqualTo(CatalogReply.ok(new TableSnapshot(ORDERS, List.of())));

    var again =
        kit.<CatalogReply<Boolean>>runCommand(r -> new TableEntity.Create(ORDERS, false, r));
    assertThat(again.reply().error().code()).isEqualTo(ErrorCode.ALREADY_EXISTS);
    assertThat(again.reply().error().message()).isEqualTo("table sales.orders already exists");
    var ifNotExists =
        kit.<CatalogReply<Boolean>>runCommand(r -> new TableEntity.Create(ORDERS, true, r));
    assertThat(ifNotExists.reply()).isEqualTo(CatalogReply.ok(false));
  }

  @Test
  void addingPartitionsIgnoresKnownOnesAndRecoveryKeepsOrder() {
    var kit = entity("sales.orders");
    kit.<CatalogReply<Boolean>>runCommand(r -> new TableEntity.Create(ORDERS, false, r));

    var first =
        kit.<CatalogReply<Integer>>runCommand(
            r ->
                new TableEntity.AddPartitions(
                    List.of(partition("2023", "eu"), partition("2023", "us")), r));
    assertThat(first.reply()).isEqualTo(CatalogReply.ok(2));

    var second =
        kit.<CatalogReply<Integer>>runCommand(
            r ->
                new TableEntity.AddPartitions(
                    List.of(
                        partition("2023", "us"),
                        partition("2024", Partition.DEFAULT_PARTITION),
                        partition("2024", Partition.DEFAULT_PARTITION)),
                    r));
    assertThat(second.reply()).isEqualTo(CatalogReply.ok(1));
    assertThat(second.event())
        .isEqualTo(
            new TableEntity.PartitionsAdded(
                List.of(partition("2024", Partition.DEFAULT_PARTITION))));

    var none =
        kit.<CatalogReply<Integer>>runCommand(
            r -> new TableEntity.AddPartitions(List.of(partition("2023", "eu")), r));
    assertThat(none.reply()).isEqualTo(CatalogReply.ok(0));
    assertThat(none.hasNoEvents()).isTrue();

    var dropped =
        kit.<CatalogReply<Integer>>runCommand(
            r ->
                new TableEntity.DropPartitions(
                    List.of(List.of("2023", "eu"), List.of("1999", "eu")), r));
    assertThat(dropped.reply()).isEqualTo(CatalogReply.ok(1));
    assertThat(dropped.event())
        .isEqualTo(new TableEntity.PartitionsDropped(List.of(List.of("2023", "eu"))));

    List<Partition> expected =
        List.of(partition("2023", "us"), partition("2024", Partition.DEFAULT_PARTITION));
    var got = kit.<CatalogReply<TableSnapshot>>runCommand(TableEntity.Get::new);
    assertThat(got.reply().value().partitions()).isEqualTo(expected);

    // Four events and a snapshot every two: recovery starts from the CBOR snapshot.
    var restarted = kit.restart();
    assertThat(restarted.state()).isEqualTo(TableEntity.Active.of(ORDERS, expected));
    var afterRestart = kit.<CatalogReply<TableSnapshot>>runCommand(TableEntity.Get::new);
    assertThat(afterRestart.reply().value().partitions()).isEqualTo(expected);
  }

  @Test
  void partitionsMustMatchThePartitionColumns() {
    var kit = entity("sales.orders");
    kit.<CatalogReply<Boolean>>runCommand(r -> new TableEntity.Create(ORDERS, false, r));
    var wrong =
        kit.<CatalogReply<Integer>>runCommand(
            r ->
                new TableEntity.AddPartitions(
                    List.of(partition("2023", "eu"), new Partition(List.of("2023"), "/x")), r));
    assertThat(wrong.reply().error().code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(wrong.reply().error().message())
        .isEqualTo(
            "cannot add partition [2023] of table sales.orders: it has 1 values,"
                + " the table has 2 partition columns");
    assertThat(wrong.hasNoEvents()).isTrue();

    var flat = entity("sales.flat");
    flat.<CatalogReply<Boolean>>runCommand(r -> new TableEntity.Create(FLAT, false, r));
    var unpartitioned =
        flat.<CatalogReply<Integer>>runCommand(
            r -> new TableEntity.AddPartitions(List.of(new Partition(List.of("a"), "/y")), r));
    assertThat(unpartitioned.reply().error().message())
        .isEqualTo("cannot add partition [a]: table sales.flat is not partitioned");
  }

  @Test
  void missingTableAnswersTableNotFound() {
    var kit = entity("sales.ghost");
    var got = kit.<CatalogReply<TableSnapshot>>runCommand(TableEntity.Get::new);
    assertThat(got.reply().error().code()).isEqualTo(ErrorCode.TABLE_NOT_FOUND);
    assertThat(got.reply().error().message()).isEqualTo("table sales.ghost does not exist");

    var add =
        kit.<CatalogReply<Integer>>runCommand(
            r -> new TableEntity.AddPartitions(List.of(partition("2023", "eu")), r));
    assertThat(add.reply().error().code()).isEqualTo(ErrorCode.TABLE_NOT_FOUND);

    var drop = kit.<CatalogReply<Boolean>>runCommand(r -> new TableEntity.Drop(false, r));
    assertThat(drop.reply().error().code()).isEqualTo(ErrorCode.TABLE_NOT_FOUND);
    var dropIfExists = kit.<CatalogReply<Boolean>>runCommand(r -> new TableEntity.Drop(true, r));
    assertThat(dropIfExists.reply()).isEqualTo(CatalogReply.ok(false));
  }

  @Test
  void droppedTableCanBeCreatedAgainWithoutOldPartitions() {
    var kit = entity("sales.orders");
    kit.<CatalogReply<Boolean>>runCommand(r -> new TableEntity.Create(ORDERS, false, r));
    kit.<CatalogReply<Integer>>runCommand(
        r -> new TableEntity.AddPartitions(List.of(partition("2023", "eu")), r));
    var dropped = kit.<CatalogReply<Boolean>>runCommand(r -> new TableEntity.Drop(false, r));
    assertThat(dropped.reply()).isEqualTo(CatalogReply.ok(true));
    assertThat(dropped.event()).isEqualTo(new TableEntity.TableDropped("sales.orders"));
    assertThat(kit.restart().state()).isEqualTo(new TableEntity.Empty());

    kit.<CatalogReply<Boolean>>runCommand(r -> new TableEntity.Create(ORDERS, false, r));
    var got = kit.<CatalogReply<TableSnapshot>>runCommand(TableEntity.Get::new);
    assertThat(got.reply().value()).isEqualTo(new TableSnapshot(ORDERS, List.of()));
  }

  private static final TableStatistics ORDERS_STATISTICS =
      new TableStatistics(
          500,
          Map.of(
              "id", new ColumnStatistics(498, 0, "1", "500", -1),
              "amount", new ColumnStatistics(350, 20, "0.50", "999.99", -1),
              "region", new ColumnStatistics(2, 0, "eu", "us", 2.0)),
          1_700_000_000_000L);

  /** The table as ANALYZE read it: these partitions, given as {@code year/region}. */
  private static TableSnapshot analyzed(TableMetadata table, String... partitions) {
    List<Partition> read = new java.util.ArrayList<>();
    for (String p : partitions) {
      String[] values = p.split("/", -1);
      read.add(partition(values[0], values[1]));
    }
    return new TableSnapshot(table, read);
  }

  @Test
  void statisticsAreStoredRecoveredAndForgottenWhenPartitionsChange() {
    var kit = entity("sales.orders");
    kit.<CatalogReply<Boolean>>runCommand(r -> new TableEntity.Create(ORDERS, false, r));
    kit.<CatalogReply<Integer>>runCommand(
        r -> new TableEntity.AddPartitions(List.of(partition("2023", "eu")), r));
    var set =
        kit.<CatalogReply<Boolean>>runCommand(
            r -> new TableEntity.SetStatistics(analyzed(ORDERS, "2023/eu"), ORDERS_STATISTICS, r));
    assertThat(set.reply()).isEqualTo(CatalogReply.ok(true));
    assertThat(set.event()).isEqualTo(new TableEntity.StatisticsSet(ORDERS_STATISTICS));
    var got = kit.<CatalogReply<TableSnapshot>>runCommand(TableEntity.Get::new);
    assertThat(got.reply().value())
        .isEqualTo(new TableSnapshot(ORDERS, List.of(partition("2023", "eu")), ORDERS_STATISTICS));

    // Three events, a snapshot every two: recovery reads the snapshot, then StatisticsSet.
    assertThat(kit.restart().state())
        .isEqualTo(
            TableEntity.Active.of(ORDERS, List.of(partition("2023", "eu")), ORDERS_STATISTICS));
    var again =
        kit.<CatalogReply<Boolean>>runCommand(
            r -> new TableEntity.SetStatistics(analyzed(ORDERS, "2023/eu"), ORDERS_STATISTICS, r));
    assertThat(again.reply()).isEqualTo(CatalogReply.ok(true));
    // Four events: now the snapshot itself carries the statistics.
    assertThat(kit.restart().state())
        .isEqualTo(
            TableEntity.Active.of(ORDERS, List.of(partition("2023", "eu")), ORDERS_STATISTICS));

    // A partition already known changes nothing and keeps them; a new one forgets them.
    kit.<CatalogReply<Integer>>runCommand(
        r -> new TableEntity.AddPartitions(List.of(partition("2023", "eu")), r));
    assertThat(
            kit.<CatalogReply<TableSnapshot>>runCommand(TableEntity.Get::new)
                .reply()
                .value()
                .statistics())
        .isEqualTo(ORDERS_STATISTICS);
    kit.<CatalogReply<Integer>>runCommand(
        r -> new TableEntity.AddPartitions(List.of(partition("2023", "us")), r));
    assertThat(
            kit.<CatalogReply<TableSnapshot>>runCommand(TableEntity.Get::new)
                .reply()
                .value()
                .statistics())
        .isNull();

    kit.<CatalogReply<Boolean>>runCommand(
        r ->
            new TableEntity.SetStatistics(
                analyzed(ORDERS, "2023/eu", "2023/us"), ORDERS_STATISTICS, r));
    kit.<CatalogReply<Integer>>runCommand(
        r -> new TableEntity.DropPartitions(List.of(List.of("2023", "us")), r));
    assertThat(kit.restart().state())
        .isEqualTo(TableEntity.Active.of(ORDERS, List.of(partition("2023", "eu"))));
  }

  @Test
  void statisticsGoWithTheTableAndAreRefusedForOtherMetadata() {
    var kit = entity("sales.orders");
    var missing =
        kit.<CatalogReply<Boolean>>runCommand(
            r -> new TableEntity.SetStatistics(analyzed(ORDERS, "2023/eu"), ORDERS_STATISTICS, r));
    assertThat(missing.reply().error().code()).isEqualTo(ErrorCode.TABLE_NOT_FOUND);

    kit.<CatalogReply<Boolean>>runCommand(r -> new TableEntity.Create(ORDERS, false, r));
    kit.<CatalogReply<Boolean>>runCommand(
        r -> new TableEntity.SetStatistics(analyzed(ORDERS), ORDERS_STATISTICS, r));
    kit.<CatalogReply<Boolean>>runCommand(r -> new TableEntity.Drop(false, r));
    kit.<CatalogReply<Boolean>>runCommand(r -> new TableEntity.Create(ORDERS, false, r));
    var got = kit.<CatalogReply<TableSnapshot>>runCommand(TableEntity.Get::new);
    assertThat(got.reply().value().statistics()).isNull();

    TableMetadata otherSchema =
        new TableMetadata(
            "sales",
            "orders",
            List.of(new Column("id", SqlType.VARCHAR)),
            List.of(),
            FileFormat.CSV,
            "/lake/sales/orders",
            Map.of());
    var refused =
        kit.<CatalogReply<Boolean>>runCommand(
            r -> new TableEntity.SetStatistics(analyzed(otherSchema), ORDERS_STATISTICS, r));
    assertThat(refused.reply().error().code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(refused.reply().error().message())
        .isEqualTo(
            "table sales.orders was dropped and created again while it was analyzed;"
                + " run ANALYZE again");
    assertThat(refused.hasNoEvents()).isTrue();

    // Partitions added while ANALYZE ran: its figures miss them.
    kit.<CatalogReply<Integer>>runCommand(
        r -> new TableEntity.AddPartitions(List.of(partition("2024", "eu")), r));
    var stale =
        kit.<CatalogReply<Boolean>>runCommand(
            r -> new TableEntity.SetStatistics(analyzed(ORDERS), ORDERS_STATISTICS, r));
    assertThat(stale.reply().error().message())
        .isEqualTo(
            "partitions of table sales.orders were added or dropped while it was analyzed;"
                + " run ANALYZE again");
    assertThat(stale.hasNoEvents()).isTrue();
  }

  @Test
  void metadataOfAnotherTableIsRefused() {
    var kit = entity("sales.other");
    var created =
        kit.<CatalogReply<Boolean>>runCommand(r -> new TableEntity.Create(ORDERS, false, r));
    assertThat(created.reply().error().code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
    assertThat(created.reply().error().message())
        .isEqualTo("table entity sales.other was asked to create table sales.orders");
  }
}
