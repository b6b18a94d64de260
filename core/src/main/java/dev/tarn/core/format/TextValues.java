package dev.tarn.core.format;

import dev.tarn.core.type.SqlType;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;

/**
 * Parsing of the text forms of values that CSV and JSON files and Hive partition folders hold.
 * Dates and timestamps are hand-written for the fixed layouts so that a value costs no {@code
 * DateTimeFormatter} work.
 *
 * <pre>
 *   date:      yyyy-MM-dd
 *   timestamp: yyyy-MM-dd[( |T)HH:mm[:ss[.f...]]]   (1 to 9 fraction digits; no zone)
 * </pre>
 */
public final class TextValues {

  private TextValues() {}

  /**
   * {@code text} as a value of the scalar {@code type}, in {@code Expr.Literal}'s conventions:
   * Boolean ({@code true}/{@code false}, any case), Long for integers, Double for reals, BigDecimal
   * (at the text's own scale), String, UTF-8 bytes for varbinary, Long days for dates and Long
   * microseconds for timestamps. Surrounding blanks are ignored except in strings.
   *
   * @throws IllegalArgumentException saying what was expected and found, when the text does not
   *     parse or the type is not scalar
   */
  public static Object parse(String text, SqlType type) {
    try {
      switch (type.kind()) {
        case BOOLEAN:
          {
            String trimmed = text.trim();
            if (trimmed.equalsIgnoreCase("true") || trimmed.equalsIgnoreCase("false")) {
              return Boolean.parseBoolean(trimmed);
            }
            break;
          }
        case TINYINT:
        case SMALLINT:
        case INTEGER:
        case BIGINT:
          return Long.parseLong(text.trim());
        case REAL:
        case DOUBLE:
          return Double.parseDouble(text.trim());
        case DECIMAL:
          return new BigDecimal(text.trim());
        case VARCHAR:
          return text;
        case VARBINARY:
          return text.getBytes(StandardCharsets.UTF_8);
        case DATE:
          return (long) parseDate(text.trim());
        case TIMESTAMP:
          return parseTimestamp(text.trim());
        default:
          break;
      }
    } catch (IllegalArgumentException e) {
      // NumberFormatException included: one message for every way the text can be wrong.
      throw new IllegalArgumentException("expected " + type + ", found " + text, e);
    }
    throw new IllegalArgumentException("expected " + type + ", found " + text);
  }

  /**
   * Days since 1970-01-01 of a {@code yyyy-MM-dd} date.
   *
   * @throws IllegalArgumentException if the text is not such a date
   */
  public static int parseDate(CharSequence text) {
    if (text.length() != 10 || text.charAt(4) != '-' || text.charAt(7) != '-') {
      throw new IllegalArgumentException("not a date (yyyy-MM-dd)");
    }
    return (int) epochDay(text);
  }

  /**
   * Microseconds since 1970-01-01 00:00:00 of a local date-time.
   *
   * @throws IllegalArgumentException if the text is not such a timestamp
   */
  public static long parseTimestamp(CharSequence text) {
    int length = text.length();
    if (length < 10 || text.charAt(4) != '-' || text.charAt(7) != '-') {
      throw new IllegalArgumentException("not a timestamp (yyyy-MM-dd HH:mm:ss[.fffffffff])");
    }
    long micros = epochDay(text) * 86_400_000_000L;
    if (length == 10) {
      return micros;
    }
    char separator = text.charAt(10);
    if ((separator != ' ' && separator != 'T') || length < 16 || text.charAt(13) != ':') {
      throw new IllegalArgumentException("not a timestamp (yyyy-MM-dd HH:mm:ss[.fffffffff])");
    }
    int hour = digits(text, 11, 2);
    int minute = digits(text, 14, 2);
    int second = 0;
    long fractionMicros = 0;
    if (length > 16) {
      if (text.charAt(16) != ':' || length < 19) {
        throw new IllegalArgumentException("not a timestamp (yyyy-MM-dd HH:mm:ss[.fffffffff])");
      }
      second = digits(text, 17, 2);
      if (length > 19) {
        int fractionDigits = length - 20;
        if (text.charAt(19) != '.' || fractionDigits < 1 || fractionDigits > 9) {
          throw new IllegalArgumentException("not a timestamp (yyyy-MM-dd HH:mm:ss[.fffffffff])");
        }
        long fraction = digits(text, 20, fractionDigits);
        // Scale to nanoseconds, then drop what is finer than a microsecond (truncation).
        for (int i = fractionDigits; i < 9; i++) {
          fraction *= 10;
        }
        fractionMicros = fraction / 1000;
      }
    }
    if (hour > 23 || minute > 59 || second > 59) {
      throw new IllegalArgumentException("time of day out of range");
    }
    return micros + ((hour * 60L + minute) * 60L + second) * 1_000_000L + fractionMicros;
  }

  private static long epochDay(CharSequence text) {
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 2);
    int day = digits(text, 8, 2);
    try {
      return LocalDate.of(year, month, day).toEpochDay();
    } catch (java.time.DateTimeException e) {
      throw new IllegalArgumentException("no such date", e);
    }
  }

  private static int digits(CharSequence text, int start, int count) {
    int value = 0;
    for (int i = start; i < start + count; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        throw new IllegalArgumentException("expected a digit at position " + (i + 1));
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
