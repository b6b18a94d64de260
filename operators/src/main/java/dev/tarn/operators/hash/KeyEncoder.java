package dev.tarn.operators.hash;

import dev.tarn.operators.expr.Lane;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteOrder;

/**
 * Encodes the key columns of each row into one byte string, column by column, so that rows with
 * equal keys (SQL equality, NULL equal to NULL) get equal bytes regardless of the batch they came
 * from. Per value: a NULL marker byte, then integers/dates/timestamps as 8 bytes, doubles as their
 * normalized bits, decimals as the 16-byte two's complement of the unscaled value, strings as a
 * 4-byte length and their bytes, booleans as one byte.
 *
 * <p>The whole batch is encoded into one array, a column at a time: one pass per column sizes the
 * rows, one pass per column writes them, each a plain loop with no per-row dispatch on the type.
 */
public final class KeyEncoder {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private KeyEncoder() {}

  /** Encoded keys: row i is {@code data[offsets[i], offsets[i + 1])}. */
  public record Encoded(byte[] data, int[] offsets, boolean[] anyNull) {}

  public static Encoded encode(Lane[] keys, int rows) {
    int[] offsets = new int[rows + 1];
    int[] sizes = new int[rows];
    boolean[] anyNull = new boolean[rows];
    for (Lane key : keys) {
      boolean[] nulls = key.nulls;
      if (key instanceof Lane.Strings s) {
        int[] stringOffsets = s.offsets;
        for (int i = 0; i < rows; i++) {
          boolean isNull = nulls != null && nulls[i];
          sizes[i] += isNull ? 1 : 5 + stringOffsets[i + 1] - stringOffsets[i];
        }
      } else {
        int width = key instanceof Lane.Decimals ? 17 : key instanceof Lane.Bools ? 2 : 9;
        if (nulls == null) {
          for (int i = 0; i < rows; i++) {
            sizes[i] += width;
          }
        } else {
          for (int i = 0; i < rows; i++) {
            sizes[i] += nulls[i] ? 1 : width;
          }
        }
      }
      if (nulls != null) {
        for (int i = 0; i < rows; i++) {
          anyNull[i] |= nulls[i];
        }
      }
    }
    for (int i = 0; i < rows; i++) {
      offsets[i + 1] = offsets[i] + sizes[i];
    }
    byte[] data = new byte[offsets[rows]];
    // Where each row's next value goes: reuses sizes, starting at the row's offset.
    int[] at = sizes;
    System.arraycopy(offsets, 0, at, 0, rows);
    for (Lane key : keys) {
      boolean[] nulls = key.nulls;
      if (key instanceof Lane.Longs l) {
        long[] values = l.values;
        for (int i = 0; i < rows; i++) {
          if (nulls != null && nulls[i]) {
            data[at[i]++] = 1;
          } else {
            LONGS.set(data, at[i] + 1, values[i]);
            at[i] += 9;
          }
        }
      } else if (key instanceof Lane.Doubles d) {
        for (int i = 0; i < rows; i++) {
          if (nulls != null && nulls[i]) {
            data[at[i]++] = 1;
          } else {
            double v = d.values[i] == 0.0 ? 0.0 : d.values[i];
            LONGS.set(data, at[i] + 1, Double.doubleToLongBits(v));
            at[i] += 9;
          }
        }
      } else if (key instanceof Lane.Decimals d) {
        for (int i = 0; i < rows; i++) {
          if (nulls != null && nulls[i]) {
            data[at[i]++] = 1;
          } else if (d.unscaled != null) {
            long v = d.unscaled[i];
            LONGS.set(data, at[i] + 1, v >> 63);
            LONGS.set(data, at[i] + 9, v);
            at[i] += 17;
          } else {
            at[i] = putBig(data, at[i] + 1, d.big[i]);
          }
        }
      } else if (key instanceof Lane.Bools b) {
        for (int i = 0; i < rows; i++) {
          if (nulls != null && nulls[i]) {
            data[at[i]++] = 1;
          } else {
            data[at[i] + 1] = (byte) (b.values[i] ? 1 : 0);
            at[i] += 2;
          }
        }
      } else {
        Lane.Strings s = (Lane.Strings) key;
        int[] stringOffsets = s.offsets;
        byte[] bytes = s.data;
        for (int i = 0; i < rows; i++) {
          if (nulls != null && nulls[i]) {
            data[at[i]++] = 1;
          } else {
            int start = stringOffsets[i];
            int length = stringOffsets[i + 1] - start;
            int p = at[i] + 1;
            data[p] = (byte) (length >>> 24);
            data[p + 1] = (byte) (length >>> 16);
            data[p + 2] = (byte) (length >>> 8);
            data[p + 3] = (byte) length;
            System.arraycopy(bytes, start, data, p + 4, length);
            at[i] = p + 4 + length;
          }
        }
      }
    }
    return new Encoded(data, offsets, anyNull);
  }

  private static int putBig(byte[] data, int p, BigDecimal value) {
    BigInteger unscaled = value.unscaledValue();
    if (unscaled.bitLength() < 64) {
      long v = unscaled.longValue();
      LONGS.set(data, p, v >> 63);
      LONGS.set(data, p + 8, v);
      return p + 16;
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
