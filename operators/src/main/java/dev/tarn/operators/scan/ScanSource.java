package dev.tarn.operators.scan;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.batch.BatchGather;
import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.expr.Expr;
import dev.tarn.core.format.BatchReader;
import dev.tarn.core.format.FormatReader;
import dev.tarn.core.format.ScanRequest;
import dev.tarn.core.format.TextValues;
import dev.tarn.core.meta.Column;
import dev.tarn.core.meta.Partition;
import dev.tarn.core.meta.TableMetadata;
import dev.tarn.core.stats.OperatorStats;
import dev.tarn.core.storage.LakeStorage;
import dev.tarn.core.type.SqlType;
import dev.tarn.operators.expr.Lane;
import dev.tarn.operators.expr.Lanes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.SourceShape;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;

/**
 * Reads the files of one table as batches: the projected data columns (read by the table's {@link
 * FormatReader}) followed by the projected partition columns (constant per file, parsed from the
 * split's partition values).
 *
 * <p>Files are opened lazily, one at a time, and a batch is read only when downstream pulls: the
 * scan never reads ahead. With a row limit (a LIMIT pushed down), readers are asked for batches no
 * larger than the rows still needed, and the scan completes once it has produced the limit. Stats
 * count files opened, bytes read (as the readers report them) and rows produced.
 */
public final class ScanSource extends GraphStage<SourceShape<Batch>> {
  /** Rows per batch the readers are asked for. */
  public static final int BATCH_ROWS = 8192;

  private final Outlet<Batch> out = Outlet.create("Scan.out");
  private final SourceShape<Batch> shape = SourceShape.of(out);
  private final TableMetadata table;
  private final List<ScanSplit> splits;
  private final int[] dataColumns;
  private final int[] partitionColumns;
  private final FormatReader reader;
  private final LakeStorage storage;
  private final int batchRows;
  private final BufferAllocator allocator;
  private final OperatorStats stats;
  // Over the scan's output: its data columns come first, so references to them are also
  // references to the request's output; readers ignore conjuncts on partition columns.
  private final Expr predicate;
  // Rows to produce at most; -1 for all.
  private final long limit;

  /**
   * @param dataColumns indexes into {@code table.columns()}, in output order
   * @param partitionColumns indexes into {@code table.partitionColumns()}, in output order
   * @param predicate a filter over the output that readers may use to skip data (Parquet row groups
   *     by their statistics), or null
   * @param limit rows to produce at most, {@code -1} for all
   * @param reader the reader for {@code table.format()}
   */
  public ScanSource(
      TableMetadata table,
      List<ScanSplit> splits,
      List<Integer> dataColumns,
      List<Integer> partitionColumns,
      Expr predicate,
      long limit,
      FormatReader reader,
      LakeStorage storage,
      int batchRows,
      BufferAllocator allocator,
      OperatorStats stats) {
    if (limit < -1) {
      throw new IllegalArgumentException("scan limit must be >= 0, or -1 for none: " + limit);
    }
    this.limit = limit;
    this.table = Objects.requireNonNull(table, "table");
    this.splits = List.copyOf(splits);
    this.dataColumns = dataColumns.stream().mapToInt(Integer::intValue).toArray();
    this.partitionColumns = partitionColumns.stream().mapToInt(Integer::intValue).toArray();
    for (int p : this.partitionColumns) {
      if (p < 0 || p >= table.partitionColumns().size()) {
        throw new IllegalArgumentException(
            "partition column " + p + " outside table " + table.qualifiedName());
      }
    }
    for (ScanSplit split : this.splits) {
      if (split.partitionValues().size() != table.partitionColumns().size()) {
        throw new IllegalArgumentException(
            "split "
                + split.file().path()
                + " has "
                + split.partitionValues().size()
                + " partition values, table "
                + table.qualifiedName()
                + " has "
                + table.partitionColumns().size()
                + " partition columns");
      }
    }
    this.reader = Objects.requireNonNull(reader, "reader");
    this.storage = Objects.requireNonNull(storage, "storage");
    this.batchRows = batchRows;
    this.allocator = Objects.requireNonNull(allocator, "allocator");
    this.stats = Objects.requireNonNull(stats, "stats");
    this.predicate = predicate;
  }

  /**
   * The scan as a source, reading {@link #BATCH_ROWS} rows at a time; {@code predicate} and {@code
   * limit} as for the constructor.
   */
  public static Source<Batch, NotUsed> source(
      TableMetadata table,
      List<ScanSplit> splits,
      List<Integer> dataColumns,
      List<Integer> partitionColumns,
      Expr predicate,
      long limit,
      FormatReader reader,
      LakeStorage storage,
      BufferAllocator allocator,
      OperatorStats stats) {
    return Source.fromGraph(
        new ScanSource(
            table,
            splits,
            dataColumns,
            partitionColumns,
            predicate,
            limit,
            reader,
            storage,
            BATCH_ROWS,
            allocator,
            stats));
  }

  /** The scan's output columns: projected data columns, then projected partition columns. */
  public List<Column> outputColumns() {
    List<Column> columns = new ArrayList<>();
    for (int d : dataColumns) {
      columns.add(table.columns().get(d));
    }
    for (int p : partitionColumns) {
      columns.add(table.partitionColumns().get(p));
    }
    return columns;
  }

  /**
   * A partition folder value as a value of {@code type} (Expr.Literal conventions); Hive's default
   * partition is NULL.
   *
   * @throws TarnException BAD_DATA naming the file, column and value when it does not parse
   */
  static Object parsePartitionValue(String text, Column column, String file) {
    if (text == null || text.equals(Partition.DEFAULT_PARTITION)) {
      return null;
    }
    SqlType type = column.type();
    try {
      return TextValues.parse(text, type);
    } catch (IllegalArgumentException e) {
      // Reported below with the file and the column.
    }
    throw new TarnException(
        ErrorCode.BAD_DATA,
        file + ": partition value '" + text + "' of column " + column.name() + " is not a " + type);
  }

  @Override
  public SourceShape<Batch> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new GraphStageLogic(shape) {
      private int nextSplit;
      private BatchReader current;
      private Object[] partitionValues;
      private long bytesCounted;
      private long remaining = limit < 0 ? Long.MAX_VALUE : limit;

      {
        setHandler(
            out,
            new AbstractOutHandler() {
              @Override
              public void onPull() {
                long start = System.nanoTime();
                long cpuStart = OperatorStats.threadCpuNanos();
                Batch batch;
                try {
                  batch = nextBatch();
                } catch (TarnException e) {
                  // Bad data is the query's failure, not the stream's bug: fail without an
                  // error log (the coordinator reports it once, with the query id).
                  failStage(e);
                  return;
                } finally {
                  stats.addTime(
                      System.nanoTime() - start, OperatorStats.threadCpuNanos() - cpuStart);
                }
                if (batch == null) {
                  completeStage();
                } else {
                  stats.addOutput(batch.rowCount(), batch.sizeInBytes());
                  push(out, batch);
                }
              }
            });
      }

      /**
       * The next non-empty batch, opening files as needed; null when all files are read or the
       * limit is reached.
       */
      private Batch nextBatch() {
        if (remaining == 0) {
          return null;
        }
        Batch batch = readBatch();
        if (batch == null || limit < 0) {
          return batch;
        }
        if (batch.rowCount() > remaining) {
          Batch whole = batch;
          try (whole) {
            batch = BatchGather.slice(whole, 0, (int) remaining, allocator);
          }
        }
        remaining -= batch.rowCount();
        return batch;
      }

      private Batch readBatch() {
        while (true) {
          if (current == null) {
            if (nextSplit >= splits.size()) {
              return null;
            }
            ScanSplit split = splits.get(nextSplit++);
            partitionValues = new Object[partitionColumns.length];
            for (int i = 0; i < partitionColumns.length; i++) {
              int p = partitionColumns[i];
              partitionValues[i] =
                  parsePartitionValue(
                      split.partitionValues().get(p),
                      table.partitionColumns().get(p),
                      split.file().path());
            }
            // Under a limit, no batch larger than the rows still needed.
            int rows = (int) Math.min(batchRows, remaining);
            ScanRequest request =
                new ScanRequest(table.columns(), dataColumns, table.properties(), rows, predicate);
            current = reader.open(storage, split.file(), request, allocator);
            bytesCounted = 0;
            stats.addFileOpened();
          }
          Batch data = current.next();
          long read = current.bytesRead();
          stats.addBytesRead(read - bytesCounted);
          bytesCounted = read;
          if (data == null) {
            closeReader();
            continue;
          }
          if (data.rowCount() == 0) {
            data.close();
            continue;
          }
          return partitionColumns.length == 0 ? data : withPartitions(data);
        }
      }

      private Batch withPartitions(Batch data) {
        int rows = data.rowCount();
        List<FieldVector> vectors = new ArrayList<>(data.columnCount() + partitionColumns.length);
        try (data) {
          for (int i = 0; i < partitionColumns.length; i++) {
            Column column = table.partitionColumns().get(partitionColumns[i]);
            Lane lane = Lanes.constant(partitionValues[i], column.type(), rows);
            vectors.add(Lanes.write(lane, column.name(), allocator));
          }
          Batch moved = BatchGather.columns(data, 0, data.columnCount(), allocator);
          List<FieldVector> all = new ArrayList<>(moved.root().getFieldVectors());
          all.addAll(vectors);
          vectors.clear();
          return Batch.of(all, rows);
        } catch (RuntimeException e) {
          BatchGather.closeAll(vectors);
          throw e;
        }
      }

      private void closeReader() {
        if (current != null) {
          BatchReader r = current;
          current = null;
          r.close();
        }
      }

      @Override
      public void postStop() {
        closeReader();
      }
    };
  }
}
