package dev.tarn.planner.cost;

import dev.tarn.core.meta.Column;
import dev.tarn.core.meta.ColumnStatistics;
import dev.tarn.core.meta.FileFormat;
import dev.tarn.core.meta.Partition;
import dev.tarn.core.meta.TableMetadata;
import dev.tarn.core.meta.TableSnapshot;
import dev.tarn.core.meta.TableStatistics;
import dev.tarn.core.storage.FileEntry;
import dev.tarn.core.storage.LakeStorage;
import dev.tarn.core.type.SqlType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Estimates the size of the tables of one query, from the most trusted source at hand:
 *
 * <ol>
 *   <li>the statistics {@code ANALYZE} stored ({@link TableSnapshot#statistics()});
 *   <li>Parquet footers: the sum of the files' row counts, and value ranges that bound the distinct
 *       values of integer-backed columns ({@link ParquetFooters});
 *   <li>file sizes divided by an estimated row width (CSV, JSON, or footers that cannot be read).
 * </ol>
 *
 * Every column's distinct count is also bounded by the row count. One instance serves one query;
 * each table is estimated once.
 */
public final class TableEstimator {
  /** Bytes of a VARCHAR value when nothing better is known. */
  private static final double STRING_WIDTH = 16;

  /** Parquet's encoding and compression: about a quarter of the bytes of the values in memory. */
  private static final double PARQUET_COMPRESSION = 0.25;

  /** CSV and JSON spell values out, JSON with each key again: text bytes per byte in memory. */
  private static final double CSV_EXPANSION = 1.2;

  private static final double JSON_EXPANSION = 2.5;

  private final LakeStorage storage;
  private final ParquetFooters footers;
  private final IdentityHashMap<TableSnapshot, TableEstimate> estimates = new IdentityHashMap<>();

  public TableEstimator(LakeStorage storage, ParquetFooters footers) {
    this.storage = storage;
    this.footers = footers;
  }

  /** The estimate of a table, computed on first use. */
  public TableEstimate estimate(TableSnapshot snapshot) {
    TableEstimate known = estimates.get(snapshot);
    if (known == null) {
      known = compute(snapshot);
      estimates.put(snapshot, known);
    }
    return known;
  }

  private TableEstimate compute(TableSnapshot snapshot) {
    TableMetadata table = snapshot.table();
    TableStatistics statistics = snapshot.statistics();
    if (statistics != null) {
      Map<String, TableEstimate.Distinct> distinct = new HashMap<>();
      for (Column column : table.allColumns()) {
        ColumnStatistics columnStatistics = statistics.column(column.name());
        if (columnStatistics.distinctCount() >= 0) {
          distinct.put(
              column.name(),
              new TableEstimate.Distinct(Math.max(1, columnStatistics.distinctCount()), true));
        }
      }
      return new TableEstimate(
          statistics.rowCount(),
          rowWidth(table, statistics),
          distinct,
          TableEstimate.Source.STATISTICS);
    }
    List<FileEntry> files = files(snapshot);
    double width = rowWidth(table, null);
    if (table.format() == FileFormat.PARQUET) {
      TableEstimate fromFooters =
          fromFooters(table, files, width, Math.max(1, snapshot.partitions().size()));
      if (fromFooters != null) {
        return fromFooters;
      }
    }
    long bytes = 0;
    for (FileEntry file : files) {
      bytes += file.size();
    }
    double expansion;
    switch (table.format()) {
      case PARQUET:
        expansion = PARQUET_COMPRESSION;
        break;
      case CSV:
        expansion = CSV_EXPANSION;
        break;
      case JSON:
        expansion = JSON_EXPANSION;
        break;
      default:
        throw new IllegalStateException("unknown format " + table.format());
    }
    double rows = Math.ceil(bytes / (width * expansion));
    return new TableEstimate(rows, width, bounded(Map.of(), rows), TableEstimate.Source.FILE_SIZES);
  }

  private TableEstimate fromFooters(
      TableMetadata table, List<FileEntry> files, double width, int partitions) {
    long rows = 0;
    Map<String, long[]> ranges = new HashMap<>();
    Map<String, Integer> filesWithRange = new HashMap<>();
    for (FileEntry file : files) {
      ParquetFooters.Footer footer = footers.footer(file, storage.localPath(file.path()));
      if (footer == null) {
        return null;
      }
      rows += footer.rowCount();
      for (Map.Entry<String, long[]> entry : footer.ranges().entrySet()) {
        long[] range = ranges.computeIfAbsent(entry.getKey(), name -> entry.getValue().clone());
        range[0] = Math.min(range[0], entry.getValue()[0]);
        range[1] = Math.max(range[1], entry.getValue()[1]);
        filesWithRange.merge(entry.getKey(), 1, Integer::sum);
      }
    }
    Map<String, TableEstimate.Distinct> distinct = new HashMap<>();
    for (Map.Entry<String, long[]> entry : ranges.entrySet()) {
      if (filesWithRange.get(entry.getKey()) == files.size()) {
        double span = (double) entry.getValue()[1] - entry.getValue()[0] + 1;
        distinct.put(entry.getKey(), new TableEstimate.Distinct(Math.max(1, span), false));
      }
    }
    for (Column column : table.partitionColumns()) {
      // Partition values are known exactly; their count bounds the column's distinct values.
      distinct.put(column.name(), new TableEstimate.Distinct(partitions, false));
    }
    return new TableEstimate(
        (double) rows, width, bounded(distinct, (double) rows), TableEstimate.Source.FOOTERS);
  }

  /** Every column gets a distinct count no larger than the row count. */
  private static Map<String, TableEstimate.Distinct> bounded(
      Map<String, TableEstimate.Distinct> distinct, double rows) {
    Map<String, TableEstimate.Distinct> out = new HashMap<>();
    for (Map.Entry<String, TableEstimate.Distinct> entry : distinct.entrySet()) {
      TableEstimate.Distinct value = entry.getValue();
      out.put(
          entry.getKey(),
          new TableEstimate.Distinct(Math.max(1, Math.min(value.count(), rows)), value.exact()));
    }
    return out;
  }

  private List<FileEntry> files(TableSnapshot snapshot) {
    List<FileEntry> files = new ArrayList<>();
    try {
      if (snapshot.table().isPartitioned()) {
        for (Partition partition : snapshot.partitions()) {
          files.addAll(storage.listFiles(partition.location()));
        }
      } else {
        files.addAll(storage.listFiles(snapshot.table().location()));
      }
    } catch (RuntimeException e) {
      // A missing location is the scan's error to report, with its own message; estimate empty.
      return List.of();
    }
    return files;
  }

  /** Average bytes of a row: stored widths where ANALYZE measured them, type widths otherwise. */
  static double rowWidth(TableMetadata table, TableStatistics statistics) {
    double width = 0;
    for (Column column : table.allColumns()) {
      double measured = statistics == null ? -1 : statistics.column(column.name()).averageWidth();
      width += measured >= 0 ? measured : typeWidth(column.type());
    }
    return Math.max(1, width);
  }

  /** Bytes of one value of {@code type} in an Arrow vector (strings: a guess plus offsets). */
  public static double typeWidth(SqlType type) {
    switch (type.kind()) {
      case BOOLEAN:
      case TINYINT:
        return 1;
      case SMALLINT:
        return 2;
      case INTEGER:
      case REAL:
      case DATE:
        return 4;
      case BIGINT:
      case DOUBLE:
      case TIMESTAMP:
        return 8;
      case DECIMAL:
        return 16;
      case VARCHAR:
      case VARBINARY:
        return STRING_WIDTH + 4;
      case ARRAY:
      case MAP:
        // Offsets plus a guess of four elements (a map's element is its key and value).
        {
          double element = 0;
          for (SqlType child : type.children()) {
            element += typeWidth(child);
          }
          return 4 + 4 * element;
        }
      case ROW:
        {
          double fields = 1;
          for (SqlType child : type.children()) {
            fields += typeWidth(child);
          }
          return fields;
        }
    }
    throw new IllegalArgumentException(
        "unknown type " + type.kind().name().toLowerCase(Locale.ROOT));
  }
}
