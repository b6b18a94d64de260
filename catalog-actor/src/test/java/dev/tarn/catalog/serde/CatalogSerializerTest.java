package dev.tarn.catalog.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import dev.tarn.catalog.entity.DatabaseEntity;
import dev.tarn.catalog.entity.DirectoryEntity;
import dev.tarn.catalog.entity.TableEntity;
import dev.tarn.core.meta.Column;
import dev.tarn.core.meta.ColumnStatistics;
import dev.tarn.core.meta.FileFormat;
import dev.tarn.core.meta.Partition;
import dev.tarn.core.meta.TableMetadata;
import dev.tarn.core.meta.TableStatistics;
import dev.tarn.core.type.SqlType;
import java.io.NotSerializableException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The persisted format: bound by reference.conf, versioned manifests, readable old records. */
class CatalogSerializerTest {
  private static ActorTestKit testKit;
  private static Serialization serialization;

  private static final TableMetadata TABLE =
      new TableMetadata(
          "sales",
          "orders",
          List.of(new Column("id", SqlType.BIGINT), new Column("amount", SqlType.decimal(12, 2))),
          List.of(new Column("day", SqlType.DATE)),
          FileFormat.JSON,
          "file:/lake/orders",
          Map.of("a", "1", "b", "2"));

  private static final TableStatistics STATISTICS =
      new TableStatistics(
          10,
          Map.of(
              "id", new ColumnStatistics(10, 0, "1", "10", -1),
              "amount", new ColumnStatistics(-1, 2, null, null, -1),
              "day", new ColumnStatistics(1, 0, "2024-01-01", "2024-01-01", -1)),
          1_700_000_000_000L);

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create();
    serialization = SerializationExtension.get(testKit.system());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void everyEventAndStateRoundTripsThroughTheBoundSerializer() throws Exception {
    Partition partition = new Partition(List.of("2024-01-01"), "file:/lake/orders/day=2024-01-01");
    List<Object> records =
        List.of(
            new DatabaseEntity.DatabaseCreated("sales"),
            new DatabaseEntity.DatabaseDropped("sales"),
            new DatabaseEntity.TableAdded("orders"),
            new DatabaseEntity.TableRemoved("orders"),
            new TableEntity.TableCreated(TABLE),
            new TableEntity.TableDropped("sales.orders"),
            new TableEntity.PartitionsAdded(List.of(partition)),
            new TableEntity.PartitionsDropped(List.of(List.of("2024-01-01"))),
            new TableEntity.StatisticsSet(STATISTICS),
            new DirectoryEntity.DatabaseRegistered("sales"),
            new DirectoryEntity.DatabaseUnregistered("sales"),
            new DatabaseEntity.Empty(),
            new DatabaseEntity.Active(Set.of("orders", "items")),
            new TableEntity.Empty(),
            TableEntity.Active.of(TABLE, List.of(partition)),
            TableEntity.Active.of(TABLE, List.of(partition), STATISTICS),
            new DirectoryEntity.Listing(Set.of("default", "sales")));
    for (Object record : records) {
      Serializer serializer = serialization.findSerializerFor(record);
      assertThat(serializer).isInstanceOf(CatalogSerializer.class);
      String manifest = Serializers.manifestFor(serializer, record);
      assertThat(manifest).endsWith(".v1");
      byte[] bytes = serializer.toBinary(record);
      assertThat(serialization.deserialize(bytes, serializer.identifier(), manifest).get())
          .isEqualTo(record);
    }
  }

  @Test
  void readsAVersionOneTableCreatedWrittenByAnyCborWriter() throws Exception {
    // The v1 layout spelled out independently of the serializer's writer: the contract with
    // every journal written so far.
    Map<String, Object> table = new LinkedHashMap<>();
    table.put("database", "sales");
    table.put("name", "orders");
    table.put(
        "columns",
        List.of(
            Map.of("name", "id", "type", "bigint"),
            Map.of("name", "amount", "type", "decimal(12,2)")));
    table.put("partitionColumns", List.of(Map.of("name", "day", "type", "date")));
    table.put("format", "JSON");
    table.put("location", "file:/lake/orders");
    table.put("properties", Map.of("a", "1", "b", "2"));
    // A field a later version might add: old readers must ignore it.
    table.put("comment", "added in some later version");
    byte[] bytes = new CBORMapper().writeValueAsBytes(Map.of("table", table));

    Object event = new CatalogSerializer(null).fromBinary(bytes, "TableCreated.v1");
    assertThat(event).isEqualTo(new TableEntity.TableCreated(TABLE));
  }

  @Test
  void aTableActiveWrittenBeforeStatisticsExistedReadsAsNeverAnalyzed() throws Exception {
    CatalogSerializer serializer = new CatalogSerializer(null);
    byte[] withStatistics =
        serializer.toBinary(TableEntity.Active.of(TABLE, List.of(), STATISTICS));
    var tree =
        (com.fasterxml.jackson.databind.node.ObjectNode) new CBORMapper().readTree(withStatistics);
    tree.remove("statistics");
    Object old = serializer.fromBinary(new CBORMapper().writeValueAsBytes(tree), "TableActive.v1");
    assertThat(old).isEqualTo(TableEntity.Active.of(TABLE, List.of()));

    byte[] badCount =
        new CBORMapper()
            .writeValueAsBytes(
                Map.of("statistics", Map.of("rowCount", "many", "columns", Map.of())));
    assertThatThrownBy(() -> serializer.fromBinary(badCount, "StatisticsSet.v1"))
        .hasMessage("catalog record StatisticsSet.v1: field 'rowCount' is not a number");
  }

  @Test
  void unknownManifestAndDamagedRecordsAreNamed() throws Exception {
    CatalogSerializer serializer = new CatalogSerializer(null);
    byte[] created = serializer.toBinary(new DatabaseEntity.DatabaseCreated("sales"));
    assertThatThrownBy(() -> serializer.fromBinary(created, "DatabaseCreated.v9"))
        .isInstanceOf(NotSerializableException.class)
        .hasMessageContaining("unknown catalog record manifest 'DatabaseCreated.v9'");

    byte[] noColumns =
        new CBORMapper()
            .writeValueAsBytes(Map.of("table", Map.of("database", "sales", "name", "orders")));
    assertThatThrownBy(() -> serializer.fromBinary(noColumns, "TableCreated.v1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("catalog record TableCreated.v1: field 'properties' is missing");

    byte[] badType =
        new CBORMapper()
            .writeValueAsBytes(
                Map.of(
                    "table",
                    Map.of(
                        "database",
                        "s",
                        "name",
                        "t",
                        "format",
                        "CSV",
                        "location",
                        "/x",
                        "properties",
                        Map.of(),
                        "partitionColumns",
                        List.of(),
                        "columns",
                        List.of(Map.of("name", "c", "type", "hugeint")))));
    assertThatThrownBy(() -> serializer.fromBinary(badType, "TableCreated.v1"))
        .hasMessageStartingWith("catalog record TableCreated.v1: column type 'hugeint' is invalid");

    assertThatThrownBy(() -> serializer.fromBinary(new byte[] {(byte) 0xff, 1, 2}, "TableAdded.v1"))
        .isInstanceOf(NotSerializableException.class)
        .hasMessageStartingWith("catalog record TableAdded.v1 is not");
  }
}
