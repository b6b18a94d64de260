package dev.tarn.operators.expr;

import dev.tarn.core.type.SqlType;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

/**
 * One column of values in plain Java arrays: what expression nodes compute on. Reading an Arrow
 * vector into a lane is one bulk copy; kernels are then tight loops over primitive arrays with no
 * Arrow bounds or null checks, and intermediate results need no Arrow memory (so an error in the
 * middle of an expression cannot leak buffers).
 *
 * <p>{@code nulls} is {@code null} when no value is NULL, else {@code nulls[i]} marks row i as NULL
 * (the value slot of a NULL row holds an unspecified value).
 */
public abstract sealed class Lane
    permits Lane.Longs, Lane.Doubles, Lane.Decimals, Lane.Bools, Lane.Strings, Lane.Values {
  public final SqlType type;
  public final int size;
  public boolean[] nulls;

  Lane(SqlType type, int size, boolean[] nulls) {
    this.type = type;
    this.size = size;
    this.nulls = nulls;
  }

  public final boolean isNull(int row) {
    return nulls != null && nulls[row];
  }

  /** Integers of every width, dates (days) and timestamps (microseconds). */
  public static final class Longs extends Lane {
    public final long[] values;

    public Longs(SqlType type, long[] values, boolean[] nulls) {
      super(type, values.length, nulls);
      this.values = values;
    }
  }

  /** Real and double. */
  public static final class Doubles extends Lane {
    public final double[] values;

    public Doubles(SqlType type, double[] values, boolean[] nulls) {
      super(type, values.length, nulls);
      this.values = values;
    }
  }

  /**
   * Decimals of the type's scale: unscaled longs when every value fits 64 bits (the fast path),
   * otherwise {@code BigDecimal}s. Exactly one of {@code unscaled} and {@code big} is set.
   */
  public static final class Decimals extends Lane {
    public final long[] unscaled;
    public final BigDecimal[] big;

    public Decimals(SqlType type, int size, long[] unscaled, BigDecimal[] big, boolean[] nulls) {
      super(type, size, nulls);
      if ((unscaled == null) == (big == null)) {
        throw new IllegalArgumentException("exactly one of unscaled and big must be set");
      }
      this.unscaled = unscaled;
      this.big = big;
    }

    /** The value of a non-NULL row (boxed: slow paths only). */
    public BigDecimal get(int row) {
      return unscaled != null ? BigDecimal.valueOf(unscaled[row], type.scale()) : big[row];
    }

    /** The values as BigDecimals (for the wide path). */
    public BigDecimal[] toBig() {
      if (big != null) {
        return big;
      }
      BigDecimal[] out = new BigDecimal[size];
      for (int i = 0; i < size; i++) {
        if (!isNull(i)) {
          out[i] = BigDecimal.valueOf(unscaled[i], type.scale());
        }
      }
      return out;
    }
  }

  /** Booleans. */
  public static final class Bools extends Lane {
    public final boolean[] values;

    public Bools(boolean[] values, boolean[] nulls) {
      super(SqlType.BOOLEAN, values.length, nulls);
      this.values = values;
    }
  }

  /**
   * Varchar (UTF-8) and varbinary, laid out as Arrow does: row i is {@code data[offsets[i] ..
   * offsets[i + 1])}.
   */
  public static final class Strings extends Lane {
    public final byte[] data;
    public final int[] offsets;

    public Strings(SqlType type, byte[] data, int[] offsets, boolean[] nulls) {
      super(type, offsets.length - 1, nulls);
      this.data = data;
      this.offsets = offsets;
    }

    public int start(int row) {
      return offsets[row];
    }

    public int length(int row) {
      return offsets[row + 1] - offsets[row];
    }

    /** Row i decoded (slow paths only). */
    public String string(int row) {
      return new String(
          data, offsets[row], offsets[row + 1] - offsets[row], StandardCharsets.UTF_8);
    }
  }

  /**
   * Arrays, maps and rows as boxed Java values in {@link dev.tarn.core.batch.BatchRows}'
   * conventions (List, Map, List of fields). Nested values are reassembled per row anyway, so their
   * functions ({@link ArrayFunctions}) work on whole values; scalar lanes never box.
   */
  public static final class Values extends Lane {
    public final Object[] values;

    public Values(SqlType type, Object[] values, boolean[] nulls) {
      super(type, values.length, nulls);
      this.values = values;
    }
  }

  /** Appends rows to a new {@link Strings} lane without a copy per row. */
  public static final class StringsBuilder {
    private final SqlType type;
    private byte[] data;
    private final int[] offsets;
    private final boolean[] nulls;
    private boolean anyNull;
    private int row;
    private int cursor;

    public StringsBuilder(SqlType type, int rows, int bytesHint) {
      this.type = type;
      this.data = new byte[Math.max(16, bytesHint)];
      this.offsets = new int[rows + 1];
      this.nulls = new boolean[rows];
    }

    /** Adds bytes to the current row; finish the row with {@link #endRow}. */
    public void appendPart(byte[] bytes, int start, int length) {
      if (cursor + length > data.length) {
        data = java.util.Arrays.copyOf(data, Math.max(cursor + length, data.length * 2));
      }
      System.arraycopy(bytes, start, data, cursor, length);
      cursor += length;
    }

    public void endRow() {
      row++;
      offsets[row] = cursor;
    }

    public void append(byte[] bytes, int start, int length) {
      appendPart(bytes, start, length);
      endRow();
    }

    public void append(String value) {
      byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
      append(bytes, 0, bytes.length);
    }

    public void appendNull() {
      nulls[row] = true;
      anyNull = true;
      endRow();
    }

    public Strings build() {
      return new Strings(type, data, offsets, anyNull ? nulls : null);
    }
  }
}
