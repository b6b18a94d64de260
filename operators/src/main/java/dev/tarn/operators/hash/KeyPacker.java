package dev.tarn.operators.hash;

import dev.tarn.core.type.SqlType;
import dev.tarn.operators.expr.Lane;
import java.util.Arrays;

/**
 * Packs the key columns of a row into one long, so that composite and short string keys group
 * through a {@link LongHashTable} instead of encoded byte strings. Each column owns a bit field of
 * the long; a field holds a code, 0 for NULL:
 *
 * <ul>
 *   <li>integers, dates, timestamps ({@link Lane.Longs}): {@code value - low + 1} for values in
 *       {@code [low, high]}, a range chosen around the values seen so far, with the bits left over
 *       spread among these columns as room to grow;
 *   <li>booleans: 1 false, 2 true;
 *   <li>strings of at most {@code maxLength} (at most 7) bytes: {@code length + 1} in the low bits,
 *       then the bytes.
 * </ul>
 *
 * <p>For example keys {@code ('N', 'O')} of two strings seen at most one byte long take 10 bits
 * each: {@code 2 | 'N' << 2} in bits 0-9 and {@code 2 | 'O' << 2} in bits 10-19. A row whose key is
 * packed to the same long as another's has the same key values (NULLs included, and an empty
 * string, code 1, is not NULL, code 0), and {@link #unpack} gives the values back.
 *
 * <p>A packer is immutable. {@link #choose} makes one for the ranges of {@link Ranges}, or none
 * when the key cannot fit 64 bits (a double or decimal column, a longer string, too wide ranges);
 * {@link #covers} tells whether a batch's values fit an existing packer, checked once per batch so
 * that {@link #pack} needs no per-row test.
 */
final class KeyPacker {
  /** Longest string a field holds: with its length code, 7 bytes and 3 bits still fit a long. */
  static final int MAX_STRING_BYTES = 7;

  /** Widest field of an integer column, so that {@code high - low} never overflows a long. */
  private static final int MAX_LONG_BITS = 62;

  /** What a column's field holds. */
  private enum Field {
    LONGS,
    BOOLS,
    STRINGS
  }

  private final Field[] fields;
  private final SqlType[] types;
  private final int[] shifts;
  private final int[] bits;
  private final long[] lows;
  private final long[] highs;
  private final int[] maxLengths;

  private KeyPacker(
      Field[] fields,
      SqlType[] types,
      int[] shifts,
      int[] bits,
      long[] lows,
      long[] highs,
      int[] maxLengths) {
    this.fields = fields;
    this.types = types;
    this.shifts = shifts;
    this.bits = bits;
    this.lows = lows;
    this.highs = highs;
    this.maxLengths = maxLengths;
  }

  /**
   * The value ranges of key columns seen so far: per integer column the least and greatest non-NULL
   * value, per string column the longest value's length. Mutable; one per table.
   */
  static final class Ranges {
    final long[] mins;
    final long[] maxs;
    final boolean[] seen;
    final int[] maxLengths;

    Ranges(int columns) {
      mins = new long[columns];
      maxs = new long[columns];
      seen = new boolean[columns];
      maxLengths = new int[columns];
    }

    /** Widens these ranges by the first {@code rows} values of {@code keys}. */
    void include(Lane[] keys, int rows) {
      for (int k = 0; k < keys.length; k++) {
        Lane key = keys[k];
        boolean[] nulls = key.nulls;
        if (key instanceof Lane.Longs longs) {
          long[] values = longs.values;
          long min = Long.MAX_VALUE;
          long max = Long.MIN_VALUE;
          boolean any = false;
          for (int i = 0; i < rows; i++) {
            if (nulls == null || !nulls[i]) {
              long v = values[i];
              min = Math.min(min, v);
              max = Math.max(max, v);
              any = true;
            }
          }
          if (any) {
            mins[k] = seen[k] ? Math.min(mins[k], min) : min;
            maxs[k] = seen[k] ? Math.max(maxs[k], max) : max;
            seen[k] = true;
          }
        } else if (key instanceof Lane.Strings strings) {
          int[] offsets = strings.offsets;
          int longest = 0;
          for (int i = 0; i < rows; i++) {
            if (nulls == null || !nulls[i]) {
              longest = Math.max(longest, offsets[i + 1] - offsets[i]);
            }
          }
          maxLengths[k] = Math.max(maxLengths[k], longest);
        }
      }
    }
  }

  /** Whether every key lane can be packed at all: integers, booleans and strings only. */
  static boolean packable(Lane[] keys) {
    for (Lane key : keys) {
      if (!(key instanceof Lane.Longs
          || key instanceof Lane.Bools
          || key instanceof Lane.Strings)) {
        return false;
      }
    }
    return true;
  }

  /**
   * A packer whose fields hold the values of {@code ranges}, or null if they need more than 64
   * bits. {@code keys} (any batch of these columns, {@link #packable}) gives the column kinds.
   */
  static KeyPacker choose(Lane[] keys, Ranges ranges) {
    int columns = keys.length;
    Field[] fields = new Field[columns];
    SqlType[] types = new SqlType[columns];
    int[] bits = new int[columns];
    long[] lows = new long[columns];
    long[] highs = new long[columns];
    int[] maxLengths = new int[columns];
    int total = 0;
    int longColumns = 0;
    for (int k = 0; k < columns; k++) {
      Lane key = keys[k];
      types[k] = key.type;
      if (key instanceof Lane.Longs) {
        fields[k] = Field.LONGS;
        long span = ranges.seen[k] ? ranges.maxs[k] - ranges.mins[k] : 0;
        if (span < 0 || span >= (1L << MAX_LONG_BITS) - 2) {
          return null;
        }
        // Codes 1 .. span + 1 for the values, 0 for NULL.
        bits[k] = bitsFor(span + 1);
        longColumns++;
      } else if (key instanceof Lane.Bools) {
        fields[k] = Field.BOOLS;
        bits[k] = 2;
      } else {
        fields[k] = Field.STRINGS;
        int maxLength = ranges.maxLengths[k];
        if (maxLength > MAX_STRING_BYTES) {
          return null;
        }
        maxLengths[k] = maxLength;
        bits[k] = lengthBits(maxLength) + 8 * maxLength;
      }
      total += bits[k];
    }
    if (total > 64) {
      return null;
    }
    // Spare bits widen the integer ranges, so that later batches with new values rarely force a
    // new layout (and a repacking of the groups found so far).
    int spare = 64 - total;
    for (int k = 0; k < columns && longColumns > 0; k++) {
      if (fields[k] == Field.LONGS) {
        int extra = Math.min(spare / longColumns, MAX_LONG_BITS - bits[k]);
        bits[k] += extra;
        spare -= extra;
        longColumns--;
        long min = ranges.seen[k] ? ranges.mins[k] : 0;
        long max = ranges.seen[k] ? ranges.maxs[k] : 0;
        long values = (1L << bits[k]) - 1;
        long slack = values - (max - min + 1);
        long low = min - slack / 2;
        if (low > min) {
          low = Long.MIN_VALUE;
        }
        long high = low + (values - 1);
        if (high < low) {
          high = Long.MAX_VALUE;
          low = high - (values - 1);
        }
        lows[k] = low;
        highs[k] = high;
      }
    }
    int[] shifts = new int[columns];
    int shift = 0;
    for (int k = 0; k < columns; k++) {
      shifts[k] = shift;
      shift += bits[k];
    }
    return new KeyPacker(fields, types, shifts, bits, lows, highs, maxLengths);
  }

  /** Whether every value of {@code ranges} fits this packer's fields. */
  boolean covers(Ranges ranges) {
    for (int k = 0; k < types.length; k++) {
      if (ranges.seen[k] && (ranges.mins[k] < lows[k] || ranges.maxs[k] > highs[k])) {
        return false;
      }
      if (ranges.maxLengths[k] > maxLengths[k]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Rows of {@code keys} with a value outside this packer's fields (NULLs are inside): such a key
   * belongs to no group packed so far.
   */
  boolean[] outside(Lane[] keys, int rows) {
    boolean[] outside = new boolean[rows];
    for (int k = 0; k < keys.length; k++) {
      Lane key = keys[k];
      boolean[] nulls = key.nulls;
      if (key instanceof Lane.Longs longs) {
        long[] values = longs.values;
        long low = lows[k];
        long high = highs[k];
        for (int i = 0; i < rows; i++) {
          long v = values[i];
          outside[i] |= (v < low || v > high) && (nulls == null || !nulls[i]);
        }
      } else if (key instanceof Lane.Strings strings) {
        int[] offsets = strings.offsets;
        int maxLength = maxLengths[k];
        for (int i = 0; i < rows; i++) {
          outside[i] |= offsets[i + 1] - offsets[i] > maxLength && (nulls == null || !nulls[i]);
        }
      }
    }
    return outside;
  }

  /**
   * Packs rows {@code [0, rows)} of {@code keys} into {@code packed}; every value must be covered
   * (see {@link #covers}).
   */
  void pack(Lane[] keys, int rows, long[] packed) {
    Arrays.fill(packed, 0, rows, 0L);
    for (int k = 0; k < keys.length; k++) {
      Lane key = keys[k];
      int shift = shifts[k];
      boolean[] nulls = key.nulls;
      if (key instanceof Lane.Longs longs) {
        long[] values = longs.values;
        // value - low + 1, as low - 1 subtracted once: wrapping arithmetic gives the exact code.
        long base = lows[k] - 1;
        if (nulls == null) {
          for (int i = 0; i < rows; i++) {
            packed[i] |= (values[i] - base) << shift;
          }
        } else {
          for (int i = 0; i < rows; i++) {
            packed[i] |= nulls[i] ? 0 : (values[i] - base) << shift;
          }
        }
      } else if (key instanceof Lane.Bools bools) {
        boolean[] values = bools.values;
        for (int i = 0; i < rows; i++) {
          long code = nulls != null && nulls[i] ? 0 : values[i] ? 2 : 1;
          packed[i] |= code << shift;
        }
      } else {
        Lane.Strings strings = (Lane.Strings) key;
        byte[] data = strings.data;
        int[] offsets = strings.offsets;
        int lengthBits = lengthBits(maxLengths[k]);
        for (int i = 0; i < rows; i++) {
          if (nulls != null && nulls[i]) {
            continue;
          }
          int start = offsets[i];
          int length = offsets[i + 1] - start;
          long code = 0;
          for (int b = length - 1; b >= 0; b--) {
            code = (code << 8) | (data[start + b] & 0xffL);
          }
          packed[i] |= ((code << lengthBits) | (length + 1L)) << shift;
        }
      }
    }
  }

  /** The key values of {@code packed[0, count)}, one lane per column: the inverse of pack. */
  Lane[] unpack(long[] packed, int count) {
    Lane[] lanes = new Lane[types.length];
    for (int k = 0; k < types.length; k++) {
      int shift = shifts[k];
      long mask = (1L << bits[k]) - 1;
      boolean[] nulls = new boolean[count];
      switch (fields[k]) {
        case BOOLS -> {
          boolean[] values = new boolean[count];
          for (int i = 0; i < count; i++) {
            long code = (packed[i] >>> shift) & mask;
            nulls[i] = code == 0;
            values[i] = code == 2;
          }
          lanes[k] = new Lane.Bools(values, nulls);
        }
        case STRINGS -> {
          int lengthBits = lengthBits(maxLengths[k]);
          long lengthMask = (1L << lengthBits) - 1;
          int[] offsets = new int[count + 1];
          byte[] data = new byte[count * maxLengths[k]];
          int at = 0;
          for (int i = 0; i < count; i++) {
            long code = (packed[i] >>> shift) & mask;
            int length = (int) (code & lengthMask) - 1;
            nulls[i] = length < 0;
            long bytes = code >>> lengthBits;
            for (int b = 0; b < length; b++) {
              data[at++] = (byte) (bytes >>> (8 * b));
            }
            offsets[i + 1] = at;
          }
          lanes[k] = new Lane.Strings(types[k], data, offsets, nulls);
        }
        case LONGS -> {
          long[] values = new long[count];
          long base = lows[k] - 1;
          for (int i = 0; i < count; i++) {
            long code = (packed[i] >>> shift) & mask;
            nulls[i] = code == 0;
            values[i] = code == 0 ? 0 : code + base;
          }
          lanes[k] = new Lane.Longs(types[k], values, nulls);
        }
      }
    }
    return lanes;
  }

  /** Bits for the codes 0 (NULL) to {@code maxLength + 1} of a string's length. */
  private static int lengthBits(int maxLength) {
    return bitsFor(maxLength + 1);
  }

  /** Bits to hold the values 0 to {@code value} (at least 1). */
  private static int bitsFor(long value) {
    return Math.max(1, 64 - Long.numberOfLeadingZeros(value));
  }
}
