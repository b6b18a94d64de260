package dev.tarn.operators.aggregate;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.plan.AggregateFunction;
import dev.tarn.core.type.SqlType;
import dev.tarn.operators.expr.Lane;
import java.util.Arrays;

/**
 * COUNT_IF (TRUE rows, 0 for an empty group), BOOL_AND and BOOL_OR (NULL when the group has no
 * non-NULL value), over one boolean argument. SINGLE step only.
 */
final class BooleanAccumulator extends Accumulator {
  private final AggregateFunction function;
  private final int column;
  private long[] counts = new long[16];
  private boolean[] values = new boolean[16];
  private boolean[] seen = new boolean[16];

  BooleanAccumulator(AggregateFunction function, int column) {
    this.function = function;
    this.column = column;
  }

  @Override
  void ensure(int groups) {
    counts = Arrays.copyOf(counts, grow(counts.length, groups));
    values = Arrays.copyOf(values, grow(values.length, groups));
    seen = Arrays.copyOf(seen, grow(seen.length, groups));
  }

  @Override
  void add(Batch input, int[] groups, int rows) {
    Lane.Bools lane = (Lane.Bools) read(input, column, SqlType.BOOLEAN);
    boolean[] in = lane.values;
    boolean[] nulls = lane.nulls;
    boolean and = function == AggregateFunction.BOOL_AND;
    for (int i = 0; i < rows; i++) {
      int g = groups[i];
      if (g < 0 || (nulls != null && nulls[i])) {
        continue;
      }
      if (in[i]) {
        counts[g]++;
      }
      // BOOL_AND starts TRUE and falls on a FALSE; BOOL_OR starts FALSE and rises on a TRUE.
      values[g] = seen[g] ? (and ? values[g] & in[i] : values[g] | in[i]) : in[i];
      seen[g] = true;
    }
  }

  @Override
  Lane[] results(int from, int count) {
    if (function == AggregateFunction.COUNT_IF) {
      return new Lane[] {
        new Lane.Longs(SqlType.BIGINT, Arrays.copyOfRange(counts, from, from + count), null)
      };
    }
    return new Lane[] {
      new Lane.Bools(Arrays.copyOfRange(values, from, from + count), nullsOf(seen, from, count))
    };
  }
}
