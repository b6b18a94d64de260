package dev.tarn.actors.stage;

import dev.tarn.actors.task.TaskActor;
import dev.tarn.actors.task.TaskEvent;
import dev.tarn.actors.task.TaskManager;
import dev.tarn.actors.task.TaskSpec;
import dev.tarn.core.error.ErrorInfo;
import dev.tarn.core.serde.TarnMessage;
import dev.tarn.core.stats.OperatorStats;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.stream.SourceRef;

/**
 * Runs one stage of a query: places its tasks on worker task managers (round robin), tells the
 * coordinator once every task runs (with their output stream references), then once every task has
 * finished (with their statistics), or as soon as one fails. A stage that reads child stages gets
 * their references from the coordinator in {@link Inputs} and hands each task its share as soon as
 * both the task and the references are there.
 *
 * <pre>
 *   STARTING --all Started--> RUNNING --all Finished--> (stop)
 *       \________________any Failed / Cancel__________/--> (stop, tasks cancelled)
 * </pre>
 */
public final class StageActor extends AbstractBehavior<StageActor.Command> {

  /** Messages a stage handles. */
  public sealed interface Command extends TarnMessage {}

  /** Cancels the stage's tasks. */
  public record Cancel(String reason) implements Command {}

  /** What each task of the stage reads from the child stages, by task index. */
  public record Inputs(List<Map<Integer, List<SourceRef<byte[]>>>> byTask) implements Command {
    public Inputs {
      byTask = List.copyOf(byTask);
    }
  }

  private record FromTask(TaskEvent event) implements Command {}

  /** What a stage tells its coordinator. */
  public sealed interface Event extends TarnMessage {
    int stageId();
  }

  /** Every task runs; {@code outputs.get(task).get(partition)} is a producer's reference. */
  public record Started(int stageId, List<List<SourceRef<byte[]>>> outputs) implements Event {
    public Started {
      outputs = outputs.stream().map(List::copyOf).toList();
    }
  }

  /** Every task finished; per operator of the fragment (pre-order), the sum over its tasks. */
  public record Finished(int stageId, List<OperatorStats.Snapshot> stats) implements Event {
    public Finished {
      stats = List.copyOf(stats);
    }
  }

  /** A task failed. */
  public record Failed(int stageId, ErrorInfo error) implements Event {}

  private enum Phase {
    STARTING,
    RUNNING
  }

  private final int stageId;
  private final int taskCount;
  private final ActorRef<Event> coordinator;
  private final Map<Integer, List<SourceRef<byte[]>>> outputs = new HashMap<>();
  private final Map<Integer, ActorRef<TaskActor.Command>> tasks = new HashMap<>();
  private final List<OperatorStats.Snapshot> stats = new ArrayList<>();
  private Inputs inputs;
  private int finished;
  private Phase phase = Phase.STARTING;

  public static Behavior<Command> create(
      List<TaskSpec> specs,
      List<ActorRef<TaskManager.Command>> workers,
      ActorRef<Event> coordinator) {
    return Behaviors.setup(context -> new StageActor(context, specs, workers, coordinator));
  }

  private StageActor(
      ActorContext<Command> context,
      List<TaskSpec> specs,
      List<ActorRef<TaskManager.Command>> workers,
      ActorRef<Event> coordinator) {
    super(context);
    if (specs.isEmpty() || workers.isEmpty()) {
      throw new IllegalArgumentException("a stage needs tasks and workers");
    }
    this.stageId = specs.get(0).stageId();
    this.taskCount = specs.size();
    this.coordinator = coordinator;
    ActorRef<TaskEvent> self = context.messageAdapter(TaskEvent.class, FromTask::new);
    for (int i = 0; i < specs.size(); i++) {
      workers.get(i % workers.size()).tell(new TaskManager.StartTask(specs.get(i), self));
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(FromTask.class, this::onTaskEvent)
        .onMessage(Inputs.class, this::onInputs)
        .onMessage(Cancel.class, this::onCancel)
        .build();
  }

  private Behavior<Command> onTaskEvent(FromTask message) {
    TaskEvent event = message.event();
    if (event instanceof TaskEvent.Started started) {
      tasks.put(started.taskIndex(), started.task());
      outputs.put(started.taskIndex(), started.outputs());
      if (inputs != null) {
        started.task().tell(new TaskActor.Inputs(inputs.byTask().get(started.taskIndex())));
      }
      if (phase == Phase.STARTING && outputs.size() == taskCount) {
        phase = Phase.RUNNING;
        List<List<SourceRef<byte[]>>> byTask = new ArrayList<>();
        for (int i = 0; i < taskCount; i++) {
          byTask.add(outputs.get(i));
        }
        coordinator.tell(new Started(stageId, byTask));
      }
      return this;
    } else if (event instanceof TaskEvent.Finished done) {
      // Every task runs the same fragment: sum their operators position by position.
      if (stats.isEmpty()) {
        stats.addAll(done.stats());
      } else {
        for (int i = 0; i < stats.size() && i < done.stats().size(); i++) {
          stats.set(i, stats.get(i).plus(done.stats().get(i)));
        }
      }
      finished++;
      if (finished == taskCount) {
        coordinator.tell(new Finished(stageId, stats));
        return Behaviors.stopped();
      }
      return this;
    } else if (event instanceof TaskEvent.Failed failed) {
      coordinator.tell(new Failed(stageId, failed.error()));
      cancelTasks("stage " + stageId + " failed");
      return Behaviors.stopped();
    }
    throw new IllegalStateException("unexpected task event " + event);
  }

  private Behavior<Command> onInputs(Inputs received) {
    inputs = received;
    for (Map.Entry<Integer, ActorRef<TaskActor.Command>> task : tasks.entrySet()) {
      task.getValue().tell(new TaskActor.Inputs(received.byTask().get(task.getKey())));
    }
    return this;
  }

  private Behavior<Command> onCancel(Cancel cancel) {
    cancelTasks(cancel.reason());
    return Behaviors.stopped();
  }

  private void cancelTasks(String reason) {
    for (ActorRef<TaskActor.Command> task : tasks.values()) {
      task.tell(new TaskActor.Cancel(reason));
    }
  }
}
