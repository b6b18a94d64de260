package dev.tarn.operators.window;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.batch.BatchGather;
import dev.tarn.core.meta.Column;
import dev.tarn.core.plan.SortKey;
import dev.tarn.core.plan.WindowCall;
import dev.tarn.core.stats.OperatorStats;
import dev.tarn.operators.sort.RowComparator;
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
 * Computes window functions. Output: the input columns, then one column per {@link WindowCall}.
 *
 * <pre>
 *   BUFFERING --upstream done--> EMITTING --all slices pushed--> done
 * </pre>
 *
 * <p>The stage runs where its input is hash-partitioned on the partition keys, so every window
 * partition is complete in this task. Buffering retains the input batches; at upstream completion
 * they are concatenated, sorted by (partition keys, order keys) with the sort operator's {@link
 * RowComparator} and gathered once. {@link WindowEvaluator} then finds partition and peer
 * boundaries and computes each call over the sorted batch; the result goes out in zero-copy slices
 * of at most {@link #BATCH_ROWS} rows.
 *
 * <pre>
 *   partition by g order by o:  g o | row_number rank sum(o) (RANGE UNBOUNDED..CURRENT)
 *                               a 1 | 1          1    1
 *                               a 2 | 2          2    5      (peers 2, 2 share the frame)
 *                               a 2 | 3          2    5
 *                               b 7 | 1          1    7
 * </pre>
 */
public final class WindowStage extends GraphStage<FlowShape<Batch, Batch>> {
  /** The most rows one output batch holds. */
  public static final int BATCH_ROWS = 8192;

  private final Inlet<Batch> in = Inlet.create("Window.in");
  private final Outlet<Batch> out = Outlet.create("Window.out");
  private final FlowShape<Batch, Batch> shape = FlowShape.of(in, out);
  private final List<Integer> partitionKeys;
  private final List<SortKey> orderKeys;
  private final List<WindowCall> calls;
  private final List<Column> inputColumns;
  private final BufferAllocator allocator;
  private final OperatorStats stats;

  /**
   * @param partitionKeys input columns that split rows into partitions
   * @param orderKeys order within a partition
   * @param calls the functions, each appended as one output column
   * @param inputColumns the input's columns
   */
  public WindowStage(
      List<Integer> partitionKeys,
      List<SortKey> orderKeys,
      List<WindowCall> calls,
      List<Column> inputColumns,
      BufferAllocator allocator,
      OperatorStats stats) {
    this.partitionKeys = List.copyOf(Objects.requireNonNull(partitionKeys, "partitionKeys"));
    this.orderKeys = List.copyOf(Objects.requireNonNull(orderKeys, "orderKeys"));
    this.calls = List.copyOf(Objects.requireNonNull(calls, "calls"));
    this.inputColumns = List.copyOf(Objects.requireNonNull(inputColumns, "inputColumns"));
    this.allocator = Objects.requireNonNull(allocator, "allocator");
    this.stats = Objects.requireNonNull(stats, "stats");
    for (int key : this.partitionKeys) {
      checkColumn("partition key", key);
    }
    for (SortKey key : this.orderKeys) {
      checkColumn("order key", key.column());
    }
    for (WindowCall call : this.calls) {
      for (int argument : call.arguments()) {
        checkColumn(call.function() + " argument", argument);
      }
      WindowEvaluator.check(call, this.inputColumns, this.orderKeys);
    }
  }

  public static Flow<Batch, Batch, NotUsed> flow(
      List<Integer> partitionKeys,
      List<SortKey> orderKeys,
      List<WindowCall> calls,
      List<Column> inputColumns,
      BufferAllocator allocator,
      OperatorStats stats) {
    return Flow.fromGraph(
        new WindowStage(partitionKeys, orderKeys, calls, inputColumns, allocator, stats));
  }

  private void checkColumn(String what, int column) {
    if (column < 0 || column >= inputColumns.size()) {
      throw new IllegalArgumentException(
          what + " column " + column + " outside 0.." + (inputColumns.size() - 1));
    }
  }

  /** Sorts the retained batches (closing them) and appends one column per call. */
  Batch computeAll(List<Batch> batches) {
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
    Batch sorted;
    try (all) {
      int n = all.rowCount();
      int[] rows = new int[n];
      for (int i = 0; i < n; i++) {
        rows[i] = i;
      }
      List<SortKey> keys = new ArrayList<>();
      for (int key : partitionKeys) {
        keys.add(new SortKey(key, true, true));
      }
      keys.addAll(orderKeys);
      new RowComparator(all, keys).sort(rows);
      sorted = BatchGather.gather(all, rows, n, allocator);
    }
    List<FieldVector> vectors = new ArrayList<>();
    try (sorted) {
      WindowEvaluator evaluator = new WindowEvaluator(sorted, partitionKeys, orderKeys);
      for (WindowCall call : calls) {
        vectors.add(evaluator.evaluate(call, allocator));
      }
      List<FieldVector> output = new ArrayList<>(sorted.columnCount() + vectors.size());
      for (int c = 0; c < sorted.columnCount(); c++) {
        FieldVector source = sorted.vector(c);
        var pair = source.getTransferPair(source.getName(), allocator);
        pair.transfer();
        output.add((FieldVector) pair.getTo());
      }
      output.addAll(vectors);
      vectors.clear();
      return Batch.of(output, sorted.rowCount());
    } finally {
      BatchGather.closeAll(vectors);
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
      private Batch result;
      private int emitted;

      {
        setHandler(
            in,
            new AbstractInHandler() {
              @Override
              public void onPush() {
                Batch batch = grab(in);
                stats.addInput(batch.rowCount());
                if (batch.rowCount() == 0) {
                  batch.close();
                } else {
                  retained.add(batch);
                }
                pull(in);
              }

              @Override
              public void onUpstreamFinish() {
                if (retained.isEmpty()) {
                  completeStage();
                  return;
                }
                long start = System.nanoTime();
                long cpuStart = OperatorStats.threadCpuNanos();
                try {
                  result = computeAll(retained);
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
                if (result != null) {
                  emitNext();
                }
              }
            });
      }

      private void emitNext() {
        int n = result.rowCount();
        int length = Math.min(BATCH_ROWS, n - emitted);
        Batch slice = BatchGather.slice(result, emitted, length, allocator);
        emitted += length;
        stats.addOutput(slice.rowCount(), slice.sizeInBytes());
        push(out, slice);
        if (emitted >= n) {
          result.close();
          result = null;
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
        if (result != null) {
          result.close();
          result = null;
        }
      }
    };
  }
}
