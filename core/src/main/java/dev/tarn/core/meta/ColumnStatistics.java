package dev.tarn.core.meta;

/**
 * What is known of one column's values, for the cost-based planner. Every figure is an estimate; a
 * negative count means unknown.
 *
 * @param distinctCount number of distinct non-NULL values, or -1
 * @param nullCount number of NULLs, or -1
 * @param min smallest value as a SQL literal's text ({@code 42}, {@code 1994-01-01}, {@code abc}),
 *     or null when unknown
 * @param max largest value, the same way, or null
 * @param averageWidth average bytes per non-NULL value (strings: their UTF-8 length), or -1
 */
public record ColumnStatistics(
    long distinctCount, long nullCount, String min, String max, double averageWidth) {

  /** Nothing known. */
  public static final ColumnStatistics UNKNOWN = new ColumnStatistics(-1, -1, null, null, -1);
}
