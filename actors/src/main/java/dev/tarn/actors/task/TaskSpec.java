package dev.tarn.actors.task;

import dev.tarn.core.serde.TarnMessage;
import dev.tarn.planner.physical.PlanNode;
import dev.tarn.planner.stages.StagePlan;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.pekko.stream.SourceRef;

/**
 * Everything one task needs to run its share of a stage.
 *
 * @param queryId the query
 * @param stageId the stage
 * @param taskIndex index of this task in its stage (its hash partition for HASH stages)
 * @param fragment the stage's fragment, with this task's files for a scan stage
 * @param output how the task routes its output rows
 * @param outputPartitions how many consumer tasks the output is routed to (1 for RESULT/GATHER)
 * @param inputs for each child stage id, the stream references this task reads: one per task of the
 *     child stage
 */
public record TaskSpec(
    String queryId,
    int stageId,
    int taskIndex,
    PlanNode fragment,
    StagePlan.OutputPartitioning output,
    int outputPartitions,
    Map<Integer, List<SourceRef<byte[]>>> inputs)
    implements TarnMessage {
  public TaskSpec {
    Objects.requireNonNull(queryId, "queryId");
    Objects.requireNonNull(fragment, "fragment");
    Objects.requireNonNull(output, "output");
    if (outputPartitions < 1) {
      throw new IllegalArgumentException("outputPartitions must be >= 1, was " + outputPartitions);
    }
    inputs = Map.copyOf(Objects.requireNonNull(inputs, "inputs"));
  }

  public String name() {
    return queryId + "." + stageId + "." + taskIndex;
  }
}
