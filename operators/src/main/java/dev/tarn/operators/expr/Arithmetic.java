package dev.tarn.operators.expr;

import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.expr.Expr.Operator;
import dev.tarn.core.type.SqlType;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Arithmetic kernels over whole lanes. The result type (the Call's type) picks the domain: integer
 * kinds compute in longs (overflow is an error), real/double in doubles, decimals exactly (unscaled
 * longs when everything fits, BigDecimal otherwise).
 */
final class Arithmetic {
  private Arithmetic() {}

  static Lane binary(Operator op, Lane left, Lane right, SqlType result) {
    boolean[] nulls = Lanes.orNulls(left.nulls, right.nulls);
    switch (result.kind()) {
      case TINYINT:
      case SMALLINT:
      case INTEGER:
      case BIGINT:
        return longs(op, ((Lane.Longs) left).values, ((Lane.Longs) right).values, nulls, result);
      case REAL:
      case DOUBLE:
        return doubles(op, Lanes.asDoubles(left), Lanes.asDoubles(right), nulls, result);
      case DECIMAL:
        return decimals(op, left, right, nulls, result);
      default:
        throw new TarnException(
            ErrorCode.NOT_SUPPORTED, op + " yielding " + result + " is not supported");
    }
  }

  private static Lane longs(Operator op, long[] a, long[] b, boolean[] nulls, SqlType result) {
    int n = a.length;
    long[] out = new long[n];
    try {
      switch (op) {
        case ADD:
          for (int i = 0; i < n; i++) {
            if (nulls == null || !nulls[i]) {
              out[i] = Math.addExact(a[i], b[i]);
            }
          }
          break;
        case SUBTRACT:
          for (int i = 0; i < n; i++) {
            if (nulls == null || !nulls[i]) {
              out[i] = Math.subtractExact(a[i], b[i]);
            }
          }
          break;
        case MULTIPLY:
          for (int i = 0; i < n; i++) {
            if (nulls == null || !nulls[i]) {
              out[i] = Math.multiplyExact(a[i], b[i]);
            }
          }
          break;
        case DIVIDE:
          for (int i = 0; i < n; i++) {
            if (nulls == null || !nulls[i]) {
              if (b[i] == 0) {
                throw divisionByZero();
              }
              out[i] = a[i] / b[i];
            }
          }
          break;
        case MODULO:
          for (int i = 0; i < n; i++) {
            if (nulls == null || !nulls[i]) {
              if (b[i] == 0) {
                throw divisionByZero();
              }
              out[i] = a[i] % b[i];
            }
          }
          break;
        default:
          throw new AssertionError(op);
      }
    } catch (ArithmeticException e) {
      throw new TarnException(
          ErrorCode.INVALID_ARGUMENT,
          result + " overflow in " + op.name().toLowerCase(java.util.Locale.ROOT));
    }
    return new Lane.Longs(result, out, nulls);
  }

  static TarnException divisionByZero() {
    return new TarnException(ErrorCode.DIVISION_BY_ZERO, "division by zero");
  }

  private static Lane doubles(
      Operator op, double[] a, double[] b, boolean[] nulls, SqlType result) {
    int n = a.length;
    double[] out = new double[n];
    switch (op) {
      case ADD:
        for (int i = 0; i < n; i++) {
          out[i] = a[i] + b[i];
        }
        break;
      case SUBTRACT:
        for (int i = 0; i < n; i++) {
          out[i] = a[i] - b[i];
        }
        break;
      case MULTIPLY:
        for (int i = 0; i < n; i++) {
          out[i] = a[i] * b[i];
        }
        break;
      case DIVIDE:
        // IEEE semantics as in Trino: x / 0.0 is Infinity or NaN, not an error.
        for (int i = 0; i < n; i++) {
          out[i] = a[i] / b[i];
        }
        break;
      case MODULO:
        for (int i = 0; i < n; i++) {
          out[i] = a[i] % b[i];
        }
        break;
      default:
        throw new AssertionError(op);
    }
    return new Lane.Doubles(result, out, nulls);
  }

  private static Lane decimals(
      Operator op, Lane left, Lane right, boolean[] nulls, SqlType result) {
    int n = left.size;
    int scale = result.scale();
    if (op == Operator.ADD || op == Operator.SUBTRACT) {
      Lane.Decimals a = Lanes.asDecimals(left, scale, result);
      Lane.Decimals b = Lanes.asDecimals(right, scale, result);
      if (a.unscaled != null && b.unscaled != null) {
        long[] out = new long[n];
        try {
          if (op == Operator.ADD) {
            for (int i = 0; i < n; i++) {
              out[i] = Math.addExact(a.unscaled[i], b.unscaled[i]);
            }
          } else {
            for (int i = 0; i < n; i++) {
              out[i] = Math.subtractExact(a.unscaled[i], b.unscaled[i]);
            }
          }
          return new Lane.Decimals(result, n, out, null, nulls);
        } catch (ArithmeticException e) {
          // The wide path below handles sums past 64 bits.
        }
      }
      BigDecimal[] x = a.toBig();
      BigDecimal[] y = b.toBig();
      BigDecimal[] out = new BigDecimal[n];
      for (int i = 0; i < n; i++) {
        if (nulls == null || !nulls[i]) {
          out[i] = op == Operator.ADD ? x[i].add(y[i]) : x[i].subtract(y[i]);
        }
      }
      return Lanes.fromBig(result, out, nulls);
    }
    Lane.Decimals a =
        left instanceof Lane.Decimals d ? d : Lanes.asDecimals(left, 0, SqlType.decimal(19, 0));
    Lane.Decimals b =
        right instanceof Lane.Decimals d ? d : Lanes.asDecimals(right, 0, SqlType.decimal(19, 0));
    if (op == Operator.MULTIPLY
        && a.unscaled != null
        && b.unscaled != null
        && a.type.scale() + b.type.scale() == scale) {
      long[] out = new long[n];
      try {
        for (int i = 0; i < n; i++) {
          out[i] = Math.multiplyExact(a.unscaled[i], b.unscaled[i]);
        }
        return new Lane.Decimals(result, n, out, null, nulls);
      } catch (ArithmeticException e) {
        // The wide path below handles products past 64 bits.
      }
    }
    BigDecimal[] out = new BigDecimal[n];
    for (int i = 0; i < n; i++) {
      if (nulls != null && nulls[i]) {
        continue;
      }
      BigDecimal x = a.get(i);
      BigDecimal y = b.get(i);
      switch (op) {
        case MULTIPLY:
          out[i] = x.multiply(y).setScale(scale, RoundingMode.HALF_UP);
          break;
        case DIVIDE:
          if (y.signum() == 0) {
            throw divisionByZero();
          }
          out[i] = x.divide(y, scale, RoundingMode.HALF_UP);
          break;
        case MODULO:
          if (y.signum() == 0) {
            throw divisionByZero();
          }
          out[i] = x.remainder(y).setScale(scale, RoundingMode.HALF_UP);
          break;
        default:
          throw new AssertionError(op);
      }
    }
    return Lanes.fromBig(result, out, nulls);
  }

  static Lane negate(Lane value, SqlType result) {
    int n = value.size;
    if (value instanceof Lane.Longs l) {
      long[] out = new long[n];
      for (int i = 0; i < n; i++) {
        out[i] = -l.values[i];
      }
      return new Lane.Longs(result, out, value.nulls);
    }
    if (value instanceof Lane.Doubles d) {
      double[] out = new double[n];
      for (int i = 0; i < n; i++) {
        out[i] = -d.values[i];
      }
      return new Lane.Doubles(result, out, value.nulls);
    }
    Lane.Decimals d = Lanes.asDecimals(value, result.scale(), result);
    if (d.unscaled != null) {
      long[] out = new long[n];
      for (int i = 0; i < n; i++) {
        out[i] = -d.unscaled[i];
      }
      return new Lane.Decimals(result, n, out, null, value.nulls);
    }
    BigDecimal[] out = new BigDecimal[n];
    for (int i = 0; i < n; i++) {
      out[i] = d.big[i] == null ? null : d.big[i].negate();
    }
    return new Lane.Decimals(result, n, null, out, value.nulls);
  }
}
