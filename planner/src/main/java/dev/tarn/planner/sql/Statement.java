package dev.tarn.planner.sql;

import dev.tarn.core.meta.TableMetadata;
import dev.tarn.core.serde.TarnMessage;
import java.util.List;
import java.util.Objects;

/**
 * A parsed statement. Names are resolved against the session's current database and folded to lower
 * case (unless they were double-quoted). Queries keep their text: the planner validates them once
 * the tables they name have been fetched from the catalog.
 */
public sealed interface Statement extends TarnMessage
    permits Statement.Query,
        Statement.Explain,
        Statement.CreateDatabase,
        Statement.DropDatabase,
        Statement.CreateTable,
        Statement.DropTable,
        Statement.ShowDatabases,
        Statement.ShowTables,
        Statement.ShowColumns,
        Statement.Use,
        Statement.MsckRepair,
        Statement.Analyze,
        Statement.ShowStats {

  /** A database-qualified table name, with the position where the statement names it. */
  record TableName(String database, String table, int line, int column) implements TarnMessage {
    public TableName {
      Objects.requireNonNull(database, "database");
      Objects.requireNonNull(table, "table");
    }

    public String qualified() {
      return database + "." + table;
    }
  }

  /** A SELECT (or VALUES, WITH ...) query and every table it names. */
  record Query(String sql, String defaultDatabase, List<TableName> tables) implements Statement {
    public Query {
      Objects.requireNonNull(sql, "sql");
      Objects.requireNonNull(defaultDatabase, "defaultDatabase");
      tables = List.copyOf(Objects.requireNonNull(tables, "tables"));
    }
  }

  /** {@code EXPLAIN [ANALYZE] query}. */
  record Explain(Query query, boolean analyze) implements Statement {}

  record CreateDatabase(String name, boolean ifNotExists) implements Statement {}

  record DropDatabase(String name, boolean ifExists) implements Statement {}

  /** {@code CREATE EXTERNAL TABLE}: the table as it will be stored in the catalog. */
  record CreateTable(TableMetadata table, boolean ifNotExists) implements Statement {}

  record DropTable(TableName name, boolean ifExists) implements Statement {}

  /** {@code SHOW DATABASES|SCHEMAS [LIKE 'pattern']}; pattern may be null. */
  record ShowDatabases(String likePattern) implements Statement {}

  /** {@code SHOW TABLES [FROM|IN db] [LIKE 'pattern']}; pattern may be null. */
  record ShowTables(String database, String likePattern) implements Statement {}

  /** {@code SHOW COLUMNS FROM t}, {@code DESCRIBE t}. */
  record ShowColumns(TableName table) implements Statement {}

  record Use(String database) implements Statement {}

  /** {@code MSCK REPAIR TABLE t}: registers Hive-style key=value folders as partitions. */
  record MsckRepair(TableName table) implements Statement {}

  /**
   * {@code ANALYZE t}: computes the table's row count and column statistics over all its files and
   * stores them in the catalog.
   */
  record Analyze(TableName table) implements Statement {
    public Analyze {
      Objects.requireNonNull(table, "table");
    }
  }

  /** {@code SHOW STATS FOR t}: the statistics ANALYZE stored, NULL where unknown. */
  record ShowStats(TableName table) implements Statement {
    public ShowStats {
      Objects.requireNonNull(table, "table");
    }
  }
}
