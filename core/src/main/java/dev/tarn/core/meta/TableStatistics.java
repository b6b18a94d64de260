package dev.tarn.core.meta;

import java.util.Map;
import java.util.Objects;

/**
 * Table and column statistics that {@code ANALYZE} stored in the catalog.
 *
 * @param rowCount rows in the table when analyzed
 * @param columns statistics by lower-case column name (data and partition columns); a column
 *     missing here is unknown
 * @param analyzedAtMillis when they were computed, epoch milliseconds
 */
public record TableStatistics(
    long rowCount, Map<String, ColumnStatistics> columns, long analyzedAtMillis) {

  public TableStatistics {
    if (rowCount < 0) {
      throw new IllegalArgumentException("rowCount must be >= 0, was " + rowCount);
    }
    columns = Map.copyOf(Objects.requireNonNull(columns, "columns"));
  }

  /** The column's statistics, {@link ColumnStatistics#UNKNOWN} when none were stored. */
  public ColumnStatistics column(String name) {
    return columns.getOrDefault(name, ColumnStatistics.UNKNOWN);
  }
}
