package dev.tarn.actors.task;

import dev.tarn.actors.exchange.ExchangeOutput;
import dev.tarn.core.error.ErrorInfo;
import dev.tarn.core.memory.SpillSpace;
import dev.tarn.core.serde.TarnMessage;
import java.util.List;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one task: materializes its fragment as a Pekko Streams graph of operators whose output
 * leaves through stream references, reports {@link TaskEvent.Started} with them, then {@link
 * TaskEvent.Finished} or {@link TaskEvent.Failed} when the graph ends, and stops.
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

  private record GraphEnded(Throwable failure)
      implements Command, NoSerializationVerificationNeeded {}

  /** Looks again whether the graph's operators have released their buffers. */
  private record ReleaseCheck(int attempt) implements Command, NoSerializationVerificationNeeded {}

  /**
   * How often and how long a task whose graph has ended waits for its operators to release their
   * buffers before it closes its allocator (and reports what is left as a leak).
   */
  private static final java.time.Duration RELEASE_POLL = java.time.Duration.ofMillis(5);

  private static final int RELEASE_ATTEMPTS = 400;

  private final TaskSpec spec;
  private final ActorRef<TaskEvent> stage;
  private final BufferAllocator allocator;
  private final SharedKillSwitch killSwitch;
  private final FragmentCompiler.Compiled compiled;
  private final long memoryLimit;
  private final SpillSpace spill;

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
    List<org.apache.pekko.stream.SourceRef<byte[]>> outputs = List.of();
    try {
      graph = new FragmentCompiler(resources.storage(), allocator, spill).compile(spec);
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
        .onMessage(GraphEnded.class, this::onGraphEnded)
        .onMessage(ReleaseCheck.class, this::onReleaseCheck)
        .onSignal(PostStop.class, signal -> onPostStop())
        .build();
  }

  private Behavior<Command> onCancel(Cancel cancel) {
    killSwitch.abort(
        new dev.tarn.core.error.TarnException(
            dev.tarn.core.error.ErrorCode.QUERY_CANCELLED, cancel.reason()));
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
    return onReleaseCheck(new ReleaseCheck(0));
  }

  /**
   * Stops once every buffer of the graph is released. The end of the graph is seen where its output
   * ends, and an operator upstream may still be running its {@code postStop} (closing what it
   * holds) on another thread: closing the allocator under it would report a leak that is not one,
   * and fail the operator's own close.
   */
  private Behavior<Command> onReleaseCheck(ReleaseCheck check) {
    if (allocator.getAllocatedMemory() == 0 || check.attempt() >= RELEASE_ATTEMPTS) {
      return Behaviors.stopped();
    }
    getContext()
        .scheduleOnce(RELEASE_POLL, getContext().getSelf(), new ReleaseCheck(check.attempt() + 1));
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
