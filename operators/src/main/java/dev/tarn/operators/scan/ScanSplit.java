package dev.tarn.operators.scan;

import dev.tarn.core.storage.FileEntry;
import java.util.List;
import java.util.Objects;

/**
 * One file to scan, with the text values of the table's partition columns for it (in the table's
 * partition-column order; {@link dev.tarn.core.meta.Partition#DEFAULT_PARTITION} means NULL).
 */
public record ScanSplit(FileEntry file, List<String> partitionValues) {
  public ScanSplit {
    Objects.requireNonNull(file, "file");
    partitionValues = List.copyOf(Objects.requireNonNull(partitionValues, "partitionValues"));
  }
}
