package dev.tarn.planner.physical;

import dev.tarn.core.meta.Column;
import dev.tarn.core.meta.FileFormat;
import dev.tarn.core.meta.Partition;
import dev.tarn.core.meta.TableMetadata;
import dev.tarn.core.meta.TableSnapshot;
import dev.tarn.core.storage.LocalStorage;
import dev.tarn.core.type.SqlType;
import dev.tarn.planner.QueryPlanner;
import dev.tarn.planner.sql.Statement;
import dev.tarn.planner.sql.StatementParser;
import dev.tarn.planner.stages.DistributedPlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A small lake in a temporary folder, planning only: empty files in the folders the catalog
 * metadata points to.
 *
 * <pre>
 *   default.orders     (o_orderkey bigint, o_custkey bigint, o_total decimal(12,2),
 *                       o_comment varchar)                                2 files
 *   default.customers  (c_custkey bigint, c_name varchar, c_region varchar)  1 file
 *   default.sales      (amount decimal(10,2), item varchar)
 *                      PARTITIONED BY (dt date, region varchar), 4 partitions, 1 file each:
 *                      2024-01-01/eu, 2024-01-02/eu, 2024-01-02/us, 2024-01-03/NULL
 * </pre>
 */
final class LakeFixture {
  static final List<List<String>> SALES_PARTITIONS =
      List.of(
          List.of("2024-01-01", "eu"),
          List.of("2024-01-02", "eu"),
          List.of("2024-01-02", "us"),
          List.of("2024-01-03", Partition.DEFAULT_PARTITION));

  final Path root;
  final Map<String, TableSnapshot> tables = new HashMap<>();
  final LocalStorage storage = new LocalStorage();

  LakeFixture(Path root) {
    this.root = root;
    add(
        table(
            "orders",
            List.of(
                new Column("o_orderkey", SqlType.BIGINT),
                new Column("o_custkey", SqlType.BIGINT),
                new Column("o_total", SqlType.decimal(12, 2)),
                new Column("o_comment", SqlType.VARCHAR)),
            List.of()),
        List.of(),
        "part-0.parquet",
        "part-1.parquet");
    add(
        table(
            "customers",
            List.of(
                new Column("c_custkey", SqlType.BIGINT),
                new Column("c_name", SqlType.VARCHAR),
                new Column("c_region", SqlType.VARCHAR)),
            List.of()),
        List.of(),
        "part-0.parquet");
    TableMetadata sales =
        table(
            "sales",
            List.of(
                new Column("amount", SqlType.decimal(10, 2)), new Column("item", SqlType.VARCHAR)),
            List.of(new Column("dt", SqlType.DATE), new Column("region", SqlType.VARCHAR)));
    List<Partition> partitions = new ArrayList<>();
    for (List<String> values : SALES_PARTITIONS) {
      Path folder =
          Path.of(sales.location())
              .resolve("dt=" + values.get(0))
              .resolve("region=" + values.get(1));
      partitions.add(new Partition(values, folder.toString()));
    }
    add(sales, partitions, "data.parquet");
  }

  private TableMetadata table(String name, List<Column> columns, List<Column> partitionColumns) {
    return new TableMetadata(
        "default",
        name,
        columns,
        partitionColumns,
        FileFormat.PARQUET,
        root.resolve(name).toString(),
        Map.of());
  }

  private void add(TableMetadata table, List<Partition> partitions, String... files) {
    try {
      List<Path> folders = new ArrayList<>();
      if (partitions.isEmpty()) {
        folders.add(Path.of(table.location()));
      }
      for (Partition partition : partitions) {
        folders.add(Path.of(partition.location()));
      }
      for (Path folder : folders) {
        Files.createDirectories(folder);
        for (String file : files) {
          Files.write(folder.resolve(file), new byte[100]);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    tables.put(table.qualifiedName(), new TableSnapshot(table, partitions));
  }

  /** Parses {@code sql} as a user would send it and plans it with default options. */
  DistributedPlan plan(String sql) {
    return plan(sql, PlannerOptions.DEFAULT);
  }

  DistributedPlan plan(String sql, PlannerOptions options) {
    Statement.Query query = (Statement.Query) StatementParser.parse(sql, "default");
    return new QueryPlanner().plan(query, tables, storage, options);
  }
}
