package dev.tarn.core.plan;

/**
 * Join types. The probe side is the left input, the build side the right.
 *
 * <pre>
 *   INNER           probe ++ build columns, matching pairs
 *   LEFT            probe ++ build, unmatched probe rows with NULL build columns
 *   RIGHT           probe ++ build, unmatched build rows with NULL probe columns
 *   FULL            probe ++ build, both of the above
 *   SEMI            probe columns only, probe rows with at least one match (EXISTS, IN)
 *   ANTI            probe columns only, probe rows with no match (NOT EXISTS)
 *   NULL_AWARE_ANTI probe columns only, NOT IN semantics: no row at all if the build side has a
 *                   NULL key (and is not empty); a probe row with a NULL key is kept only when the
 *                   build side is empty
 * </pre>
 *
 * A join without keys (cross join, or a non-equi condition only) compares every pair.
 */
public enum JoinType {
  INNER,
  LEFT,
  RIGHT,
  FULL,
  SEMI,
  ANTI,
  NULL_AWARE_ANTI;

  /** Whether the output carries only the probe side's columns. */
  public boolean probeColumnsOnly() {
    return this == SEMI || this == ANTI || this == NULL_AWARE_ANTI;
  }
}
