package dev.tarn.planner.cost;

import dev.tarn.core.format.parquet.ParquetFormatReader;
import dev.tarn.core.storage.FileEntry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * What planning needs from Parquet footers: the file's row count and, for integer-backed columns
 * (integers, dates, decimals up to 18 digits), the smallest and largest value. A column whose
 * values lie in {@code [min, max]} has at most {@code max - min + 1} distinct values: without
 * {@code ANALYZE} that bound is what tells {@code c_nationkey} (25 values) from {@code c_custkey}.
 *
 * <p>Footers are cached by path, size and modification time (a rewritten file is read again), at
 * most {@value #CAPACITY} files, least recently used out first, so that planning a query over
 * unchanged files reads no footer twice.
 */
public final class ParquetFooters {
  private static final int CAPACITY = 4096;

  /** Shared by all queries of the process; footers of the same files do not change. */
  public static final ParquetFooters SHARED = new ParquetFooters();

  private final Map<FileEntry, Footer> cache =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<FileEntry, Footer> eldest) {
          return size() > CAPACITY;
        }
      };

  /**
   * One file's summary.
   *
   * @param rowCount rows in the file
   * @param ranges by lower-case column name, {@code {min, max}} of integer-backed columns whose
   *     every row group has statistics
   */
  public record Footer(long rowCount, Map<String, long[]> ranges) {
    public Footer {
      ranges = Map.copyOf(ranges);
    }
  }

  /**
   * The footer of {@code file}, stored at {@code path}; null when it cannot be read (not Parquet,
   * gone): estimates then fall back to file sizes, and the scan reports the real error.
   */
  public Footer footer(FileEntry file, Path path) {
    synchronized (cache) {
      Footer cached = cache.get(file);
      if (cached != null) {
        return cached;
      }
    }
    Footer footer = read(path);
    if (footer != null) {
      synchronized (cache) {
        cache.put(file, footer);
      }
    }
    return footer;
  }

  private static Footer read(Path path) {
    try (ParquetFileReader reader =
        ParquetFileReader.open(new LocalInputFile(path), ParquetFormatReader.readOptions())) {
      long rows = 0;
      Map<String, long[]> ranges = new HashMap<>();
      Map<String, Boolean> complete = new HashMap<>();
      for (BlockMetaData block : reader.getFooter().getBlocks()) {
        rows += block.getRowCount();
        for (ColumnChunkMetaData chunk : block.getColumns()) {
          if (chunk.getPath().size() != 1) {
            continue;
          }
          String name = chunk.getPath().toDotString().toLowerCase(Locale.ROOT);
          PrimitiveTypeName type = chunk.getPrimitiveType().getPrimitiveTypeName();
          if (type != PrimitiveTypeName.INT32 && type != PrimitiveTypeName.INT64) {
            continue;
          }
          Statistics<?> statistics = chunk.getStatistics();
          if (statistics == null
              || statistics.isEmpty()
              || !statistics.hasNonNullValue()
              || Boolean.FALSE.equals(complete.get(name))) {
            if (statistics == null || statistics.isEmpty()) {
              // One row group without statistics makes the whole file's range unknown.
              complete.put(name, false);
              ranges.remove(name);
            }
            continue;
          }
          long min = ((Number) statistics.genericGetMin()).longValue();
          long max = ((Number) statistics.genericGetMax()).longValue();
          long[] range = ranges.get(name);
          if (range == null) {
            ranges.put(name, new long[] {min, max});
            complete.put(name, true);
          } else {
            range[0] = Math.min(range[0], min);
            range[1] = Math.max(range[1], max);
          }
        }
      }
      return new Footer(rows, ranges);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
