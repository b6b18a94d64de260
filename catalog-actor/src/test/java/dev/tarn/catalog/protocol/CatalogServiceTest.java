package dev.tarn.catalog.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.tarn.catalog.entity.CatalogReply;
import dev.tarn.catalog.entity.DatabaseEntity;
import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.meta.Column;
import dev.tarn.core.meta.ColumnStatistics;
import dev.tarn.core.meta.FileFormat;
import dev.tarn.core.meta.Partition;
import dev.tarn.core.meta.TableMetadata;
import dev.tarn.core.meta.TableSnapshot;
import dev.tarn.core.meta.TableStatistics;
import dev.tarn.core.type.SqlType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The catalog as a node runs it: a cluster of one with the {@code catalog} role, sharded entities,
 * the RocksDB journal and snapshot store in a temporary directory, every message serialized.
 * Restarting the actor system on the same directory proves recovery from disk.
 */
class CatalogServiceTest {
  @TempDir Path dir;

  private ActorTestKit testKit;

  private static final TableMetadata EVENTS =
      new TableMetadata(
          "web",
          "events",
          List.of(new Column("user_id", SqlType.BIGINT), new Column("url", SqlType.VARCHAR)),
          List.of(new Column("dt", SqlType.DATE)),
          FileFormat.PARQUET,
          "/lake/web/events",
          Map.of());

  private CatalogService start() {
    Config config =
        ConfigFactory.parseString(
                "pekko.actor.provider = cluster\n"
                    + "pekko.remote.artery.canonical.hostname = 127.0.0.1\n"
                    + "pekko.remote.artery.canonical.port = 0\n"
                    + "pekko.cluster.roles = [catalog]\n"
                    + "pekko.cluster.jmx.multi-mbeans-in-same-jvm = on\n"
                    + "tarn.catalog.snapshot-every = 3\n")
            .withValue("tarn.persistence.dir", ConfigValueFactory.fromAnyRef(dir.toString()))
            .withValue(
                "tarn.persistence.journal.dir",
                ConfigValueFactory.fromAnyRef(dir.resolve("journal").toString()))
            .withValue(
                "tarn.persistence.snapshot-store.dir",
                ConfigValueFactory.fromAnyRef(dir.resolve("snapshots").toString()))
            .withFallback(ConfigFactory.load());
    testKit = ActorTestKit.create("catalog", config);
    Cluster cluster = Cluster.get(testKit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    return CatalogService.start(testKit.system());
  }

  @AfterEach
  void stop() {
    if (testKit != null) {
      testKit.shutdownTestKit();
    }
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static TarnException failure(CompletionStage<?> stage) {
    Throwable thrown = catchThrowable(() -> stage.toCompletableFuture().get(20, TimeUnit.SECONDS));
    assertThat(thrown).isInstanceOf(ExecutionException.class);
    assertThat(thrown.getCause()).isInstanceOf(TarnException.class);
    return (TarnException) thrown.getCause();
  }

  private static Partition day(String dt) {
    return new Partition(List.of(dt), "/lake/web/events/dt=" + dt);
  }

  @Test
  void catalogSurvivesARestartOnTheSameDirectory() throws Exception {
    CatalogService catalog = start();
    assertThat(await(catalog.listDatabases())).containsExactly("default");
    assertThat(await(catalog.createDatabase("web", false))).isTrue();
    assertThat(await(catalog.createDatabase("web", true))).isFalse();
    assertThat(await(catalog.createTable(EVENTS, false))).isTrue();
    assertThat(await(catalog.addPartitions("web", "events", List.of(day("2024-01-01")))))
        .isEqualTo(1);
    assertThat(
            await(
                catalog.addPartitions(
                    "web",
                    "events",
                    List.of(day("2024-01-01"), day("2024-01-02"), day("2024-01-03")))))
        .isEqualTo(2);
    assertThat(await(catalog.dropPartitions("web", "events", List.of(List.of("2024-01-02")))))
        .isEqualTo(1);
    assertThat(await(catalog.addPartitions("web", "events", List.of(day("2024-01-04")))))
        .isEqualTo(1);
    // Statistics stored last, over RocksDB, through a snapshot (every 3 events) and the events
    // after it.
    TableStatistics statistics =
        new TableStatistics(
            1234,
            Map.of(
                "user_id", new ColumnStatistics(1000, 0, "1", "4567", -1),
                "url", new ColumnStatistics(87, 12, "/a", "/zz", 14.5),
                "dt", new ColumnStatistics(2, 0, "2024-01-01", "2024-01-04", -1)),
            1_700_000_000_000L);
    assertThat(await(catalog.setStatistics(before(EVENTS, catalog), statistics))).isTrue();
    TableSnapshot before = await(catalog.getTable("web", "events"));
    assertThat(before.statistics()).isEqualTo(statistics);

    testKit.shutdownTestKit();
    catalog = start();

    assertThat(await(catalog.listDatabases())).containsExactly("default", "web");
    assertThat(await(catalog.listTables("web"))).containsExactly("events");
    TableSnapshot after = await(catalog.getTable("web", "events"));
    assertThat(after).isEqualTo(before);
    assertThat(after.partitions())
        .containsExactly(day("2024-01-01"), day("2024-01-03"), day("2024-01-04"));
    assertThat(after.statistics()).isEqualTo(statistics);
  }

  private static TableSnapshot before(TableMetadata table, CatalogService catalog)
      throws Exception {
    return await(catalog.getTable(table.database(), table.name()));
  }

  @Test
  void statisticsOfAMissingOrRecreatedTableAreRefused() throws Exception {
    CatalogService catalog = start();
    await(catalog.createDatabase("web", false));
    TableStatistics statistics = new TableStatistics(0, Map.of(), 1L);
    TarnException missing =
        failure(catalog.setStatistics(new TableSnapshot(EVENTS, List.of()), statistics));
    assertThat(missing.code()).isEqualTo(ErrorCode.TABLE_NOT_FOUND);

    await(catalog.createTable(EVENTS, false));
    TableMetadata older =
        new TableMetadata(
            "web",
            "events",
            List.of(new Column("user_id", SqlType.INTEGER)),
            List.of(),
            FileFormat.CSV,
            "/lake/web/events",
            Map.of());
    TarnException recreated =
        failure(catalog.setStatistics(new TableSnapshot(older, List.of()), statistics));
    assertThat(recreated.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(recreated.getMessage())
        .isEqualTo(
            "table web.events was dropped and created again while it was analyzed;"
                + " run ANALYZE again");
    assertThat(await(catalog.getTable("web", "events")).statistics()).isNull();
  }

  @Test
  void ddlErrorsArriveAsTarnExceptionsThatNameTheObject() throws Exception {
    CatalogService catalog = start();

    TarnException noDatabase = failure(catalog.createTable(EVENTS, false));
    assertThat(noDatabase.code()).isEqualTo(ErrorCode.SCHEMA_NOT_FOUND);
    assertThat(noDatabase.getMessage()).isEqualTo("database web does not exist");

    await(catalog.createDatabase("web", false));
    await(catalog.createTable(EVENTS, false));
    TarnException exists = failure(catalog.createTable(EVENTS, false));
    assertThat(exists.code()).isEqualTo(ErrorCode.ALREADY_EXISTS);
    assertThat(exists.getMessage()).isEqualTo("table web.events already exists");

    TarnException missing = failure(catalog.getTable("web", "clicks"));
    assertThat(missing.code()).isEqualTo(ErrorCode.TABLE_NOT_FOUND);
    assertThat(missing.getMessage()).isEqualTo("table web.clicks does not exist");

    TarnException badName = failure(catalog.createDatabase("Web Site", false));
    assertThat(badName.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(badName.getMessage()).startsWith("invalid database name 'Web Site'");

    TarnException notEmpty = failure(catalog.dropDatabase("web", false));
    assertThat(notEmpty.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(notEmpty.getMessage()).contains("database web is not empty");

    TarnException keepDefault = failure(catalog.dropDatabase("default", false));
    assertThat(keepDefault.code()).isEqualTo(ErrorCode.NOT_SUPPORTED);
  }

  @Test
  void dropCascadeRemovesTablesAndTheNameCanBeReused() throws Exception {
    CatalogService catalog = start();
    await(catalog.createDatabase("web", false));
    await(catalog.createTable(EVENTS, false));
    await(catalog.addPartitions("web", "events", List.of(day("2024-01-01"))));

    assertThat(await(catalog.dropTable("web", "events", false))).isTrue();
    assertThat(await(catalog.dropTable("web", "events", true))).isFalse();
    assertThat(await(catalog.listTables("web"))).isEmpty();
    await(catalog.createTable(EVENTS, false));
    assertThat(await(catalog.getTable("web", "events")).partitions()).isEmpty();

    assertThat(await(catalog.dropDatabase("web", false, true))).isTrue();
    assertThat(await(catalog.listDatabases())).containsExactly("default");
    assertThat(failure(catalog.getTable("web", "events")).code())
        .isEqualTo(ErrorCode.TABLE_NOT_FOUND);
    assertThat(failure(catalog.listTables("web")).code()).isEqualTo(ErrorCode.SCHEMA_NOT_FOUND);
    assertThat(await(catalog.dropDatabase("web", true))).isFalse();

    await(catalog.createDatabase("web", false));
    assertThat(await(catalog.listTables("web"))).isEmpty();
  }

  @Test
  void halfDoneCreateTableHealsOnRetry() throws Exception {
    CatalogService catalog = start();
    // A crash between the two steps of CREATE TABLE leaves the name in the database only.
    ClusterSharding sharding = ClusterSharding.get(testKit.system());
    await(
        sharding
            .entityRefFor(DatabaseEntity.TYPE_KEY, "default")
            .<CatalogReply<Boolean>>ask(
                replyTo -> new DatabaseEntity.AddTable("t", replyTo), Duration.ofSeconds(10)));
    assertThat(failure(catalog.getTable("default", "t")).code())
        .isEqualTo(ErrorCode.TABLE_NOT_FOUND);

    TableMetadata t =
        new TableMetadata(
            "default",
            "t",
            List.of(new Column("a", SqlType.INTEGER)),
            List.of(),
            FileFormat.CSV,
            "/lake/t",
            Map.of());
    assertThat(await(catalog.createTable(t, false))).isTrue();
    assertThat(await(catalog.listTables("default"))).containsExactly("t");
    assertThat(await(catalog.getTable("default", "t")).table()).isEqualTo(t);
  }
}
