package dev.tarn.planner.stages;

import dev.tarn.core.serde.KryoRegistrar;
import dev.tarn.planner.physical.PlanNode;
import dev.tarn.planner.sql.Statement;
import java.util.function.Consumer;

/** Plan fragments and statements, as they travel to task actors. */
public final class PlannerKryoRegistrar implements KryoRegistrar {
  @Override
  public void registerClasses(Consumer<Class<?>> register) {
    for (Class<?> node : PlanNode.class.getPermittedSubclasses()) {
      register.accept(node);
    }
    register.accept(PlanNode.ScanFile.class);
    register.accept(StagePlan.class);
    register.accept(StagePlan.Distribution.class);
    register.accept(StagePlan.OutputPartitioning.class);
    register.accept(StagePlan.OutputPartitioning.Kind.class);
    register.accept(DistributedPlan.class);
    for (Class<?> statement : Statement.class.getPermittedSubclasses()) {
      register.accept(statement);
    }
    register.accept(Statement.TableName.class);
  }
}
