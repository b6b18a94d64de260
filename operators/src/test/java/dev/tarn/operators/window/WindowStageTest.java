package dev.tarn.operators.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.meta.Column;
import dev.tarn.core.plan.SortKey;
import dev.tarn.core.plan.WindowCall;
import dev.tarn.core.plan.WindowFrame;
import dev.tarn.core.plan.WindowFrame.Bound;
import dev.tarn.core.plan.WindowFunction;
import dev.tarn.core.stats.OperatorStats;
import dev.tarn.core.type.SqlType;
import dev.tarn.operators.RandomRows;
import dev.tarn.operators.StreamTesting;
import dev.tarn.testing.DuckDb;
import dev.tarn.testing.TestBatches;
import dev.tarn.testing.TestMemory;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Window functions compared with DuckDB over random partitions with ties and NULLs. */
class WindowStageTest {
  static final List<Column> COLUMNS =
      TestBatches.columns(
          "id bigint", "g varchar", "o integer", "v double", "d decimal(10,2)", "b bigint");
  static final List<SortKey> BY_O = List.of(new SortKey(2, true, false));
  static final List<SortKey> BY_O_ID =
      List.of(new SortKey(2, true, false), new SortKey(0, true, false));
  static final String W_O = "PARTITION BY g ORDER BY o ASC NULLS LAST";
  static final String W_O_ID = "PARTITION BY g ORDER BY o ASC NULLS LAST, id";
  static List<List<Object>> rows;
  static DuckDb duck;

  @BeforeAll
  static void load() {
    rows = RandomRows.withIds(COLUMNS, 5_000, 0.1, 11);
    duck = new DuckDb().load("t", COLUMNS, rows);
  }

  @AfterAll
  static void close() {
    duck.close();
  }

  static WindowCall call(WindowFunction f, List<Integer> args, WindowFrame frame, SqlType type) {
    return new WindowCall(f, args, 0, frame, type, "w" + f.ordinal());
  }

  static WindowFrame rows(Bound start, Bound end) {
    return new WindowFrame(WindowFrame.Type.ROWS, start, end);
  }

  static Bound preceding(long n) {
    return new Bound(Bound.Kind.PRECEDING, n);
  }

  static Bound following(long n) {
    return new Bound(Bound.Kind.FOLLOWING, n);
  }

  List<List<Object>> window(List<Integer> partition, List<SortKey> order, List<WindowCall> calls) {
    try (BufferAllocator allocator = TestMemory.allocator()) {
      List<Batch> input = TestBatches.batches(allocator, COLUMNS, rows, 700);
      List<Batch> output =
          StreamTesting.run(
              Source.from(input),
              WindowStage.flow(
                  partition, order, calls, COLUMNS, allocator, new OperatorStats("Window")));
      for (Batch b : output) {
        assertThat(b.rowCount()).isLessThanOrEqualTo(WindowStage.BATCH_ROWS);
      }
      return TestBatches.rowsAndClose(output);
    }
  }

  void matches(List<SortKey> order, List<WindowCall> calls, String... duckExpressions) {
    StringBuilder sql = new StringBuilder("SELECT *");
    for (String e : duckExpressions) {
      sql.append(", ").append(e);
    }
    sql.append(" FROM t");
    assertThat(DuckDb.sorted(StreamTesting.canonical(window(List.of(1), order, calls))))
        .isEqualTo(DuckDb.sorted(StreamTesting.canonical(duck.query(sql.toString()))));
  }

  @Test
  void rankingFunctionsWithTies() {
    WindowFrame f = WindowFrame.DEFAULT_WITH_ORDER;
    matches(
        BY_O,
        List.of(
            call(WindowFunction.RANK, List.of(), f, SqlType.BIGINT),
            call(WindowFunction.DENSE_RANK, List.of(), f, SqlType.BIGINT)),
        "rank() OVER (" + W_O + ")",
        "dense_rank() OVER (" + W_O + ")");
    matches(
        BY_O_ID,
        List.of(
            call(WindowFunction.ROW_NUMBER, List.of(), f, SqlType.BIGINT),
            new WindowCall(WindowFunction.NTILE, List.of(), 4, f, SqlType.BIGINT, "n4"),
            new WindowCall(WindowFunction.NTILE, List.of(), 70, f, SqlType.BIGINT, "n70")),
        "row_number() OVER (" + W_O_ID + ")",
        "ntile(4) OVER (" + W_O_ID + ")",
        "ntile(70) OVER (" + W_O_ID + ")");
  }

  @Test
  void navigationFunctions() {
    WindowFrame f = WindowFrame.DEFAULT_WITH_ORDER;
    matches(
        BY_O_ID,
        List.of(
            new WindowCall(WindowFunction.LAG, List.of(3), 1, f, SqlType.DOUBLE, "l1"),
            new WindowCall(WindowFunction.LEAD, List.of(5, 0), 2, f, SqlType.BIGINT, "l2"),
            new WindowCall(WindowFunction.LAG, List.of(1), 3, f, SqlType.VARCHAR, "l3"),
            call(WindowFunction.FIRST_VALUE, List.of(4), f, SqlType.decimal(10, 2)),
            call(
                WindowFunction.LAST_VALUE,
                List.of(1),
                rows(preceding(1), following(2)),
                SqlType.VARCHAR)),
        "lag(v) OVER (" + W_O_ID + ")",
        "lead(b, 2, id) OVER (" + W_O_ID + ")",
        "lag(g, 3) OVER (" + W_O_ID + ")",
        "first_value(d) OVER (" + W_O_ID + ")",
        "last_value(g) OVER (" + W_O_ID + " ROWS BETWEEN 1 PRECEDING AND 2 FOLLOWING)");
  }

  @Test
  void aggregatesOverRangeFramesWithPeers() {
    WindowFrame f = WindowFrame.DEFAULT_WITH_ORDER;
    WindowFrame toEnd =
        new WindowFrame(WindowFrame.Type.RANGE, Bound.CURRENT_ROW, Bound.UNBOUNDED_FOLLOWING);
    matches(
        BY_O,
        List.of(
            call(WindowFunction.SUM, List.of(5), f, SqlType.BIGINT),
            call(WindowFunction.COUNT_STAR, List.of(), f, SqlType.BIGINT),
            call(WindowFunction.AVG, List.of(3), toEnd, SqlType.DOUBLE),
            call(WindowFunction.MIN, List.of(4), toEnd, SqlType.decimal(10, 2)),
            call(WindowFunction.MAX, List.of(1), f, SqlType.VARCHAR),
            call(WindowFunction.COUNT, List.of(3), toEnd, SqlType.BIGINT)),
        "sum(b) OVER (" + W_O + ")",
        "count(*) OVER (" + W_O + ")",
        "avg(v) OVER (" + W_O + " RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)",
        "min(d) OVER (" + W_O + " RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)",
        "max(g) OVER (" + W_O + ")",
        "count(v) OVER (" + W_O + " RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)");
  }

  @Test
  void aggregatesOverRowsFrames() {
    WindowFrame sliding = rows(preceding(2), following(1));
    WindowFrame ahead = rows(following(3), following(5));
    WindowFrame before = rows(Bound.UNBOUNDED_PRECEDING, preceding(1));
    WindowFrame rest = rows(Bound.CURRENT_ROW, Bound.UNBOUNDED_FOLLOWING);
    matches(
        BY_O_ID,
        List.of(
            call(WindowFunction.SUM, List.of(3), sliding, SqlType.DOUBLE),
            call(WindowFunction.SUM, List.of(4), ahead, SqlType.decimal(38, 2)),
            call(WindowFunction.AVG, List.of(5), before, SqlType.DOUBLE),
            call(WindowFunction.MAX, List.of(3), rest, SqlType.DOUBLE),
            call(WindowFunction.MIN, List.of(5), sliding, SqlType.BIGINT),
            call(WindowFunction.COUNT, List.of(1), ahead, SqlType.BIGINT)),
        "sum(v) OVER (" + W_O_ID + " ROWS BETWEEN 2 PRECEDING AND 1 FOLLOWING)",
        "sum(d) OVER (" + W_O_ID + " ROWS BETWEEN 3 FOLLOWING AND 5 FOLLOWING)",
        "avg(b) OVER (" + W_O_ID + " ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)",
        "max(v) OVER (" + W_O_ID + " ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)",
        "min(b) OVER (" + W_O_ID + " ROWS BETWEEN 2 PRECEDING AND 1 FOLLOWING)",
        "count(g) OVER (" + W_O_ID + " ROWS BETWEEN 3 FOLLOWING AND 5 FOLLOWING)");
  }

  @Test
  void withoutOrderTheFrameIsThePartition() {
    WindowFrame f = WindowFrame.WHOLE_PARTITION;
    matches(
        List.of(),
        List.of(
            call(WindowFunction.SUM, List.of(4), f, SqlType.decimal(38, 2)),
            call(WindowFunction.COUNT_STAR, List.of(), f, SqlType.BIGINT)),
        "sum(d) OVER (PARTITION BY g)",
        "count(*) OVER (PARTITION BY g)");
  }

  @Test
  void rangeOffsetsAreRejectedWithTheCallName() {
    WindowFrame frame = new WindowFrame(WindowFrame.Type.RANGE, preceding(3), Bound.CURRENT_ROW);
    try (BufferAllocator allocator = TestMemory.allocator()) {
      assertThatThrownBy(
              () ->
                  new WindowStage(
                      List.of(1),
                      BY_O,
                      List.of(
                          new WindowCall(
                              WindowFunction.SUM, List.of(5), 0, frame, SqlType.BIGINT, "total")),
                      COLUMNS,
                      allocator,
                      new OperatorStats("Window")))
          .isInstanceOf(TarnException.class)
          .hasMessageContaining("RANGE")
          .hasMessageContaining("total");
    }
  }

  @Test
  void overflowFailsNamingTheCallAndLeaksNothing() {
    List<Column> columns = TestBatches.columns("g varchar", "n bigint");
    List<List<Object>> input =
        List.of(
            TestBatches.row("a", Long.MAX_VALUE),
            TestBatches.row("a", 1L),
            TestBatches.row("b", 2L));
    try (BufferAllocator allocator = TestMemory.allocator()) {
      List<Batch> batches = TestBatches.batches(allocator, columns, input, 2);
      assertThatThrownBy(
              () ->
                  StreamTesting.runRows(
                      Source.from(batches)
                          .via(
                              WindowStage.flow(
                                  List.of(0),
                                  List.of(),
                                  List.of(
                                      new WindowCall(
                                          WindowFunction.SUM,
                                          List.of(1),
                                          0,
                                          WindowFrame.WHOLE_PARTITION,
                                          SqlType.BIGINT,
                                          "total")),
                                  columns,
                                  allocator,
                                  new OperatorStats("Window")))))
          .isInstanceOf(TarnException.class)
          .hasMessageContaining("overflow")
          .hasMessageContaining("total");
    }
  }

  @Test
  void emptyInputGivesNoBatch() {
    try (BufferAllocator allocator = TestMemory.allocator()) {
      List<Batch> out =
          StreamTesting.run(
              Source.<Batch>empty(),
              WindowStage.flow(
                  List.of(1),
                  BY_O,
                  List.of(
                      call(
                          WindowFunction.ROW_NUMBER,
                          List.of(),
                          WindowFrame.DEFAULT_WITH_ORDER,
                          SqlType.BIGINT)),
                  COLUMNS,
                  allocator,
                  new OperatorStats("Window")));
      assertThat(out).isEmpty();
    }
  }
}
