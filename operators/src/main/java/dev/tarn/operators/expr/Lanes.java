package dev.tarn.operators.expr;

import dev.tarn.core.batch.ValidityBits;
import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.type.SqlType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.TinyIntVector;

/**
 * Moves values between Arrow vectors and {@link Lane}s, and converts lanes between numeric kinds.
 * One switch on the type per call, then a plain loop.
 */
public final class Lanes {
  static final long[] POWERS_OF_TEN = new long[19];

  static {
    long p = 1;
    for (int i = 0; i < POWERS_OF_TEN.length; i++) {
      POWERS_OF_TEN[i] = p;
      p *= 10;
    }
  }

  private Lanes() {}

  /** The first {@code rows} values of {@code vector} (of SQL type {@code type}) as a lane. */
  public static Lane read(FieldVector vector, SqlType type, int rows) {
    boolean[] nulls = readNulls(vector, rows);
    if (type.isNested()) {
      return ArrayFunctions.read(vector, type, rows, nulls);
    }
    switch (type.kind()) {
      case BOOLEAN:
        {
          BitVector v = (BitVector) vector;
          boolean[] out = new boolean[rows];
          ArrowBuf data = v.getDataBuffer();
          for (int i = 0; i < rows; i++) {
            out[i] = BitVectorHelper.get(data, i) != 0;
          }
          return new Lane.Bools(out, nulls);
        }
      case TINYINT:
        {
          long[] out = new long[rows];
          ArrowBuf data = ((TinyIntVector) vector).getDataBuffer();
          for (int i = 0; i < rows; i++) {
            out[i] = data.getByte(i);
          }
          return new Lane.Longs(type, out, nulls);
        }
      case SMALLINT:
        {
          long[] out = new long[rows];
          ArrowBuf data = ((SmallIntVector) vector).getDataBuffer();
          for (int i = 0; i < rows; i++) {
            out[i] = data.getShort((long) i * 2);
          }
          return new Lane.Longs(type, out, nulls);
        }
      case INTEGER:
      case DATE:
        {
          long[] out = new long[rows];
          ArrowBuf data = vector.getDataBuffer();
          for (int i = 0; i < rows; i++) {
            out[i] = data.getInt((long) i * 4);
          }
          return new Lane.Longs(type, out, nulls);
        }
      case BIGINT:
      case TIMESTAMP:
        {
          long[] out = new long[rows];
          ArrowBuf data = vector.getDataBuffer();
          for (int i = 0; i < rows; i++) {
            out[i] = data.getLong((long) i * 8);
          }
          return new Lane.Longs(type, out, nulls);
        }
      case REAL:
        {
          double[] out = new double[rows];
          ArrowBuf data = ((Float4Vector) vector).getDataBuffer();
          for (int i = 0; i < rows; i++) {
            out[i] = data.getFloat((long) i * 4);
          }
          return new Lane.Doubles(type, out, nulls);
        }
      case DOUBLE:
        {
          double[] out = new double[rows];
          ArrowBuf data = ((Float8Vector) vector).getDataBuffer();
          for (int i = 0; i < rows; i++) {
            out[i] = data.getDouble((long) i * 8);
          }
          return new Lane.Doubles(type, out, nulls);
        }
      case DECIMAL:
        return readDecimals((DecimalVector) vector, type, null, rows, nulls);
      case VARCHAR:
      case VARBINARY:
        {
          BaseVariableWidthVector v = (BaseVariableWidthVector) vector;
          int[] offsets = new int[rows + 1];
          ArrowBuf offsetBuffer = v.getOffsetBuffer();
          if (rows > 0) {
            for (int i = 0; i <= rows; i++) {
              offsets[i] = offsetBuffer.getInt((long) i * 4);
            }
          }
          int base = offsets[0];
          byte[] data = new byte[offsets[rows] - base];
          v.getDataBuffer().getBytes(base, data, 0, data.length);
          if (base != 0) {
            for (int i = 0; i <= rows; i++) {
              offsets[i] -= base;
            }
          }
          return new Lane.Strings(type, data, offsets, nulls);
        }
    }
    throw new AssertionError(type);
  }

  /**
   * Rows {@code rows[0..count)} of {@code vector} (of SQL type {@code type}) as a lane of {@code
   * count} values: lane row {@code i} is vector row {@code rows[i]}. What an expression evaluated
   * over a selection reads (a filter's later conjuncts, the branches of a CASE). A null {@code
   * rows} reads rows {@code [0, count)}, as {@link #read(FieldVector, SqlType, int)}.
   */
  public static Lane read(FieldVector vector, SqlType type, int[] rows, int count) {
    if (rows == null) {
      return read(vector, type, count);
    }
    boolean[] nulls = readNulls(vector, rows, count);
    if (type.isNested()) {
      // Nested values are boxed row by row anyway; reading all and picking costs little more.
      Lane.Values all = (Lane.Values) read(vector, type, vector.getValueCount());
      Object[] values = new Object[count];
      for (int i = 0; i < count; i++) {
        values[i] = all.values[rows[i]];
      }
      return new Lane.Values(type, values, nulls);
    }
    switch (type.kind()) {
      case BOOLEAN:
        {
          boolean[] out = new boolean[count];
          ArrowBuf data = vector.getDataBuffer();
          for (int i = 0; i < count; i++) {
            out[i] = BitVectorHelper.get(data, rows[i]) != 0;
          }
          return new Lane.Bools(out, nulls);
        }
      case TINYINT:
        {
          long[] out = new long[count];
          ArrowBuf data = vector.getDataBuffer();
          for (int i = 0; i < count; i++) {
            out[i] = data.getByte(rows[i]);
          }
          return new Lane.Longs(type, out, nulls);
        }
      case SMALLINT:
        {
          long[] out = new long[count];
          ArrowBuf data = vector.getDataBuffer();
          for (int i = 0; i < count; i++) {
            out[i] = data.getShort((long) rows[i] * 2);
          }
          return new Lane.Longs(type, out, nulls);
        }
      case INTEGER:
      case DATE:
        {
          long[] out = new long[count];
          ArrowBuf data = vector.getDataBuffer();
          for (int i = 0; i < count; i++) {
            out[i] = data.getInt((long) rows[i] * 4);
          }
          return new Lane.Longs(type, out, nulls);
        }
      case BIGINT:
      case TIMESTAMP:
        {
          long[] out = new long[count];
          ArrowBuf data = vector.getDataBuffer();
          for (int i = 0; i < count; i++) {
            out[i] = data.getLong((long) rows[i] * 8);
          }
          return new Lane.Longs(type, out, nulls);
        }
      case REAL:
        {
          double[] out = new double[count];
          ArrowBuf data = vector.getDataBuffer();
          for (int i = 0; i < count; i++) {
            out[i] = data.getFloat((long) rows[i] * 4);
          }
          return new Lane.Doubles(type, out, nulls);
        }
      case DOUBLE:
        {
          double[] out = new double[count];
          ArrowBuf data = vector.getDataBuffer();
          for (int i = 0; i < count; i++) {
            out[i] = data.getDouble((long) rows[i] * 8);
          }
          return new Lane.Doubles(type, out, nulls);
        }
      case DECIMAL:
        return readDecimals((DecimalVector) vector, type, rows, count, nulls);
      case VARCHAR:
      case VARBINARY:
        {
          ArrowBuf offsetBuffer = ((BaseVariableWidthVector) vector).getOffsetBuffer();
          int[] offsets = new int[count + 1];
          for (int i = 0; i < count; i++) {
            int r = rows[i];
            offsets[i + 1] =
                offsets[i]
                    + offsetBuffer.getInt((long) (r + 1) * 4)
                    - offsetBuffer.getInt((long) r * 4);
          }
          byte[] data = new byte[offsets[count]];
          ArrowBuf bytes = vector.getDataBuffer();
          for (int i = 0; i < count; i++) {
            int start = offsetBuffer.getInt((long) rows[i] * 4);
            bytes.getBytes(start, data, offsets[i], offsets[i + 1] - offsets[i]);
          }
          return new Lane.Strings(type, data, offsets, nulls);
        }
    }
    throw new AssertionError(type);
  }

  /**
   * Decimal128 values (little-endian two's complement) as unscaled longs when every non-NULL value
   * is its low eight bytes sign-extended (the high eight bytes are 0 or -1 matching the low's sign
   * bit), else as BigDecimals. Reads vector row {@code rows[i]}, or row {@code i} when {@code rows}
   * is null.
   */
  private static Lane.Decimals readDecimals(
      DecimalVector v, SqlType type, int[] rows, int count, boolean[] nulls) {
    ArrowBuf data = v.getDataBuffer();
    long[] unscaled = new long[count];
    boolean fits = true;
    for (int i = 0; i < count; i++) {
      long at = (long) (rows == null ? i : rows[i]) * 16;
      long low = data.getLong(at);
      long high = data.getLong(at + 8);
      unscaled[i] = low;
      // NULL slots may hold anything; only real values decide whether longs suffice.
      if (high != (low >> 63) && (nulls == null || !nulls[i])) {
        fits = false;
      }
    }
    if (fits) {
      return new Lane.Decimals(type, count, unscaled, null, nulls);
    }
    BigDecimal[] big = new BigDecimal[count];
    for (int i = 0; i < count; i++) {
      if (nulls == null || !nulls[i]) {
        big[i] = v.getObject(rows == null ? i : rows[i]);
      }
    }
    return new Lane.Decimals(type, count, null, big, nulls);
  }

  /** Per-row NULL marks, or {@code null} when the vector holds no NULL. */
  public static boolean[] readNulls(FieldVector vector, int rows) {
    if (vector.getNullCount() == 0) {
      return null;
    }
    boolean[] nulls = new boolean[rows];
    ArrowBuf validity = vector.getValidityBuffer();
    for (int i = 0; i < rows; i++) {
      nulls[i] = BitVectorHelper.get(validity, i) == 0;
    }
    return nulls;
  }

  /**
   * NULL marks of vector rows {@code rows[0..count)}, or {@code null} when none is NULL; a null
   * {@code rows} reads rows {@code [0, count)}, as {@link #readNulls(FieldVector, int)}.
   */
  static boolean[] readNulls(FieldVector vector, int[] rows, int count) {
    if (rows == null) {
      return readNulls(vector, count);
    }
    if (vector.getNullCount() == 0) {
      return null;
    }
    boolean[] nulls = new boolean[count];
    boolean any = false;
    ArrowBuf validity = vector.getValidityBuffer();
    for (int i = 0; i < count; i++) {
      nulls[i] = BitVectorHelper.get(validity, rows[i]) == 0;
      any |= nulls[i];
    }
    return any ? nulls : null;
  }

  /** A new vector named {@code name} holding the lane (of the lane's type); the caller owns it. */
  public static FieldVector write(Lane lane, String name, BufferAllocator allocator) {
    return write(lane, lane.type, name, allocator);
  }

  /**
   * A new vector of {@code type} (same Arrow layout family as the lane's type) holding the lane;
   * the caller owns it.
   */
  public static FieldVector write(Lane lane, SqlType type, String name, BufferAllocator allocator) {
    int n = lane.size;
    FieldVector vector = type.toField(name).createVector(allocator);
    try {
      boolean[] nulls = lane.nulls;
      if (type.isNested()) {
        ArrayFunctions.write((Lane.Values) lane, type, vector);
        return vector;
      }
      switch (type.kind()) {
        case BOOLEAN:
          {
            BitVector v = (BitVector) vector;
            v.allocateNew(n);
            boolean[] values = ((Lane.Bools) lane).values;
            for (int i = 0; i < n; i++) {
              if (nulls == null || !nulls[i]) {
                v.set(i, values[i] ? 1 : 0);
              }
            }
            break;
          }
        case TINYINT:
          {
            TinyIntVector v = (TinyIntVector) vector;
            v.allocateNew(n);
            long[] values = ((Lane.Longs) lane).values;
            for (int i = 0; i < n; i++) {
              if (nulls == null || !nulls[i]) {
                v.set(i, (byte) values[i]);
              }
            }
            break;
          }
        case SMALLINT:
          {
            SmallIntVector v = (SmallIntVector) vector;
            v.allocateNew(n);
            long[] values = ((Lane.Longs) lane).values;
            for (int i = 0; i < n; i++) {
              if (nulls == null || !nulls[i]) {
                v.set(i, (short) values[i]);
              }
            }
            break;
          }
        case INTEGER:
          {
            IntVector v = (IntVector) vector;
            v.allocateNew(n);
            long[] values = ((Lane.Longs) lane).values;
            for (int i = 0; i < n; i++) {
              if (nulls == null || !nulls[i]) {
                v.set(i, (int) values[i]);
              }
            }
            break;
          }
        case DATE:
          {
            DateDayVector v = (DateDayVector) vector;
            v.allocateNew(n);
            long[] values = ((Lane.Longs) lane).values;
            for (int i = 0; i < n; i++) {
              if (nulls == null || !nulls[i]) {
                v.set(i, (int) values[i]);
              }
            }
            break;
          }
        case BIGINT:
          {
            BigIntVector v = (BigIntVector) vector;
            v.allocateNew(n);
            long[] values = ((Lane.Longs) lane).values;
            for (int i = 0; i < n; i++) {
              if (nulls == null || !nulls[i]) {
                v.set(i, values[i]);
              }
            }
            break;
          }
        case TIMESTAMP:
          {
            TimeStampMicroVector v = (TimeStampMicroVector) vector;
            v.allocateNew(n);
            long[] values = ((Lane.Longs) lane).values;
            for (int i = 0; i < n; i++) {
              if (nulls == null || !nulls[i]) {
                v.set(i, values[i]);
              }
            }
            break;
          }
        case REAL:
          {
            Float4Vector v = (Float4Vector) vector;
            v.allocateNew(n);
            double[] values = ((Lane.Doubles) lane).values;
            for (int i = 0; i < n; i++) {
              if (nulls == null || !nulls[i]) {
                v.set(i, (float) values[i]);
              }
            }
            break;
          }
        case DOUBLE:
          {
            Float8Vector v = (Float8Vector) vector;
            v.allocateNew(n);
            double[] values = ((Lane.Doubles) lane).values;
            for (int i = 0; i < n; i++) {
              if (nulls == null || !nulls[i]) {
                v.set(i, values[i]);
              }
            }
            break;
          }
        case DECIMAL:
          {
            DecimalVector v = (DecimalVector) vector;
            v.allocateNew(n);
            Lane.Decimals d = (Lane.Decimals) lane;
            ArrowBuf data = v.getDataBuffer();
            if (d.unscaled != null) {
              // Decimal128 is little-endian two's complement: the long, then its sign extension.
              long[] values = d.unscaled;
              for (int i = 0; i < n; i++) {
                long value = values[i];
                data.setLong((long) i * 16, value);
                data.setLong((long) i * 16 + 8, value >> 63);
              }
              setValidity(v.getValidityBuffer(), nulls, n);
            } else {
              for (int i = 0; i < n; i++) {
                if (nulls == null || !nulls[i]) {
                  BigDecimal value = d.big[i].setScale(type.scale(), RoundingMode.HALF_UP);
                  if (value.precision() > type.precision()) {
                    throw new TarnException(
                        ErrorCode.INVALID_ARGUMENT,
                        "decimal value " + value + " does not fit " + type);
                  }
                  BigInteger unscaled = value.unscaledValue();
                  if (unscaled.bitLength() < 64) {
                    long small = unscaled.longValue();
                    data.setLong((long) i * 16, small);
                    data.setLong((long) i * 16 + 8, small >> 63);
                    BitVectorHelper.setBit(v.getValidityBuffer(), i);
                  } else {
                    v.set(i, value);
                  }
                }
              }
            }
            break;
          }
        case VARCHAR:
        case VARBINARY:
          {
            BaseVariableWidthVector v = (BaseVariableWidthVector) vector;
            Lane.Strings s = (Lane.Strings) lane;
            int bytes = s.offsets[n];
            v.allocateNew(Math.max(bytes, 1), n);
            v.getDataBuffer().setBytes(0, s.data, 0, bytes);
            ArrowBuf offsets = v.getOffsetBuffer();
            ArrowBuf validity = v.getValidityBuffer();
            for (int i = 0; i <= n; i++) {
              offsets.setInt((long) i * 4, s.offsets[i]);
            }
            for (int i = 0; i < n; i++) {
              if (nulls == null || !nulls[i]) {
                BitVectorHelper.setBit(validity, i);
              }
            }
            v.setLastSet(n - 1);
            break;
          }
      }
      vector.setValueCount(n);
      return vector;
    } catch (RuntimeException e) {
      vector.close();
      throw e;
    }
  }

  /**
   * Marks rows {@code [0, n)} of a zeroed validity buffer valid except where {@code nulls} says
   * NULL: whole bytes at once when there is no NULL.
   */
  private static void setValidity(ArrowBuf validity, boolean[] nulls, int n) {
    if (nulls == null) {
      ValidityBits.setRange(validity, 0, n);
      return;
    }
    for (int i = 0; i < n; i++) {
      if (!nulls[i]) {
        BitVectorHelper.setBit(validity, i);
      }
    }
  }

  /** A lane of {@code rows} copies of a literal value (Expr.Literal conventions). */
  public static Lane constant(Object value, SqlType type, int rows) {
    boolean[] nulls = null;
    if (value == null) {
      nulls = new boolean[rows];
      java.util.Arrays.fill(nulls, true);
    }
    if (type.isNested()) {
      Object[] values = new Object[rows];
      java.util.Arrays.fill(values, value);
      return new Lane.Values(type, values, nulls);
    }
    switch (type.kind()) {
      case BOOLEAN:
        {
          boolean[] out = new boolean[rows];
          if (value != null && (Boolean) value) {
            java.util.Arrays.fill(out, true);
          }
          return new Lane.Bools(out, nulls);
        }
      case TINYINT:
      case SMALLINT:
      case INTEGER:
      case BIGINT:
      case DATE:
      case TIMESTAMP:
        {
          long[] out = new long[rows];
          if (value != null) {
            java.util.Arrays.fill(out, literalLong(value));
          }
          return new Lane.Longs(type, out, nulls);
        }
      case REAL:
      case DOUBLE:
        {
          double[] out = new double[rows];
          if (value != null) {
            java.util.Arrays.fill(out, ((Number) value).doubleValue());
          }
          return new Lane.Doubles(type, out, nulls);
        }
      case DECIMAL:
        {
          long[] out = new long[rows];
          if (value != null) {
            BigDecimal d =
                (value instanceof BigDecimal b ? b : new BigDecimal(value.toString()))
                    .setScale(type.scale(), RoundingMode.HALF_UP);
            BigInteger u = d.unscaledValue();
            if (u.bitLength() >= 64) {
              BigDecimal[] big = new BigDecimal[rows];
              java.util.Arrays.fill(big, d);
              return new Lane.Decimals(type, rows, null, big, nulls);
            }
            java.util.Arrays.fill(out, u.longValue());
          }
          return new Lane.Decimals(type, rows, out, null, nulls);
        }
      case VARCHAR:
      case VARBINARY:
        {
          byte[] bytes =
              value == null
                  ? new byte[0]
                  : value instanceof byte[] b
                      ? b
                      : value.toString().getBytes(StandardCharsets.UTF_8);
          byte[] data = new byte[bytes.length * rows];
          int[] offsets = new int[rows + 1];
          for (int i = 0; i < rows; i++) {
            System.arraycopy(bytes, 0, data, i * bytes.length, bytes.length);
            offsets[i + 1] = (i + 1) * bytes.length;
          }
          return new Lane.Strings(type, data, offsets, nulls);
        }
    }
    throw new AssertionError(type);
  }

  private static long literalLong(Object value) {
    if (value instanceof java.time.LocalDate d) {
      return d.toEpochDay();
    }
    if (value instanceof java.time.LocalDateTime t) {
      return dev.tarn.core.batch.BatchRows.dateTimeToMicros(t);
    }
    return ((Number) value).longValue();
  }

  /** Numeric lane as doubles (decimals divided by their scale). */
  public static double[] asDoubles(Lane lane) {
    if (lane instanceof Lane.Doubles d) {
      return d.values;
    }
    double[] out = new double[lane.size];
    if (lane instanceof Lane.Longs l) {
      for (int i = 0; i < out.length; i++) {
        out[i] = l.values[i];
      }
    } else if (lane instanceof Lane.Decimals d) {
      if (d.unscaled != null) {
        double divisor = Math.pow(10, d.type.scale());
        for (int i = 0; i < out.length; i++) {
          out[i] = d.unscaled[i] / divisor;
        }
      } else {
        for (int i = 0; i < out.length; i++) {
          out[i] = d.isNull(i) ? 0 : d.big[i].doubleValue();
        }
      }
    } else {
      throw new IllegalArgumentException("not numeric: " + lane.type);
    }
    return out;
  }

  /**
   * Numeric (integer or decimal) lane as decimals of {@code scale}: unscaled longs when all fit,
   * else BigDecimals. Scaling down rounds HALF_UP.
   */
  public static Lane.Decimals asDecimals(Lane lane, int scale, SqlType resultType) {
    int n = lane.size;
    if (lane instanceof Lane.Longs l) {
      if (scale <= 18) {
        long factor = POWERS_OF_TEN[scale];
        long[] out = new long[n];
        try {
          for (int i = 0; i < n; i++) {
            out[i] = Math.multiplyExact(l.values[i], factor);
          }
          return new Lane.Decimals(resultType, n, out, null, lane.nulls);
        } catch (ArithmeticException e) {
          // Falls through to the wide path.
        }
      }
      BigDecimal[] big = new BigDecimal[n];
      for (int i = 0; i < n; i++) {
        big[i] = BigDecimal.valueOf(l.values[i]).setScale(scale);
      }
      return new Lane.Decimals(resultType, n, null, big, lane.nulls);
    }
    Lane.Decimals d = (Lane.Decimals) lane;
    int from = d.type.scale();
    if (from == scale) {
      return d.type.equals(resultType)
          ? d
          : new Lane.Decimals(resultType, n, d.unscaled, d.big, d.nulls);
    }
    if (d.unscaled != null && scale > from && scale - from <= 18) {
      long factor = POWERS_OF_TEN[scale - from];
      long[] out = new long[n];
      try {
        for (int i = 0; i < n; i++) {
          out[i] = Math.multiplyExact(d.unscaled[i], factor);
        }
        return new Lane.Decimals(resultType, n, out, null, d.nulls);
      } catch (ArithmeticException e) {
        // Falls through to the wide path.
      }
    }
    if (d.unscaled != null && scale < from && from - scale <= 18) {
      long divisor = POWERS_OF_TEN[from - scale];
      long half = divisor / 2;
      long[] out = new long[n];
      for (int i = 0; i < n; i++) {
        long v = d.unscaled[i];
        long q = v / divisor;
        long r = v % divisor;
        if (r >= half) {
          q++;
        } else if (-r >= half) {
          q--;
        }
        out[i] = q;
      }
      return new Lane.Decimals(resultType, n, out, null, d.nulls);
    }
    BigDecimal[] big = new BigDecimal[n];
    for (int i = 0; i < n; i++) {
      if (!d.isNull(i)) {
        big[i] = d.get(i).setScale(scale, RoundingMode.HALF_UP);
      }
    }
    return new Lane.Decimals(resultType, n, null, big, d.nulls);
  }

  /** Decimal lane of BigDecimals, narrowed to unscaled longs when every value fits. */
  static Lane.Decimals fromBig(SqlType type, BigDecimal[] big, boolean[] nulls) {
    int n = big.length;
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      if (big[i] != null) {
        BigInteger u = big[i].setScale(type.scale(), RoundingMode.HALF_UP).unscaledValue();
        if (u.bitLength() >= 64) {
          return new Lane.Decimals(type, n, null, big, nulls);
        }
        out[i] = u.longValue();
      }
    }
    return new Lane.Decimals(type, n, out, null, nulls);
  }

  /** Union of two null masks (row is NULL if NULL in either), or null if neither has NULLs. */
  public static boolean[] orNulls(boolean[] a, boolean[] b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    boolean[] out = new boolean[a.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = a[i] | b[i];
    }
    return out;
  }

  /**
   * A lane of {@code type} whose row i is row i of {@code sources[choice[i]]}, or NULL where {@code
   * choice[i] < 0} (CASE and COALESCE). Sources are first cast to {@code type}. With {@code
   * sourceRows} not null, row i reads row {@code sourceRows[i]} of its source (a source evaluated
   * over a subset of the rows).
   */
  public static Lane choose(SqlType type, Lane[] sources, int[] choice, int[] sourceRows) {
    int n = choice.length;
    Lane[] in = new Lane[sources.length];
    boolean anyBig = false;
    for (int k = 0; k < sources.length; k++) {
      in[k] = sources[k].type.equals(type) ? sources[k] : Casts.cast(sources[k], type);
      if (in[k] instanceof Lane.Decimals d && d.big != null) {
        anyBig = true;
      }
    }
    boolean[] nulls = new boolean[n];
    boolean anyNull = false;
    for (int i = 0; i < n; i++) {
      int c = choice[i];
      if (c < 0 || in[c].isNull(sourceRows == null ? i : sourceRows[i])) {
        nulls[i] = true;
        anyNull = true;
      }
    }
    boolean[] outNulls = anyNull ? nulls : null;
    switch (type.kind()) {
      case BOOLEAN:
        {
          boolean[] out = new boolean[n];
          for (int i = 0; i < n; i++) {
            if (!nulls[i]) {
              out[i] = ((Lane.Bools) in[choice[i]]).values[sourceRows == null ? i : sourceRows[i]];
            }
          }
          return new Lane.Bools(out, outNulls);
        }
      case REAL:
      case DOUBLE:
        {
          double[] out = new double[n];
          for (int i = 0; i < n; i++) {
            if (!nulls[i]) {
              out[i] =
                  ((Lane.Doubles) in[choice[i]]).values[sourceRows == null ? i : sourceRows[i]];
            }
          }
          return new Lane.Doubles(type, out, outNulls);
        }
      case DECIMAL:
        {
          if (anyBig) {
            BigDecimal[] out = new BigDecimal[n];
            for (int i = 0; i < n; i++) {
              if (!nulls[i]) {
                out[i] =
                    ((Lane.Decimals) in[choice[i]]).get(sourceRows == null ? i : sourceRows[i]);
              }
            }
            return new Lane.Decimals(type, n, null, out, outNulls);
          }
          long[] out = new long[n];
          for (int i = 0; i < n; i++) {
            if (!nulls[i]) {
              out[i] =
                  ((Lane.Decimals) in[choice[i]]).unscaled[sourceRows == null ? i : sourceRows[i]];
            }
          }
          return new Lane.Decimals(type, n, out, null, outNulls);
        }
      case VARCHAR:
      case VARBINARY:
        {
          Lane.StringsBuilder out = new Lane.StringsBuilder(type, n, 16 * n);
          for (int i = 0; i < n; i++) {
            if (nulls[i]) {
              out.appendNull();
            } else {
              Lane.Strings s = (Lane.Strings) in[choice[i]];
              int r = sourceRows == null ? i : sourceRows[i];
              out.append(s.data, s.offsets[r], s.offsets[r + 1] - s.offsets[r]);
            }
          }
          return out.build();
        }
      default:
        {
          long[] out = new long[n];
          for (int i = 0; i < n; i++) {
            if (!nulls[i]) {
              out[i] = ((Lane.Longs) in[choice[i]]).values[sourceRows == null ? i : sourceRows[i]];
            }
          }
          return new Lane.Longs(type, out, outNulls);
        }
    }
  }

  /** The lane converted to {@code type} with CAST semantics (the lane itself if already so). */
  public static Lane cast(Lane lane, SqlType type) {
    return lane.type.equals(type) ? lane : Casts.cast(lane, type);
  }
}
