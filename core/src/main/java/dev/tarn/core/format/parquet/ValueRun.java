package dev.tarn.core.format.parquet;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * One run of a column's rows decoded from a single page: which rows are NULL and the non-NULL
 * values, densely, in the file's physical representation. {@link ColumnChunkReader} fills it and
 * reuses it for the next run; {@link ParquetColumnDecoder} converts it into an Arrow vector.
 *
 * <ul>
 *   <li>Fixed-width types (INT32, INT64, FLOAT, DOUBLE, INT96, FIXED_LEN_BYTE_ARRAY): value {@code
 *       k} is the little-endian bytes {@code fixed[fixedOffset + k * width ..]}, exactly as PLAIN
 *       stores them; for a PLAIN page {@code fixed} is the page itself (no copy).
 *   <li>BYTE_ARRAY: value {@code k} is {@code bytes[offsets[k] .. offsets[k + 1])}.
 *   <li>BOOLEAN: value {@code k} is {@code booleans[k]} (0 or 1).
 * </ul>
 *
 * <p>INT32 and INT64 values gathered from a dictionary come instead as {@code longs[k]} (INT32
 * sign-extended), flagged by {@link #dense}: the LONG path converts them in place without going
 * through bytes.
 */
final class ValueRun {
  private static final VarHandle INTS =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** Rows in the run. */
  int rows;

  /** Rows whose value is not NULL; the number of values. */
  int nonNull;

  /** Definition level of each row, meaningful only when {@link #allValid} is false. */
  int[] definitions = new int[0];

  /** The level of a non-NULL row. */
  final int maxDefinition;

  boolean allValid;

  byte[] fixed = new byte[0];
  int fixedOffset;

  byte[] bytes = new byte[0];
  int[] offsets = new int[1];

  byte[] booleans = new byte[0];

  /** True when INT32/INT64 values are in {@link #longs} rather than {@link #fixed}. */
  boolean dense;

  long[] longs = new long[0];

  ValueRun(int maxDefinition) {
    this.maxDefinition = maxDefinition;
  }

  boolean isValid(int row) {
    return allValid || definitions[row] == maxDefinition;
  }

  int intAt(int k) {
    return dense ? (int) longs[k] : (int) INTS.get(fixed, fixedOffset + (k << 2));
  }

  long longAt(int k) {
    return dense ? longs[k] : (long) LONGS.get(fixed, fixedOffset + (k << 3));
  }

  float floatAt(int k) {
    return Float.intBitsToFloat(intAt(k));
  }

  double doubleAt(int k) {
    return Double.longBitsToDouble(longAt(k));
  }

  /** The {@code width} bytes of fixed-width value {@code k}, copied. */
  byte[] fixedValue(int k, int width) {
    byte[] value = new byte[width];
    System.arraycopy(fixed, fixedOffset + k * width, value, 0, width);
    return value;
  }

  /** Binary value {@code k}, copied. */
  byte[] bytesValue(int k) {
    int start = offsets[k];
    byte[] value = new byte[offsets[k + 1] - start];
    System.arraycopy(bytes, start, value, 0, value.length);
    return value;
  }

  static int readInt(byte[] from, int at) {
    return (int) INTS.get(from, at);
  }

  static long readLong(byte[] from, int at) {
    return (long) LONGS.get(from, at);
  }

  static void writeInt(byte[] to, int at, int value) {
    INTS.set(to, at, value);
  }

  static void writeLong(byte[] to, int at, long value) {
    LONGS.set(to, at, value);
  }
}
