package dev.tarn.operators.filter;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.batch.BatchGather;
import dev.tarn.core.expr.Expr;
import dev.tarn.core.meta.Column;
import dev.tarn.core.stats.OperatorStats;
import dev.tarn.operators.expr.ExpressionEvaluator;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;

/**
 * Keeps the rows for which a predicate is TRUE. A batch whose rows all pass goes through untouched
 * (no copy); a batch with no passing row is dropped; otherwise the passing rows are copied into a
 * new batch and the input is closed.
 */
public final class FilterStage extends GraphStage<FlowShape<Batch, Batch>> {
  private final Inlet<Batch> in = Inlet.create("Filter.in");
  private final Outlet<Batch> out = Outlet.create("Filter.out");
  private final FlowShape<Batch, Batch> shape = FlowShape.of(in, out);
  private final ExpressionEvaluator predicate;
  private final BufferAllocator allocator;
  private final OperatorStats stats;

  /**
   * @param predicate a boolean expression over {@code inputColumns}
   * @throws dev.tarn.core.error.TarnException NOT_SUPPORTED if the predicate cannot be compiled
   */
  public FilterStage(
      Expr predicate, List<Column> inputColumns, BufferAllocator allocator, OperatorStats stats) {
    this.predicate = ExpressionEvaluator.compile(predicate, inputColumns);
    this.allocator = Objects.requireNonNull(allocator, "allocator");
    this.stats = Objects.requireNonNull(stats, "stats");
  }

  /** The stage as a flow. */
  public static Flow<Batch, Batch, NotUsed> flow(
      Expr predicate, List<Column> inputColumns, BufferAllocator allocator, OperatorStats stats) {
    return Flow.fromGraph(new FilterStage(predicate, inputColumns, allocator, stats));
  }

  @Override
  public FlowShape<Batch, Batch> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new GraphStageLogic(shape) {
      {
        setHandler(
            in,
            new AbstractInHandler() {
              @Override
              public void onPush() {
                long start = System.nanoTime();
                long cpuStart = OperatorStats.threadCpuNanos();
                Batch batch = grab(in);
                Batch result = null;
                try {
                  stats.addInput(batch.rowCount());
                  int[] rows = predicate.select(batch, allocator);
                  if (rows.length == batch.rowCount()) {
                    result = batch;
                    batch = null;
                  } else if (rows.length > 0) {
                    result = BatchGather.gather(batch, rows, rows.length, allocator);
                  }
                } finally {
                  if (batch != null) {
                    batch.close();
                  }
                  stats.addTime(
                      System.nanoTime() - start, OperatorStats.threadCpuNanos() - cpuStart);
                }
                if (result == null || result.rowCount() == 0) {
                  if (result != null) {
                    result.close();
                  }
                  pull(in);
                } else {
                  stats.addOutput(result.rowCount(), result.sizeInBytes());
                  push(out, result);
                }
              }
            });
        setHandler(
            out,
            new AbstractOutHandler() {
              @Override
              public void onPull() {
                pull(in);
              }
            });
      }
    };
  }
}
