package dev.tarn.core;

import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.ErrorInfo;
import dev.tarn.core.expr.Expr;
import dev.tarn.core.meta.Column;
import dev.tarn.core.meta.FileFormat;
import dev.tarn.core.meta.Partition;
import dev.tarn.core.meta.TableMetadata;
import dev.tarn.core.meta.TableSnapshot;
import dev.tarn.core.plan.AggregateCall;
import dev.tarn.core.plan.AggregateFunction;
import dev.tarn.core.plan.AggregateStep;
import dev.tarn.core.plan.JoinType;
import dev.tarn.core.plan.SortKey;
import dev.tarn.core.serde.KryoRegistrar;
import dev.tarn.core.stats.OperatorStats;
import dev.tarn.core.storage.FileEntry;
import dev.tarn.core.type.SqlType;
import java.util.function.Consumer;

/** The shared records of {@code core} that messages carry. */
public final class CoreKryoRegistrar implements KryoRegistrar {
  @Override
  public void registerClasses(Consumer<Class<?>> register) {
    register.accept(SqlType.class);
    register.accept(SqlType.Kind.class);
    register.accept(Column.class);
    register.accept(FileFormat.class);
    register.accept(Partition.class);
    register.accept(TableMetadata.class);
    register.accept(TableSnapshot.class);
    register.accept(ErrorCode.class);
    register.accept(ErrorInfo.class);
    register.accept(Expr.ColumnRef.class);
    register.accept(Expr.Literal.class);
    register.accept(Expr.Call.class);
    register.accept(Expr.Operator.class);
    register.accept(AggregateCall.class);
    register.accept(AggregateFunction.class);
    register.accept(AggregateStep.class);
    register.accept(JoinType.class);
    register.accept(SortKey.class);
    register.accept(dev.tarn.core.plan.WindowFunction.class);
    register.accept(dev.tarn.core.plan.WindowFrame.class);
    register.accept(dev.tarn.core.plan.WindowFrame.Type.class);
    register.accept(dev.tarn.core.plan.WindowFrame.Bound.class);
    register.accept(dev.tarn.core.plan.WindowFrame.Bound.Kind.class);
    register.accept(dev.tarn.core.plan.WindowCall.class);
    register.accept(FileEntry.class);
    register.accept(OperatorStats.Snapshot.class);
    register.accept(dev.tarn.core.meta.TableStatistics.class);
    register.accept(dev.tarn.core.meta.ColumnStatistics.class);
  }
}
