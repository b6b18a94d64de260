package dev.tarn.core.meta;

import java.util.List;
import java.util.Objects;

/**
 * A table as one query sees it: its metadata, when partitioned its partitions, and the statistics
 * {@code ANALYZE} stored (null when the table was never analyzed).
 */
public record TableSnapshot(
    TableMetadata table, List<Partition> partitions, TableStatistics statistics) {
  public TableSnapshot {
    Objects.requireNonNull(table, "table");
    partitions = List.copyOf(Objects.requireNonNull(partitions, "partitions"));
  }

  /** A snapshot of a table without statistics. */
  public TableSnapshot(TableMetadata table, List<Partition> partitions) {
    this(table, partitions, null);
  }
}
