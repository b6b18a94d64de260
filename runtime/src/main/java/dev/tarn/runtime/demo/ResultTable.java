package dev.tarn.runtime.demo;

import dev.tarn.actors.query.QueryResults;
import java.util.ArrayList;
import java.util.List;

/** Formats a completed result as an aligned text table (for the demo's console output). */
final class ResultTable {
  private ResultTable() {}

  static String format(QueryResults result) {
    if (result.columns() == null || result.columns().isEmpty()) {
      return (result.updateType() == null ? "OK" : result.updateType()) + "\n";
    }
    int n = result.columns().size();
    int[] widths = new int[n];
    List<String[]> cells = new ArrayList<>();
    String[] header = new String[n];
    for (int c = 0; c < n; c++) {
      header[c] = result.columns().get(c).name();
      widths[c] = header[c].length();
    }
    for (List<Object> row : result.rows()) {
      String[] line = new String[n];
      for (int c = 0; c < n; c++) {
        line[c] = row.get(c) == null ? "NULL" : row.get(c).toString();
        widths[c] = Math.max(widths[c], line[c].length());
      }
      cells.add(line);
    }
    StringBuilder out = new StringBuilder();
    appendRow(out, header, widths);
    for (int c = 0; c < n; c++) {
      out.append(c == 0 ? "-" : "+-").append("-".repeat(widths[c])).append(c == n - 1 ? "-" : "-");
    }
    out.append('\n');
    for (String[] line : cells) {
      appendRow(out, line, widths);
    }
    out.append('(').append(result.rows().size()).append(result.rows().size() == 1 ? " row)" : " rows)");
    out.append(", ").append(result.stats().elapsedMillis()).append(" ms\n");
    return out.toString();
  }

  private static void appendRow(StringBuilder out, String[] values, int[] widths) {
    for (int c = 0; c < values.length; c++) {
      out.append(c == 0 ? " " : " | ");
      out.append(String.format("%-" + widths[c] + "s", values[c]));
    }
    out.append('\n');
  }
}
