package dev.tarn.core.batch;

import static dev.tarn.testing.TestBatches.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tarn.core.meta.Column;
import dev.tarn.core.stats.OperatorStats;
import dev.tarn.testing.TestBatches;
import dev.tarn.testing.TestMemory;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.junit.jupiter.api.Test;

class BatchRowsAndGatherTest {
  static final List<Column> COLUMNS =
      TestBatches.columns(
          "b boolean",
          "i integer",
          "l bigint",
          "d decimal(10,2)",
          "s varchar",
          "dt date",
          "ts timestamp",
          "x double");
  static final List<List<Object>> ROWS =
      List.of(
          row(
              true,
              1L,
              10L,
              new BigDecimal("1.50"),
              "a",
              LocalDate.of(2024, 2, 29),
              LocalDateTime.of(2024, 1, 1, 12, 30, 0, 123_000),
              0.5),
          row(null, null, null, null, null, null, null, null),
          row(
              false,
              -3L,
              Long.MAX_VALUE,
              new BigDecimal("-99999999.99"),
              "ábaco",
              LocalDate.of(1969, 12, 31),
              LocalDateTime.of(1960, 5, 6, 7, 8, 9),
              -1.25));

  @Test
  void rowsRoundTripInQueryResultTypes() {
    try (BufferAllocator allocator = TestMemory.allocator();
        Batch batch = TestBatches.batch(allocator, COLUMNS, ROWS)) {
      assertThat(batch.columns()).isEqualTo(COLUMNS);
      assertThat(BatchRows.toRows(batch)).isEqualTo(ROWS);
    }
  }

  @Test
  void literalConventionsAreAcceptedToo() {
    List<Column> columns = TestBatches.columns("dt date", "ts timestamp", "d decimal(5,1)");
    try (BufferAllocator allocator = TestMemory.allocator();
        Batch batch = TestBatches.batch(allocator, columns, row(19_782L, 1_000_000L, 2L))) {
      assertThat(BatchRows.toRows(batch))
          .containsExactly(
              List.of(
                  LocalDate.of(2024, 2, 29),
                  LocalDateTime.of(1970, 1, 1, 0, 0, 1),
                  new BigDecimal("2.0")));
    }
  }

  @Test
  void badValueNamesRowAndColumnAndLeaksNothing() {
    try (BufferAllocator allocator = TestMemory.allocator()) {
      assertThatThrownBy(
              () ->
                  TestBatches.batch(
                      allocator, COLUMNS.subList(0, 2), row(true, 1L), row(false, "x")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("row 1, column i: value x does not fit integer");
    }
  }

  @Test
  void gatherConcatAndSliceKeepValuesAndNulls() {
    try (BufferAllocator allocator = TestMemory.allocator();
        Batch a = TestBatches.batch(allocator, COLUMNS, ROWS);
        Batch b = TestBatches.batch(allocator, COLUMNS, ROWS.subList(0, 2))) {
      try (Batch all = BatchGather.concat(List.of(a, b), allocator)) {
        List<List<Object>> expected = new ArrayList<>(ROWS);
        expected.addAll(ROWS.subList(0, 2));
        assertThat(BatchRows.toRows(all)).isEqualTo(expected);
        try (Batch picked = BatchGather.gather(all, new int[] {4, -1, 2, 0}, 4, allocator)) {
          assertThat(BatchRows.toRows(picked))
              .containsExactly(
                  ROWS.get(1), Arrays.asList(new Object[COLUMNS.size()]), ROWS.get(2), ROWS.get(0));
        }
        try (Batch slice = BatchGather.slice(all, 1, 3, allocator)) {
          assertThat(BatchRows.toRows(slice)).isEqualTo(expected.subList(1, 4));
        }
      }
    }
  }

  @Test
  void statsPrintOneExplainLine() {
    OperatorStats stats = new OperatorStats("HashAggregate");
    stats.addInput(10);
    stats.addOutput(2, 96);
    stats.addTime(400_000, 300_000);
    OperatorStats.Snapshot snapshot = stats.snapshot();
    assertThat(snapshot.explainLine())
        .isEqualTo(
            "HashAggregate: rowsIn=10, rowsOut=2, batchesIn=1, batchesOut=1, bytesOut=96,"
                + " wallMillis=0.4, cpuMillis=0.3");
    assertThat(snapshot.plus(snapshot).rowsIn()).isEqualTo(20);
  }
}
