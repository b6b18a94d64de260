package dev.tarn.operators.filter;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.batch.BatchGather;
import dev.tarn.core.expr.Expr;
import dev.tarn.core.meta.Column;
import dev.tarn.core.stats.OperatorStats;
import dev.tarn.operators.expr.ExpressionEvaluator;
import dev.tarn.operators.project.BatchMapStage;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;

/**
 * Keeps the rows for which a predicate is TRUE. A batch whose rows all pass goes through untouched
 * (no copy); a batch with no passing row is dropped; otherwise the passing rows are copied into a
 * new batch and the input is closed.
 */
public final class FilterStage extends BatchMapStage {
  private final ExpressionEvaluator predicate;
  private final BufferAllocator allocator;

  /**
   * @param predicate a boolean expression over {@code inputColumns}
   * @throws dev.tarn.core.error.TarnException NOT_SUPPORTED if the predicate cannot be compiled
   */
  public FilterStage(
      Expr predicate, List<Column> inputColumns, BufferAllocator allocator, OperatorStats stats) {
    super("Filter", stats);
    this.predicate = ExpressionEvaluator.compile(predicate, inputColumns);
    this.allocator = Objects.requireNonNull(allocator, "allocator");
  }

  /** The stage as a flow. */
  public static Flow<Batch, Batch, NotUsed> flow(
      Expr predicate, List<Column> inputColumns, BufferAllocator allocator, OperatorStats stats) {
    return Flow.fromGraph(new FilterStage(predicate, inputColumns, allocator, stats));
  }

  /** The input itself when every row passes, null when none does, else the passing rows. */
  @Override
  protected Batch map(Batch input) {
    int[] rows = predicate.select(input, allocator);
    if (rows.length == input.rowCount()) {
      return input;
    }
    return rows.length == 0 ? null : BatchGather.gather(input, rows, rows.length, allocator);
  }
}
