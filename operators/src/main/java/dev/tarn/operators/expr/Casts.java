package dev.tarn.operators.expr;

import dev.tarn.core.batch.BatchRows;
import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.type.SqlType;
import dev.tarn.core.type.SqlType.Kind;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;

/**
 * CAST kernels: numeric kinds among themselves, anything to and from varchar, date and timestamp. A
 * value that does not convert is an INVALID_ARGUMENT error naming the value and the target type, as
 * in Trino.
 */
final class Casts {
  private static final long MICROS_PER_DAY = 86_400_000_000L;
  private static final DateTimeFormatter TIMESTAMP_TEXT =
      new DateTimeFormatterBuilder()
          .appendPattern("yyyy-MM-dd")
          .optionalStart()
          .appendLiteral(' ')
          .optionalEnd()
          .optionalStart()
          .appendLiteral('T')
          .optionalEnd()
          .optionalStart()
          .appendPattern("HH:mm")
          .optionalStart()
          .appendPattern(":ss")
          .optionalStart()
          .appendFraction(ChronoField.MICRO_OF_SECOND, 0, 9, true)
          .optionalEnd()
          .optionalEnd()
          .optionalEnd()
          .parseDefaulting(ChronoField.HOUR_OF_DAY, 0)
          .toFormatter();

  private Casts() {}

  /** Throws NOT_SUPPORTED at compile time when no kernel converts {@code from} to {@code to}. */
  static void check(SqlType from, SqlType to) {
    Kind f = from.kind();
    Kind t = to.kind();
    boolean ok =
        f == t
            || f == Kind.VARCHAR
            || t == Kind.VARCHAR
            || (from.isNumeric() && to.isNumeric())
            || (f == Kind.BOOLEAN && to.isNumeric())
            || (from.isNumeric() && t == Kind.BOOLEAN && f != Kind.DECIMAL)
            || (f == Kind.DATE && t == Kind.TIMESTAMP)
            || (f == Kind.TIMESTAMP && t == Kind.DATE);
    if (!ok || (f == Kind.VARBINARY && t != Kind.VARBINARY && t != Kind.VARCHAR)) {
      throw new TarnException(ErrorCode.NOT_SUPPORTED, "cannot cast " + from + " to " + to);
    }
  }

  static Lane cast(Lane in, SqlType to) {
    SqlType from = in.type;
    if (from.equals(to)) {
      return in;
    }
    int n = in.size;
    boolean[] nulls = in.nulls;
    switch (to.kind()) {
      case TINYINT:
      case SMALLINT:
      case INTEGER:
      case BIGINT:
        {
          long[] out = new long[n];
          long min = minOf(to.kind());
          long max = -(min + 1);
          if (in instanceof Lane.Longs l) {
            for (int i = 0; i < n; i++) {
              out[i] = l.values[i];
            }
          } else if (in instanceof Lane.Doubles d) {
            for (int i = 0; i < n; i++) {
              if (nulls == null || !nulls[i]) {
                double v = d.values[i];
                if (Double.isNaN(v)
                    || v >= 9.223372036854775807E18
                    || v < -9.223372036854775808E18) {
                  throw outOfRange(Double.toString(v), to);
                }
                // Trino rounds half away from zero when casting to an integer.
                out[i] = v < 0 ? -(long) Math.floor(-v + 0.5) : (long) Math.floor(v + 0.5);
              }
            }
          } else if (in instanceof Lane.Decimals d) {
            Lane.Decimals rounded = Lanes.asDecimals(d, 0, SqlType.decimal(38, 0));
            for (int i = 0; i < n; i++) {
              if (nulls == null || !nulls[i]) {
                if (rounded.unscaled != null) {
                  out[i] = rounded.unscaled[i];
                } else {
                  BigDecimal v = rounded.big[i];
                  if (v.unscaledValue().bitLength() >= 64) {
                    throw outOfRange(v.toPlainString(), to);
                  }
                  out[i] = v.longValueExact();
                }
              }
            }
          } else if (in instanceof Lane.Bools b) {
            for (int i = 0; i < n; i++) {
              out[i] = b.values[i] ? 1 : 0;
            }
          } else {
            Lane.Strings s = (Lane.Strings) in;
            for (int i = 0; i < n; i++) {
              if (nulls == null || !nulls[i]) {
                String text = s.string(i).trim();
                try {
                  out[i] = Long.parseLong(text);
                } catch (NumberFormatException e) {
                  throw cannotCast(text, to);
                }
              }
            }
          }
          if (to.kind() != Kind.BIGINT) {
            for (int i = 0; i < n; i++) {
              if ((nulls == null || !nulls[i]) && (out[i] < min || out[i] > max)) {
                throw outOfRange(Long.toString(out[i]), to);
              }
            }
          }
          return new Lane.Longs(to, out, nulls);
        }
      case REAL:
      case DOUBLE:
        {
          double[] out;
          if (in instanceof Lane.Bools b) {
            out = new double[n];
            for (int i = 0; i < n; i++) {
              out[i] = b.values[i] ? 1 : 0;
            }
          } else if (in instanceof Lane.Strings s) {
            out = new double[n];
            for (int i = 0; i < n; i++) {
              if (nulls == null || !nulls[i]) {
                String text = s.string(i).trim();
                try {
                  out[i] = Double.parseDouble(text);
                } catch (NumberFormatException e) {
                  throw cannotCast(text, to);
                }
              }
            }
          } else {
            out = Lanes.asDoubles(in);
            if (in instanceof Lane.Doubles) {
              out = out.clone();
            }
          }
          if (to.kind() == Kind.REAL) {
            for (int i = 0; i < n; i++) {
              out[i] = (float) out[i];
            }
          }
          return new Lane.Doubles(to, out, nulls);
        }
      case DECIMAL:
        return toDecimal(in, to);
      case BOOLEAN:
        {
          boolean[] out = new boolean[n];
          if (in instanceof Lane.Longs l) {
            for (int i = 0; i < n; i++) {
              out[i] = l.values[i] != 0;
            }
          } else if (in instanceof Lane.Doubles d) {
            for (int i = 0; i < n; i++) {
              out[i] = d.values[i] != 0;
            }
          } else {
            Lane.Strings s = (Lane.Strings) in;
            for (int i = 0; i < n; i++) {
              if (nulls == null || !nulls[i]) {
                String text = s.string(i).trim().toLowerCase(java.util.Locale.ROOT);
                if (text.equals("true") || text.equals("t") || text.equals("1")) {
                  out[i] = true;
                } else if (!(text.equals("false") || text.equals("f") || text.equals("0"))) {
                  throw cannotCast(s.string(i), to);
                }
              }
            }
          }
          return new Lane.Bools(out, nulls);
        }
      case DATE:
        {
          long[] out = new long[n];
          if (from.kind() == Kind.TIMESTAMP) {
            long[] micros = ((Lane.Longs) in).values;
            for (int i = 0; i < n; i++) {
              out[i] = Math.floorDiv(micros[i], MICROS_PER_DAY);
            }
          } else {
            Lane.Strings s = (Lane.Strings) in;
            for (int i = 0; i < n; i++) {
              if (nulls == null || !nulls[i]) {
                String text = s.string(i).trim();
                try {
                  out[i] = LocalDate.parse(text).toEpochDay();
                } catch (DateTimeParseException e) {
                  throw cannotCast(text, to);
                }
              }
            }
          }
          return new Lane.Longs(to, out, nulls);
        }
      case TIMESTAMP:
        {
          long[] out = new long[n];
          if (from.kind() == Kind.DATE) {
            long[] days = ((Lane.Longs) in).values;
            for (int i = 0; i < n; i++) {
              out[i] = days[i] * MICROS_PER_DAY;
            }
          } else {
            Lane.Strings s = (Lane.Strings) in;
            for (int i = 0; i < n; i++) {
              if (nulls == null || !nulls[i]) {
                String text = s.string(i).trim();
                try {
                  out[i] = BatchRows.dateTimeToMicros(LocalDateTime.parse(text, TIMESTAMP_TEXT));
                } catch (DateTimeParseException e) {
                  throw cannotCast(text, to);
                }
              }
            }
          }
          return new Lane.Longs(to, out, nulls);
        }
      case VARCHAR:
        return toVarchar(in, to);
      case VARBINARY:
        {
          Lane.Strings s = (Lane.Strings) in;
          return new Lane.Strings(to, s.data, s.offsets, s.nulls);
        }
    }
    throw new AssertionError(to);
  }

  private static long minOf(Kind kind) {
    switch (kind) {
      case TINYINT:
        return Byte.MIN_VALUE;
      case SMALLINT:
        return Short.MIN_VALUE;
      case INTEGER:
        return Integer.MIN_VALUE;
      default:
        return Long.MIN_VALUE;
    }
  }

  private static Lane toDecimal(Lane in, SqlType to) {
    int n = in.size;
    boolean[] nulls = in.nulls;
    Lane.Decimals out;
    if (in instanceof Lane.Longs || in instanceof Lane.Decimals) {
      out = Lanes.asDecimals(in, to.scale(), to);
    } else {
      BigDecimal[] big = new BigDecimal[n];
      for (int i = 0; i < n; i++) {
        if (nulls == null || !nulls[i]) {
          BigDecimal v;
          if (in instanceof Lane.Doubles d) {
            if (!Double.isFinite(d.values[i])) {
              throw outOfRange(Double.toString(d.values[i]), to);
            }
            v = BigDecimal.valueOf(d.values[i]);
          } else if (in instanceof Lane.Bools b) {
            v = b.values[i] ? BigDecimal.ONE : BigDecimal.ZERO;
          } else {
            String text = ((Lane.Strings) in).string(i).trim();
            try {
              v = new BigDecimal(text);
            } catch (NumberFormatException e) {
              throw cannotCast(text, to);
            }
          }
          big[i] = v.setScale(to.scale(), RoundingMode.HALF_UP);
        }
      }
      out = Lanes.fromBig(to, big, nulls);
    }
    checkPrecision(out, to);
    return out;
  }

  private static void checkPrecision(Lane.Decimals d, SqlType to) {
    int n = d.size;
    if (d.unscaled != null) {
      if (to.precision() >= 19) {
        return;
      }
      long limit = Lanes.POWERS_OF_TEN[to.precision()];
      for (int i = 0; i < n; i++) {
        if (!d.isNull(i) && (d.unscaled[i] >= limit || d.unscaled[i] <= -limit)) {
          throw outOfRange(d.get(i).toPlainString(), to);
        }
      }
    } else {
      for (int i = 0; i < n; i++) {
        if (!d.isNull(i) && d.big[i].precision() - d.big[i].scale() > to.precision() - to.scale()) {
          throw outOfRange(d.big[i].toPlainString(), to);
        }
      }
    }
  }

  private static Lane toVarchar(Lane in, SqlType to) {
    int n = in.size;
    if (in instanceof Lane.Strings s) {
      return new Lane.Strings(to, s.data, s.offsets, s.nulls);
    }
    Lane.StringsBuilder out = new Lane.StringsBuilder(to, n, n * 8);
    for (int i = 0; i < n; i++) {
      if (in.isNull(i)) {
        out.appendNull();
      } else {
        out.append(text(in, i));
      }
    }
    return out.build();
  }

  /** Trino's text of one non-NULL value. */
  static String text(Lane in, int i) {
    switch (in.type.kind()) {
      case BOOLEAN:
        return ((Lane.Bools) in).values[i] ? "true" : "false";
      case TINYINT:
      case SMALLINT:
      case INTEGER:
      case BIGINT:
        return Long.toString(((Lane.Longs) in).values[i]);
      case REAL:
        return Float.toString((float) ((Lane.Doubles) in).values[i]);
      case DOUBLE:
        return Double.toString(((Lane.Doubles) in).values[i]);
      case DECIMAL:
        return ((Lane.Decimals) in).get(i).toPlainString();
      case DATE:
        return LocalDate.ofEpochDay(((Lane.Longs) in).values[i]).toString();
      case TIMESTAMP:
        {
          LocalDateTime t = BatchRows.microsToDateTime(((Lane.Longs) in).values[i]);
          return t.toLocalDate()
              + " "
              + String.format(
                  java.util.Locale.ROOT,
                  "%02d:%02d:%02d.%06d",
                  t.getHour(),
                  t.getMinute(),
                  t.getSecond(),
                  t.getNano() / 1000);
        }
      case VARCHAR:
      case VARBINARY:
        return ((Lane.Strings) in).string(i);
    }
    throw new AssertionError(in.type);
  }

  private static TarnException cannotCast(String text, SqlType to) {
    return new TarnException(ErrorCode.INVALID_ARGUMENT, "cannot cast '" + text + "' to " + to);
  }

  private static TarnException outOfRange(String text, SqlType to) {
    return new TarnException(
        ErrorCode.INVALID_ARGUMENT, "value " + text + " is out of range for " + to);
  }
}
