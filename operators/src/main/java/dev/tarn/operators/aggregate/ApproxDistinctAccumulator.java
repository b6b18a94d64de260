package dev.tarn.operators.aggregate;

import dev.tarn.core.plan.AggregateStep;
import dev.tarn.core.type.SqlType;
import dev.tarn.operators.expr.Lane;
import java.math.BigDecimal;

/**
 * APPROX_DISTINCT: one {@link HyperLogLog} per group over a 64-bit hash of each non-NULL value (0
 * for an empty group). Equal values hash equally whatever their batch: doubles are normalized
 * ({@code -0.0} is {@code 0.0}), decimals hash their unscaled value. PARTIAL emits each group's
 * serialized sketch (varbinary); FINAL merges them.
 */
final class ApproxDistinctAccumulator extends SketchAccumulator<HyperLogLog> {

  ApproxDistinctAccumulator(int column, SqlType type, AggregateStep step) {
    super(column, type, step);
  }

  @Override
  HyperLogLog newSketch() {
    return new HyperLogLog();
  }

  @Override
  long heldBytes(int groups) {
    // A small sketch per group: its object and a sparse set of 16 hashes (dense ones are 2 kB).
    return 200L * groups;
  }

  @Override
  void addValues(Lane lane, int[] groups, int rows) {
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
          if (unscaled.bitLength() < 64) {
            hashes[i] = HyperLogLog.mix(unscaled.longValue());
          } else {
            byte[] bytes = unscaled.toByteArray();
            hashes[i] = HyperLogLog.hashBytes(bytes, 0, bytes.length);
          }
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
      sketch(g).add(hashes[i]);
    }
  }

  @Override
  Lane finalValues(int from, int count) {
    long[] out = new long[count];
    for (int i = 0; i < count; i++) {
      HyperLogLog sketch = existing(from + i);
      out[i] = sketch == null ? 0 : sketch.estimate();
    }
    return new Lane.Longs(SqlType.BIGINT, out, null);
  }
}
