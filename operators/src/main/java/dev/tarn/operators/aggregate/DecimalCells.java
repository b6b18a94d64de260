package dev.tarn.operators.aggregate;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;

/**
 * One decimal per group at a fixed scale: unscaled longs while every value fits, switching all
 * cells to BigDecimal the first time one does not (a sum overflows or a wide value arrives).
 */
final class DecimalCells {
  private final int scale;
  private long[] longs = new long[16];
  private BigDecimal[] big;

  DecimalCells(int scale) {
    this.scale = scale;
  }

  void ensure(int groups) {
    if (groups > longs.length) {
      int capacity = Math.max(groups, longs.length * 2);
      longs = Arrays.copyOf(longs, capacity);
      if (big != null) {
        big = Arrays.copyOf(big, capacity);
      }
    }
  }

  boolean isWide() {
    return big != null;
  }

  private void widen() {
    big = new BigDecimal[longs.length];
    for (int i = 0; i < longs.length; i++) {
      big[i] = BigDecimal.valueOf(longs[i], scale);
    }
  }

  void add(int group, long unscaled) {
    if (big == null) {
      long sum = longs[group] + unscaled;
      // Overflow iff both operands have the same sign and the sum's sign differs.
      if (((longs[group] ^ sum) & (unscaled ^ sum)) >= 0) {
        longs[group] = sum;
        return;
      }
      widen();
    }
    big[group] = big[group].add(BigDecimal.valueOf(unscaled, scale));
  }

  void add(int group, BigDecimal value) {
    if (big == null) {
      widen();
    }
    big[group] = big[group].add(value.setScale(scale, RoundingMode.HALF_UP));
  }

  void set(int group, long unscaled) {
    if (big == null) {
      longs[group] = unscaled;
    } else {
      big[group] = BigDecimal.valueOf(unscaled, scale);
    }
  }

  void set(int group, BigDecimal value) {
    if (big == null) {
      widen();
    }
    big[group] = value.setScale(scale, RoundingMode.HALF_UP);
  }

  long unscaled(int group) {
    return longs[group];
  }

  BigDecimal get(int group) {
    return big == null ? BigDecimal.valueOf(longs[group], scale) : big[group];
  }
}
