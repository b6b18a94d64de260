package dev.tarn.planner.physical;

import dev.tarn.core.meta.Column;
import dev.tarn.core.meta.ColumnStatistics;
import dev.tarn.core.meta.FileFormat;
import dev.tarn.core.meta.TableMetadata;
import dev.tarn.core.meta.TableSnapshot;
import dev.tarn.core.meta.TableStatistics;
import dev.tarn.core.storage.LocalStorage;
import dev.tarn.core.type.SqlType;
import dev.tarn.planner.QueryPlanner;
import dev.tarn.planner.sql.Statement;
import dev.tarn.planner.sql.StatementParser;
import dev.tarn.planner.stages.DistributedPlan;
import io.trino.tpch.TpchColumn;
import io.trino.tpch.TpchTable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The eight TPC-H tables in database {@code tpch}, typed as the runtime's TPC-H generator writes
 * them (identifiers bigint, integers integer, money decimal(12,2), dates date, text varchar), each
 * over one empty Parquet file: enough to plan, not to run.
 */
final class TpchFixture {
  final Map<String, TableSnapshot> tables = new HashMap<>();
  final LocalStorage storage = new LocalStorage();

  TpchFixture(Path root) {
    for (TpchTable<?> table : TpchTable.getTables()) {
      List<Column> columns = new ArrayList<>();
      for (TpchColumn<?> column : table.getColumns()) {
        columns.add(new Column(column.getColumnName(), type(column)));
      }
      Path folder = root.resolve(table.getTableName());
      try {
        Files.createDirectories(folder);
        Files.write(folder.resolve("part-000.parquet"), new byte[100]);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      TableMetadata metadata =
          new TableMetadata(
              "tpch",
              table.getTableName(),
              columns,
              List.of(),
              FileFormat.PARQUET,
              folder.toString(),
              Map.of());
      tables.put(metadata.qualifiedName(), new TableSnapshot(metadata, List.of()));
    }
  }

  /** Distinct values at SF 1 of the columns TPC-H joins on and filters by, from the spec. */
  private static final Map<String, Long> SF1_DISTINCT =
      Map.ofEntries(
          Map.entry("r_regionkey", 5L),
          Map.entry("r_name", 5L),
          Map.entry("n_nationkey", 25L),
          Map.entry("n_regionkey", 5L),
          Map.entry("n_name", 25L),
          Map.entry("s_suppkey", 10_000L),
          Map.entry("s_nationkey", 25L),
          Map.entry("c_custkey", 150_000L),
          Map.entry("c_nationkey", 25L),
          Map.entry("c_mktsegment", 5L),
          Map.entry("p_partkey", 200_000L),
          Map.entry("p_type", 150L),
          Map.entry("p_brand", 25L),
          Map.entry("p_container", 40L),
          Map.entry("p_size", 50L),
          Map.entry("ps_partkey", 200_000L),
          Map.entry("ps_suppkey", 10_000L),
          Map.entry("o_orderkey", 1_500_000L),
          Map.entry("o_custkey", 100_000L),
          Map.entry("o_orderstatus", 3L),
          Map.entry("o_orderdate", 2_406L),
          Map.entry("l_orderkey", 1_500_000L),
          Map.entry("l_partkey", 200_000L),
          Map.entry("l_suppkey", 10_000L),
          Map.entry("l_shipdate", 2_526L),
          Map.entry("l_shipmode", 7L),
          Map.entry("l_shipinstruct", 4L),
          Map.entry("l_returnflag", 3L));

  /** Rows of each table at SF 1. */
  static final Map<String, Long> SF1_ROWS =
      Map.of(
          "region", 5L,
          "nation", 25L,
          "supplier", 10_000L,
          "customer", 150_000L,
          "part", 200_000L,
          "partsupp", 800_000L,
          "orders", 1_500_000L,
          "lineitem", 6_001_215L);

  /** Gives every table the statistics ANALYZE would store at SF 1. */
  TpchFixture withSf1Statistics() {
    return withRowCounts(SF1_ROWS);
  }

  /**
   * Gives the named tables statistics with these row counts, and the SF 1 distinct counts capped by
   * them.
   */
  TpchFixture withRowCounts(Map<String, Long> rows) {
    for (Map.Entry<String, Long> entry : rows.entrySet()) {
      TableSnapshot snapshot = tables.get("tpch." + entry.getKey());
      Map<String, ColumnStatistics> columns = new HashMap<>();
      for (Column column : snapshot.table().columns()) {
        Long distinct = SF1_DISTINCT.get(column.name());
        if (distinct != null) {
          columns.put(
              column.name(),
              new ColumnStatistics(Math.min(distinct, entry.getValue()), 0, null, null, -1));
        }
      }
      tables.put(
          snapshot.table().qualifiedName(),
          new TableSnapshot(
              snapshot.table(),
              snapshot.partitions(),
              new TableStatistics(entry.getValue(), columns, 0)));
    }
    return this;
  }

  private static SqlType type(TpchColumn<?> column) {
    switch (column.getType().getBase()) {
      case IDENTIFIER:
        return SqlType.BIGINT;
      case INTEGER:
        return SqlType.INTEGER;
      case DATE:
        return SqlType.DATE;
      case DOUBLE:
        return SqlType.decimal(12, 2);
      case VARCHAR:
        return SqlType.VARCHAR;
    }
    throw new IllegalArgumentException("unknown TPC-H type " + column.getType());
  }

  /** The text of TPC-H query {@code number} (1..22) from {@code tpch/qNN.sql}. */
  static String query(int number) {
    String name = String.format("/tpch/q%02d.sql", number);
    try (InputStream in = TpchFixture.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  DistributedPlan plan(String sql, PlannerOptions options) {
    Statement.Query query = (Statement.Query) StatementParser.parse(sql, "tpch");
    return new QueryPlanner().plan(query, tables, storage, options);
  }
}
