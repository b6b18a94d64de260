package dev.tarn.core.meta;

import java.util.List;
import java.util.Objects;

/**
 * One partition of a table: values for its partition columns (as text, in the table's
 * partition-column order; Hive's {@value #DEFAULT_PARTITION} stands for SQL NULL) and the folder
 * holding its files.
 */
public record Partition(List<String> values, String location) {
  /** Hive's folder value for a NULL partition key. */
  public static final String DEFAULT_PARTITION = "__HIVE_DEFAULT_PARTITION__";

  public Partition {
    Objects.requireNonNull(values, "values");
    values = List.copyOf(values);
    Objects.requireNonNull(location, "location");
  }
}
