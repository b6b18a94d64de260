package dev.tarn.operators.aggregate;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.type.SqlType;
import dev.tarn.operators.expr.Lane;
import java.math.BigDecimal;
import java.util.Arrays;

/**
 * APPROX_DISTINCT: one {@link HyperLogLog} per group over a 64-bit hash of each non-NULL value (0
 * for an empty group). Equal values hash equally whatever their batch: doubles are normalized
 * ({@code -0.0} is {@code 0.0}), decimals hash their unscaled value. SINGLE step only.
 */
final class ApproxDistinctAccumulator extends Accumulator {
  private final int column;
  private final SqlType type;
  private HyperLogLog[] sketches = new HyperLogLog[16];

  ApproxDistinctAccumulator(int column, SqlType type) {
    this.column = column;
    this.type = type;
  }

  @Override
  long heldBytes(int groups) {
    // A small sketch per group: its object and a sparse set of 16 hashes (dense ones are 2 kB).
    return 200L * groups;
  }

  @Override
  void ensure(int groups) {
    sketches = Arrays.copyOf(sketches, grow(sketches.length, groups));
  }

  @Override
  void add(Batch input, int[] groups, int rows) {
    Lane lane = read(input, column, type);
    long[] hashes = new long[rows];
    if (lane instanceof Lane.Longs longs) {
      for (int i = 0; i < rows; i++) {
        hashes[i] = HyperLogLog.mix(longs.values[i]);
      }
    } else if (lane instanceof Lane.Doubles doubles) {
      for (int i = 0; i < rows; i++) {
        double v = doubles.values[i];
        hashes[i] = HyperLogLog.mix(Double.doubleToLongBits(v == 0 ? 0.0 : v));
      }
    } else if (lane instanceof Lane.Decimals decimals) {
      for (int i = 0; i < rows; i++) {
        if (decimals.unscaled != null) {
          hashes[i] = HyperLogLog.mix(decimals.unscaled[i]);
        } else if (!decimals.isNull(i)) {
          BigDecimal v = decimals.big[i];
          java.math.BigInteger unscaled = v.unscaledValue();
          hashes[i] =
              unscaled.bitLength() < 64
                  ? HyperLogLog.mix(unscaled.longValue())
                  : HyperLogLog.hashBytes(unscaled.toByteArray(), 0, unscaled.toByteArray().length);
        }
      }
    } else if (lane instanceof Lane.Strings strings) {
      for (int i = 0; i < rows; i++) {
        hashes[i] = HyperLogLog.hashBytes(strings.data, strings.offsets[i], strings.offsets[i + 1]);
      }
    } else {
      boolean[] values = ((Lane.Bools) lane).values;
      for (int i = 0; i < rows; i++) {
        hashes[i] = HyperLogLog.mix(values[i] ? 1 : 0);
      }
    }
    boolean[] nulls = lane.nulls;
    for (int i = 0; i < rows; i++) {
      int g = groups[i];
      if (g < 0 || (nulls != null && nulls[i])) {
        continue;
      }
      HyperLogLog sketch = sketches[g];
      if (sketch == null) {
        sketch = new HyperLogLog();
        sketches[g] = sketch;
      }
      sketch.add(hashes[i]);
    }
  }

  @Override
  Lane[] results(int from, int count) {
    long[] out = new long[count];
    for (int i = 0; i < count; i++) {
      HyperLogLog sketch = sketches[from + i];
      out[i] = sketch == null ? 0 : sketch.estimate();
    }
    return new Lane[] {new Lane.Longs(SqlType.BIGINT, out, null)};
  }
}
