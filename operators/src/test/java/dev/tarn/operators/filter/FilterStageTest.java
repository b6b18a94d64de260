package dev.tarn.operators.filter;

import static dev.tarn.operators.Exprs.bool;
import static dev.tarn.operators.Exprs.col;
import static dev.tarn.operators.Exprs.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.expr.Expr;
import dev.tarn.core.expr.Expr.Operator;
import dev.tarn.core.meta.Column;
import dev.tarn.core.stats.OperatorStats;
import dev.tarn.core.type.SqlType;
import dev.tarn.operators.Exprs;
import dev.tarn.operators.RandomRows;
import dev.tarn.operators.StreamTesting;
import dev.tarn.testing.DuckDb;
import dev.tarn.testing.TestBatches;
import dev.tarn.testing.TestMemory;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.Test;

class FilterStageTest {
  static final List<Column> COLUMNS =
      TestBatches.columns("a bigint", "e varchar", "d decimal(10,2)", "f date");

  @Test
  void keepsRowsWherePredicateIsTrueLikeDuckDb() {
    List<List<Object>> rows = RandomRows.generate(COLUMNS, 500, 0.2, 7);
    Expr predicate =
        bool(
            Operator.OR,
            bool(Operator.GREATER_THAN, col(0, SqlType.BIGINT), lit(100L, SqlType.BIGINT)),
            bool(Operator.LIKE, col(1, SqlType.VARCHAR), lit("a%", SqlType.VARCHAR)));
    OperatorStats stats = new OperatorStats("Filter");
    List<List<Object>> actual;
    try (BufferAllocator allocator = TestMemory.allocator()) {
      List<Batch> input = TestBatches.batches(allocator, COLUMNS, rows, 64);
      actual =
          TestBatches.rowsAndClose(
              StreamTesting.run(
                  Source.from(input), FilterStage.flow(predicate, COLUMNS, allocator, stats)));
    }
    try (DuckDb duck = new DuckDb().load("t", COLUMNS, rows)) {
      assertThat(StreamTesting.canonical(actual))
          .isEqualTo(
              StreamTesting.canonical(duck.query("SELECT * FROM t WHERE a > 100 OR e LIKE 'a%'")));
    }
    assertThat(stats.rowsIn()).isEqualTo(500);
    assertThat(stats.rowsOut()).isEqualTo(actual.size());
    assertThat(stats.snapshot().explainLine())
        .startsWith("Filter: rowsIn=500, rowsOut=" + actual.size());
  }

  @Test
  void passesFullBatchesAndDropsEmptyOnes() {
    try (BufferAllocator allocator = TestMemory.allocator()) {
      List<Column> columns = TestBatches.columns("a bigint");
      Batch all = TestBatches.batch(allocator, columns, TestBatches.row(5L), TestBatches.row(6L));
      Batch none =
          TestBatches.batch(
              allocator, columns, TestBatches.row(-1L), TestBatches.row((Object) null));
      Expr positive = bool(Operator.GREATER_THAN, col(0, SqlType.BIGINT), lit(0L, SqlType.BIGINT));
      List<Batch> out =
          StreamTesting.run(
              Source.from(List.of(all, none)),
              FilterStage.flow(positive, columns, allocator, new OperatorStats("Filter")));
      assertThat(out).hasSize(1);
      assertThat(out.get(0)).isSameAs(all);
      assertThat(TestBatches.rowsAndClose(out)).containsExactly(List.of(5L), List.of(6L));
    }
  }

  @Test
  void errorClosesTheBatchAndLeaksNothing() {
    try (BufferAllocator allocator = TestMemory.allocator()) {
      List<Column> columns = TestBatches.columns("a bigint");
      List<Batch> input =
          TestBatches.batches(
              allocator, columns, List.of(TestBatches.row(1L), TestBatches.row(2L)), 1);
      Expr divides =
          bool(
              Operator.GREATER_THAN,
              Exprs.call(
                  Operator.DIVIDE, SqlType.BIGINT, col(0, SqlType.BIGINT), lit(0L, SqlType.BIGINT)),
              lit(0L, SqlType.BIGINT));
      assertThatThrownBy(
              () ->
                  StreamTesting.run(
                      Source.from(input),
                      FilterStage.flow(divides, columns, allocator, new OperatorStats("Filter"))))
          .isInstanceOfSatisfying(
              TarnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DIVISION_BY_ZERO));
      // The second batch was never pulled; its owner (the test) closes it.
      input.get(1).close();
    }
  }
}
