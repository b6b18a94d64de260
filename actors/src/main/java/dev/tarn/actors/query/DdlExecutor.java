package dev.tarn.actors.query;

import dev.tarn.catalog.protocol.CatalogService;
import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.meta.Column;
import dev.tarn.core.meta.ColumnStatistics;
import dev.tarn.core.meta.TableMetadata;
import dev.tarn.core.meta.TableSnapshot;
import dev.tarn.core.meta.TableStatistics;
import dev.tarn.core.storage.HivePartitions;
import dev.tarn.core.storage.LakeStorage;
import dev.tarn.core.type.SqlType;
import dev.tarn.planner.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

/**
 * Runs the statements that only touch the catalog (DDL, SHOW, SHOW STATS, USE, MSCK REPAIR) and
 * shapes their answers as Trino does: SHOW statements return rows, the others an update type.
 */
final class DdlExecutor {
  private static final Column SCHEMA = new Column("Schema", SqlType.VARCHAR);
  private static final Column TABLE = new Column("Table", SqlType.VARCHAR);
  private static final List<Column> SHOW_COLUMNS =
      List.of(
          new Column("Column", SqlType.VARCHAR),
          new Column("Type", SqlType.VARCHAR),
          new Column("Extra", SqlType.VARCHAR),
          new Column("Comment", SqlType.VARCHAR));

  private static final List<Column> SHOW_STATS =
      List.of(
          new Column("column_name", SqlType.VARCHAR),
          new Column("data_size", SqlType.DOUBLE),
          new Column("distinct_values_count", SqlType.DOUBLE),
          new Column("nulls_fraction", SqlType.DOUBLE),
          new Column("row_count", SqlType.DOUBLE),
          new Column("low_value", SqlType.VARCHAR),
          new Column("high_value", SqlType.VARCHAR));

  private final CatalogService catalog;
  private final LakeStorage storage;

  DdlExecutor(CatalogService catalog, LakeStorage storage) {
    this.catalog = catalog;
    this.storage = storage;
  }

  CompletionStage<QueryCoordinator.StatementResult> execute(Statement statement) {
    if (statement instanceof Statement.CreateDatabase s) {
      return catalog
          .createDatabase(s.name(), s.ifNotExists())
          .thenApply(x -> update("CREATE SCHEMA"));
    } else if (statement instanceof Statement.DropDatabase s) {
      return catalog.dropDatabase(s.name(), s.ifExists()).thenApply(x -> update("DROP SCHEMA"));
    } else if (statement instanceof Statement.CreateTable s) {
      return createTable(s);
    } else if (statement instanceof Statement.DropTable s) {
      return catalog
          .dropTable(s.name().database(), s.name().table(), s.ifExists())
          .thenApply(x -> update("DROP TABLE"));
    } else if (statement instanceof Statement.ShowDatabases s) {
      return catalog
          .listDatabases()
          .thenApply(names -> rows(SCHEMA, filter(names, s.likePattern())));
    } else if (statement instanceof Statement.ShowTables s) {
      return catalog
          .listTables(s.database())
          .thenApply(names -> rows(TABLE, filter(names, s.likePattern())));
    } else if (statement instanceof Statement.ShowColumns s) {
      return TableLookup.get(catalog, s.table()).thenApply(snapshot -> describe(snapshot.table()));
    } else if (statement instanceof Statement.ShowStats s) {
      return TableLookup.get(catalog, s.table()).thenApply(DdlExecutor::showStats);
    } else if (statement instanceof Statement.Use s) {
      return catalog
          .listDatabases()
          .thenApply(
              names -> {
                if (!names.contains(s.database())) {
                  throw new TarnException(
                      ErrorCode.SCHEMA_NOT_FOUND, "Schema '" + s.database() + "' does not exist");
                }
                return new QueryCoordinator.StatementResult(
                    List.of(), List.of(), "USE", s.database());
              });
    } else if (statement instanceof Statement.MsckRepair s) {
      return TableLookup.get(catalog, s.table())
          .thenCompose(
              snapshot -> {
                var found = HivePartitions.discover(storage, snapshot.table());
                return catalog
                    .addPartitions(s.table().database(), s.table().table(), found)
                    .thenApply(
                        added ->
                            rows(
                                new Column("Result", SqlType.VARCHAR),
                                List.of(
                                    "Partitions found: "
                                        + found.size()
                                        + ", added to the catalog: "
                                        + added)));
              });
    }
    return CompletableFuture.failedFuture(
        new TarnException(
            ErrorCode.NOT_SUPPORTED,
            statement.getClass().getSimpleName() + " is not a catalog statement"));
  }

  private CompletionStage<QueryCoordinator.StatementResult> createTable(Statement.CreateTable s) {
    TableMetadata table = s.table();
    if (!storage.exists(table.location())) {
      return CompletableFuture.failedFuture(
          new TarnException(
              ErrorCode.PATH_NOT_FOUND,
              "LOCATION '"
                  + table.location()
                  + "' of table "
                  + table.qualifiedName()
                  + " does not exist"));
    }
    return catalog.createTable(table, s.ifNotExists()).thenApply(x -> update("CREATE TABLE"));
  }

  private static QueryCoordinator.StatementResult update(String type) {
    return new QueryCoordinator.StatementResult(List.of(), List.of(), type, null);
  }

  private static QueryCoordinator.StatementResult rows(Column column, List<String> values) {
    List<List<Object>> rows = new ArrayList<>();
    for (String v : values) {
      rows.add(List.of(v));
    }
    return new QueryCoordinator.StatementResult(List.of(column), rows, null, null);
  }

  private static QueryCoordinator.StatementResult describe(TableMetadata table) {
    List<List<Object>> rows = new ArrayList<>();
    for (Column c : table.columns()) {
      rows.add(List.of(c.name(), c.type().toString(), "", ""));
    }
    for (Column c : table.partitionColumns()) {
      rows.add(List.of(c.name(), c.type().toString(), "partition key", ""));
    }
    return new QueryCoordinator.StatementResult(SHOW_COLUMNS, rows, null, null);
  }

  /**
   * Trino's SHOW STATS table: a row per column (data, then partition columns) and a last row with
   * no column name that holds the row count. NULL wherever nothing is known, which is everything
   * before ANALYZE. {@code data_size} is the total width of a varchar column's non-NULL values.
   */
  private static QueryCoordinator.StatementResult showStats(TableSnapshot snapshot) {
    TableMetadata table = snapshot.table();
    TableStatistics statistics = snapshot.statistics();
    List<Column> columns = new ArrayList<>(table.columns());
    columns.addAll(table.partitionColumns());
    List<List<Object>> rows = new ArrayList<>();
    for (Column c : columns) {
      ColumnStatistics s =
          statistics == null ? ColumnStatistics.UNKNOWN : statistics.column(c.name());
      Double dataSize = null;
      Double nullsFraction = null;
      if (statistics != null && s.nullCount() >= 0) {
        long nonNull = statistics.rowCount() - s.nullCount();
        if (s.averageWidth() >= 0) {
          // Widths are whole characters, so their total is a whole number: round away the
          // error that average times count brings back.
          dataSize = (double) Math.round(s.averageWidth() * nonNull);
        }
        nullsFraction =
            statistics.rowCount() == 0 ? 0.0 : (double) s.nullCount() / statistics.rowCount();
      }
      rows.add(
          nullable(
              c.name(),
              dataSize,
              s.distinctCount() < 0 ? null : (double) s.distinctCount(),
              nullsFraction,
              null,
              s.min(),
              s.max()));
    }
    rows.add(
        nullable(
            null,
            null,
            null,
            null,
            statistics == null ? null : (double) statistics.rowCount(),
            null,
            null));
    return new QueryCoordinator.StatementResult(SHOW_STATS, rows, null, null);
  }

  /** A row that may hold NULLs (List.of may not), of a list type Kryo knows. */
  private static List<Object> nullable(Object... values) {
    return new ArrayList<>(Arrays.asList(values));
  }

  /** Names matching a SQL LIKE pattern (case-insensitive), sorted. */
  private static List<String> filter(List<String> names, String likePattern) {
    List<String> out = new ArrayList<>();
    Pattern regex = likePattern == null ? null : likeToRegex(likePattern);
    for (String name : names) {
      if (regex == null || regex.matcher(name).matches()) {
        out.add(name);
      }
    }
    out.sort(String::compareTo);
    return out;
  }

  private static Pattern likeToRegex(String like) {
    StringBuilder regex = new StringBuilder();
    for (char c : like.toLowerCase(Locale.ROOT).toCharArray()) {
      if (c == '%') {
        regex.append(".*");
      } else if (c == '_') {
        regex.append('.');
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE);
  }
}
