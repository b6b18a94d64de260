package dev.tarn.bench.jmh;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.format.BatchReader;
import dev.tarn.core.format.FormatReaders;
import dev.tarn.core.format.ScanRequest;
import dev.tarn.core.meta.Column;
import dev.tarn.core.meta.FileFormat;
import dev.tarn.core.storage.FileEntry;
import dev.tarn.core.storage.LakeStorage;
import dev.tarn.core.storage.LocalStorage;
import dev.tarn.operators.scan.ScanSource;
import dev.tarn.runtime.demo.TpchData;
import io.trino.tpch.TpchTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * The TPC-H lineitem table at scale factor 0.1 that the scan, filter, project and exchange
 * benchmarks share: written once as one Parquet file under {@code bench-data/} (the folder named by
 * the system property {@code tarn.bench.data}, git-ignored) and read back into Arrow batches of the
 * scan's batch size.
 *
 * <p>The row count is fixed by dbgen, so benchmarks can declare it in
 * {@code @OperationsPerInvocation}; {@link #checkRows} fails a run whose file disagrees rather than
 * report a wrong rows-per-second figure.
 */
final class LineitemData {
  /** Rows of lineitem at scale factor 0.1. */
  static final int ROWS = 600_572;

  /** The columns a TPC-H Q1/Q6-like scan reads. */
  static final List<String> SCAN_COLUMNS =
      List.of("l_quantity", "l_extendedprice", "l_discount", "l_shipdate", "l_returnflag");

  private static final double SCALE_FACTOR = 0.1;

  private LineitemData() {}

  /** Every lineitem column, in table order. */
  static List<Column> tableColumns() {
    return TpchData.columns(TpchTable.LINE_ITEM);
  }

  /** The lineitem Parquet file, generated on first use (all TPC-H tables, one file each). */
  static Path file() {
    Path root =
        Path.of(System.getProperty("tarn.bench.data", "bench-data"))
            .resolve("jmh-tpch-sf" + SCALE_FACTOR)
            .toAbsolutePath();
    try (RootAllocator allocator = new RootAllocator()) {
      TpchData.write(root, SCALE_FACTOR, 1, allocator);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write TPC-H data under " + root, e);
    }
    return root.resolve("lineitem").resolve("part-001.parquet");
  }

  /** Indexes into {@link #tableColumns()} of the named columns. */
  static int[] projection(List<String> names) {
    List<Column> columns = tableColumns();
    int[] out = new int[names.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = -1;
      for (int c = 0; c < columns.size(); c++) {
        if (columns.get(c).name().equals(names.get(i))) {
          out[i] = c;
        }
      }
      if (out[i] < 0) {
        throw new IllegalArgumentException("lineitem has no column " + names.get(i));
      }
    }
    return out;
  }

  /** The request a table scan makes for {@code names}, in batches of the scan's default size. */
  static ScanRequest request(List<String> names) {
    return new ScanRequest(tableColumns(), projection(names), Map.of(), ScanSource.BATCH_ROWS);
  }

  /** Reads the named columns of {@code file} into batches the caller owns. */
  static List<Batch> read(Path file, List<String> names, BufferAllocator allocator) {
    LakeStorage storage = new LocalStorage();
    FileEntry entry = new FileEntry(file.toString(), file.toFile().length(), 0);
    List<Batch> batches = new ArrayList<>();
    try (BatchReader reader =
        FormatReaders.forFormat(FileFormat.PARQUET)
            .open(storage, entry, request(names), allocator)) {
      for (Batch batch = reader.next(); batch != null; batch = reader.next()) {
        batches.add(batch);
      }
    } catch (RuntimeException e) {
      closeAll(batches);
      throw e;
    }
    checkRows(batches, file);
    return batches;
  }

  /** Fails unless the batches hold exactly {@link #ROWS} rows. */
  static void checkRows(List<Batch> batches, Path file) {
    long rows = 0;
    for (Batch batch : batches) {
      rows += batch.rowCount();
    }
    if (rows != ROWS) {
      throw new IllegalStateException(
          file
              + " holds "
              + rows
              + " lineitem rows, expected "
              + ROWS
              + " (SF "
              + SCALE_FACTOR
              + ")");
    }
  }

  static void closeAll(List<Batch> batches) {
    for (Batch batch : batches) {
      batch.close();
    }
    batches.clear();
  }
}
