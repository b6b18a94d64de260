package dev.tarn.planner.cost;

import java.util.Map;
import java.util.Objects;

/**
 * What the planner believes about a whole table before any filter.
 *
 * @param rowCount rows, >= 0
 * @param rowWidth average bytes of one row as the engine holds it (all columns), > 0
 * @param distinct by lower-case column name, the number of distinct values: exact from {@code
 *     ANALYZE}, or an upper bound from footers; a column missing here is unknown
 * @param source where the row count came from, for EXPLAIN and tests
 */
public record TableEstimate(
    double rowCount, double rowWidth, Map<String, Distinct> distinct, Source source) {

  /** Where a row count came from, most trusted first. */
  public enum Source {
    STATISTICS,
    FOOTERS,
    FILE_SIZES
  }

  /**
   * Distinct values of one column.
   *
   * @param count the number, >= 1
   * @param exact whether it was counted ({@code ANALYZE}) rather than bounded (rows, value range)
   */
  public record Distinct(double count, boolean exact) {
    public Distinct {
      if (!(count >= 1)) {
        throw new IllegalArgumentException("distinct count must be >= 1, was " + count);
      }
    }
  }

  public TableEstimate {
    if (!(rowCount >= 0)) {
      throw new IllegalArgumentException("rowCount must be >= 0, was " + rowCount);
    }
    if (!(rowWidth > 0)) {
      throw new IllegalArgumentException("rowWidth must be > 0, was " + rowWidth);
    }
    distinct = Map.copyOf(Objects.requireNonNull(distinct, "distinct"));
    Objects.requireNonNull(source, "source");
  }
}
