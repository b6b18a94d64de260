package dev.tarn.actors.task;

import dev.tarn.core.serde.TarnMessage;
import java.util.HashMap;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One per worker node: registers with the receptionist so that stages find the node, and spawns a
 * {@link TaskActor} child for every task placed on it. It keeps one memory account per query (an
 * allocator limited to the per-node query memory limit) that the query's tasks here allocate from,
 * closed when the last of them stops.
 */
public final class TaskManager extends AbstractBehavior<TaskManager.Command> {
  private static final Logger LOG = LoggerFactory.getLogger(TaskManager.class);

  /** Key under which every worker's task manager is registered. */
  public static final ServiceKey<Command> SERVICE_KEY =
      ServiceKey.create(Command.class, "tarn-task-manager");

  /** Messages a task manager handles. */
  public sealed interface Command extends TarnMessage {}

  /** Starts a task; the task reports to {@code stage}. */
  public record StartTask(TaskSpec spec, ActorRef<TaskEvent> stage) implements Command {}

  private record TaskStopped(String queryId)
      implements Command, org.apache.pekko.actor.NoSerializationVerificationNeeded {}

  /** The memory account of one query on this node, shared by its tasks here. */
  private static final class QueryMemory {
    final BufferAllocator allocator;
    int tasks;

    QueryMemory(BufferAllocator allocator) {
      this.allocator = allocator;
    }
  }

  private final TaskResources resources;
  private final Map<String, QueryMemory> queries = new HashMap<>();

  public static Behavior<Command> create(TaskResources resources) {
    return Behaviors.setup(context -> new TaskManager(context, resources));
  }

  private TaskManager(ActorContext<Command> context, TaskResources resources) {
    super(context);
    this.resources = resources;
    context.getSystem().receptionist().tell(Receptionist.register(SERVICE_KEY, context.getSelf()));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(StartTask.class, this::onStartTask)
        .onMessage(TaskStopped.class, this::onTaskStopped)
        .build();
  }

  private Behavior<Command> onStartTask(StartTask start) {
    String queryId = start.spec().queryId();
    QueryMemory memory =
        queries.computeIfAbsent(
            queryId,
            id ->
                new QueryMemory(
                    resources
                        .allocator()
                        .newChildAllocator("query-" + id, 0, resources.queryMemoryLimit())));
    memory.tasks++;
    // A task that throws while running must not take the manager down: it stops, and its stage
    // learns of the failure through TaskEvent.Failed or by watching it.
    ActorRef<TaskActor.Command> task =
        getContext()
            .spawnAnonymous(
                Behaviors.supervise(
                        TaskActor.create(start.spec(), start.stage(), resources, memory.allocator))
                    .onFailure(SupervisorStrategy.stop()));
    getContext().watchWith(task, new TaskStopped(queryId));
    return this;
  }

  private Behavior<Command> onTaskStopped(TaskStopped stopped) {
    QueryMemory memory = queries.get(stopped.queryId());
    if (memory != null && --memory.tasks == 0) {
      queries.remove(stopped.queryId());
      try {
        memory.allocator.close();
      } catch (IllegalStateException leak) {
        LOG.error(
            "query {} leaked Arrow memory on this node: {}", stopped.queryId(), leak.getMessage());
      }
    }
    return this;
  }
}
