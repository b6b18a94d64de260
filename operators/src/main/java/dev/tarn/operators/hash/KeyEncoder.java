package dev.tarn.operators.hash;

import dev.tarn.operators.expr.Lane;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Encodes the key columns of each row into one byte string, column by column, so that rows with
 * equal keys (SQL equality, NULL equal to NULL) get equal bytes regardless of the batch they came
 * from. Per value: a NULL marker byte, then integers/dates/timestamps as 8 bytes, doubles as their
 * normalized bits, decimals as the 16-byte two's complement of the unscaled value, strings as a
 * 4-byte length and their bytes, booleans as one byte.
 */
public final class KeyEncoder {
  private KeyEncoder() {}

  /** Encoded keys: row i is {@code data[offsets[i], offsets[i + 1])}. */
  public record Encoded(byte[] data, int[] offsets, boolean[] anyNull) {}

  public static Encoded encode(Lane[] keys, int rows) {
    int[] offsets = new int[rows + 1];
    int[] sizes = new int[rows];
    boolean[] anyNull = new boolean[rows];
    for (Lane key : keys) {
      for (int i = 0; i < rows; i++) {
        sizes[i] += 1;
        if (key.isNull(i)) {
          anyNull[i] = true;
          continue;
        }
        if (key instanceof Lane.Strings s) {
          sizes[i] += 4 + s.length(i);
        } else if (key instanceof Lane.Decimals) {
          sizes[i] += 16;
        } else if (key instanceof Lane.Bools) {
          sizes[i] += 1;
        } else {
          sizes[i] += 8;
        }
      }
    }
    for (int i = 0; i < rows; i++) {
      offsets[i + 1] = offsets[i] + sizes[i];
    }
    byte[] data = new byte[offsets[rows]];
    int[] at = new int[rows];
    System.arraycopy(offsets, 0, at, 0, rows);
    for (Lane key : keys) {
      if (key instanceof Lane.Longs l) {
        for (int i = 0; i < rows; i++) {
          if (l.isNull(i)) {
            data[at[i]++] = 1;
          } else {
            at[i] = putLong(data, at[i] + 1, l.values[i]);
          }
        }
      } else if (key instanceof Lane.Doubles d) {
        for (int i = 0; i < rows; i++) {
          if (d.isNull(i)) {
            data[at[i]++] = 1;
          } else {
            double v = d.values[i] == 0.0 ? 0.0 : d.values[i];
            at[i] = putLong(data, at[i] + 1, Double.doubleToLongBits(v));
          }
        }
      } else if (key instanceof Lane.Decimals d) {
        for (int i = 0; i < rows; i++) {
          if (d.isNull(i)) {
            data[at[i]++] = 1;
          } else if (d.unscaled != null) {
            long v = d.unscaled[i];
            int p = putLong(data, at[i] + 1, v >> 63);
            at[i] = putLong(data, p, v);
          } else {
            at[i] = putBig(data, at[i] + 1, d.big[i]);
          }
        }
      } else if (key instanceof Lane.Bools b) {
        for (int i = 0; i < rows; i++) {
          if (b.isNull(i)) {
            data[at[i]++] = 1;
          } else {
            data[at[i] + 1] = (byte) (b.values[i] ? 1 : 0);
            at[i] += 2;
          }
        }
      } else {
        Lane.Strings s = (Lane.Strings) key;
        for (int i = 0; i < rows; i++) {
          if (s.isNull(i)) {
            data[at[i]++] = 1;
          } else {
            int length = s.length(i);
            int p = at[i] + 1;
            data[p] = (byte) (length >>> 24);
            data[p + 1] = (byte) (length >>> 16);
            data[p + 2] = (byte) (length >>> 8);
            data[p + 3] = (byte) length;
            System.arraycopy(s.data, s.offsets[i], data, p + 4, length);
            at[i] = p + 4 + length;
          }
        }
      }
    }
    return new Encoded(data, offsets, anyNull);
  }

  private static int putLong(byte[] data, int p, long v) {
    for (int k = 7; k >= 0; k--) {
      data[p++] = (byte) (v >>> (k * 8));
    }
    return p;
  }

  private static int putBig(byte[] data, int p, BigDecimal value) {
    BigInteger unscaled = value.unscaledValue();
    if (unscaled.bitLength() < 64) {
      long v = unscaled.longValue();
      return putLong(data, putLong(data, p, v >> 63), v);
    }
    byte[] bytes = unscaled.toByteArray();
    byte fill = (byte) (unscaled.signum() < 0 ? -1 : 0);
    for (int k = 0; k < 16 - bytes.length; k++) {
      data[p++] = fill;
    }
    System.arraycopy(bytes, 0, data, p, bytes.length);
    return p + bytes.length;
  }
}
