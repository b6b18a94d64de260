package dev.tarn.planner.physical;

import dev.tarn.planner.stages.DistributedPlan;
import dev.tarn.planner.stages.StagePlan;
import java.util.ArrayList;
import java.util.List;

/** The nodes of a plan, for tests that look for a shape in it. */
final class PlanNodes {
  private PlanNodes() {}

  /** Every node of every stage, in pre-order. */
  static List<PlanNode> nodes(DistributedPlan plan) {
    List<PlanNode> out = new ArrayList<>();
    for (StagePlan stage : plan.stages()) {
      collect(stage.fragment(), out);
    }
    return out;
  }

  /** The nodes of every stage that are a {@code type}, in pre-order. */
  static <T extends PlanNode> List<T> nodes(DistributedPlan plan, Class<T> type) {
    List<T> out = new ArrayList<>();
    for (PlanNode node : nodes(plan)) {
      if (type.isInstance(node)) {
        out.add(type.cast(node));
      }
    }
    return out;
  }

  /** Adds {@code node} and the nodes below it in its fragment to {@code out}, in pre-order. */
  static void collect(PlanNode node, List<PlanNode> out) {
    out.add(node);
    for (PlanNode source : node.sources()) {
      collect(source, out);
    }
  }
}
