package dev.tarn.actors.query;

import dev.tarn.actors.stage.StageActor;
import dev.tarn.actors.task.TaskActor;
import dev.tarn.actors.task.TaskEvent;
import dev.tarn.actors.task.TaskManager;
import dev.tarn.actors.task.TaskSpec;
import dev.tarn.core.serde.KryoRegistrar;
import java.util.function.Consumer;

/** The messages of the query runtime. */
public final class ActorsKryoRegistrar implements KryoRegistrar {
  @Override
  public void registerClasses(Consumer<Class<?>> register) {
    register.accept(QueryManager.Submit.class);
    register.accept(QueryManager.Fetch.class);
    register.accept(QueryManager.Cancel.class);
    register.accept(QueryCoordinator.Fetch.class);
    register.accept(QueryCoordinator.Cancel.class);
    register.accept(QueryResults.class);
    register.accept(QueryResults.QueryStats.class);
    register.accept(TaskSpec.class);
    register.accept(TaskEvent.Started.class);
    register.accept(TaskEvent.Finished.class);
    register.accept(TaskEvent.Failed.class);
    register.accept(TaskActor.Cancel.class);
    register.accept(TaskActor.Inputs.class);
    register.accept(TaskManager.StartTask.class);
    register.accept(StageActor.Cancel.class);
    register.accept(StageActor.Inputs.class);
    register.accept(StageActor.Started.class);
    register.accept(StageActor.Finished.class);
    register.accept(StageActor.Failed.class);
  }
}
