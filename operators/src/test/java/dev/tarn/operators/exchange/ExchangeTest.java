package dev.tarn.operators.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.meta.Column;
import dev.tarn.operators.RandomRows;
import dev.tarn.operators.StreamTesting;
import dev.tarn.testing.TestBatches;
import dev.tarn.testing.TestMemory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.junit.jupiter.api.Test;

class ExchangeTest {
  static final List<Column> ALL_TYPES =
      TestBatches.columns(
          "a boolean",
          "b tinyint",
          "c smallint",
          "d integer",
          "e bigint",
          "f real",
          "g double",
          "h decimal(12,2)",
          "i decimal(38,10)",
          "j varchar",
          "k varbinary",
          "l date",
          "m timestamp");

  @Test
  void ipcRoundTripKeepsEveryTypeAndNull() {
    List<List<Object>> rows = RandomRows.generate(ALL_TYPES, 200, 0.2, 9);
    try (BufferAllocator allocator = TestMemory.allocator()) {
      byte[] message;
      List<List<Object>> expected;
      try (Batch batch = TestBatches.batch(allocator, ALL_TYPES, rows)) {
        // Rows as stored (real values are floats), the batch stays the caller's to close.
        expected = TestBatches.rows(batch);
        message = ArrowIpc.encode(batch);
      }
      try (Batch decoded = ArrowIpc.decode(message, ALL_TYPES, allocator)) {
        assertThat(decoded.columns()).isEqualTo(ALL_TYPES);
        assertThat(StreamTesting.canonical(TestBatches.rows(decoded)))
            .isEqualTo(StreamTesting.canonical(expected));
      }
    }
  }

  @Test
  void partitionerSendsEqualKeysToOnePartitionAndKeepsEveryRow() {
    List<Column> columns =
        TestBatches.columns("k integer", "s varchar", "d decimal(10,2)", "v bigint");
    List<List<Object>> rows = RandomRows.generate(columns, 600, 0.1, 4);
    Map<String, Integer> partitionOfKey = new HashMap<>();
    List<List<Object>> seen = new ArrayList<>();
    try (BufferAllocator allocator = TestMemory.allocator()) {
      // Two input batches: equal keys must meet in one partition across batches.
      for (Batch batch : TestBatches.batches(allocator, columns, rows, 300)) {
        try (batch) {
          Batch[] parts = HashPartitioner.partition(batch, new int[] {0, 1, 2}, 4, allocator);
          assertThat(parts).hasSize(4);
          for (int p = 0; p < parts.length; p++) {
            if (parts[p] == null) {
              continue;
            }
            try (Batch part = parts[p]) {
              for (List<Object> row : TestBatches.rows(part)) {
                String key = StreamTesting.canonical(List.of(row.subList(0, 3))).toString();
                Integer earlier = partitionOfKey.putIfAbsent(key, p);
                assertThat(earlier == null ? p : earlier)
                    .as("partition of key " + key)
                    .isEqualTo(p);
                seen.add(row);
              }
            }
          }
        }
      }
    }
    assertThat(StreamTesting.canonicalSorted(seen)).isEqualTo(StreamTesting.canonicalSorted(rows));
    assertThat(new java.util.HashSet<>(partitionOfKey.values())).hasSizeGreaterThan(1);
  }

  @Test
  void integerWidthsHashAlike() {
    List<Column> ints = TestBatches.columns("k integer");
    List<Column> longs = TestBatches.columns("k bigint");
    List<List<Object>> rows = RandomRows.generate(ints, 50, 0.1, 1);
    try (BufferAllocator allocator = TestMemory.allocator();
        Batch a = TestBatches.batch(allocator, ints, rows);
        Batch b = TestBatches.batch(allocator, longs, rows)) {
      assertThat(HashPartitioner.hashes(a, new int[] {0}))
          .isEqualTo(HashPartitioner.hashes(b, new int[] {0}));
    }
  }
}
