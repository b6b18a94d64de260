package dev.tarn.core.plan;

import dev.tarn.core.type.SqlType;
import java.util.List;

/** Aggregate functions. */
public enum AggregateFunction {
  COUNT_STAR,
  COUNT,
  SUM,
  AVG,
  MIN,
  MAX,
  /** Partial: a bigint count; merged as COUNT. */
  COUNT_IF,
  BOOL_AND,
  BOOL_OR,
  ARBITRARY,
  /** Sample standard deviation ({@code stddev}, {@code stddev_samp}). */
  STDDEV,
  STDDEV_POP,
  /** Sample variance ({@code variance}, {@code var_samp}). */
  VARIANCE,
  VAR_POP,
  /**
   * HyperLogLog estimate of the distinct count (standard error about 2.3%, as Trino). Partial: the
   * serialized sketch (varbinary).
   */
  APPROX_DISTINCT,
  /**
   * The value at a quantile ({@link AggregateCall#parameter}, in [0, 1]) from a mergeable quantile
   * sketch, within 1% rank error. Partial: the serialized sketch (varbinary).
   */
  APPROX_PERCENTILE,
  /**
   * A scalar sub-query's one value: NULL for no row, an error for a second row. No partial form:
   * its input is gathered into one task.
   */
  SINGLE_VALUE,
  /** The group's values as an array, NULLs included. No partial form yet. */
  ARRAY_AGG;

  /** Whether the function can run as PARTIAL then FINAL. */
  public boolean hasPartialForm() {
    return this != SINGLE_VALUE && this != ARRAY_AGG;
  }

  /**
   * The types of the intermediate columns a PARTIAL step emits for one call (see {@link
   * AggregateCall}), given the argument's type (null for COUNT_STAR) and the result type.
   */
  public List<SqlType> intermediateTypes(SqlType argumentType, SqlType resultType) {
    switch (this) {
      case COUNT_STAR:
      case COUNT:
      case COUNT_IF:
        return List.of(SqlType.BIGINT);
      case AVG:
        return List.of(
            argumentType.kind() == SqlType.Kind.DECIMAL
                ? SqlType.decimal(38, argumentType.scale())
                : SqlType.DOUBLE,
            SqlType.BIGINT);
      case SUM:
      case MIN:
      case MAX:
      case BOOL_AND:
      case BOOL_OR:
      case ARBITRARY:
        return List.of(resultType);
      case STDDEV:
      case STDDEV_POP:
      case VARIANCE:
      case VAR_POP:
        // Welford's state: count, mean, sum of squared deviations.
        return List.of(SqlType.BIGINT, SqlType.DOUBLE, SqlType.DOUBLE);
      case APPROX_DISTINCT:
      case APPROX_PERCENTILE:
        return List.of(SqlType.VARBINARY);
      case SINGLE_VALUE:
        throw new IllegalStateException(this + " has no partial form");
    }
    throw new AssertionError(this);
  }

  /** The number of intermediate columns (the size of {@link #intermediateTypes}). */
  public int intermediateWidth() {
    switch (this) {
      case AVG:
        return 2;
      case STDDEV:
      case STDDEV_POP:
      case VARIANCE:
      case VAR_POP:
        return 3;
      default:
        return 1;
    }
  }

  /** The function a FINAL step applies to this function's intermediate columns. */
  public AggregateFunction mergeFunction() {
    return this == COUNT_STAR || this == COUNT_IF ? COUNT : this;
  }
}
