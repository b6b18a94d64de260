package dev.tarn.actors.task;

import dev.tarn.actors.exchange.ExchangeOutput;
import dev.tarn.core.error.ErrorInfo;
import dev.tarn.core.memory.SpillSpace;
import dev.tarn.core.serde.TarnMessage;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.SharedKillSwitch;
import org.apache.pekko.stream.SourceRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one task: materializes its fragment as a Pekko Streams graph of operators whose output
 * leaves through stream references, reports {@link TaskEvent.Started} with them, then {@link
 * TaskEvent.Finished} or {@link TaskEvent.Failed} when the graph ends, and stops. A fragment that
 * reads child stages starts before their outputs exist: its exchanges connect when {@link Inputs}
 * arrives.
 *
 * <p>The task owns a child allocator that every batch of its graph comes from; it is closed when
 * the actor stops, after the graph has ended, so a leaked buffer shows up as an error here.
 */
public final class TaskActor extends AbstractBehavior<TaskActor.Command> {
  private static final Logger LOG = LoggerFactory.getLogger(TaskActor.class);

  /** Messages a task handles. */
  public sealed interface Command extends TarnMessage {}

  /** Aborts the task's graph (the query was cancelled or failed elsewhere). */
  public record Cancel(String reason) implements Command {}

  /**
   * The stream references the task reads: for each child stage id, one per task of that stage. Sent
   * once, when every child stage runs.
   */
  public record Inputs(Map<Integer, List<SourceRef<byte[]>>> byStage) implements Command {
    public Inputs {
      Map<Integer, List<SourceRef<byte[]>>> copy = new HashMap<>();
      Objects.requireNonNull(byStage, "byStage")
          .forEach((stage, refs) -> copy.put(stage, List.copyOf(refs)));
      byStage = Map.copyOf(copy);
    }
  }

  private record GraphEnded(Throwable failure)
      implements Command, NoSerializationVerificationNeeded {}

  /** Looks again whether the graph's operators have given back their memory. */
  private record CheckReleased(int attempt) implements Command, NoSerializationVerificationNeeded {}

  /** How many times, doubling from 1 ms, an ended task waits for its operators' memory (~4 s). */
  private static final int RELEASE_CHECKS = 12;

  private final TaskSpec spec;
  private final ActorRef<TaskEvent> stage;
  private final BufferAllocator allocator;
  private final SharedKillSwitch killSwitch;
  private final FragmentCompiler.Compiled compiled;
  private final long memoryLimit;
  private final SpillSpace spill;
  private final CompletableFuture<Map<Integer, List<SourceRef<byte[]>>>> inputs =
      new CompletableFuture<>();

  /**
   * @param queryMemory the query's memory account on this node; the task allocates from a child
   */
  public static Behavior<Command> create(
      TaskSpec spec,
      ActorRef<TaskEvent> stage,
      TaskResources resources,
      BufferAllocator queryMemory) {
    return Behaviors.setup(context -> new TaskActor(context, spec, stage, resources, queryMemory));
  }

  private TaskActor(
      ActorContext<Command> context,
      TaskSpec spec,
      ActorRef<TaskEvent> stage,
      TaskResources resources,
      BufferAllocator queryMemory) {
    super(context);
    this.spec = spec;
    this.stage = stage;
    this.memoryLimit = resources.queryMemoryLimit();
    this.allocator = queryMemory.newChildAllocator("task-" + spec.name(), 0, Long.MAX_VALUE);
    this.spill =
        new SpillSpace(
            resources
                .spillDirectory()
                .resolve(spec.queryId())
                .resolve(spec.stageId() + "-" + spec.taskIndex()),
            resources.spillThreshold());
    this.killSwitch = KillSwitches.shared("task-" + spec.name());
    FragmentCompiler.Compiled graph = null;
    List<SourceRef<byte[]>> outputs = List.of();
    try {
      graph = new FragmentCompiler(resources.storage(), allocator, spill, inputs).compile(spec);
      outputs =
          ExchangeOutput.run(
              graph.source().via(killSwitch.flow()),
              spec.output(),
              spec.outputPartitions(),
              allocator,
              context.getSystem(),
              done -> context.getSelf().tell(new GraphEnded(done)));
    } catch (RuntimeException e) {
      graph = null;
      context.getSelf().tell(new GraphEnded(e));
    }
    this.compiled = graph;
    if (graph != null) {
      // A fragment that did not compile (a bad argument, say) has no outputs to announce: only
      // its Failed event, on GraphEnded, reaches the stage.
      stage.tell(
          new TaskEvent.Started(spec.stageId(), spec.taskIndex(), context.getSelf(), outputs));
      LOG.debug("task {} started", spec.name());
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Cancel.class, this::onCancel)
        .onMessage(Inputs.class, this::onInputs)
        .onMessage(GraphEnded.class, this::onGraphEnded)
        .onMessage(CheckReleased.class, checked -> stopOnceReleased(checked.attempt()))
        .onSignal(PostStop.class, signal -> onPostStop())
        .build();
  }

  private Behavior<Command> onCancel(Cancel cancel) {
    killSwitch.abort(
        new dev.tarn.core.error.TarnException(
            dev.tarn.core.error.ErrorCode.QUERY_CANCELLED, cancel.reason()));
    return this;
  }

  private Behavior<Command> onInputs(Inputs received) {
    // Completing connects the graph's exchanges; they subscribe from the stream's own actor.
    inputs.complete(received.byStage());
    return this;
  }

  private Behavior<Command> onGraphEnded(GraphEnded ended) {
    if (ended.failure() == null) {
      stage.tell(
          new TaskEvent.Finished(
              spec.stageId(), spec.taskIndex(), compiled == null ? List.of() : compiled.stats()));
    } else {
      stage.tell(new TaskEvent.Failed(spec.stageId(), spec.taskIndex(), errorOf(ended.failure())));
    }
    return stopOnceReleased(0);
  }

  /**
   * Stops once the graph's operators have closed their buffers, so that the allocator closes empty.
   * The end of the graph is seen where its output leaves; after a failure or a cancel the other
   * operators stop a moment later (the cancel travels upstream after the failure went down), on the
   * stream's thread. A task whose memory is not back after a few seconds stops anyway and reports
   * the leak.
   */
  private Behavior<Command> stopOnceReleased(int attempt) {
    if (allocator.getAllocatedMemory() == 0 || attempt >= RELEASE_CHECKS) {
      return Behaviors.stopped();
    }
    getContext()
        .scheduleOnce(
            Duration.ofMillis(1L << attempt),
            getContext().getSelf(),
            new CheckReleased(attempt + 1));
    return this;
  }

  /** A refused Arrow allocation is the query's memory limit, said so; other errors as they are. */
  private ErrorInfo errorOf(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof org.apache.pekko.stream.RemoteStreamRefActorTerminatedException) {
        return new ErrorInfo(
            dev.tarn.core.error.ErrorCode.UPSTREAM_TASK_FAILED,
            String.valueOf(t.getMessage()),
            0,
            0);
      }
      if (t instanceof org.apache.arrow.memory.OutOfMemoryException) {
        return new ErrorInfo(
            dev.tarn.core.error.ErrorCode.EXCEEDED_MEMORY_LIMIT,
            "Query exceeded per-node memory limit of " + bytes(memoryLimit),
            0,
            0);
      }
    }
    return ErrorInfo.of(failure);
  }

  private static String bytes(long n) {
    String[] units = {"B", "kB", "MB", "GB", "TB"};
    double value = n;
    int unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return value == Math.rint(value)
        ? String.format(java.util.Locale.ROOT, "%d%s", (long) value, units[unit])
        : String.format(java.util.Locale.ROOT, "%.1f%s", value, units[unit]);
  }

  private Behavior<Command> onPostStop() {
    killSwitch.shutdown();
    try {
      spill.delete();
    } catch (java.io.UncheckedIOException e) {
      LOG.warn("task {} could not delete its spill files: {}", spec.name(), e.getMessage());
    }
    try {
      allocator.close();
    } catch (IllegalStateException leak) {
      LOG.error("task {} leaked Arrow memory: {}", spec.name(), leak.getMessage());
    }
    return this;
  }
}
