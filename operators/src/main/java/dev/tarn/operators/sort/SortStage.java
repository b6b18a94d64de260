package dev.tarn.operators.sort;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.batch.BatchGather;
import dev.tarn.core.memory.SpillSpace;
import dev.tarn.core.meta.Column;
import dev.tarn.core.plan.SortKey;
import dev.tarn.core.stats.OperatorStats;
import dev.tarn.operators.exchange.SpillFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;

/**
 * Sorts its whole input, or keeps the first {@code limit} rows of that order (top-N).
 *
 * <pre>
 *   ACCUMULATING --upstream done--> EMITTING --all slices pushed--> done
 *        |  held bytes over the spill threshold (full sort only)
 *        v
 *   SPILLING: sort what is held, write it as a run file, keep accumulating
 *        |  upstream done
 *        v
 *   MERGING: the last run written too, runs merged k-way, batch by batch, into the output
 * </pre>
 *
 * <p>Accumulating retains input batches. For top-N, whenever the retained rows pass {@code max(2 *
 * limit, 8192)} they are compacted to the best {@code limit} rows, so memory stays bounded by the
 * limit. Sorting concatenates the retained batches, sorts an index permutation with a stable merge
 * sort and gathers the rows once; output goes out in zero-copy slices of at most {@link
 * #BATCH_ROWS} rows. A full sort whose held batches pass the {@link SpillSpace} threshold writes
 * them out as a sorted run; with runs on disk the output is their merge, which holds one batch per
 * run in memory.
 */
public final class SortStage extends GraphStage<FlowShape<Batch, Batch>> {
  /** The most rows one output batch holds. */
  public static final int BATCH_ROWS = 8192;

  private final Inlet<Batch> in = Inlet.create("Sort.in");
  private final Outlet<Batch> out = Outlet.create("Sort.out");
  private final FlowShape<Batch, Batch> shape = FlowShape.of(in, out);
  private final List<SortKey> keys;
  private final long limit;
  private final BufferAllocator allocator;
  private final OperatorStats stats;
  private final List<Column> columns;
  private final SpillSpace spill;

  /**
   * @param keys sort keys over {@code inputColumns}
   * @param limit rows to keep, or a negative number for all
   */
  public SortStage(
      List<SortKey> keys,
      long limit,
      List<Column> inputColumns,
      BufferAllocator allocator,
      OperatorStats stats) {
    this(keys, limit, inputColumns, allocator, stats, SpillSpace.disabled());
  }

  /** A sort that spills sorted runs to {@code spill} when it holds more than its threshold. */
  public SortStage(
      List<SortKey> keys,
      long limit,
      List<Column> inputColumns,
      BufferAllocator allocator,
      OperatorStats stats,
      SpillSpace spill) {
    this.columns = List.copyOf(inputColumns);
    this.spill = Objects.requireNonNull(spill, "spill");
    this.keys = List.copyOf(keys);
    for (SortKey key : keys) {
      if (key.column() < 0 || key.column() >= inputColumns.size()) {
        throw new IllegalArgumentException(
            "sort key column " + key.column() + " outside 0.." + (inputColumns.size() - 1));
      }
    }
    this.limit = limit;
    this.allocator = Objects.requireNonNull(allocator, "allocator");
    this.stats = Objects.requireNonNull(stats, "stats");
  }

  public static Flow<Batch, Batch, NotUsed> flow(
      List<SortKey> keys,
      long limit,
      List<Column> inputColumns,
      BufferAllocator allocator,
      OperatorStats stats) {
    return Flow.fromGraph(new SortStage(keys, limit, inputColumns, allocator, stats));
  }

  /** Sorts (and cuts to the limit) the retained batches into one batch; closes them. */
  Batch sortAll(List<Batch> batches) {
    Batch all;
    try {
      all = batches.size() == 1 ? batches.get(0) : BatchGather.concat(batches, allocator);
    } finally {
      if (batches.size() > 1) {
        for (Batch b : batches) {
          b.close();
        }
      }
      batches.clear();
    }
    try (all) {
      int n = all.rowCount();
      int[] rows = new int[n];
      for (int i = 0; i < n; i++) {
        rows[i] = i;
      }
      new RowComparator(all, keys).sort(rows);
      int keep = limit >= 0 ? (int) Math.min(limit, n) : n;
      return BatchGather.gather(all, rows, keep, allocator);
    }
  }

  @Override
  public FlowShape<Batch, Batch> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new GraphStageLogic(shape) {
      private final List<Batch> retained = new ArrayList<>();
      private long retainedRows;
      private long retainedBytes;
      private Batch sorted;
      private int emitted;
      private final List<Path> runs = new ArrayList<>();
      private RunMerge merge;

      {
        setHandler(
            in,
            new AbstractInHandler() {
              @Override
              public void onPush() {
                long start = System.nanoTime();
                long cpuStart = OperatorStats.threadCpuNanos();
                try {
                  Batch batch = grab(in);
                  stats.addInput(batch.rowCount());
                  if (batch.rowCount() == 0 || limit == 0) {
                    batch.close();
                  } else {
                    retained.add(batch);
                    retainedRows += batch.rowCount();
                    retainedBytes += batch.sizeInBytes();
                    if (limit >= 0 && retainedRows > Math.max(2 * limit, BATCH_ROWS)) {
                      Batch best = sortAll(retained);
                      retained.add(best);
                      retainedRows = best.rowCount();
                      retainedBytes = best.sizeInBytes();
                    } else if (limit < 0 && spill.shouldSpill(retainedBytes)) {
                      spillRun();
                    }
                  }
                } finally {
                  stats.addTime(
                      System.nanoTime() - start, OperatorStats.threadCpuNanos() - cpuStart);
                }
                pull(in);
              }

              @Override
              public void onUpstreamFinish() {
                long start = System.nanoTime();
                long cpuStart = OperatorStats.threadCpuNanos();
                try {
                  if (runs.isEmpty()) {
                    if (retained.isEmpty()) {
                      completeStage();
                      return;
                    }
                    sorted = sortAll(retained);
                  } else {
                    if (!retained.isEmpty()) {
                      spillRun();
                    }
                    merge = new RunMerge(runs);
                  }
                } finally {
                  stats.addTime(
                      System.nanoTime() - start, OperatorStats.threadCpuNanos() - cpuStart);
                }
                if (isAvailable(out)) {
                  emitNext();
                }
              }
            });
        setHandler(
            out,
            new AbstractOutHandler() {
              @Override
              public void onPull() {
                if (sorted != null || merge != null) {
                  emitNext();
                }
              }
            });
      }

      /** Sorts what is held and writes it as one run file. */
      private void spillRun() {
        Path file = spill.newFile("sort");
        try (Batch run = sortAll(retained);
            SpillFile.Writer writer = new SpillFile.Writer(file)) {
          for (int from = 0; from < run.rowCount(); from += BATCH_ROWS) {
            try (Batch slice =
                BatchGather.slice(
                    run, from, Math.min(BATCH_ROWS, run.rowCount() - from), allocator)) {
              writer.write(slice);
            }
          }
          stats.addSpillBytes(writer.bytes());
        }
        runs.add(file);
        retainedRows = 0;
        retainedBytes = 0;
      }

      private void emitNext() {
        long start = System.nanoTime();
        long cpuStart = OperatorStats.threadCpuNanos();
        Batch next;
        try {
          next = merge != null ? merge.next() : nextSlice();
        } finally {
          stats.addTime(System.nanoTime() - start, OperatorStats.threadCpuNanos() - cpuStart);
        }
        if (next == null) {
          completeStage();
          return;
        }
        stats.addOutput(next.rowCount(), next.sizeInBytes());
        push(out, next);
        if (merge == null && sorted == null) {
          completeStage();
        }
      }

      private Batch nextSlice() {
        int n = sorted.rowCount();
        int length = Math.min(BATCH_ROWS, n - emitted);
        Batch slice = BatchGather.slice(sorted, emitted, length, allocator);
        emitted += length;
        if (emitted >= n) {
          sorted.close();
          sorted = null;
        }
        return slice;
      }

      @Override
      public void preStart() {
        pull(in);
      }

      @Override
      public void postStop() {
        for (Batch b : retained) {
          b.close();
        }
        retained.clear();
        if (sorted != null) {
          sorted.close();
          sorted = null;
        }
        if (merge != null) {
          merge.close();
          merge = null;
        }
      }
    };
  }

  /**
   * A k-way merge of sorted run files: holds the current batch of each run, repeatedly copies the
   * smallest head row (ties to the earlier run, so the merge is stable) into the output batch.
   */
  private final class RunMerge implements AutoCloseable {
    private final SpillFile.Reader[] readers;
    private final Batch[] heads;
    private final RowComparator[] comparators;
    private final int[] positions;

    RunMerge(List<Path> files) {
      readers = new SpillFile.Reader[files.size()];
      heads = new Batch[files.size()];
      comparators = new RowComparator[files.size()];
      positions = new int[files.size()];
      for (int r = 0; r < files.size(); r++) {
        readers[r] = new SpillFile.Reader(files.get(r), columns, allocator);
        advance(r);
      }
    }

    /** Loads run r's next batch as its head (null when the run is done). */
    private void advance(int r) {
      if (heads[r] != null) {
        heads[r].close();
      }
      heads[r] = readers[r].next();
      comparators[r] = heads[r] == null ? null : new RowComparator(heads[r], keys);
      positions[r] = 0;
    }

    /** The next merged batch of up to BATCH_ROWS rows, or null when every run is done. */
    Batch next() {
      List<FieldVector> vectors = new ArrayList<>(columns.size());
      for (Column column : columns) {
        FieldVector vector = column.type().toField(column.name()).createVector(allocator);
        vector.setInitialCapacity(BATCH_ROWS);
        vector.allocateNew();
        vectors.add(vector);
      }
      int rows = 0;
      try {
        while (rows < BATCH_ROWS) {
          int best = -1;
          for (int r = 0; r < heads.length; r++) {
            if (heads[r] != null
                && (best < 0
                    || comparators[r].compare(positions[r], comparators[best], positions[best])
                        < 0)) {
              best = r;
            }
          }
          if (best < 0) {
            break;
          }
          Batch head = heads[best];
          for (int c = 0; c < vectors.size(); c++) {
            vectors.get(c).copyFromSafe(positions[best], rows, head.vector(c));
          }
          rows++;
          if (++positions[best] >= head.rowCount()) {
            advance(best);
          }
        }
      } catch (RuntimeException e) {
        BatchGather.closeAll(vectors);
        throw e;
      }
      if (rows == 0) {
        BatchGather.closeAll(vectors);
        return null;
      }
      for (FieldVector vector : vectors) {
        vector.setValueCount(rows);
      }
      return Batch.of(vectors, rows);
    }

    @Override
    public void close() {
      for (int r = 0; r < heads.length; r++) {
        if (heads[r] != null) {
          heads[r].close();
          heads[r] = null;
        }
        if (readers[r] != null) {
          readers[r].close();
        }
      }
    }
  }
}
