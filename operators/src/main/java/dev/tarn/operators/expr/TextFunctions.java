package dev.tarn.operators.expr;

import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.type.SqlType;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * String function kernels added for Trino compatibility. Byte-level loops where UTF-8 allows it
 * (trimming, prefix and substring search, splitting); code-point work (padding, reversing) walks
 * the UTF-8 lead bytes. Regular expressions are compiled once per call site.
 */
final class TextFunctions {
  private TextFunctions() {}

  /** LTRIM (left) or RTRIM (right) of whitespace. */
  static Lane.Strings trimSide(Lane.Strings in, boolean left) {
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
      while (left && s < e && isSpace(data[s])) {
        s++;
      }
      while (!left && e > s && isSpace(data[e - 1])) {
        e--;
      }
      out.append(data, s, e - s);
    }
    return out.build();
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == 0x0B || b == '\f';
  }

  /** Index of {@code needle} in {@code data[from, to)}, or -1. */
  private static int indexOf(byte[] data, int from, int to, byte[] nd, int ns, int nl) {
    if (nl == 0) {
      return from;
    }
    byte first = nd[ns];
    for (int k = from; k + nl <= to; k++) {
      if (data[k] == first && java.util.Arrays.equals(data, k, k + nl, nd, ns, ns + nl)) {
        return k;
      }
    }
    return -1;
  }

  /** UTF-8 code points in {@code data[s, e)}. */
  static int codePoints(byte[] data, int s, int e) {
    int count = 0;
    for (int k = s; k < e; k++) {
      if ((data[k] & 0xC0) != 0x80) {
        count++;
      }
    }
    return count;
  }

  /** REPLACE(s, search[, replacement]). An empty search leaves the string as it is. */
  static Lane.Strings replace(Lane.Strings in, Lane.Strings search, Lane.Strings replacement) {
    int n = in.size;
    boolean[] nulls = Lanes.orNulls(in.nulls, search.nulls);
    if (replacement != null) {
      nulls = Lanes.orNulls(nulls, replacement.nulls);
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
      int ss = search.offsets[i];
      int sl = search.offsets[i + 1] - ss;
      if (sl == 0) {
        out.append(data, s, e - s);
        continue;
      }
      int k = s;
      while (true) {
        int hit = indexOf(data, k, e, search.data, ss, sl);
        if (hit < 0) {
          break;
        }
        out.appendPart(data, k, hit - k);
        if (replacement != null) {
          int rs = replacement.offsets[i];
          out.appendPart(replacement.data, rs, replacement.offsets[i + 1] - rs);
        }
        k = hit + sl;
      }
      out.appendPart(data, k, e - k);
      out.endRow();
    }
    return out.build();
  }

  /** SPLIT_PART(s, delimiter, index): NULL past the last field; index must be positive. */
  static Lane.Strings splitPart(Lane.Strings in, Lane.Strings delimiter, Lane.Longs index) {
    int n = in.size;
    boolean[] nulls = Lanes.orNulls(Lanes.orNulls(in.nulls, delimiter.nulls), index.nulls);
    Lane.StringsBuilder out = new Lane.StringsBuilder(in.type, n, in.data.length);
    byte[] data = in.data;
    for (int i = 0; i < n; i++) {
      if (nulls != null && nulls[i]) {
        out.appendNull();
        continue;
      }
      long wanted = index.values[i];
      if (wanted <= 0) {
        throw new TarnException(
            ErrorCode.INVALID_ARGUMENT,
            "split_part index must be greater than zero, got " + wanted);
      }
      int s = in.offsets[i];
      int e = in.offsets[i + 1];
      int ds = delimiter.offsets[i];
      int dl = delimiter.offsets[i + 1] - ds;
      if (dl == 0) {
        // Trino splits an empty delimiter into characters.
        int from = s;
        long field = 0;
        boolean found = false;
        for (int k = s; k <= e; k++) {
          if (k == e || ((data[k] & 0xC0) != 0x80 && k > s)) {
            if (++field == wanted) {
              out.append(data, from, k - from);
              found = true;
              break;
            }
            from = k;
          }
        }
        if (!found) {
          out.appendNull();
        }
        continue;
      }
      int from = s;
      long field = 1;
      while (field < wanted) {
        int hit = indexOf(data, from, e, delimiter.data, ds, dl);
        if (hit < 0) {
          break;
        }
        from = hit + dl;
        field++;
      }
      if (field < wanted) {
        out.appendNull();
        continue;
      }
      int hit = indexOf(data, from, e, delimiter.data, ds, dl);
      out.append(data, from, (hit < 0 ? e : hit) - from);
    }
    return out.build();
  }

  /** STRPOS(s, sub): 1-based code point position of the first occurrence, 0 if absent. */
  static Lane.Longs strpos(Lane.Strings in, Lane.Strings sub) {
    int n = in.size;
    long[] out = new long[n];
    boolean[] nulls = Lanes.orNulls(in.nulls, sub.nulls);
    for (int i = 0; i < n; i++) {
      if (nulls != null && nulls[i]) {
        continue;
      }
      int s = in.offsets[i];
      int hit =
          indexOf(
              in.data,
              s,
              in.offsets[i + 1],
              sub.data,
              sub.offsets[i],
              sub.offsets[i + 1] - sub.offsets[i]);
      out[i] = hit < 0 ? 0 : codePoints(in.data, s, hit) + 1;
    }
    return new Lane.Longs(SqlType.BIGINT, out, nulls);
  }

  /** STARTS_WITH(s, prefix). */
  static Lane.Bools startsWith(Lane.Strings in, Lane.Strings prefix) {
    int n = in.size;
    boolean[] out = new boolean[n];
    boolean[] nulls = Lanes.orNulls(in.nulls, prefix.nulls);
    for (int i = 0; i < n; i++) {
      int s = in.offsets[i];
      int ps = prefix.offsets[i];
      int pl = prefix.offsets[i + 1] - ps;
      out[i] =
          in.offsets[i + 1] - s >= pl
              && java.util.Arrays.equals(in.data, s, s + pl, prefix.data, ps, ps + pl);
    }
    return new Lane.Bools(out, nulls);
  }

  /** REVERSE by code points. */
  static Lane.Strings reverse(Lane.Strings in) {
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
      if (scratch.length < e - s) {
        scratch = new byte[(e - s) * 2];
      }
      int w = e - s;
      int k = s;
      while (k < e) {
        int next = k + 1;
        while (next < e && (data[next] & 0xC0) == 0x80) {
          next++;
        }
        w -= next - k;
        System.arraycopy(data, k, scratch, w, next - k);
        k = next;
      }
      out.append(scratch, 0, e - s);
    }
    return out.build();
  }

  /**
   * LPAD / RPAD(s, size, pad): cut to size characters, or padded with repeats of pad (Trino: an
   * empty pad is an error, a negative size too).
   */
  static Lane.Strings pad(Lane.Strings in, Lane.Longs size, Lane.Strings padding, boolean left) {
    int n = in.size;
    boolean[] nulls = Lanes.orNulls(Lanes.orNulls(in.nulls, size.nulls), padding.nulls);
    Lane.StringsBuilder out = new Lane.StringsBuilder(in.type, n, in.data.length);
    byte[] data = in.data;
    for (int i = 0; i < n; i++) {
      if (nulls != null && nulls[i]) {
        out.appendNull();
        continue;
      }
      long target = size.values[i];
      if (target < 0 || target > Integer.MAX_VALUE / 4) {
        throw new TarnException(
            ErrorCode.INVALID_ARGUMENT, (left ? "lpad" : "rpad") + " size out of range: " + target);
      }
      int s = in.offsets[i];
      int e = in.offsets[i + 1];
      int ps = padding.offsets[i];
      int pe = padding.offsets[i + 1];
      int length = codePoints(data, s, e);
      if (length >= target) {
        int cut = byteOfCodePoint(data, s, e, (int) target);
        out.append(data, s, cut - s);
        continue;
      }
      if (pe == ps) {
        throw new TarnException(
            ErrorCode.INVALID_ARGUMENT,
            (left ? "lpad" : "rpad") + " padding string must not be empty");
      }
      if (!left) {
        out.appendPart(data, s, e - s);
      }
      long missing = target - length;
      int padLength = codePoints(padding.data, ps, pe);
      while (missing > 0) {
        if (missing >= padLength) {
          out.appendPart(padding.data, ps, pe - ps);
          missing -= padLength;
        } else {
          int cut = byteOfCodePoint(padding.data, ps, pe, (int) missing);
          out.appendPart(padding.data, ps, cut - ps);
          missing = 0;
        }
      }
      if (left) {
        out.appendPart(data, s, e - s);
      }
      out.endRow();
    }
    return out.build();
  }

  private static int byteOfCodePoint(byte[] data, int s, int e, int index) {
    int seen = -1;
    for (int k = s; k < e; k++) {
      if ((data[k] & 0xC0) != 0x80 && ++seen == index) {
        return k;
      }
    }
    return e;
  }

  /** Compiles a constant pattern; a bad one is an INVALID_ARGUMENT naming it. */
  static Pattern compile(Object pattern) {
    try {
      return Pattern.compile(pattern.toString());
    } catch (java.util.regex.PatternSyntaxException e) {
      throw new TarnException(
          ErrorCode.INVALID_ARGUMENT,
          "invalid regular expression '" + pattern + "': " + e.getDescription());
    }
  }

  /** REGEXP_LIKE: whether the pattern matches anywhere in the string. */
  static Lane.Bools regexpLike(Lane.Strings in, Pattern pattern) {
    int n = in.size;
    boolean[] out = new boolean[n];
    Matcher matcher = pattern.matcher("");
    for (int i = 0; i < n; i++) {
      if (!in.isNull(i)) {
        out[i] = matcher.reset(in.string(i)).find();
      }
    }
    return new Lane.Bools(out, in.nulls);
  }

  /** REGEXP_EXTRACT: the first match (or its group), NULL when there is none. */
  static Lane.Strings regexpExtract(Lane.Strings in, Pattern pattern, int group) {
    int n = in.size;
    if (group < 0 || group > pattern.matcher("").groupCount()) {
      throw new TarnException(
          ErrorCode.INVALID_ARGUMENT, "pattern '" + pattern + "' has no group " + group);
    }
    Lane.StringsBuilder out = new Lane.StringsBuilder(in.type, n, in.data.length);
    Matcher matcher = pattern.matcher("");
    for (int i = 0; i < n; i++) {
      if (in.isNull(i) || !matcher.reset(in.string(i)).find() || matcher.group(group) == null) {
        out.appendNull();
      } else {
        out.append(matcher.group(group));
      }
    }
    return out.build();
  }

  /** REGEXP_REPLACE: every match replaced ({@code $n} refers to group n). */
  static Lane.Strings regexpReplace(Lane.Strings in, Pattern pattern, Lane.Strings replacement) {
    int n = in.size;
    boolean[] nulls = replacement == null ? in.nulls : Lanes.orNulls(in.nulls, replacement.nulls);
    Lane.StringsBuilder out = new Lane.StringsBuilder(in.type, n, in.data.length);
    Matcher matcher = pattern.matcher("");
    for (int i = 0; i < n; i++) {
      if (nulls != null && nulls[i]) {
        out.appendNull();
        continue;
      }
      String with = replacement == null ? "" : replacement.string(i);
      try {
        out.append(matcher.reset(in.string(i)).replaceAll(with));
      } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
        throw new TarnException(
            ErrorCode.INVALID_ARGUMENT, "invalid regexp_replace replacement '" + with + "'");
      }
    }
    return out.build();
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
