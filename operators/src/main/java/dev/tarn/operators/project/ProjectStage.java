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
import org.apache.pekko.stream.javadsl.Flow;

/**
 * Computes one output column per expression. Column references become zero-copy slices of the input
 * vectors; the input batch is closed once every output vector exists.
 */
public final class ProjectStage extends BatchMapStage {
  private final List<ExpressionEvaluator> expressions;
  private final List<String> names;
  private final BufferAllocator allocator;

  public ProjectStage(
      List<Expr> expressions,
      List<String> names,
      List<Column> inputColumns,
      BufferAllocator allocator,
      OperatorStats stats) {
    super("Project", stats);
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
  @Override
  protected Batch map(Batch input) {
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
}
