package dev.tarn.operators.expr;

import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.expr.Expr.Operator;
import dev.tarn.core.type.SqlType;
import java.math.BigDecimal;
import java.util.concurrent.ThreadLocalRandom;

/** Math kernels over doubles, SIGN, and GREATEST / LEAST over lanes of one type. */
final class MathFunctions {
  private MathFunctions() {}

  /** random(): {@code rows} doubles in [0, 1). */
  static Lane.Doubles random(int rows) {
    double[] out = new double[rows];
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < rows; i++) {
      out[i] = random.nextDouble();
    }
    return new Lane.Doubles(SqlType.DOUBLE, out, null);
  }

  /**
   * random(n): a value in [0, n) per row.
   *
   * @throws TarnException INVALID_ARGUMENT when n is not positive
   */
  static Lane.Longs random(Lane.Longs bound) {
    int n = bound.size;
    long[] out = new long[n];
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < n; i++) {
      if (bound.isNull(i)) {
        continue;
      }
      long limit = bound.values[i];
      if (limit <= 0) {
        throw new TarnException(
            ErrorCode.INVALID_ARGUMENT, "random: bound must be positive, was " + limit);
      }
      out[i] = random.nextLong(limit);
    }
    return new Lane.Longs(SqlType.BIGINT, out, bound.nulls);
  }

  /** SQRT, EXP, LN, LOG10, LOG2 (NaN outside the domain, as Trino). */
  static Lane.Doubles unary(Operator op, Lane.Doubles in) {
    int n = in.size;
    double[] out = new double[n];
    double[] v = in.values;
    switch (op) {
      case SQRT:
        for (int i = 0; i < n; i++) {
          out[i] = Math.sqrt(v[i]);
        }
        break;
      case EXP:
        for (int i = 0; i < n; i++) {
          out[i] = Math.exp(v[i]);
        }
        break;
      case LN:
        for (int i = 0; i < n; i++) {
          out[i] = Math.log(v[i]);
        }
        break;
      case LOG10:
        for (int i = 0; i < n; i++) {
          out[i] = Math.log10(v[i]);
        }
        break;
      case LOG2:
        for (int i = 0; i < n; i++) {
          out[i] = Math.log(v[i]) / Math.log(2);
        }
        break;
      default:
        throw new AssertionError(op);
    }
    return new Lane.Doubles(SqlType.DOUBLE, out, in.nulls);
  }

  static Lane.Doubles power(Lane.Doubles base, Lane.Doubles exponent) {
    int n = base.size;
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = Math.pow(base.values[i], exponent.values[i]);
    }
    return new Lane.Doubles(SqlType.DOUBLE, out, Lanes.orNulls(base.nulls, exponent.nulls));
  }

  /** SIGN: -1, 0 or 1 in the argument's kind (NaN stays NaN for doubles). */
  static Lane sign(Lane in, SqlType result) {
    int n = in.size;
    if (in instanceof Lane.Doubles d) {
      double[] out = new double[n];
      for (int i = 0; i < n; i++) {
        out[i] = Math.signum(d.values[i]);
      }
      return Lanes.cast(new Lane.Doubles(in.type, out, in.nulls), result);
    }
    long[] out = new long[n];
    if (in instanceof Lane.Longs l) {
      for (int i = 0; i < n; i++) {
        out[i] = Long.signum(l.values[i]);
      }
    } else {
      Lane.Decimals d = (Lane.Decimals) in;
      for (int i = 0; i < n; i++) {
        if (!d.isNull(i)) {
          out[i] = d.unscaled != null ? Long.signum(d.unscaled[i]) : d.big[i].signum();
        }
      }
    }
    return Lanes.cast(new Lane.Longs(SqlType.BIGINT, out, in.nulls), result);
  }

  /** GREATEST or LEAST of lanes already of one type; NULL where any argument is NULL. */
  static Lane extreme(Lane[] args, boolean greatest, SqlType type) {
    int n = args[0].size;
    boolean[] nulls = null;
    for (Lane a : args) {
      nulls = Lanes.orNulls(nulls, a.nulls);
    }
    int[] choice = new int[n];
    for (int k = 1; k < args.length; k++) {
      Lane a = args[k];
      for (int i = 0; i < n; i++) {
        int c = compare(a, i, args[choice[i]], i);
        if (greatest ? c > 0 : c < 0) {
          choice[i] = k;
        }
      }
    }
    if (nulls != null) {
      for (int i = 0; i < n; i++) {
        if (nulls[i]) {
          choice[i] = -1;
        }
      }
    }
    return Lanes.choose(type, args, choice, null);
  }

  private static int compare(Lane a, int i, Lane b, int j) {
    if (a.isNull(i) || b.isNull(j)) {
      return 0;
    }
    if (a instanceof Lane.Longs x) {
      return Long.compare(x.values[i], ((Lane.Longs) b).values[j]);
    }
    if (a instanceof Lane.Doubles x) {
      return Double.compare(x.values[i], ((Lane.Doubles) b).values[j]);
    }
    if (a instanceof Lane.Decimals x) {
      Lane.Decimals y = (Lane.Decimals) b;
      if (x.unscaled != null && y.unscaled != null) {
        return Long.compare(x.unscaled[i], y.unscaled[j]);
      }
      BigDecimal p = x.get(i);
      return p.compareTo(y.get(j));
    }
    if (a instanceof Lane.Strings x) {
      Lane.Strings y = (Lane.Strings) b;
      return java.util.Arrays.compareUnsigned(
          x.data, x.offsets[i], x.offsets[i + 1], y.data, y.offsets[j], y.offsets[j + 1]);
    }
    return Boolean.compare(((Lane.Bools) a).values[i], ((Lane.Bools) b).values[j]);
  }
}
