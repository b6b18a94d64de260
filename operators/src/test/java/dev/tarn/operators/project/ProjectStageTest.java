package dev.tarn.operators.project;

import static dev.tarn.operators.Exprs.call;
import static dev.tarn.operators.Exprs.col;
import static dev.tarn.operators.Exprs.lit;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.expr.Expr;
import dev.tarn.core.expr.Expr.Operator;
import dev.tarn.core.meta.Column;
import dev.tarn.core.stats.OperatorStats;
import dev.tarn.core.type.SqlType;
import dev.tarn.operators.RandomRows;
import dev.tarn.operators.StreamTesting;
import dev.tarn.testing.DuckDb;
import dev.tarn.testing.TestBatches;
import dev.tarn.testing.TestMemory;
import java.math.BigDecimal;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.Test;

class ProjectStageTest {
  static final List<Column> COLUMNS =
      TestBatches.columns("a bigint", "e varchar", "d decimal(10,2)");

  @Test
  void computesColumnsLikeDuckDb() {
    List<List<Object>> rows = RandomRows.generate(COLUMNS, 300, 0.2, 11);
    List<Expr> expressions =
        List.of(
            col(1, SqlType.VARCHAR),
            call(
                Operator.MULTIPLY,
                SqlType.decimal(21, 2),
                col(2, SqlType.decimal(10, 2)),
                col(0, SqlType.BIGINT)),
            call(Operator.UPPER, SqlType.VARCHAR, col(1, SqlType.VARCHAR)),
            lit(new BigDecimal("1.50"), SqlType.decimal(3, 2)));
    List<String> names = List.of("e", "total", "up", "k");
    OperatorStats stats = new OperatorStats("Project");
    List<List<Object>> actual;
    try (BufferAllocator allocator = TestMemory.allocator()) {
      List<Batch> input = TestBatches.batches(allocator, COLUMNS, rows, 50);
      List<Batch> out =
          StreamTesting.run(
              Source.from(input), ProjectStage.flow(expressions, names, COLUMNS, allocator, stats));
      assertThat(out.get(0).columns())
          .extracting(Column::name)
          .containsExactly("e", "total", "up", "k");
      actual = TestBatches.rowsAndClose(out);
    }
    try (DuckDb duck = new DuckDb().load("t", COLUMNS, rows)) {
      assertThat(StreamTesting.canonical(actual))
          .isEqualTo(StreamTesting.canonical(duck.query("SELECT e, d * a, upper(e), 1.50 FROM t")));
    }
    assertThat(stats.batchesOut()).isEqualTo(6);
  }

  @Test
  void valuesSourceEmitsConstantRows() {
    List<Column> columns = TestBatches.columns("x bigint", "y varchar");
    List<List<Object>> rows = List.of(TestBatches.row(1L, "a"), TestBatches.row(null, "b"));
    try (BufferAllocator allocator = TestMemory.allocator()) {
      List<Batch> out =
          StreamTesting.run(
              ValuesSource.source(columns, rows, allocator, new OperatorStats("Values")));
      assertThat(TestBatches.rowsAndClose(out)).isEqualTo(rows);
    }
  }
}
