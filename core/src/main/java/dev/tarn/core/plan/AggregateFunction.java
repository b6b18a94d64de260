package dev.tarn.core.plan;

/** Aggregate functions. */
public enum AggregateFunction {
  COUNT_STAR,
  COUNT,
  SUM,
  AVG,
  MIN,
  MAX
}
