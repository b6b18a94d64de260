package dev.tarn.operators.sort;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.batch.BatchGather;
import dev.tarn.core.meta.Column;
import dev.tarn.core.plan.SortKey;
import dev.tarn.core.stats.OperatorStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
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
 * </pre>
 *
 * <p>Accumulating retains input batches. For top-N, whenever the retained rows pass {@code max(2 *
 * limit, 8192)} they are compacted to the best {@code limit} rows, so memory stays bounded by the
 * limit. Sorting concatenates the retained batches, sorts an index permutation with a stable merge
 * sort and gathers the rows once; output goes out in zero-copy slices of at most {@link
 * #BATCH_ROWS} rows.
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
      private Batch sorted;
      private int emitted;

      {
        setHandler(
            in,
            new AbstractInHandler() {
              @Override
              public void onPush() {
                long start = System.nanoTime();
                try {
                  Batch batch = grab(in);
                  stats.addInput(batch.rowCount());
                  if (batch.rowCount() == 0 || limit == 0) {
                    batch.close();
                  } else {
                    retained.add(batch);
                    retainedRows += batch.rowCount();
                    if (limit >= 0 && retainedRows > Math.max(2 * limit, BATCH_ROWS)) {
                      Batch best = sortAll(retained);
                      retained.add(best);
                      retainedRows = best.rowCount();
                    }
                  }
                } finally {
                  stats.addWallNanos(System.nanoTime() - start);
                }
                pull(in);
              }

              @Override
              public void onUpstreamFinish() {
                long start = System.nanoTime();
                try {
                  if (retained.isEmpty()) {
                    completeStage();
                    return;
                  }
                  sorted = sortAll(retained);
                } finally {
                  stats.addWallNanos(System.nanoTime() - start);
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
                if (sorted != null) {
                  emitNext();
                }
              }
            });
      }

      private void emitNext() {
        int n = sorted.rowCount();
        int length = Math.min(BATCH_ROWS, n - emitted);
        Batch slice = BatchGather.slice(sorted, emitted, length, allocator);
        emitted += length;
        stats.addOutput(slice.rowCount(), slice.sizeInBytes());
        push(out, slice);
        if (emitted >= n) {
          sorted.close();
          sorted = null;
          completeStage();
        }
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
      }
    };
  }
}
