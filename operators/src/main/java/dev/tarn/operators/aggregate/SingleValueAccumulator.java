package dev.tarn.operators.aggregate;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.operators.expr.Lane;
import java.util.Arrays;

/**
 * SINGLE_VALUE: a scalar sub-query's value. The value itself is kept by an ARBITRARY accumulator of
 * the argument's type; this one counts rows per group (NULL values included: a sub-query that
 * returns two NULL rows still returned two rows) and fails on a group's second row, as Trino.
 */
final class SingleValueAccumulator extends Accumulator {
  private final Accumulator value;
  private long[] rows = new long[16];

  SingleValueAccumulator(Accumulator value) {
    this.value = value;
  }

  @Override
  void ensure(int groups) {
    value.ensure(groups);
    rows = Arrays.copyOf(rows, grow(rows.length, groups));
  }

  @Override
  long heldBytes(int groups) {
    return value.heldBytes(groups) + 8L * groups;
  }

  @Override
  void add(Batch input, int[] groups, int count) {
    for (int i = 0; i < count; i++) {
      int g = groups[i];
      if (g >= 0 && ++rows[g] > 1) {
        throw new TarnException(
            ErrorCode.INVALID_ARGUMENT, "Scalar sub-query has returned multiple rows");
      }
    }
    value.add(input, groups, count);
  }

  @Override
  Lane[] results(int from, int count) {
    return value.results(from, count);
  }
}
