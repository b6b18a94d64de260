package dev.tarn.operators.expr;

import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * A LIKE pattern compiled once. Patterns whose only wildcards are a leading and/or trailing {@code
 * %} match bytes directly (equals, prefix, suffix, contains) without decoding; anything else
 * becomes a {@link Pattern} over the decoded string ({@code _} is one code point).
 */
final class LikeMatcher {
  private enum Shape {
    EQUALS,
    PREFIX,
    SUFFIX,
    CONTAINS,
    SEGMENTS,
    REGEX
  }

  private final Shape shape;
  private final byte[] literal;
  private final Pattern regex;

  /**
   * SEGMENTS: the literal runs between {@code %}s of a pattern without {@code _} ({@code
   * %special%requests%}), matched in order; the first is a prefix unless the pattern starts with
   * {@code %}, the last a suffix unless it ends with one.
   */
  private final byte[][] segments;

  private final boolean anchoredStart;
  private final boolean anchoredEnd;

  private LikeMatcher(Shape shape, byte[] literal, Pattern regex) {
    this(shape, literal, regex, null, false, false);
  }

  private LikeMatcher(
      Shape shape,
      byte[] literal,
      Pattern regex,
      byte[][] segments,
      boolean anchoredStart,
      boolean anchoredEnd) {
    this.shape = shape;
    this.literal = literal;
    this.regex = regex;
    this.segments = segments;
    this.anchoredStart = anchoredStart;
    this.anchoredEnd = anchoredEnd;
  }

  /** Compiles {@code pattern}; {@code escape} is null or a single character. */
  static LikeMatcher compile(String pattern, String escape) {
    if (escape != null && escape.codePointCount(0, escape.length()) != 1) {
      throw new TarnException(
          ErrorCode.INVALID_ARGUMENT,
          "LIKE escape must be a single character, was '" + escape + "'");
    }
    int esc = escape == null ? -1 : escape.codePointAt(0);
    StringBuilder plain = new StringBuilder();
    StringBuilder regex = new StringBuilder();
    boolean leadingPercent = false;
    boolean trailingPercent = false;
    boolean inner = false;
    boolean underscore = false;
    java.util.List<StringBuilder> runs = new java.util.ArrayList<>();
    runs.add(new StringBuilder());
    int[] cps = pattern.codePoints().toArray();
    for (int i = 0; i < cps.length; i++) {
      int c = cps[i];
      if (c == esc) {
        if (i + 1 >= cps.length || (cps[i + 1] != '%' && cps[i + 1] != '_' && cps[i + 1] != esc)) {
          throw new TarnException(
              ErrorCode.INVALID_ARGUMENT,
              "LIKE pattern '" + pattern + "' has a bad escape at position " + (i + 1));
        }
        i++;
        if (trailingPercent) {
          inner = true;
        }
        plain.appendCodePoint(cps[i]);
        runs.get(runs.size() - 1).appendCodePoint(cps[i]);
        regex.append(Pattern.quote(new String(Character.toChars(cps[i]))));
      } else if (c == '%') {
        if (plain.length() == 0 && !inner) {
          leadingPercent = true;
        } else {
          trailingPercent = true;
        }
        regex.append(".*");
        runs.add(new StringBuilder());
      } else if (c == '_') {
        inner = true;
        underscore = true;
        regex.append('.');
      } else {
        if (trailingPercent) {
          inner = true;
        }
        plain.appendCodePoint(c);
        runs.get(runs.size() - 1).appendCodePoint(c);
        regex.append(Pattern.quote(new String(Character.toChars(c))));
      }
    }
    byte[] bytes = plain.toString().getBytes(StandardCharsets.UTF_8);
    if (inner && !underscore) {
      // Only % wildcards: literal runs found in order, no regular expression.
      java.util.List<byte[]> nonEmpty = new java.util.ArrayList<>();
      for (StringBuilder run : runs) {
        if (run.length() > 0) {
          nonEmpty.add(run.toString().getBytes(StandardCharsets.UTF_8));
        }
      }
      return new LikeMatcher(
          Shape.SEGMENTS,
          null,
          null,
          nonEmpty.toArray(new byte[0][]),
          runs.get(0).length() > 0,
          runs.get(runs.size() - 1).length() > 0);
    }
    if (inner) {
      return new LikeMatcher(Shape.REGEX, null, Pattern.compile(regex.toString(), Pattern.DOTALL));
    }
    Shape shape =
        leadingPercent && trailingPercent
            ? Shape.CONTAINS
            : leadingPercent ? Shape.SUFFIX : trailingPercent ? Shape.PREFIX : Shape.EQUALS;
    return new LikeMatcher(shape, bytes, null);
  }

  /** Whether each row of {@code input} matches (NULL rows stay NULL). */
  Lane.Bools match(Lane.Strings input) {
    int n = input.size;
    boolean[] out = new boolean[n];
    byte[] data = input.data;
    int[] offsets = input.offsets;
    int m = literal == null ? 0 : literal.length;
    switch (shape) {
      case EQUALS:
        for (int i = 0; i < n; i++) {
          int s = offsets[i];
          out[i] =
              offsets[i + 1] - s == m && java.util.Arrays.equals(data, s, s + m, literal, 0, m);
        }
        break;
      case PREFIX:
        for (int i = 0; i < n; i++) {
          int s = offsets[i];
          out[i] =
              offsets[i + 1] - s >= m && java.util.Arrays.equals(data, s, s + m, literal, 0, m);
        }
        break;
      case SUFFIX:
        for (int i = 0; i < n; i++) {
          int e = offsets[i + 1];
          out[i] = e - offsets[i] >= m && java.util.Arrays.equals(data, e - m, e, literal, 0, m);
        }
        break;
      case CONTAINS:
        for (int i = 0; i < n; i++) {
          out[i] = indexOf(data, offsets[i], offsets[i + 1], literal) >= 0;
        }
        break;
      case SEGMENTS:
        for (int i = 0; i < n; i++) {
          out[i] = matchesSegments(data, offsets[i], offsets[i + 1]);
        }
        break;
      case REGEX:
        for (int i = 0; i < n; i++) {
          if (!input.isNull(i)) {
            out[i] = regex.matcher(input.string(i)).matches();
          }
        }
        break;
    }
    return new Lane.Bools(out, input.nulls);
  }

  private boolean matchesSegments(byte[] data, int start, int end) {
    int first = 0;
    int last = segments.length - 1;
    int from = start;
    int to = end;
    if (anchoredStart) {
      byte[] head = segments[0];
      if (to - from < head.length
          || !java.util.Arrays.equals(data, from, from + head.length, head, 0, head.length)) {
        return false;
      }
      from += head.length;
      first = 1;
    }
    if (anchoredEnd && last >= first) {
      byte[] tail = segments[last];
      if (to - from < tail.length
          || !java.util.Arrays.equals(data, to - tail.length, to, tail, 0, tail.length)) {
        return false;
      }
      to -= tail.length;
      last--;
    }
    for (int k = first; k <= last; k++) {
      int at = indexOf(data, from, to, segments[k]);
      if (at < 0) {
        return false;
      }
      from = at + segments[k].length;
    }
    return true;
  }

  static int indexOf(byte[] data, int start, int end, byte[] needle) {
    int m = needle.length;
    if (m == 0) {
      return start;
    }
    byte first = needle[0];
    for (int i = start; i <= end - m; i++) {
      if (data[i] == first && java.util.Arrays.equals(data, i, i + m, needle, 0, m)) {
        return i;
      }
    }
    return -1;
  }
}
