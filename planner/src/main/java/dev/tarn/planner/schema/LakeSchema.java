package dev.tarn.planner.schema;

import dev.tarn.core.meta.TableSnapshot;
import java.util.HashMap;
import java.util.Map;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.AbstractSchema;

/**
 * The Calcite schema of one query: one sub-schema per database holding the query's tables. The
 * databases appear twice, at the root ({@code db.t}) and under the catalog name {@code tarn}
 * ({@code tarn.db.t}), so both spellings resolve.
 */
public final class LakeSchema {
  /** The catalog name users may write in front of a database. */
  public static final String CATALOG = "tarn";

  private LakeSchema() {}

  /**
   * Builds the root schema.
   *
   * @param tables the query's tables by {@code "db.table"}
   * @param defaultDatabase the session's database; present even when no table lives in it
   */
  public static SchemaPlus create(Map<String, TableSnapshot> tables, String defaultDatabase) {
    Map<String, Map<String, Table>> databases = new HashMap<>();
    databases.put(defaultDatabase, new HashMap<>());
    for (TableSnapshot snapshot : tables.values()) {
      databases
          .computeIfAbsent(snapshot.table().database(), database -> new HashMap<>())
          .put(snapshot.table().name(), new LakeTable(snapshot));
    }
    SchemaPlus root = CalciteSchema.createRootSchema(false, false).plus();
    SchemaPlus catalog = root.add(CATALOG, new AbstractSchema());
    for (Map.Entry<String, Map<String, Table>> database : databases.entrySet()) {
      DatabaseSchema schema = new DatabaseSchema(database.getValue());
      root.add(database.getKey(), schema);
      catalog.add(database.getKey(), schema);
    }
    return root;
  }

  /** One database's tables. */
  private static final class DatabaseSchema extends AbstractSchema {
    private final Map<String, Table> tables;

    DatabaseSchema(Map<String, Table> tables) {
      this.tables = Map.copyOf(tables);
    }

    @Override
    protected Map<String, Table> getTableMap() {
      return tables;
    }
  }
}
