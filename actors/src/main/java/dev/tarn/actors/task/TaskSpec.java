package dev.tarn.actors.task;

import dev.tarn.core.serde.TarnMessage;
import dev.tarn.planner.physical.PlanNode;
import dev.tarn.planner.stages.StagePlan;
import java.util.Objects;

/**
 * Everything one task needs to start its share of a stage. The stream references it reads from its
 * child stages come later, in {@link TaskActor.Inputs}: every stage of a query starts at once,
 * before its children's outputs exist.
 *
 * @param queryId the query
 * @param stageId the stage
 * @param taskIndex index of this task in its stage (its hash partition for HASH stages)
 * @param fragment the stage's fragment, with this task's files for a scan stage
 * @param output how the task routes its output rows
 * @param outputPartitions how many consumer tasks the output is routed to (1 for RESULT/GATHER)
 */
public record TaskSpec(
    String queryId,
    int stageId,
    int taskIndex,
    PlanNode fragment,
    StagePlan.OutputPartitioning output,
    int outputPartitions)
    implements TarnMessage {
  public TaskSpec {
    Objects.requireNonNull(queryId, "queryId");
    Objects.requireNonNull(fragment, "fragment");
    Objects.requireNonNull(output, "output");
    if (outputPartitions < 1) {
      throw new IllegalArgumentException("outputPartitions must be >= 1, was " + outputPartitions);
    }
  }

  public String name() {
    return queryId + "." + stageId + "." + taskIndex;
  }
}
