package dev.tarn.operators.project;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.batch.BatchGather;
import dev.tarn.core.expr.Expr;
import dev.tarn.core.meta.Column;
import dev.tarn.core.stats.OperatorStats;
import dev.tarn.operators.expr.ExpressionEvaluator;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
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
 * Computes one output column per expression. Column references become zero-copy slices of the input
 * vectors; the input batch is closed once every output vector exists.
 */
public final class ProjectStage extends GraphStage<FlowShape<Batch, Batch>> {
  private final Inlet<Batch> in = Inlet.create("Project.in");
  private final Outlet<Batch> out = Outlet.create("Project.out");
  private final FlowShape<Batch, Batch> shape = FlowShape.of(in, out);
  private final List<ExpressionEvaluator> expressions;
  private final List<String> names;
  private final BufferAllocator allocator;
  private final OperatorStats stats;

  public ProjectStage(
      List<Expr> expressions,
      List<String> names,
      List<Column> inputColumns,
      BufferAllocator allocator,
      OperatorStats stats) {
    if (expressions.size() != names.size()) {
      throw new IllegalArgumentException("project needs one name per expression");
    }
    List<ExpressionEvaluator> compiled = new ArrayList<>();
    for (Expr e : expressions) {
      compiled.add(ExpressionEvaluator.compile(e, inputColumns));
    }
    this.expressions = List.copyOf(compiled);
    this.names = List.copyOf(names);
    this.allocator = Objects.requireNonNull(allocator, "allocator");
    this.stats = Objects.requireNonNull(stats, "stats");
  }

  public static Flow<Batch, Batch, NotUsed> flow(
      List<Expr> expressions,
      List<String> names,
      List<Column> inputColumns,
      BufferAllocator allocator,
      OperatorStats stats) {
    return Flow.fromGraph(new ProjectStage(expressions, names, inputColumns, allocator, stats));
  }

  /** The output columns of one batch: evaluates every expression over {@code input}. */
  Batch project(Batch input) {
    List<FieldVector> vectors = new ArrayList<>(expressions.size());
    try {
      for (int i = 0; i < expressions.size(); i++) {
        vectors.add(expressions.get(i).evaluate(input, allocator, names.get(i)));
      }
    } catch (RuntimeException e) {
      BatchGather.closeAll(vectors);
      throw e;
    }
    return Batch.of(vectors, input.rowCount());
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
                Batch result;
                try (Batch batch = grab(in)) {
                  stats.addInput(batch.rowCount());
                  result = project(batch);
                } finally {
                  stats.addTime(
                      System.nanoTime() - start, OperatorStats.threadCpuNanos() - cpuStart);
                }
                stats.addOutput(result.rowCount(), result.sizeInBytes());
                push(out, result);
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
