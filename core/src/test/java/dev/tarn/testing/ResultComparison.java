package dev.tarn.testing;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Compares Tarn's rows with the oracle's. Values are normalized first: every number becomes a
 * {@link BigDecimal}. Exact types compare exactly; two doubles to a relative 1e-9; an exact decimal
 * against a double by rounding the double to the decimal's scale (within one unit of it). Dates and
 * timestamps become {@code java.time} values. Unordered results are sorted by a rendering of their
 * normalized values first.
 */
public final class ResultComparison {
  private static final double TOLERANCE = 1e-9;

  private ResultComparison() {}

  /** Null when equal, else a description of the first difference. */
  public static String difference(
      List<List<Object>> tarn, List<List<Object>> oracle, boolean ordered) {
    List<List<Object>> a = normalize(tarn);
    List<List<Object>> b = normalize(oracle);
    if (!ordered) {
      a.sort(Comparator.comparing(ResultComparison::sortKey));
      b.sort(Comparator.comparing(ResultComparison::sortKey));
    }
    if (a.size() != b.size()) {
      return "Tarn returned "
          + a.size()
          + " rows, DuckDB "
          + b.size()
          + "\n  Tarn:   "
          + head(a)
          + "\n  DuckDB: "
          + head(b);
    }
    for (int r = 0; r < a.size(); r++) {
      List<Object> x = a.get(r);
      List<Object> y = b.get(r);
      if (x.size() != y.size()) {
        return "row " + r + ": Tarn has " + x.size() + " columns, DuckDB " + y.size();
      }
      for (int c = 0; c < x.size(); c++) {
        if (!same(x.get(c), y.get(c))) {
          return "row " + r + ", column " + (c + 1) + ": Tarn " + x + " vs DuckDB " + y;
        }
      }
    }
    return null;
  }

  /** Rows rendered as the tab-separated text of an expected block. */
  public static List<String> render(List<List<Object>> rows, boolean ordered) {
    List<List<Object>> n = normalize(rows);
    if (!ordered) {
      n.sort(Comparator.comparing(ResultComparison::sortKey));
    }
    List<String> out = new ArrayList<>();
    for (List<Object> row : n) {
      List<String> cells = new ArrayList<>();
      for (Object v : row) {
        cells.add(text(v));
      }
      out.add(String.join("\t", cells));
    }
    return out;
  }

  private static String head(List<List<Object>> rows) {
    return rows.subList(0, Math.min(5, rows.size())) + (rows.size() > 5 ? " ..." : "");
  }

  private static List<List<Object>> normalize(List<List<Object>> rows) {
    List<List<Object>> out = new ArrayList<>();
    for (List<Object> row : rows) {
      List<Object> n = new ArrayList<>();
      for (Object v : row) {
        n.add(normalize(v));
      }
      out.add(n);
    }
    return out;
  }

  /** Marks a number that came from a floating-point value. */
  private record Approximate(BigDecimal value) {}

  private static Object normalize(Object v) {
    // Nested values: DuckDB's JDBC gives java.sql.Array and Struct, Tarn Lists and Maps.
    try {
      if (v instanceof java.sql.Array array) {
        v = java.util.Arrays.asList((Object[]) array.getArray());
      } else if (v instanceof java.sql.Struct struct) {
        v = java.util.Arrays.asList(struct.getAttributes());
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
    if (v instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      for (Object element : list) {
        out.add(normalize(element));
      }
      return out;
    }
    if (v instanceof java.util.Map<?, ?> map) {
      java.util.Map<Object, Object> out = new java.util.LinkedHashMap<>();
      for (java.util.Map.Entry<?, ?> entry : map.entrySet()) {
        out.put(normalize(entry.getKey()), normalize(entry.getValue()));
      }
      return out;
    }
    if (v instanceof Double d) {
      return d.isNaN() || d.isInfinite() ? d.toString() : new Approximate(BigDecimal.valueOf(d));
    }
    if (v instanceof Float f) {
      return new Approximate(new BigDecimal(f.toString()));
    }
    if (v instanceof BigDecimal d) {
      return d;
    }
    if (v instanceof BigInteger i) {
      return new BigDecimal(i);
    }
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return BigDecimal.valueOf(((Number) v).longValue());
    }
    if (v instanceof java.sql.Date d) {
      return d.toLocalDate();
    }
    if (v instanceof java.sql.Timestamp t) {
      return t.toLocalDateTime();
    }
    if (v instanceof java.time.OffsetDateTime t) {
      return t.toLocalDateTime();
    }
    return v;
  }

  private static boolean same(Object x, Object y) {
    if (x == null || y == null) {
      return x == y;
    }
    BigDecimal a = number(x);
    BigDecimal b = number(y);
    if (a != null && b != null) {
      if (x instanceof Approximate != y instanceof Approximate) {
        // An exact decimal against a double (Trino's avg(decimal) is a decimal, DuckDB's a
        // double): the double, rounded half up to the decimal's scale, must be the decimal, give
        // or take one unit of that scale for the double's own rounding error.
        BigDecimal exact = x instanceof Approximate ? b : a;
        BigDecimal approximate = x instanceof Approximate ? a : b;
        BigDecimal rounded =
            approximate.setScale(Math.max(0, exact.scale()), java.math.RoundingMode.HALF_UP);
        BigDecimal unit = BigDecimal.ONE.movePointLeft(Math.max(0, exact.scale()));
        if (rounded.subtract(exact).abs().compareTo(unit) <= 0) {
          return true;
        }
      }
      if (x instanceof Approximate || y instanceof Approximate) {
        double dx = a.doubleValue();
        double dy = b.doubleValue();
        return Math.abs(dx - dy) <= TOLERANCE * Math.max(1, Math.max(Math.abs(dx), Math.abs(dy)));
      }
      return a.compareTo(b) == 0;
    }
    if (x instanceof byte[] bx && y instanceof byte[] by) {
      return java.util.Arrays.equals(bx, by);
    }
    return Objects.equals(x, y);
  }

  private static BigDecimal number(Object v) {
    return v instanceof Approximate a ? a.value() : v instanceof BigDecimal d ? d : null;
  }

  private static String sortKey(List<Object> row) {
    StringBuilder key = new StringBuilder();
    for (Object v : row) {
      key.append(v == null ? "\u0000" : sortText(v)).append('\u0001');
    }
    return key.toString();
  }

  private static String sortText(Object v) {
    BigDecimal n = number(v);
    if (n != null) {
      // Fixed-width, sign-aware rendering so that text order is numeric order (to 6 digits).
      BigDecimal rounded = n.round(new MathContext(6));
      return String.format(
          "%c%030.10f", rounded.signum() < 0 ? '0' : '1', rounded.abs().doubleValue());
    }
    return text(v);
  }

  private static String text(Object v) {
    if (v == null) {
      return "NULL";
    }
    BigDecimal n = number(v);
    if (n != null) {
      return v instanceof Approximate
          ? n.round(new MathContext(12)).stripTrailingZeros().toPlainString()
          : n.toPlainString();
    }
    if (v instanceof LocalDate || v instanceof LocalDateTime) {
      return v.toString().replace('T', ' ');
    }
    return v.toString();
  }
}
