package dev.tarn.core.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tarn.core.meta.Column;
import dev.tarn.testing.TestBatches;
import dev.tarn.testing.TestMemory;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.junit.jupiter.api.Test;

/**
 * {@link BatchGather#gather}'s fast paths (runs of consecutive rows copied at once, 16-byte
 * decimals, short strings copied byte by byte, validity set a byte at a time) against the plain
 * meaning of a gather: output row {@code i} is input row {@code rows[i]}, or all NULL for {@code
 * -1}.
 */
class BatchGatherTest {
  private static final List<Column> COLUMNS =
      TestBatches.columns(
          "b boolean",
          "i integer",
          "l bigint",
          "m decimal(12,2)",
          "w decimal(38,4)",
          "flag varchar",
          "text varchar",
          "dt date",
          "x double");

  private static final int ROWS = 300;

  @Test
  void everyIndexPatternGathersTheRowsItNames() {
    for (boolean withNulls : new boolean[] {false, true}) {
      List<List<Object>> table = table(withNulls, new Random(withNulls ? 7 : 3));
      try (BufferAllocator allocator = TestMemory.allocator();
          Batch input = TestBatches.batch(allocator, COLUMNS, table)) {
        for (int[] rows : patterns(new Random(11))) {
          try (Batch out = BatchGather.gather(input, rows, rows.length, allocator)) {
            assertThat(BatchRows.toRows(out))
                .as("nulls %s, rows %s", withNulls, Arrays.toString(rows))
                .isEqualTo(expected(table, rows));
          }
        }
      }
    }
  }

  @Test
  void countBelowTheArrayLengthUsesOnlyThePrefix() {
    List<List<Object>> table = table(false, new Random(5));
    try (BufferAllocator allocator = TestMemory.allocator();
        Batch input = TestBatches.batch(allocator, COLUMNS, table);
        Batch out = BatchGather.gather(input, new int[] {4, 5, 6, 7, 8}, 3, allocator)) {
      assertThat(BatchRows.toRows(out)).isEqualTo(table.subList(4, 7));
    }
  }

  @Test
  void emptyGatherIsAnEmptyBatch() {
    List<List<Object>> table = table(true, new Random(5));
    try (BufferAllocator allocator = TestMemory.allocator();
        Batch input = TestBatches.batch(allocator, COLUMNS, table);
        Batch out = BatchGather.gather(input, new int[0], 0, allocator)) {
      assertThat(out.rowCount()).isZero();
      assertThat(out.columns()).isEqualTo(COLUMNS);
    }
  }

  /** Rows of every column type; strings of 0, 1 and up to 40 bytes, decimals past 64 bits. */
  private static List<List<Object>> table(boolean withNulls, Random random) {
    List<List<Object>> rows = new ArrayList<>();
    for (int r = 0; r < ROWS; r++) {
      List<Object> row = new ArrayList<>();
      row.add(random.nextBoolean());
      row.add((long) random.nextInt());
      row.add(random.nextLong());
      row.add(BigDecimal.valueOf(random.nextInt(2_000_000) - 1_000_000, 2));
      BigInteger wide = new BigInteger(100, random);
      row.add(new BigDecimal(random.nextBoolean() ? wide : wide.negate(), 4));
      row.add(String.valueOf((char) ('A' + random.nextInt(3))));
      int length = random.nextInt(4) == 0 ? 17 + random.nextInt(24) : random.nextInt(4);
      StringBuilder text = new StringBuilder();
      for (int k = 0; k < length; k++) {
        text.append(k % 7 == 0 ? 'é' : (char) ('a' + random.nextInt(26)));
      }
      row.add(text.toString());
      row.add(LocalDate.ofEpochDay(random.nextInt(20_000)));
      row.add(random.nextDouble());
      if (withNulls) {
        for (int c = 0; c < row.size(); c++) {
          if (random.nextInt(5) == 0) {
            row.set(c, null);
          }
        }
      }
      rows.add(row);
    }
    return rows;
  }

  /**
   * Index arrays a filter, a join and a sort produce: everything, long and short runs (crossing
   * byte boundaries of the validity buffer), single rows, repeats, descending order and {@code -1}.
   */
  private static List<int[]> patterns(Random random) {
    List<int[]> out = new ArrayList<>();
    int[] all = new int[ROWS];
    for (int i = 0; i < ROWS; i++) {
      all[i] = i;
    }
    out.add(all);
    out.add(new int[] {0});
    out.add(new int[] {ROWS - 1});
    out.add(new int[] {-1});
    out.add(new int[] {-1, -1, 3, 4, 5, -1});
    out.add(new int[] {5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 40, 41, 42, 3, 3, 3});
    int[] descending = new int[ROWS];
    for (int i = 0; i < ROWS; i++) {
      descending[i] = ROWS - 1 - i;
    }
    out.add(descending);
    for (int keepPercent : new int[] {2, 50, 98}) {
      int[] kept = new int[ROWS];
      int n = 0;
      for (int r = 0; r < ROWS; r++) {
        if (random.nextInt(100) < keepPercent) {
          kept[n++] = r;
        }
      }
      out.add(Arrays.copyOf(kept, n));
    }
    int[] mixed = new int[200];
    for (int i = 0; i < mixed.length; i++) {
      mixed[i] = random.nextInt(6) == 0 ? -1 : i % 3 == 0 ? random.nextInt(ROWS) : i + 50;
    }
    out.add(mixed);
    return out;
  }

  private static List<List<Object>> expected(List<List<Object>> table, int[] rows) {
    List<List<Object>> out = new ArrayList<>();
    for (int r : rows) {
      out.add(r < 0 ? Arrays.asList(new Object[COLUMNS.size()]) : table.get(r));
    }
    return out;
  }
}
