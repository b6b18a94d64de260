package dev.tarn.planner.stages;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tarn.core.meta.Column;
import dev.tarn.core.meta.FileFormat;
import dev.tarn.core.meta.Partition;
import dev.tarn.core.meta.TableMetadata;
import dev.tarn.core.meta.TableSnapshot;
import dev.tarn.core.serde.KryoSerializer;
import dev.tarn.core.storage.LocalStorage;
import dev.tarn.core.type.SqlType;
import dev.tarn.planner.QueryPlanner;
import dev.tarn.planner.physical.PlannerOptions;
import dev.tarn.planner.sql.Statement;
import dev.tarn.planner.sql.StatementParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plans and statements cross the cluster: they survive Tarn's Kryo serializer unchanged. */
class PlanSerializationTest {
  @TempDir Path folder;

  @Test
  void distributedPlansAndStatementsRoundTrip() throws IOException {
    TableMetadata sales =
        new TableMetadata(
            "default",
            "sales",
            List.of(
                new Column("amount", SqlType.decimal(10, 2)), new Column("item", SqlType.VARCHAR)),
            List.of(new Column("dt", SqlType.DATE)),
            FileFormat.PARQUET,
            folder.toString(),
            Map.of("k", "v"));
    Path partition = Files.createDirectories(folder.resolve("dt=2024-01-01"));
    Files.write(partition.resolve("a.parquet"), new byte[3]);
    Map<String, TableSnapshot> tables =
        Map.of(
            "default.sales",
            new TableSnapshot(
                sales, List.of(new Partition(List.of("2024-01-01"), partition.toString()))));
    Statement statement =
        StatementParser.parse(
            "SELECT s.item, avg(s.amount), count(DISTINCT t.item) FROM sales s JOIN sales t"
                + " ON s.item = t.item WHERE s.dt = DATE '2024-01-01' AND s.item LIKE 'a%'"
                + " GROUP BY s.item ORDER BY 2 DESC LIMIT 3",
            "default");
    DistributedPlan plan =
        new QueryPlanner()
            .plan((Statement.Query) statement, tables, new LocalStorage(), PlannerOptions.DEFAULT);
    DistributedPlan values =
        new QueryPlanner()
            .plan(
                (Statement.Query) StatementParser.parse("VALUES (1, 'a', 2.5)", "default"),
                Map.of(),
                new LocalStorage(),
                PlannerOptions.DEFAULT);

    DistributedPlan analytical =
        new QueryPlanner()
            .plan(
                (Statement.Query)
                    StatementParser.parse(
                        "SELECT item, rank() OVER (PARTITION BY dt ORDER BY amount DESC),"
                            + " lag(amount, 1, 0) OVER (ORDER BY item), sum(amount) OVER (ORDER BY"
                            + " item ROWS 2 PRECEDING) FROM sales WHERE item NOT IN (SELECT item"
                            + " FROM sales WHERE amount > 1) UNION ALL SELECT item, 1, amount,"
                            + " amount FROM sales",
                        "default"),
                tables,
                new LocalStorage(),
                PlannerOptions.DEFAULT);

    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "serialization");
    try {
      KryoSerializer serializer =
          new KryoSerializer((ExtendedActorSystem) Adapter.toClassic(system));
      for (Object message :
          List.of(
              plan,
              values,
              analytical,
              statement,
              StatementParser.parse(
                  "CREATE EXTERNAL TABLE t (a int) PARTITIONED BY (p string) STORED AS CSV"
                      + " LOCATION '/x' TBLPROPERTIES ('skip.header.line.count'='1')",
                  "default"))) {
        Object copy = serializer.fromBinary(serializer.toBinary(message), message.getClass());
        assertThat(copy).isEqualTo(message);
      }
    } finally {
      system.terminate();
    }
  }
}
