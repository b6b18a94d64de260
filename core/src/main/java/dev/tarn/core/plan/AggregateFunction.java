package dev.tarn.core.plan;

/** Aggregate functions. */
public enum AggregateFunction {
  COUNT_STAR,
  COUNT,
  SUM,
  AVG,
  MIN,
  MAX,
  // The following have no partial form yet: the planner runs them in one SINGLE step.
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
  /** HyperLogLog estimate of the distinct count (standard error about 2.3%, as Trino). */
  APPROX_DISTINCT,
  /** The group's values as an array, NULLs included. */
  ARRAY_AGG;

  /** Whether the function can run as PARTIAL then FINAL. */
  public boolean hasPartialForm() {
    return ordinal() <= MAX.ordinal();
  }
}
