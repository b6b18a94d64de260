package dev.tarn.actors.task;

import dev.tarn.core.serde.TarnMessage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * One per worker node: registers with the receptionist so that stages find the node, and spawns
 * a {@link TaskActor} child for every task placed on it.
 */
public final class TaskManager extends AbstractBehavior<TaskManager.Command> {
  /** Key under which every worker's task manager is registered. */
  public static final ServiceKey<Command> SERVICE_KEY =
      ServiceKey.create(Command.class, "tarn-task-manager");

  /** Messages a task manager handles. */
  public sealed interface Command extends TarnMessage {}

  /** Starts a task; the task reports to {@code stage}. */
  public record StartTask(TaskSpec spec, ActorRef<TaskEvent> stage) implements Command {}

  private final TaskResources resources;

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
    return newReceiveBuilder().onMessage(StartTask.class, this::onStartTask).build();
  }

  private Behavior<Command> onStartTask(StartTask start) {
    // A task that throws while running must not take the manager down: it stops, and its stage
    // learns of the failure through TaskEvent.Failed or by watching it.
    getContext()
        .spawnAnonymous(
            Behaviors.supervise(TaskActor.create(start.spec(), start.stage(), resources))
                .onFailure(SupervisorStrategy.stop()));
    return this;
  }
}
