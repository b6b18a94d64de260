package dev.tarn.operators.limit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.meta.Column;
import dev.tarn.core.stats.OperatorStats;
import dev.tarn.operators.StreamTesting;
import dev.tarn.testing.TestBatches;
import dev.tarn.testing.TestMemory;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.Test;

class LimitStageTest {
  static final List<Column> COLUMNS = TestBatches.columns("n bigint");

  /** An endless source of 3-row batches 0,1,2 / 3,4,5 / ... that counts the batches it made. */
  static Source<Batch, ?> counting(BufferAllocator allocator, AtomicInteger made) {
    return Source.fromIterator(
        () ->
            new Iterator<Batch>() {
              @Override
              public boolean hasNext() {
                return true;
              }

              @Override
              public Batch next() {
                int b = made.getAndIncrement();
                List<List<Object>> rows = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                  rows.add(TestBatches.row((long) (b * 3 + i)));
                }
                return TestBatches.batch(allocator, COLUMNS, rows);
              }
            });
  }

  @Test
  void skipsOffsetTakesCountAndCancelsUpstream() {
    AtomicInteger made = new AtomicInteger();
    OperatorStats stats = new OperatorStats("Limit");
    try (BufferAllocator allocator = TestMemory.allocator()) {
      List<Batch> out = StreamTesting.run(counting(allocator, made), LimitStage.flow(4, 5, stats));
      assertThat(TestBatches.rowsAndClose(out))
          .containsExactly(List.of(4L), List.of(5L), List.of(6L), List.of(7L), List.of(8L));
    }
    // Rows 4..8 live in batches 1 and 2; nothing after the third batch was pulled.
    assertThat(made.get()).isEqualTo(3);
    assertThat(stats.rowsOut()).isEqualTo(5);
  }

  @Test
  void wholeBatchesPassAndZeroCountReadsNothing() {
    AtomicInteger made = new AtomicInteger();
    try (BufferAllocator allocator = TestMemory.allocator()) {
      List<Batch> out =
          StreamTesting.run(
              counting(allocator, made), LimitStage.flow(0, 6, new OperatorStats("Limit")));
      assertThat(out).hasSize(2);
      assertThat(TestBatches.rowsAndClose(out)).hasSize(6);
      AtomicInteger none = new AtomicInteger();
      assertThat(
              StreamTesting.run(
                  counting(allocator, none), LimitStage.flow(0, 0, new OperatorStats("Limit"))))
          .isEmpty();
      assertThat(none.get()).isZero();
    }
  }

  @Test
  void shortInputEndsEarly() {
    try (BufferAllocator allocator = TestMemory.allocator()) {
      List<Batch> input =
          TestBatches.batches(
              allocator, COLUMNS, List.of(TestBatches.row(1L), TestBatches.row(2L)), 1);
      List<Batch> out =
          StreamTesting.run(Source.from(input), LimitStage.flow(1, 10, new OperatorStats("Limit")));
      assertThat(TestBatches.rowsAndClose(out)).containsExactly(List.of(2L));
    }
  }
}
