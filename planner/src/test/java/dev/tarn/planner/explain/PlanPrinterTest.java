package dev.tarn.planner.explain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tarn.core.meta.Column;
import dev.tarn.core.meta.FileFormat;
import dev.tarn.core.meta.TableMetadata;
import dev.tarn.core.meta.TableSnapshot;
import dev.tarn.core.meta.TableStatistics;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanPrinterTest {
  @TempDir Path folder;

  @Test
  void explainPrintsStagesTopDownWithOneLinePerOperator() throws IOException {
    TableMetadata orders =
        new TableMetadata(
            "default",
            "orders",
            List.of(
                new Column("o_orderkey", SqlType.BIGINT),
                new Column("o_custkey", SqlType.BIGINT),
                new Column("o_total", SqlType.decimal(12, 2))),
            List.of(),
            FileFormat.PARQUET,
            folder.resolve("orders").toString(),
            Map.of());
    TableMetadata customers =
        new TableMetadata(
            "default",
            "customers",
            List.of(
                new Column("c_custkey", SqlType.BIGINT), new Column("c_region", SqlType.VARCHAR)),
            List.of(),
            FileFormat.PARQUET,
            folder.resolve("customers").toString(),
            Map.of());
    for (TableMetadata table : List.of(orders, customers)) {
      Files.createDirectories(Path.of(table.location()));
      Files.write(Path.of(table.location(), "a.parquet"), new byte[1]);
      Files.write(Path.of(table.location(), "b.parquet"), new byte[1]);
    }
    Statement.Query query =
        (Statement.Query)
            StatementParser.parse(
                "SELECT c_region, sum(o_total) AS revenue\n"
                    + "FROM orders JOIN customers ON o_custkey = c_custkey\n"
                    + "WHERE o_total > 10\n"
                    + "GROUP BY c_region ORDER BY revenue DESC LIMIT 10",
                "default");
    String explain =
        PlanPrinter.explain(
            new QueryPlanner()
                .plan(
                    query,
                    Map.of(
                        "default.orders", new TableSnapshot(orders, List.of()),
                        "default.customers", new TableSnapshot(customers, List.of())),
                    new LocalStorage(),
                    PlannerOptions.DEFAULT));
    assertThat(explain)
        .isEqualTo(
            String.join(
                "\n",
                "Stage 0 [SINGLE] output=RESULT",
                "  Sort[keys=[revenue DESC NULLS LAST], limit=10]",
                "    RemoteSource[stage=1]",
                "Stage 1 [HASH] output=GATHER",
                "  Sort[keys=[revenue DESC NULLS LAST], limit=10]",
                "    Aggregate[step=FINAL, keys=[c_region], aggregates=[revenue := sum(revenue)]]",
                "      RemoteSource[stage=2]",
                "Stage 2 [HASH] output=HASH[0]",
                "  Aggregate[step=PARTIAL, keys=[c_region], aggregates=[revenue := sum(o_total)]]",
                "    Join[type=INNER, criteria=[o_custkey = c_custkey]]",
                "      RemoteSource[stage=3]",
                "      RemoteSource[stage=4]",
                "Stage 3 [SOURCE] output=HASH[0]",
                "  Project[o_custkey := o_custkey, o_total := o_total]",
                "    Filter[predicate=(o_total > 10)]",
                "      Scan[table=default.orders, files=2, columns=[o_custkey, o_total]]",
                "Stage 4 [SOURCE] output=HASH[0]",
                "  Scan[table=default.customers, files=2, columns=[c_custkey, c_region]]",
                ""));
  }

  @Test
  void explainWithEstimatesPrintsEstimatedRowsOfScansFiltersAndJoins() throws IOException {
    TableMetadata orders =
        new TableMetadata(
            "default",
            "orders",
            List.of(
                new Column("o_custkey", SqlType.BIGINT),
                new Column("o_total", SqlType.decimal(12, 2))),
            List.of(),
            FileFormat.PARQUET,
            folder.resolve("orders").toString(),
            Map.of());
    TableMetadata customers =
        new TableMetadata(
            "default",
            "customers",
            List.of(new Column("c_custkey", SqlType.BIGINT)),
            List.of(),
            FileFormat.PARQUET,
            folder.resolve("customers").toString(),
            Map.of());
    for (TableMetadata table : List.of(orders, customers)) {
      Files.createDirectories(Path.of(table.location()));
      Files.write(Path.of(table.location(), "a.parquet"), new byte[1]);
    }
    Statement.Query query =
        (Statement.Query)
            StatementParser.parse(
                "SELECT count(*) FROM orders JOIN customers ON o_custkey = c_custkey"
                    + " WHERE o_total > 10",
                "default");
    QueryPlanner.Planned planned =
        new QueryPlanner()
            .planWithEstimates(
                query,
                Map.of(
                    "default.orders",
                    new TableSnapshot(orders, List.of(), new TableStatistics(3000, Map.of(), 0)),
                    "default.customers",
                    new TableSnapshot(customers, List.of(), new TableStatistics(100, Map.of(), 0))),
                new LocalStorage(),
                PlannerOptions.DEFAULT);
    String explain = PlanPrinter.explain(planned.plan(), planned.estimates());
    // A third of the orders pass the range filter; each meets at most one of 100 customers.
    assertThat(explain)
        .contains("Join[type=INNER, criteria=[o_custkey = c_custkey]] Estimates: {rows: 1000}")
        .contains("Filter[predicate=(o_total > 10)] Estimates: {rows: 1000}")
        .contains(
            "Scan[table=default.orders, files=1, columns=[o_custkey, o_total]] Estimates: {rows: 3000}")
        .contains(
            "Scan[table=default.customers, files=1, columns=[c_custkey]] Estimates: {rows: 100}");
    // Without estimates the text is unchanged.
    assertThat(PlanPrinter.explain(planned.plan())).doesNotContain("Estimates");
  }
}
