package dev.tarn.runtime.cli;

import java.io.PrintWriter;
import java.util.List;

/**
 * Prints a result as an aligned table, in the layout of the Trino CLI's ALIGNED format:
 *
 * <pre>
 *  id | name  |  price
 * ----+-------+--------
 *   1 | apple |   1.50
 *   2 | NULL  | 120.00
 * (2 rows)
 * </pre>
 *
 * Headers are centred, numbers right-aligned, everything else left-aligned, NULL printed as {@code
 * NULL}. Every cell has one space either side and cells are joined by {@code |}, so that the
 * separator line's {@code +} sits under each {@code |}.
 */
public final class ResultPrinter {
  static final String NULL = "NULL";

  private ResultPrinter() {}

  /**
   * A result column as the printer sees it.
   *
   * @param name the header
   * @param numeric whether values are right-aligned
   */
  public record PrintColumn(String name, boolean numeric) {}

  /** Whether a Trino type name is a number type ({@code bigint}, {@code decimal(12,2)}, ...). */
  public static boolean isNumericType(String type) {
    String base = type.contains("(") ? type.substring(0, type.indexOf('(')) : type;
    switch (base) {
      case "tinyint":
      case "smallint":
      case "integer":
      case "bigint":
      case "real":
      case "double":
      case "decimal":
        return true;
      default:
        return false;
    }
  }

  /**
   * Prints the header, the separator and the rows (null values as NULL); not the row count.
   *
   * @param rows values as text, each row as wide as {@code columns}
   */
  public static void printTable(
      PrintWriter out, List<PrintColumn> columns, List<List<String>> rows) {
    int count = columns.size();
    int[] widths = new int[count];
    for (int c = 0; c < count; c++) {
      widths[c] = columns.get(c).name().length();
    }
    for (int r = 0; r < rows.size(); r++) {
      List<String> row = rows.get(r);
      for (int c = 0; c < count; c++) {
        widths[c] = Math.max(widths[c], text(row.get(c)).length());
      }
    }
    StringBuilder line = new StringBuilder();
    for (int c = 0; c < count; c++) {
      String name = columns.get(c).name();
      int left = (widths[c] - name.length()) / 2;
      line.append(c == 0 ? " " : " | ");
      pad(line, left).append(name);
      pad(line, widths[c] - name.length() - left);
    }
    out.println(line.append(' '));
    line.setLength(0);
    for (int c = 0; c < count; c++) {
      if (c > 0) {
        line.append('+');
      }
      for (int i = 0; i < widths[c] + 2; i++) {
        line.append('-');
      }
    }
    out.println(line);
    for (int r = 0; r < rows.size(); r++) {
      List<String> row = rows.get(r);
      line.setLength(0);
      for (int c = 0; c < count; c++) {
        String value = text(row.get(c));
        line.append(c == 0 ? " " : " | ");
        if (columns.get(c).numeric()) {
          pad(line, widths[c] - value.length()).append(value);
        } else {
          line.append(value);
          pad(line, widths[c] - value.length());
        }
      }
      out.println(line.append(' '));
    }
  }

  /** {@code (1 row)} or {@code (N rows)}. */
  public static String rowCount(long rows) {
    return rows == 1 ? "(1 row)" : "(" + rows + " rows)";
  }

  private static String text(String value) {
    return value == null ? NULL : value;
  }

  private static StringBuilder pad(StringBuilder line, int spaces) {
    for (int i = 0; i < spaces; i++) {
      line.append(' ');
    }
    return line;
  }
}
