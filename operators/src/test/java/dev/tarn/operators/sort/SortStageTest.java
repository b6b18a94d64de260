package dev.tarn.operators.sort;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.meta.Column;
import dev.tarn.core.plan.SortKey;
import dev.tarn.core.stats.OperatorStats;
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

class SortStageTest {
  static final List<Column> COLUMNS =
      TestBatches.columns(
          "id bigint", "b integer", "e varchar", "d decimal(10,2)", "c double", "f date");
  static List<List<Object>> rows;
  static DuckDb duck;

  @BeforeAll
  static void load() {
    rows = RandomRows.withIds(COLUMNS, 10_000, 0.1, 3);
    duck = new DuckDb().load("t", COLUMNS, rows);
  }

  @AfterAll
  static void close() {
    duck.close();
  }

  List<List<Object>> sort(List<SortKey> keys, long limit) {
    try (BufferAllocator allocator = TestMemory.allocator()) {
      List<Batch> input = TestBatches.batches(allocator, COLUMNS, rows, 1000);
      return TestBatches.rowsAndClose(
          StreamTesting.run(
              Source.from(input),
              SortStage.flow(keys, limit, COLUMNS, allocator, new OperatorStats("Sort"))));
    }
  }

  @Test
  void sortsLikeDuckDbWithNullPlacement() {
    List<SortKey> keys =
        List.of(
            new SortKey(2, true, false),
            new SortKey(1, false, true),
            new SortKey(3, true, true),
            new SortKey(0, true, false));
    assertThat(StreamTesting.canonical(sort(keys, -1)))
        .isEqualTo(
            StreamTesting.canonical(
                duck.query(
                    "SELECT * FROM t ORDER BY e ASC NULLS LAST, b DESC NULLS FIRST, d ASC NULLS"
                        + " FIRST, id")));
  }

  @Test
  void topNKeepsTheFirstRowsWithBoundedMemory() {
    List<SortKey> keys =
        List.of(
            new SortKey(4, false, false), new SortKey(5, true, false), new SortKey(0, true, false));
    assertThat(StreamTesting.canonical(sort(keys, 25)))
        .isEqualTo(
            StreamTesting.canonical(
                duck.query(
                    "SELECT * FROM t ORDER BY c DESC NULLS LAST, f NULLS LAST, id LIMIT 25")));
  }

  @Test
  void emptyInputGivesNoBatch() {
    try (BufferAllocator allocator = TestMemory.allocator()) {
      List<Batch> out =
          StreamTesting.run(
              Source.<Batch>empty(),
              SortStage.flow(
                  List.of(new SortKey(0, true, false)),
                  -1,
                  COLUMNS,
                  allocator,
                  new OperatorStats("Sort")));
      assertThat(out).isEmpty();
    }
  }

  @Test
  void spillsSortedRunsAndMergesThemInOrder(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    List<SortKey> keys =
        List.of(
            new SortKey(2, true, false), new SortKey(3, false, true), new SortKey(0, true, false));
    OperatorStats stats = new OperatorStats("Sort");
    List<List<Object>> sorted;
    try (BufferAllocator allocator = TestMemory.allocator()) {
      List<Batch> input = TestBatches.batches(allocator, COLUMNS, rows, 1000);
      // A threshold of 64 kB forces a run every couple of input batches: many runs to merge.
      dev.tarn.core.memory.SpillSpace spill = new dev.tarn.core.memory.SpillSpace(dir, 64 * 1024);
      sorted =
          TestBatches.rowsAndClose(
              StreamTesting.run(
                  Source.from(input),
                  org.apache.pekko.stream.javadsl.Flow.fromGraph(
                      new SortStage(keys, -1, COLUMNS, allocator, stats, spill))));
    }
    assertThat(stats.spillBytes()).isPositive();
    assertThat(sorted)
        .isEqualTo(duck.query("SELECT * FROM t ORDER BY e ASC NULLS LAST, d DESC NULLS FIRST, id"));
  }
}
