package dev.tarn.core.plan;

/** Window functions: ranking, navigation, and aggregates over a frame. */
public enum WindowFunction {
  ROW_NUMBER,
  RANK,
  DENSE_RANK,
  NTILE,
  LAG,
  LEAD,
  FIRST_VALUE,
  LAST_VALUE,
  COUNT_STAR,
  COUNT,
  SUM,
  AVG,
  MIN,
  MAX
}
