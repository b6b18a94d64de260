package dev.tarn.planner.physical;

import java.util.IdentityHashMap;

/**
 * The planner's size estimates for the nodes of one translated plan, kept beside the plan (by node
 * identity) rather than in the node records: only planning decisions read them, such as the stage
 * splitter's choice between broadcast and partitioned joins. Nodes built later (the splitter's
 * copies) have none.
 */
public final class PlanEstimates {
  /**
   * One node's estimate.
   *
   * @param rows rows it produces, >= 0
   * @param bytes bytes of those rows in memory, >= 0
   */
  public record Estimate(double rows, double bytes) {
    public Estimate {
      if (!(rows >= 0) || !(bytes >= 0)) {
        throw new IllegalArgumentException("estimates must be >= 0, were " + rows + ", " + bytes);
      }
    }
  }

  /** No estimates: decisions fall back to file sizes. Stays empty. */
  public static final PlanEstimates NONE = new PlanEstimates();

  private final IdentityHashMap<PlanNode, Estimate> estimates = new IdentityHashMap<>();

  void put(PlanNode node, Estimate estimate) {
    estimates.put(node, estimate);
  }

  /**
   * Gives {@code copy} the estimate of {@code original}, if it has one: for a node rebuilt around
   * new sources that still produces the same rows.
   */
  public void carry(PlanNode original, PlanNode copy) {
    Estimate estimate = estimates.get(original);
    if (estimate != null && this != NONE) {
      estimates.put(copy, estimate);
    }
  }

  /** The estimate of {@code node}, null when the planner made none. */
  public Estimate of(PlanNode node) {
    return estimates.get(node);
  }
}
