package dev.tarn.operators.expr;

import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.expr.Expr.Operator;
import dev.tarn.core.type.SqlType;
import java.math.BigDecimal;

/**
 * Comparison kernels. Both sides are first brought to one domain (longs, doubles, decimals of a
 * common scale, UTF-8 bytes, booleans); a first pass writes the sign of each comparison, a second
 * maps signs to the operator's result with SQL NULL semantics.
 */
final class Comparison {
  private static final long MICROS_PER_DAY = 86_400_000_000L;

  private Comparison() {}

  /** Which domain two types compare in; throws NOT_SUPPORTED for incomparable types. */
  enum Domain {
    LONG,
    DOUBLE,
    DECIMAL,
    BYTES,
    BOOLEAN,
    DATE_TIMESTAMP
  }

  static Domain domain(SqlType a, SqlType b) {
    SqlType.Kind x = a.kind();
    SqlType.Kind y = b.kind();
    if (a.isNumeric() && b.isNumeric()) {
      if (x == SqlType.Kind.REAL
          || x == SqlType.Kind.DOUBLE
          || y == SqlType.Kind.REAL
          || y == SqlType.Kind.DOUBLE) {
        return Domain.DOUBLE;
      }
      return x == SqlType.Kind.DECIMAL || y == SqlType.Kind.DECIMAL ? Domain.DECIMAL : Domain.LONG;
    }
    if ((x == SqlType.Kind.VARCHAR && y == SqlType.Kind.VARCHAR)
        || (x == SqlType.Kind.VARBINARY && y == SqlType.Kind.VARBINARY)) {
      return Domain.BYTES;
    }
    if (x == SqlType.Kind.BOOLEAN && y == SqlType.Kind.BOOLEAN) {
      return Domain.BOOLEAN;
    }
    if (x == y && (x == SqlType.Kind.DATE || x == SqlType.Kind.TIMESTAMP)) {
      return Domain.LONG;
    }
    if ((x == SqlType.Kind.DATE && y == SqlType.Kind.TIMESTAMP)
        || (x == SqlType.Kind.TIMESTAMP && y == SqlType.Kind.DATE)) {
      return Domain.DATE_TIMESTAMP;
    }
    throw new TarnException(ErrorCode.NOT_SUPPORTED, "cannot compare " + a + " with " + b);
  }

  /** Sign of left[i] compared with right[i], for each row (NULL rows hold 0). */
  static int[] signs(Domain domain, Lane left, Lane right) {
    int n = left.size;
    int[] out = new int[n];
    switch (domain) {
      case LONG:
        {
          long[] a = ((Lane.Longs) left).values;
          long[] b = ((Lane.Longs) right).values;
          for (int i = 0; i < n; i++) {
            out[i] = Long.compare(a[i], b[i]);
          }
          return out;
        }
      case DATE_TIMESTAMP:
        {
          long[] a = micros((Lane.Longs) left);
          long[] b = micros((Lane.Longs) right);
          for (int i = 0; i < n; i++) {
            out[i] = Long.compare(a[i], b[i]);
          }
          return out;
        }
      case DOUBLE:
        {
          double[] a = Lanes.asDoubles(left);
          double[] b = Lanes.asDoubles(right);
          for (int i = 0; i < n; i++) {
            out[i] = Double.compare(a[i] == 0.0 ? 0.0 : a[i], b[i] == 0.0 ? 0.0 : b[i]);
          }
          return out;
        }
      case DECIMAL:
        {
          int scale = Math.max(scaleOf(left), scaleOf(right));
          SqlType common = SqlType.decimal(38, scale);
          Lane.Decimals a = Lanes.asDecimals(left, scale, common);
          Lane.Decimals b = Lanes.asDecimals(right, scale, common);
          if (a.unscaled != null && b.unscaled != null) {
            for (int i = 0; i < n; i++) {
              out[i] = Long.compare(a.unscaled[i], b.unscaled[i]);
            }
          } else {
            BigDecimal[] x = a.toBig();
            BigDecimal[] y = b.toBig();
            for (int i = 0; i < n; i++) {
              if (x[i] != null && y[i] != null) {
                out[i] = x[i].compareTo(y[i]);
              }
            }
          }
          return out;
        }
      case BYTES:
        {
          Lane.Strings a = (Lane.Strings) left;
          Lane.Strings b = (Lane.Strings) right;
          for (int i = 0; i < n; i++) {
            out[i] =
                compareBytes(
                    a.data, a.offsets[i], a.offsets[i + 1], b.data, b.offsets[i], b.offsets[i + 1]);
          }
          return out;
        }
      case BOOLEAN:
        {
          boolean[] a = ((Lane.Bools) left).values;
          boolean[] b = ((Lane.Bools) right).values;
          for (int i = 0; i < n; i++) {
            out[i] = Boolean.compare(a[i], b[i]);
          }
          return out;
        }
    }
    throw new AssertionError(domain);
  }

  private static int scaleOf(Lane lane) {
    return lane.type.kind() == SqlType.Kind.DECIMAL ? lane.type.scale() : 0;
  }

  private static long[] micros(Lane.Longs lane) {
    if (lane.type.kind() == SqlType.Kind.TIMESTAMP) {
      return lane.values;
    }
    long[] out = new long[lane.size];
    for (int i = 0; i < out.length; i++) {
      out[i] = lane.values[i] * MICROS_PER_DAY;
    }
    return out;
  }

  /** Unsigned byte-wise order, which for UTF-8 is code point order. */
  static int compareBytes(byte[] a, int aStart, int aEnd, byte[] b, int bStart, int bEnd) {
    int la = aEnd - aStart;
    int lb = bEnd - bStart;
    int common = Math.min(la, lb);
    int mismatch =
        java.util.Arrays.mismatch(a, aStart, aStart + common, b, bStart, bStart + common);
    if (mismatch >= 0) {
      return Integer.compare(a[aStart + mismatch] & 0xff, b[bStart + mismatch] & 0xff);
    }
    return Integer.compare(la, lb);
  }

  /** The boolean lane of a comparison operator. */
  static Lane.Bools compare(Operator op, Lane left, Lane right) {
    int[] signs = signs(domain(left.type, right.type), left, right);
    int n = signs.length;
    boolean[] out = new boolean[n];
    if (op == Operator.IS_DISTINCT_FROM || op == Operator.IS_NOT_DISTINCT_FROM) {
      boolean distinct = op == Operator.IS_DISTINCT_FROM;
      for (int i = 0; i < n; i++) {
        boolean ln = left.isNull(i);
        boolean rn = right.isNull(i);
        boolean same = ln || rn ? ln == rn : signs[i] == 0;
        out[i] = same != distinct;
      }
      return new Lane.Bools(out, null);
    }
    switch (op) {
      case EQUAL:
        for (int i = 0; i < n; i++) {
          out[i] = signs[i] == 0;
        }
        break;
      case NOT_EQUAL:
        for (int i = 0; i < n; i++) {
          out[i] = signs[i] != 0;
        }
        break;
      case LESS_THAN:
        for (int i = 0; i < n; i++) {
          out[i] = signs[i] < 0;
        }
        break;
      case LESS_THAN_OR_EQUAL:
        for (int i = 0; i < n; i++) {
          out[i] = signs[i] <= 0;
        }
        break;
      case GREATER_THAN:
        for (int i = 0; i < n; i++) {
          out[i] = signs[i] > 0;
        }
        break;
      case GREATER_THAN_OR_EQUAL:
        for (int i = 0; i < n; i++) {
          out[i] = signs[i] >= 0;
        }
        break;
      default:
        throw new AssertionError(op);
    }
    return new Lane.Bools(out, Lanes.orNulls(left.nulls, right.nulls));
  }
}
