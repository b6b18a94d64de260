package dev.tarn.operators.expr;

import dev.tarn.core.expr.Expr.Operator;
import dev.tarn.core.type.SqlType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** String, date and math function kernels. */
final class Functions {
  private static final long MICROS_PER_DAY = 86_400_000_000L;

  private Functions() {}

  /** LOWER and UPPER: ASCII rows are mapped byte by byte; others go through String. */
  static Lane.Strings changeCase(Lane.Strings in, boolean upper) {
    int n = in.size;
    Lane.StringsBuilder out = new Lane.StringsBuilder(in.type, n, in.data.length);
    byte[] data = in.data;
    byte[] scratch = new byte[64];
    for (int i = 0; i < n; i++) {
      if (in.isNull(i)) {
        out.appendNull();
        continue;
      }
      int s = in.offsets[i];
      int e = in.offsets[i + 1];
      boolean ascii = true;
      for (int k = s; k < e; k++) {
        if (data[k] < 0) {
          ascii = false;
          break;
        }
      }
      if (!ascii) {
        String text = in.string(i);
        out.append(upper ? text.toUpperCase(Locale.ROOT) : text.toLowerCase(Locale.ROOT));
        continue;
      }
      int len = e - s;
      if (scratch.length < len) {
        scratch = new byte[len * 2];
      }
      for (int k = 0; k < len; k++) {
        byte b = data[s + k];
        if (upper && b >= 'a' && b <= 'z') {
          b = (byte) (b - 32);
        } else if (!upper && b >= 'A' && b <= 'Z') {
          b = (byte) (b + 32);
        }
        scratch[k] = b;
      }
      out.append(scratch, 0, len);
    }
    return out.build();
  }

  /** Code points in each row (bytes that do not continue a UTF-8 sequence). */
  static Lane.Longs length(Lane.Strings in) {
    int n = in.size;
    long[] out = new long[n];
    byte[] data = in.data;
    for (int i = 0; i < n; i++) {
      long count = 0;
      for (int k = in.offsets[i]; k < in.offsets[i + 1]; k++) {
        if ((data[k] & 0xC0) != 0x80) {
          count++;
        }
      }
      out[i] = count;
    }
    return new Lane.Longs(SqlType.BIGINT, out, in.nulls);
  }

  /** Removes leading and trailing whitespace (spaces, tabs, line breaks). */
  static Lane.Strings trim(Lane.Strings in) {
    int n = in.size;
    Lane.StringsBuilder out = new Lane.StringsBuilder(in.type, n, in.data.length);
    byte[] data = in.data;
    for (int i = 0; i < n; i++) {
      if (in.isNull(i)) {
        out.appendNull();
        continue;
      }
      int s = in.offsets[i];
      int e = in.offsets[i + 1];
      while (s < e && isSpace(data[s])) {
        s++;
      }
      while (e > s && isSpace(data[e - 1])) {
        e--;
      }
      out.append(data, s, e - s);
    }
    return out.build();
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == 0x0B || b == '\f';
  }

  /**
   * SUBSTRING(s, start[, length]) in code points, 1-based; a negative start counts from the end
   * (Trino); start 0 or past the end yields ''.
   */
  static Lane.Strings substring(Lane.Strings in, Lane.Longs start, Lane.Longs length) {
    int n = in.size;
    boolean[] nulls = Lanes.orNulls(in.nulls, start.nulls);
    if (length != null) {
      nulls = Lanes.orNulls(nulls, length.nulls);
    }
    Lane.StringsBuilder out = new Lane.StringsBuilder(in.type, n, in.data.length);
    byte[] data = in.data;
    for (int i = 0; i < n; i++) {
      if (nulls != null && nulls[i]) {
        out.appendNull();
        continue;
      }
      int s = in.offsets[i];
      int e = in.offsets[i + 1];
      long chars = TextFunctions.codePoints(data, s, e);
      long from = start.values[i];
      if (from < 0) {
        from = chars + from + 1;
      }
      long count = length == null ? Long.MAX_VALUE : length.values[i];
      if (from < 1 || from > chars || count <= 0) {
        out.append(data, s, 0);
        continue;
      }
      long to = count >= chars - from + 1 ? chars : from - 1 + count;
      int byteFrom = byteOfCodePoint(data, s, e, from - 1);
      int byteTo = byteOfCodePoint(data, s, e, to);
      out.append(data, byteFrom, byteTo - byteFrom);
    }
    return out.build();
  }

  /** Byte position of the {@code index}-th (0-based) code point in data[s, e), or e. */
  private static int byteOfCodePoint(byte[] data, int s, int e, long index) {
    long seen = -1;
    for (int k = s; k < e; k++) {
      if ((data[k] & 0xC0) != 0x80) {
        seen++;
        if (seen == index) {
          return k;
        }
      }
    }
    return e;
  }

  /** CONCAT of two or more strings; NULL if any argument is NULL. */
  static Lane.Strings concat(Lane.Strings[] args, SqlType type) {
    int n = args[0].size;
    boolean[] nulls = null;
    int bytes = 0;
    for (Lane.Strings a : args) {
      nulls = Lanes.orNulls(nulls, a.nulls);
      bytes += a.data.length;
    }
    Lane.StringsBuilder out = new Lane.StringsBuilder(type, n, bytes);
    for (int i = 0; i < n; i++) {
      if (nulls != null && nulls[i]) {
        out.appendNull();
        continue;
      }
      for (Lane.Strings a : args) {
        out.appendPart(a.data, a.offsets[i], a.offsets[i + 1] - a.offsets[i]);
      }
      out.endRow();
    }
    return out.build();
  }

  /** EXTRACT(YEAR|MONTH|DAY) of dates or timestamps, with civil-date arithmetic (no objects). */
  static Lane.Longs extract(Operator op, Lane.Longs in) {
    int n = in.size;
    long[] out = new long[n];
    boolean timestamp = in.type.kind() == SqlType.Kind.TIMESTAMP;
    for (int i = 0; i < n; i++) {
      long days = timestamp ? Math.floorDiv(in.values[i], MICROS_PER_DAY) : in.values[i];
      // Howard Hinnant's civil_from_days.
      long z = days + 719468;
      long era = Math.floorDiv(z, 146097);
      long doe = z - era * 146097;
      long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
      long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
      long mp = (5 * doy + 2) / 153;
      long day = doy - (153 * mp + 2) / 5 + 1;
      long month = mp < 10 ? mp + 3 : mp - 9;
      long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
      switch (op) {
        case EXTRACT_YEAR:
          out[i] = year;
          break;
        case EXTRACT_MONTH:
          out[i] = month;
          break;
        case EXTRACT_DAY:
          out[i] = day;
          break;
        default:
          throw new AssertionError(op);
      }
    }
    return new Lane.Longs(SqlType.BIGINT, out, in.nulls);
  }

  /** ABS, FLOOR, CEIL, ROUND and TRUNCATE (with optional decimal places) over numeric lanes. */
  static Lane math(Operator op, Lane in, Lane.Longs places, SqlType result) {
    int n = in.size;
    boolean[] nulls = places == null ? in.nulls : Lanes.orNulls(in.nulls, places.nulls);
    if (in instanceof Lane.Longs l) {
      long[] out = new long[n];
      for (int i = 0; i < n; i++) {
        long v = l.values[i];
        if (op == Operator.ABS) {
          out[i] = Math.abs(v);
        } else if (op == Operator.ROUND && places != null && places.values[i] < 0) {
          long factor = pow10((int) Math.min(18, -places.values[i]));
          long q = v / factor;
          long r = v % factor;
          if (Math.abs(r) * 2 >= factor) {
            q += v < 0 ? -1 : 1;
          }
          out[i] = q * factor;
        } else if (op == Operator.TRUNCATE && places != null && places.values[i] < 0) {
          long factor = pow10((int) Math.min(18, -places.values[i]));
          out[i] = v / factor * factor;
        } else {
          out[i] = v;
        }
      }
      Lane.Longs longs = new Lane.Longs(in.type, out, nulls);
      return result.kind() == SqlType.Kind.DECIMAL
          ? Lanes.asDecimals(longs, result.scale(), result)
          : Casts.cast(longs, result);
    }
    if (in instanceof Lane.Doubles d) {
      double[] out = new double[n];
      for (int i = 0; i < n; i++) {
        double v = d.values[i];
        switch (op) {
          case ABS:
            out[i] = Math.abs(v);
            break;
          case FLOOR:
            out[i] = Math.floor(v);
            break;
          case CEIL:
            out[i] = Math.ceil(v);
            break;
          case TRUNCATE:
            {
              double factor = Math.pow(10, places == null ? 0 : places.values[i]);
              double scaled = v * factor;
              out[i] =
                  Double.isInfinite(scaled) || Double.isNaN(v)
                      ? v
                      : (scaled < 0 ? Math.ceil(scaled) : Math.floor(scaled)) / factor;
              break;
            }
          case ROUND:
            {
              long p = places == null ? 0 : places.values[i];
              double factor = Math.pow(10, p);
              double scaled = Math.abs(v) * factor;
              double rounded = Math.floor(scaled + 0.5) / factor;
              out[i] = Double.isInfinite(scaled) || Double.isNaN(v) ? v : Math.copySign(rounded, v);
              break;
            }
          default:
            throw new AssertionError(op);
        }
      }
      return Casts.cast(new Lane.Doubles(in.type, out, nulls), result);
    }
    Lane.Decimals dec = (Lane.Decimals) in;
    BigDecimal[] out = new BigDecimal[n];
    for (int i = 0; i < n; i++) {
      if (nulls != null && nulls[i]) {
        continue;
      }
      BigDecimal v = dec.get(i);
      switch (op) {
        case ABS:
          out[i] = v.abs();
          break;
        case FLOOR:
          out[i] = v.setScale(0, RoundingMode.FLOOR);
          break;
        case CEIL:
          out[i] = v.setScale(0, RoundingMode.CEILING);
          break;
        case ROUND:
          out[i] = v.setScale(places == null ? 0 : (int) places.values[i], RoundingMode.HALF_UP);
          break;
        case TRUNCATE:
          out[i] = v.setScale(places == null ? 0 : (int) places.values[i], RoundingMode.DOWN);
          break;
        default:
          throw new AssertionError(op);
      }
    }
    if (result.kind() != SqlType.Kind.DECIMAL) {
      return Casts.cast(Lanes.fromBig(SqlType.decimal(38, 0), out, nulls), result);
    }
    for (int i = 0; i < n; i++) {
      if (out[i] != null) {
        out[i] = out[i].setScale(result.scale(), RoundingMode.HALF_UP);
      }
    }
    return Lanes.fromBig(result, out, nulls);
  }

  private static long pow10(int p) {
    return Lanes.POWERS_OF_TEN[p];
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
