package dev.tarn.operators.aggregate;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Arrays;
import org.apache.arrow.memory.ArrowBuf;

/**
 * One decimal per group at a fixed scale: a 128-bit two's complement unscaled value (a low and a
 * high long) while every value fits, switching all cells to BigDecimal the first time one does not
 * (a sum passes 2^127, beyond decimal(38), or {@link #set(int, BigDecimal)} stores a wide value).
 *
 * <p>128 bits hold any decimal(38) value and the sum of 2^89 of them, so summing never needs
 * BigDecimal in practice, and adding a row is two long additions and a carry. Arrow's decimal
 * vectors store exactly this layout (low long, then high long, little-endian), so {@link
 * #addColumn} sums a vector's buffer without converting a value.
 */
final class DecimalCells {
  private final int scale;
  private long[] low = new long[16];
  private long[] high = new long[16];
  private BigDecimal[] big;

  DecimalCells(int scale) {
    this.scale = scale;
  }

  int scale() {
    return scale;
  }

  void ensure(int groups) {
    if (groups > low.length) {
      int capacity = Math.max(groups, low.length * 2);
      low = Arrays.copyOf(low, capacity);
      high = Arrays.copyOf(high, capacity);
      if (big != null) {
        big = Arrays.copyOf(big, capacity);
      }
    }
  }

  boolean isWide() {
    return big != null;
  }

  private void widen() {
    big = new BigDecimal[low.length];
    for (int i = 0; i < low.length; i++) {
      big[i] = toBigDecimal(low[i], high[i], scale);
    }
  }

  void add(int group, long unscaled) {
    if (big == null && add128(group, unscaled, unscaled >> 63)) {
      return;
    }
    if (big == null) {
      widen();
    }
    big[group] = big[group].add(BigDecimal.valueOf(unscaled, scale));
  }

  void add(int group, BigDecimal value) {
    BigDecimal scaled = value.setScale(scale, RoundingMode.HALF_UP);
    if (big == null) {
      BigInteger unscaled = scaled.unscaledValue();
      if (unscaled.bitLength() < 128
          && add128(group, unscaled.longValue(), unscaled.shiftRight(64).longValue())) {
        return;
      }
      widen();
    }
    big[group] = big[group].add(scaled);
  }

  /**
   * Adds {@code (valueLow, valueHigh)} to the group's 128-bit cell; false, changing nothing, if the
   * sum does not fit in 128 bits. The value must lie within decimal(38) (its high long is far from
   * the long range's ends), so adding the carry to it cannot overflow.
   */
  private boolean add128(int group, long valueLow, long valueHigh) {
    long a = low[group];
    long sum = a + valueLow;
    // The carry out of the low long: its top bit, computed without a branch.
    long carry = ((a & valueLow) | ((a | valueLow) & ~sum)) >>> 63;
    long h = high[group];
    long t = valueHigh + carry;
    long highSum = h + t;
    if (((h ^ highSum) & (t ^ highSum)) < 0) {
      return false;
    }
    low[group] = sum;
    high[group] = highSum;
    return true;
  }

  /**
   * Adds the values of an Arrow decimal buffer at this cells' scale: row i (16 bytes at {@code 16 *
   * i}) into group {@code groups[i]}, skipping rows with group -1 or marked in {@code nulls} (null
   * when there is none); each added row's group is marked in {@code seen}.
   */
  void addColumn(ArrowBuf data, boolean[] nulls, int[] groups, int rows, boolean[] seen) {
    for (int i = 0; i < rows; i++) {
      int g = groups[i];
      if (g < 0 || (nulls != null && nulls[i])) {
        continue;
      }
      seen[g] = true;
      long valueLow = data.getLong(i * 16L);
      long valueHigh = data.getLong(i * 16L + 8);
      if (big == null && add128(g, valueLow, valueHigh)) {
        continue;
      }
      if (big == null) {
        // Past 2^127: every cell turns BigDecimal, and this row and the rest add there.
        widen();
      }
      big[g] = big[g].add(toBigDecimal(valueLow, valueHigh, scale));
    }
  }

  void set(int group, long unscaled) {
    if (big == null) {
      low[group] = unscaled;
      high[group] = unscaled >> 63;
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

  /** Whether groups {@code [from, from + count)} all hold values that fit a long (not wide). */
  boolean fitLongs(int from, int count) {
    if (big != null) {
      return false;
    }
    for (int i = from; i < from + count; i++) {
      if (high[i] != low[i] >> 63) {
        return false;
      }
    }
    return true;
  }

  /** The group's unscaled value; only when it fits a long (see {@link #fitLongs}). */
  long unscaled(int group) {
    return low[group];
  }

  BigDecimal get(int group) {
    return big == null ? toBigDecimal(low[group], high[group], scale) : big[group];
  }

  /** The decimal whose unscaled value is the 128-bit two's complement {@code (high, low)}. */
  static BigDecimal toBigDecimal(long low, long high, int scale) {
    if (high == low >> 63) {
      return BigDecimal.valueOf(low, scale);
    }
    BigInteger unscaled =
        BigInteger.valueOf(high)
            .shiftLeft(64)
            .add(BigInteger.valueOf(low >>> 1).shiftLeft(1))
            .add(BigInteger.valueOf(low & 1));
    return new BigDecimal(unscaled, scale);
  }
}
