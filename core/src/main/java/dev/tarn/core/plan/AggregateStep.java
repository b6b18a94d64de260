package dev.tarn.core.plan;

/**
 * Where an aggregation stands in two-phase execution.
 *
 * <pre>
 *   SINGLE : input rows          -> keys, final values
 *   PARTIAL: input rows          -> keys, intermediate values (see AggregateCall)
 *   FINAL  : keys, intermediates -> keys, final values
 * </pre>
 */
public enum AggregateStep {
  SINGLE,
  PARTIAL,
  FINAL
}
