package dev.tarn.core.format;

import dev.tarn.core.meta.Column;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to read from one file.
 *
 * @param fileColumns the table's data columns in declared order (CSV maps fields to them by
 *     position; Parquet and JSON by name, case-insensitively; a column the file lacks reads as
 *     NULL)
 * @param projection indexes into {@code fileColumns} of the columns to produce, in output order
 * @param properties the table's properties ({@code skip.header.line.count}, {@code field.delim},
 *     ...)
 * @param batchRows the most rows one batch holds
 * @param predicate a filter over the output columns that a reader may use to skip data it can prove
 *     matches no row (Parquet row groups by their statistics); null for none. Readers need not
 *     apply it row by row: the scan's consumer still filters.
 */
public record ScanRequest(
    List<Column> fileColumns,
    int[] projection,
    Map<String, String> properties,
    int batchRows,
    dev.tarn.core.expr.Expr predicate) {
  /** A request without a predicate. */
  public ScanRequest(
      List<Column> fileColumns, int[] projection, Map<String, String> properties, int batchRows) {
    this(fileColumns, projection, properties, batchRows, null);
  }

  public ScanRequest {
    fileColumns = List.copyOf(Objects.requireNonNull(fileColumns, "fileColumns"));
    Objects.requireNonNull(projection, "projection");
    for (int index : projection) {
      if (index < 0 || index >= fileColumns.size()) {
        throw new IllegalArgumentException(
            "projection index " + index + " outside 0.." + (fileColumns.size() - 1));
      }
    }
    properties = Map.copyOf(Objects.requireNonNull(properties, "properties"));
    if (batchRows < 1) {
      throw new IllegalArgumentException("batchRows must be >= 1, was " + batchRows);
    }
  }

  /** The produced columns, in output order. */
  public List<Column> outputColumns() {
    Column[] out = new Column[projection.length];
    for (int i = 0; i < projection.length; i++) {
      out[i] = fileColumns.get(projection[i]);
    }
    return List.of(out);
  }
}
