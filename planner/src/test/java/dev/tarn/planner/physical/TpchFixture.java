package dev.tarn.planner.physical;

import dev.tarn.core.meta.Column;
import dev.tarn.core.meta.FileFormat;
import dev.tarn.core.meta.TableMetadata;
import dev.tarn.core.meta.TableSnapshot;
import dev.tarn.core.storage.LocalStorage;
import dev.tarn.core.type.SqlType;
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
