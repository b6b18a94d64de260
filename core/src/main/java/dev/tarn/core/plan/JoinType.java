package dev.tarn.core.plan;

/** Join types. */
public enum JoinType {
  INNER,
  LEFT
}
