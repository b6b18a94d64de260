package dev.tarn.core.format.parquet;

import dev.tarn.core.meta.Column;
import java.util.List;
import java.util.Objects;

/**
 * What a Parquet footer says about its file, for crawlers and split planning.
 *
 * @param rowCount rows in the file
 * @param rowGroups row groups in the file
 * @param columns top-level columns Tarn can read, lower-cased names, in file order
 */
public record ParquetFileInfo(long rowCount, int rowGroups, List<Column> columns) {
  public ParquetFileInfo {
    if (rowCount < 0 || rowGroups < 0) {
      throw new IllegalArgumentException("counts must be >= 0");
    }
    columns = List.copyOf(Objects.requireNonNull(columns, "columns"));
  }
}
