package dev.tarn.testing;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.batch.BatchRows;
import dev.tarn.core.meta.Column;
import dev.tarn.core.type.SqlType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;

/**
 * A small table DSL for tests:
 *
 * <pre>
 *   List&lt;Column&gt; cols = TestBatches.columns("id bigint", "name varchar", "price decimal(10,2)");
 *   Batch b = TestBatches.batch(allocator, cols, row(1L, "a", new BigDecimal("1.50")), row(2L, null, null));
 *   assertThat(TestBatches.rows(b)).containsExactly(...);
 * </pre>
 *
 * Values follow {@link BatchRows#fromRows} (QueryResults Java types, or Literal conventions).
 */
public final class TestBatches {
  private TestBatches() {}

  /** Columns from {@code "name type"} strings. */
  public static List<Column> columns(String... specs) {
    List<Column> out = new ArrayList<>();
    for (String spec : specs) {
      String s = spec.trim();
      int space = s.indexOf(' ');
      out.add(new Column(s.substring(0, space), SqlType.parse(s.substring(space + 1))));
    }
    return out;
  }

  /** One row of values (nulls allowed). */
  public static List<Object> row(Object... values) {
    return Arrays.asList(values);
  }

  @SafeVarargs
  public static Batch batch(BufferAllocator allocator, List<Column> columns, List<Object>... rows) {
    return BatchRows.fromRows(columns, Arrays.asList(rows), allocator);
  }

  public static Batch batch(
      BufferAllocator allocator, List<Column> columns, List<List<Object>> rows) {
    return BatchRows.fromRows(columns, rows, allocator);
  }

  /** Splits rows into batches of at most {@code batchRows} rows (at least one batch). */
  public static List<Batch> batches(
      BufferAllocator allocator, List<Column> columns, List<List<Object>> rows, int batchRows) {
    List<Batch> out = new ArrayList<>();
    for (int start = 0; start < rows.size() || out.isEmpty(); start += batchRows) {
      out.add(
          BatchRows.fromRows(
              columns, rows.subList(start, Math.min(rows.size(), start + batchRows)), allocator));
    }
    return out;
  }

  /** The rows of a batch, which stays open. */
  public static List<List<Object>> rows(Batch batch) {
    return BatchRows.toRows(batch);
  }

  /** The rows of all batches in order, closing each. */
  public static List<List<Object>> rowsAndClose(List<Batch> batches) {
    List<List<Object>> out = new ArrayList<>();
    for (Batch b : batches) {
      try (b) {
        out.addAll(BatchRows.toRows(b));
      }
    }
    return out;
  }
}
