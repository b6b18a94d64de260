package dev.tarn.operators.expr;

import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.expr.Expr.Operator;
import dev.tarn.core.type.SqlType;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.format.TextStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.IsoFields;
import java.util.Locale;

/**
 * Date and timestamp kernels. Dates are days and timestamps microseconds since 1970-01-01 (no
 * zone), so truncation, addition and field extraction are integer arithmetic with civil-calendar
 * conversions (Howard Hinnant's algorithms), without a {@code java.time} object per row. Formatting
 * and parsing text goes through {@code java.time}.
 */
final class TimeFunctions {
  static final long MICROS_PER_SECOND = 1_000_000L;
  static final long MICROS_PER_DAY = 86_400_000_000L;

  private TimeFunctions() {}

  /** Date units, from a unit name as Trino spells it. */
  enum Unit {
    MILLISECOND(1_000L),
    SECOND(MICROS_PER_SECOND),
    MINUTE(60 * MICROS_PER_SECOND),
    HOUR(3600 * MICROS_PER_SECOND),
    DAY(MICROS_PER_DAY),
    WEEK(7 * MICROS_PER_DAY),
    MONTH(0),
    QUARTER(0),
    YEAR(0);

    /** Length in microseconds for fixed units, 0 for calendar units. */
    final long micros;

    Unit(long micros) {
      this.micros = micros;
    }

    static Unit parse(Object text, String function) {
      if (text != null) {
        String name = text.toString().trim().toUpperCase(Locale.ROOT);
        for (Unit unit : values()) {
          if (unit.name().equals(name)) {
            return unit;
          }
        }
      }
      throw new TarnException(
          ErrorCode.INVALID_ARGUMENT, "'" + text + "' is not a valid unit for " + function);
    }
  }

  /** (year, month, day) packed as {@code year << 9 | month << 5 | day}. */
  static long civil(long days) {
    long z = days + 719468;
    long era = Math.floorDiv(z, 146097);
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long day = doy - (153 * mp + 2) / 5 + 1;
    long month = mp < 10 ? mp + 3 : mp - 9;
    long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    return (year << 9) | (month << 5) | day;
  }

  static long year(long civil) {
    return civil >> 9;
  }

  static long month(long civil) {
    return (civil >> 5) & 15;
  }

  static long day(long civil) {
    return civil & 31;
  }

  /** Days since 1970-01-01 of a civil date. */
  static long days(long year, long month, long day) {
    long y = month <= 2 ? year - 1 : year;
    long era = Math.floorDiv(y, 400);
    long yoe = y - era * 400;
    long mp = month > 2 ? month - 3 : month + 9;
    long doy = (153 * mp + 2) / 5 + day - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
  }

  static boolean leap(long year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  }

  static long monthLength(long year, long month) {
    switch ((int) month) {
      case 2:
        return leap(year) ? 29 : 28;
      case 4:
      case 6:
      case 9:
      case 11:
        return 30;
      default:
        return 31;
    }
  }

  /** ISO day of week, Monday = 1 (1970-01-01 was a Thursday). */
  static long dayOfWeek(long days) {
    return Math.floorMod(days + 3, 7) + 1;
  }

  /** ISO 8601 week of the year (weeks start on Monday; week 1 holds the first Thursday). */
  static long isoWeek(long days) {
    long thursday = days - dayOfWeek(days) + 4;
    long year = year(civil(thursday));
    long firstDay = days(year, 1, 1);
    return (thursday - firstDay) / 7 + 1;
  }

  /** The year an ISO 8601 week belongs to (the year of its Thursday; date_format's %x). */
  static long isoWeekYear(long days) {
    return year(civil(days - dayOfWeek(days) + 4));
  }

  /**
   * MySQL's week mode 0 (date_format's %U): weeks start on Sunday, week 1 starts on the year's
   * first Sunday, the days before it are week 0.
   */
  static long sundayWeek(long days) {
    long dayOfYear = days - days(year(civil(days)), 1, 1);
    long sundayBased = dayOfWeek(days) % 7;
    return (dayOfYear + 7 - sundayBased) / 7;
  }

  /**
   * MySQL's week mode 1 (date_format's %u): weeks start on Monday, week 1 is the first week with
   * four or more days in the year, the days before it are week 0 (and the year's last days stay in
   * week 52 or 53, never week 1 of the next year as in ISO).
   */
  static long mondayWeek(long days) {
    long firstDay = days(year(civil(days)), 1, 1);
    long firstWeekday = dayOfWeek(firstDay) - 1;
    long week = (days - firstDay + firstWeekday) / 7;
    return firstWeekday <= 3 ? week + 1 : week;
  }

  /**
   * MySQL's week mode 2 (date_format's %V, paired with %X): as mode 0, but the days before the
   * first Sunday belong to the last week of the previous year.
   */
  static long sundayWeekOfYear(long days, boolean year) {
    long week = sundayWeek(days);
    long calendarYear = year(civil(days));
    if (week > 0) {
      return year ? calendarYear : week;
    }
    return year ? calendarYear - 1 : sundayWeek(days(calendarYear, 1, 1) - 1);
  }

  /** EXTRACT of the added fields (and the original three) from dates or timestamps. */
  static Lane.Longs extract(Operator op, Lane.Longs in) {
    int n = in.size;
    long[] out = new long[n];
    boolean timestamp = in.type.kind() == SqlType.Kind.TIMESTAMP;
    long[] values = in.values;
    for (int i = 0; i < n; i++) {
      long micros = timestamp ? values[i] : values[i] * MICROS_PER_DAY;
      long days = Math.floorDiv(micros, MICROS_PER_DAY);
      long ofDay = micros - days * MICROS_PER_DAY;
      switch (op) {
        case EXTRACT_YEAR:
          out[i] = year(civil(days));
          break;
        case EXTRACT_MONTH:
          out[i] = month(civil(days));
          break;
        case EXTRACT_DAY:
          out[i] = day(civil(days));
          break;
        case EXTRACT_QUARTER:
          out[i] = (month(civil(days)) + 2) / 3;
          break;
        case EXTRACT_WEEK:
          out[i] = isoWeek(days);
          break;
        case EXTRACT_DAY_OF_WEEK:
          out[i] = dayOfWeek(days);
          break;
        case EXTRACT_DAY_OF_YEAR:
          out[i] = days - days(year(civil(days)), 1, 1) + 1;
          break;
        case EXTRACT_HOUR:
          out[i] = ofDay / Unit.HOUR.micros;
          break;
        case EXTRACT_MINUTE:
          out[i] = ofDay / Unit.MINUTE.micros % 60;
          break;
        case EXTRACT_SECOND:
          out[i] = ofDay / MICROS_PER_SECOND % 60;
          break;
        default:
          throw new AssertionError(op);
      }
    }
    return new Lane.Longs(SqlType.BIGINT, out, in.nulls);
  }

  /** DATE_TRUNC(unit, x) for dates (days) and timestamps (microseconds). */
  static Lane.Longs truncate(Unit unit, Lane.Longs in) {
    int n = in.size;
    long[] out = new long[n];
    boolean timestamp = in.type.kind() == SqlType.Kind.TIMESTAMP;
    if (!timestamp && unit.micros > 0 && unit.micros < MICROS_PER_DAY) {
      throw new TarnException(
          ErrorCode.INVALID_ARGUMENT,
          "'"
              + unit.name().toLowerCase(Locale.ROOT)
              + "' is not a valid unit for date_trunc of a date");
    }
    long[] values = in.values;
    for (int i = 0; i < n; i++) {
      long micros = timestamp ? values[i] : values[i] * MICROS_PER_DAY;
      long result;
      if (unit.micros > 0 && unit != Unit.WEEK) {
        result = Math.floorDiv(micros, unit.micros) * unit.micros;
      } else {
        long days = Math.floorDiv(micros, MICROS_PER_DAY);
        long civil = civil(days);
        long day;
        switch (unit) {
          case WEEK:
            day = days - dayOfWeek(days) + 1;
            break;
          case MONTH:
            day = days(year(civil), month(civil), 1);
            break;
          case QUARTER:
            day = days(year(civil), (month(civil) - 1) / 3 * 3 + 1, 1);
            break;
          case YEAR:
            day = days(year(civil), 1, 1);
            break;
          default:
            throw new AssertionError(unit);
        }
        result = day * MICROS_PER_DAY;
      }
      out[i] = timestamp ? result : Math.floorDiv(result, MICROS_PER_DAY);
    }
    return new Lane.Longs(in.type, out, in.nulls);
  }

  /** Adds months to microseconds, clamping the day to the target month's length. */
  static long addMonths(long micros, long months) {
    long days = Math.floorDiv(micros, MICROS_PER_DAY);
    long ofDay = micros - days * MICROS_PER_DAY;
    long civil = civil(days);
    long total = year(civil) * 12 + month(civil) - 1 + months;
    long year = Math.floorDiv(total, 12);
    long month = total - year * 12 + 1;
    long day = Math.min(day(civil), monthLength(year, month));
    return days(year, month, day) * MICROS_PER_DAY + ofDay;
  }

  /** DATE_ADD(unit, amount, x). */
  static Lane.Longs add(Unit unit, Lane.Longs amount, Lane.Longs in) {
    int n = in.size;
    long[] out = new long[n];
    boolean[] nulls = Lanes.orNulls(amount.nulls, in.nulls);
    boolean timestamp = in.type.kind() == SqlType.Kind.TIMESTAMP;
    for (int i = 0; i < n; i++) {
      long micros = timestamp ? in.values[i] : in.values[i] * MICROS_PER_DAY;
      long k = amount.values[i];
      long result;
      try {
        switch (unit) {
          case MONTH:
            result = addMonths(micros, k);
            break;
          case QUARTER:
            result = addMonths(micros, Math.multiplyExact(k, 3));
            break;
          case YEAR:
            result = addMonths(micros, Math.multiplyExact(k, 12));
            break;
          default:
            result = Math.addExact(micros, Math.multiplyExact(k, unit.micros));
        }
      } catch (ArithmeticException e) {
        throw new TarnException(
            ErrorCode.INVALID_ARGUMENT, "date_add overflows: " + k + " " + unit);
      }
      out[i] = timestamp ? result : Math.floorDiv(result, MICROS_PER_DAY);
    }
    return new Lane.Longs(in.type, out, nulls);
  }

  /** DATE_DIFF(unit, a, b): whole units from a to b (calendar units as Trino: a full month). */
  static Lane.Longs diff(Unit unit, Lane.Longs a, Lane.Longs b) {
    int n = a.size;
    long[] out = new long[n];
    boolean[] nulls = Lanes.orNulls(a.nulls, b.nulls);
    boolean timestamp = a.type.kind() == SqlType.Kind.TIMESTAMP;
    for (int i = 0; i < n; i++) {
      long x = timestamp ? a.values[i] : a.values[i] * MICROS_PER_DAY;
      long y = timestamp ? b.values[i] : b.values[i] * MICROS_PER_DAY;
      if (unit.micros > 0) {
        // Division truncates toward zero, as a count of whole units.
        out[i] = (y - x) / unit.micros;
        continue;
      }
      long cx = civil(Math.floorDiv(x, MICROS_PER_DAY));
      long cy = civil(Math.floorDiv(y, MICROS_PER_DAY));
      long months = (year(cy) * 12 + month(cy)) - (year(cx) * 12 + month(cx));
      if (months > 0 && addMonths(x, months) > y) {
        months--;
      } else if (months < 0 && addMonths(x, months) < y) {
        months++;
      }
      out[i] = unit == Unit.MONTH ? months : unit == Unit.QUARTER ? months / 3 : months / 12;
    }
    return new Lane.Longs(SqlType.BIGINT, out, nulls);
  }

  /** FROM_UNIXTIME(seconds): a timestamp in UTC. */
  static Lane.Longs fromUnixtime(Lane.Doubles seconds) {
    int n = seconds.size;
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = Math.round(seconds.values[i] * MICROS_PER_SECOND);
    }
    return new Lane.Longs(SqlType.TIMESTAMP, out, seconds.nulls);
  }

  /** TO_UNIXTIME(timestamp): seconds as double, the timestamp read as UTC. */
  static Lane.Doubles toUnixtime(Lane.Longs in) {
    int n = in.size;
    double[] out = new double[n];
    boolean timestamp = in.type.kind() == SqlType.Kind.TIMESTAMP;
    for (int i = 0; i < n; i++) {
      long micros = timestamp ? in.values[i] : in.values[i] * MICROS_PER_DAY;
      out[i] = micros / (double) MICROS_PER_SECOND;
    }
    return new Lane.Doubles(SqlType.DOUBLE, out, in.nulls);
  }

  /** FROM_ISO8601_TIMESTAMP: date, date-time, with or without an offset (which is dropped). */
  static Lane.Longs fromIso8601(Lane.Strings in) {
    int n = in.size;
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      if (in.isNull(i)) {
        continue;
      }
      String text = in.string(i).trim();
      LocalDateTime time;
      try {
        time = LocalDateTime.parse(text, ISO);
      } catch (DateTimeParseException e) {
        throw new TarnException(
            ErrorCode.INVALID_ARGUMENT, "Invalid format: \"" + text + "\" is not ISO 8601");
      }
      out[i] = micros(time);
    }
    return new Lane.Longs(SqlType.TIMESTAMP, out, in.nulls);
  }

  private static final DateTimeFormatter ISO =
      new DateTimeFormatterBuilder()
          .append(DateTimeFormatter.ISO_LOCAL_DATE)
          .optionalStart()
          .appendLiteral('T')
          .appendPattern("HH")
          .optionalStart()
          .appendPattern(":mm")
          .optionalStart()
          .appendPattern(":ss")
          .optionalStart()
          .appendFraction(ChronoField.MICRO_OF_SECOND, 0, 9, true)
          .optionalEnd()
          .optionalEnd()
          .optionalEnd()
          .optionalEnd()
          .optionalStart()
          .appendOffset("+HH:MM", "Z")
          .optionalEnd()
          .parseDefaulting(ChronoField.HOUR_OF_DAY, 0)
          .toFormatter(Locale.ROOT);

  static long micros(LocalDateTime time) {
    long seconds = time.toEpochSecond(ZoneOffset.UTC);
    return seconds * MICROS_PER_SECOND + time.getNano() / 1000;
  }

  static LocalDateTime dateTime(long micros) {
    long seconds = Math.floorDiv(micros, MICROS_PER_SECOND);
    int nanos = (int) (micros - seconds * MICROS_PER_SECOND) * 1000;
    return LocalDateTime.ofEpochSecond(seconds, nanos, ZoneOffset.UTC);
  }

  private static final String[] DAY_NAMES = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"
  };
  private static final String[] MONTH_NAMES = {
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December"
  };

  /** Checks a MySQL-style format once, at compile time (Trino's date_format specifiers). */
  static String checkFormat(Object format) {
    if (format == null) {
      throw new TarnException(ErrorCode.INVALID_ARGUMENT, "date format must not be NULL");
    }
    String f = format.toString();
    for (int k = 0; k < f.length(); k++) {
      if (f.charAt(k) == '%') {
        if (k + 1 >= f.length()
            || "abcDdefHhIijklMmprSsTUuVvWwXxYy%".indexOf(f.charAt(k + 1)) < 0) {
          throw new TarnException(
              ErrorCode.INVALID_ARGUMENT,
              "date format '" + f + "' has an unknown specifier at position " + (k + 1));
        }
        k++;
      }
    }
    return f;
  }

  /** DATE_FORMAT(x, format). */
  static Lane.Strings format(Lane.Longs in, String format) {
    int n = in.size;
    Lane.StringsBuilder out = new Lane.StringsBuilder(SqlType.VARCHAR, n, n * format.length());
    boolean timestamp = in.type.kind() == SqlType.Kind.TIMESTAMP;
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < n; i++) {
      if (in.isNull(i)) {
        out.appendNull();
        continue;
      }
      long micros = timestamp ? in.values[i] : in.values[i] * MICROS_PER_DAY;
      long days = Math.floorDiv(micros, MICROS_PER_DAY);
      long ofDay = micros - days * MICROS_PER_DAY;
      long civil = civil(days);
      long hour = ofDay / Unit.HOUR.micros;
      long minute = ofDay / Unit.MINUTE.micros % 60;
      long second = ofDay / MICROS_PER_SECOND % 60;
      long fraction = ofDay % MICROS_PER_SECOND;
      long hour12 = hour % 12 == 0 ? 12 : hour % 12;
      text.setLength(0);
      for (int k = 0; k < format.length(); k++) {
        char c = format.charAt(k);
        if (c != '%') {
          text.append(c);
          continue;
        }
        char s = format.charAt(++k);
        switch (s) {
          case 'a':
            text.append(DAY_NAMES[(int) dayOfWeek(days) - 1], 0, 3);
            break;
          case 'b':
            text.append(MONTH_NAMES[(int) month(civil) - 1], 0, 3);
            break;
          case 'c':
            text.append(month(civil));
            break;
          case 'd':
            two(text, day(civil));
            break;
          case 'e':
            text.append(day(civil));
            break;
          case 'f':
            text.append(String.format(Locale.ROOT, "%06d", fraction));
            break;
          case 'H':
            two(text, hour);
            break;
          case 'h':
          case 'I':
            two(text, hour12);
            break;
          case 'i':
            two(text, minute);
            break;
          case 'j':
            text.append(String.format(Locale.ROOT, "%03d", days - days(year(civil), 1, 1) + 1));
            break;
          case 'k':
            text.append(hour);
            break;
          case 'l':
            text.append(hour12);
            break;
          case 'M':
            text.append(MONTH_NAMES[(int) month(civil) - 1]);
            break;
          case 'm':
            two(text, month(civil));
            break;
          case 'p':
            text.append(hour < 12 ? "AM" : "PM");
            break;
          case 'r':
            two(text, hour12);
            text.append(':');
            two(text, minute);
            text.append(':');
            two(text, second);
            text.append(hour < 12 ? " AM" : " PM");
            break;
          case 'S':
          case 's':
            two(text, second);
            break;
          case 'T':
            two(text, hour);
            text.append(':');
            two(text, minute);
            text.append(':');
            two(text, second);
            break;
          case 'v':
            two(text, isoWeek(days));
            break;
          case 'W':
            text.append(DAY_NAMES[(int) dayOfWeek(days) - 1]);
            break;
          case 'Y':
            text.append(String.format(Locale.ROOT, "%04d", year(civil)));
            break;
          case 'x':
            text.append(String.format(Locale.ROOT, "%04d", isoWeekYear(days)));
            break;
          case 'X':
            text.append(String.format(Locale.ROOT, "%04d", sundayWeekOfYear(days, true)));
            break;
          case 'U':
            two(text, sundayWeek(days));
            break;
          case 'u':
            two(text, mondayWeek(days));
            break;
          case 'V':
            two(text, sundayWeekOfYear(days, false));
            break;
          case 'y':
            two(text, Math.floorMod(year(civil), 100));
            break;
          case 'w':
            text.append(dayOfWeek(days) % 7);
            break;
          case 'D':
            {
              long d = day(civil);
              text.append(d);
              text.append(
                  d % 100 >= 11 && d % 100 <= 13
                      ? "th"
                      : d % 10 == 1 ? "st" : d % 10 == 2 ? "nd" : d % 10 == 3 ? "rd" : "th");
              break;
            }
          default:
            text.append(s);
        }
      }
      out.append(text.toString());
    }
    return out.build();
  }

  private static void two(StringBuilder text, long value) {
    if (value < 10) {
      text.append('0');
    }
    text.append(value);
  }

  /** A java.time parser for a MySQL-style format (DATE_PARSE). */
  static DateTimeFormatter parser(String format) {
    DateTimeFormatterBuilder b = new DateTimeFormatterBuilder().parseCaseInsensitive();
    for (int k = 0; k < format.length(); k++) {
      char c = format.charAt(k);
      if (c != '%') {
        b.appendLiteral(c);
        continue;
      }
      char s = format.charAt(++k);
      switch (s) {
        case 'Y':
          b.appendValue(ChronoField.YEAR, 4);
          break;
        case 'x':
          b.appendValue(IsoFields.WEEK_BASED_YEAR, 4);
          break;
        case 'v':
          b.appendValue(IsoFields.WEEK_OF_WEEK_BASED_YEAR, 2);
          break;
        case 'a':
          b.appendText(ChronoField.DAY_OF_WEEK, TextStyle.SHORT);
          break;
        case 'W':
          b.appendText(ChronoField.DAY_OF_WEEK, TextStyle.FULL);
          break;
        case 'y':
          b.appendValueReduced(ChronoField.YEAR, 2, 2, 2000);
          break;
        case 'm':
          b.appendValue(ChronoField.MONTH_OF_YEAR, 2);
          break;
        case 'c':
          b.appendValue(ChronoField.MONTH_OF_YEAR);
          break;
        case 'd':
          b.appendValue(ChronoField.DAY_OF_MONTH, 2);
          break;
        case 'e':
          b.appendValue(ChronoField.DAY_OF_MONTH);
          break;
        case 'H':
          b.appendValue(ChronoField.HOUR_OF_DAY, 2);
          break;
        case 'k':
          b.appendValue(ChronoField.HOUR_OF_DAY);
          break;
        case 'h':
        case 'I':
          b.appendValue(ChronoField.CLOCK_HOUR_OF_AMPM, 2);
          break;
        case 'l':
          b.appendValue(ChronoField.CLOCK_HOUR_OF_AMPM);
          break;
        case 'i':
          b.appendValue(ChronoField.MINUTE_OF_HOUR, 2);
          break;
        case 'S':
        case 's':
          b.appendValue(ChronoField.SECOND_OF_MINUTE, 2);
          break;
        case 'f':
          b.appendFraction(ChronoField.MICRO_OF_SECOND, 1, 9, false);
          break;
        case 'p':
          b.appendText(ChronoField.AMPM_OF_DAY);
          break;
        case 'b':
          b.appendPattern("MMM");
          break;
        case 'M':
          b.appendPattern("MMMM");
          break;
        case 'j':
          b.appendValue(ChronoField.DAY_OF_YEAR, 3);
          break;
        case 'T':
          b.appendPattern("HH:mm:ss");
          break;
        case 'r':
          b.appendPattern("hh:mm:ss a");
          break;
        case '%':
          b.appendLiteral('%');
          break;
        default:
          throw new TarnException(
              ErrorCode.NOT_SUPPORTED, "date_parse specifier %" + s + " is not supported");
      }
    }
    // Fields the format leaves out default as in Trino: 1970-01-01 00:00.
    boolean dayOfYear = format.contains("%j");
    if (format.contains("%v") || format.contains("%x")) {
      // An ISO week date: %x-%v alone is the week's Monday.
      b.parseDefaulting(IsoFields.WEEK_BASED_YEAR, 1970)
          .parseDefaulting(IsoFields.WEEK_OF_WEEK_BASED_YEAR, 1);
      if (!format.contains("%a") && !format.contains("%W")) {
        b.parseDefaulting(ChronoField.DAY_OF_WEEK, 1);
      }
      return b.toFormatter(Locale.ENGLISH).withResolverStyle(ResolverStyle.SMART);
    }
    b.parseDefaulting(ChronoField.YEAR, 1970);
    if (!dayOfYear) {
      b.parseDefaulting(ChronoField.MONTH_OF_YEAR, 1).parseDefaulting(ChronoField.DAY_OF_MONTH, 1);
    }
    return b.toFormatter(Locale.ENGLISH).withResolverStyle(ResolverStyle.SMART);
  }

  /** DATE_PARSE(text, format): a timestamp; text that does not fit is an error naming it. */
  static Lane.Longs parse(Lane.Strings in, DateTimeFormatter parser, String format) {
    int n = in.size;
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      if (in.isNull(i)) {
        continue;
      }
      String text = in.string(i);
      try {
        var parsed = parser.parse(text);
        long days = parsed.getLong(ChronoField.EPOCH_DAY);
        long micros = days * MICROS_PER_DAY;
        if (parsed.isSupported(ChronoField.MICRO_OF_DAY)) {
          micros += parsed.getLong(ChronoField.MICRO_OF_DAY);
        }
        out[i] = micros;
      } catch (java.time.DateTimeException e) {
        throw new TarnException(
            ErrorCode.INVALID_ARGUMENT,
            "Invalid format: \"" + text + "\" does not match '" + format + "'");
      }
    }
    return new Lane.Longs(SqlType.TIMESTAMP, out, in.nulls);
  }
}
