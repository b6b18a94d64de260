package dev.tarn.planner.stages;

import dev.tarn.core.meta.Column;
import dev.tarn.core.serde.TarnMessage;
import java.util.List;
import java.util.Objects;

/**
 * A query cut into stages at its exchanges. {@code stages.get(0)} is the root stage, whose single
 * task sends the result (with {@code columns}) to the coordinator.
 */
public record DistributedPlan(List<StagePlan> stages, List<Column> columns) implements TarnMessage {
  public DistributedPlan {
    stages = List.copyOf(Objects.requireNonNull(stages, "stages"));
    columns = List.copyOf(Objects.requireNonNull(columns, "columns"));
    if (stages.isEmpty() || stages.get(0).id() != 0) {
      throw new IllegalArgumentException("the first stage must be the root, id 0");
    }
  }

  public StagePlan stage(int id) {
    for (StagePlan s : stages) {
      if (s.id() == id) {
        return s;
      }
    }
    throw new IllegalArgumentException("no stage " + id);
  }
}
