package dev.tarn.actors.query;

import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.meta.Column;
import dev.tarn.core.meta.ColumnStatistics;
import dev.tarn.core.meta.TableMetadata;
import dev.tarn.core.meta.TableSnapshot;
import dev.tarn.core.meta.TableStatistics;
import dev.tarn.core.type.SqlType;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The one aggregate query {@code ANALYZE} runs over a table, and the {@link TableStatistics} read
 * from its single result row. For {@code lake.t (id bigint, name varchar, ok boolean)} partitioned
 * by {@code (region varchar)}:
 *
 * <pre>
 *   SELECT count(*),
 *          count("id"), approx_distinct("id"), min("id"), max("id"),
 *          count("name"), approx_distinct("name"), min("name"), max("name"), avg(length("name")),
 *          count("ok"), approx_distinct("ok"),
 *          count("region"), approx_distinct("region"), min("region"), max("region"),
 *          avg(length("region"))
 *   FROM "lake"."t"
 * </pre>
 *
 * <p>It is an ordinary query, so it reads every partition's files in parallel tasks, within the
 * query's memory limit, and a file it cannot read fails it with the file named. NULL counts are
 * {@code count(*) - count(c)}; distinct counts are HyperLogLog estimates (a few percent off); min
 * and max are kept as SQL literal text, and not computed for booleans (Trino shows no range for
 * them) nor varbinary (no readable literal). Average widths are for varchar only, in characters,
 * which equals UTF-8 bytes for ASCII text.
 */
final class AnalyzeQuery {
  private static final DateTimeFormatter TIMESTAMP_TEXT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS");
  private static final int ABSENT = -1;

  /** Where a column's figures sit in the result row; {@link #ABSENT} when not computed. */
  private record Slots(Column column, int nonNull, int distinct, int min, int max, int width) {}

  private final TableSnapshot snapshot;
  private final TableMetadata table;
  private final String sql;
  private final List<Slots> slots;

  private AnalyzeQuery(TableSnapshot snapshot, String sql, List<Slots> slots) {
    this.snapshot = snapshot;
    this.table = snapshot.table();
    this.sql = sql;
    this.slots = slots;
  }

  /** The query that analyzes the table: its data columns, then its partition columns. */
  static AnalyzeQuery of(TableSnapshot snapshot) {
    Objects.requireNonNull(snapshot, "snapshot");
    TableMetadata table = snapshot.table();
    StringBuilder select = new StringBuilder("SELECT count(*)");
    List<Slots> slots = new ArrayList<>();
    int next = 1;
    List<Column> columns = new ArrayList<>(table.columns());
    columns.addAll(table.partitionColumns());
    for (Column column : columns) {
      String name = quote(column.name());
      SqlType.Kind kind = column.type().kind();
      boolean range = kind != SqlType.Kind.BOOLEAN && kind != SqlType.Kind.VARBINARY;
      boolean width = kind == SqlType.Kind.VARCHAR;
      select.append(",\n  count(").append(name).append("), approx_distinct(").append(name);
      select.append(')');
      int nonNull = next++;
      int distinct = next++;
      int min = ABSENT;
      int max = ABSENT;
      int averageWidth = ABSENT;
      if (range) {
        select.append(", min(").append(name).append("), max(").append(name).append(')');
        min = next++;
        max = next++;
      }
      if (width) {
        select.append(", avg(length(").append(name).append("))");
        averageWidth = next++;
      }
      slots.add(new Slots(column, nonNull, distinct, min, max, averageWidth));
    }
    select
        .append("\nFROM ")
        .append(quote(table.database()))
        .append('.')
        .append(quote(table.name()));
    return new AnalyzeQuery(snapshot, select.toString(), List.copyOf(slots));
  }

  /** The SQL text, for the coordinator to plan as any query. */
  String sql() {
    return sql;
  }

  /** The table as the query reads it, for the catalog to check it did not change meanwhile. */
  TableSnapshot snapshot() {
    return snapshot;
  }

  /**
   * The statistics in the query's result.
   *
   * @param rows the result: one row, as the coordinator reads it ({@link QueryResults} types)
   */
  TableStatistics statistics(List<List<Object>> rows, long analyzedAtMillis) {
    if (rows.size() != 1) {
      throw new TarnException(
          ErrorCode.INTERNAL_ERROR,
          "ANALYZE of "
              + table.qualifiedName()
              + " expected one row from its aggregate query, got "
              + rows.size());
    }
    List<Object> row = rows.get(0);
    long rowCount = (Long) row.get(0);
    Map<String, ColumnStatistics> columns = new HashMap<>();
    for (Slots s : slots) {
      long nonNull = (Long) row.get(s.nonNull());
      Object min = s.min() == ABSENT ? null : row.get(s.min());
      Object max = s.max() == ABSENT ? null : row.get(s.max());
      Object width = s.width() == ABSENT ? null : row.get(s.width());
      SqlType type = s.column().type();
      columns.put(
          s.column().name(),
          new ColumnStatistics(
              // HyperLogLog may overshoot; there cannot be more distinct values than values.
              Math.min((Long) row.get(s.distinct()), nonNull),
              rowCount - nonNull,
              literal(min, type),
              literal(max, type),
              width == null ? -1 : ((Number) width).doubleValue()));
    }
    return new TableStatistics(rowCount, columns, analyzedAtMillis);
  }

  /** A value as the text of its SQL literal, without quotes: {@code 42}, {@code 2024-01-31}. */
  static String literal(Object value, SqlType type) {
    if (value == null) {
      return null;
    }
    if (value instanceof BigDecimal decimal) {
      return decimal.toPlainString();
    }
    if (value instanceof LocalDateTime timestamp) {
      return TIMESTAMP_TEXT.format(timestamp);
    }
    if (value instanceof LocalDate date) {
      return date.toString();
    }
    if (value instanceof Double d && type.kind() == SqlType.Kind.REAL) {
      // A real travels as a double; print it with a float's digits, as Trino does.
      return Float.toString(d.floatValue());
    }
    return value.toString();
  }

  /** A double-quoted identifier, so that case and odd characters survive. */
  private static String quote(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }
}
