package dev.tarn.core.meta;

import java.util.List;
import java.util.Objects;

/** A table as one query sees it: its metadata and, when partitioned, its partitions. */
public record TableSnapshot(TableMetadata table, List<Partition> partitions) {
  public TableSnapshot {
    Objects.requireNonNull(table, "table");
    partitions = List.copyOf(Objects.requireNonNull(partitions, "partitions"));
  }
}
