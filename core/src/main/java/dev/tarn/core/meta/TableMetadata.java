package dev.tarn.core.meta;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the catalog knows of one external table.
 *
 * @param database database (schema) name, lower case
 * @param name table name, lower case
 * @param columns data columns, in declared order (CSV fields map to them by position)
 * @param partitionColumns Hive partition columns, in folder order; values come from folder names
 * @param format how the files are stored
 * @param location root folder of the table's files (a local path or {@code file:} URI)
 * @param properties table properties ({@code skip.header.line.count}, {@code field.delim}, ...)
 */
public record TableMetadata(
    String database,
    String name,
    List<Column> columns,
    List<Column> partitionColumns,
    FileFormat format,
    String location,
    Map<String, String> properties) {

  public TableMetadata {
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(name, "name");
    columns = List.copyOf(Objects.requireNonNull(columns, "columns"));
    partitionColumns = List.copyOf(Objects.requireNonNull(partitionColumns, "partitionColumns"));
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(location, "location");
    properties = Map.copyOf(Objects.requireNonNull(properties, "properties"));
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("table " + name + " needs at least one column");
    }
  }

  /** Data columns followed by partition columns: the table's row type in SQL. */
  public List<Column> allColumns() {
    return java.util.stream.Stream.concat(columns.stream(), partitionColumns.stream()).toList();
  }

  public boolean isPartitioned() {
    return !partitionColumns.isEmpty();
  }

  public String qualifiedName() {
    return database + "." + name;
  }
}
