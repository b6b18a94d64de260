package dev.tarn.actors.task;

import dev.tarn.core.error.ErrorInfo;
import dev.tarn.core.serde.TarnMessage;
import dev.tarn.core.stats.OperatorStats;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.stream.SourceRef;

/** What a task tells the stage that started it. */
public sealed interface TaskEvent extends TarnMessage {
  int stageId();

  int taskIndex();

  /**
   * The task's graph is running; {@code outputs} holds one stream reference per consumer partition
   * (the consumer task with that index reads it).
   */
  record Started(
      int stageId, int taskIndex, ActorRef<TaskActor.Command> task, List<SourceRef<byte[]>> outputs)
      implements TaskEvent {
    public Started {
      outputs = List.copyOf(outputs);
    }
  }

  /** The task's graph completed; the operators' statistics, in plan order. */
  record Finished(int stageId, int taskIndex, List<OperatorStats.Snapshot> stats)
      implements TaskEvent {
    public Finished {
      stats = List.copyOf(stats);
    }
  }

  /** The task failed; the stage fails the query. */
  record Failed(int stageId, int taskIndex, ErrorInfo error) implements TaskEvent {}
}
