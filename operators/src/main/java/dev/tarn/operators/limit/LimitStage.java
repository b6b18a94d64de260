package dev.tarn.operators.limit;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.batch.BatchGather;
import dev.tarn.core.stats.OperatorStats;
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
 * Skips {@code offset} rows, then passes at most {@code count} rows. Whole batches pass through;
 * the batch that crosses a boundary is sliced (zero-copy, in the allocator of the batch). Once
 * {@code count} rows have passed the stage completes, which cancels upstream: a satisfied limit
 * stops the scan below it.
 */
public final class LimitStage extends GraphStage<FlowShape<Batch, Batch>> {
  private final Inlet<Batch> in = Inlet.create("Limit.in");
  private final Outlet<Batch> out = Outlet.create("Limit.out");
  private final FlowShape<Batch, Batch> shape = FlowShape.of(in, out);
  private final long offset;
  private final long count;
  private final OperatorStats stats;

  public LimitStage(long offset, long count, OperatorStats stats) {
    if (offset < 0 || count < 0) {
      throw new IllegalArgumentException(
          "limit offset and count must be >= 0, were " + offset + ", " + count);
    }
    this.offset = offset;
    this.count = count;
    this.stats = Objects.requireNonNull(stats, "stats");
  }

  public static Flow<Batch, Batch, NotUsed> flow(long offset, long count, OperatorStats stats) {
    return Flow.fromGraph(new LimitStage(offset, count, stats));
  }

  @Override
  public FlowShape<Batch, Batch> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new GraphStageLogic(shape) {
      private long toSkip = offset;
      private long toTake = count;

      {
        setHandler(
            in,
            new AbstractInHandler() {
              @Override
              public void onPush() {
                long start = System.nanoTime();
                long cpuStart = OperatorStats.threadCpuNanos();
                Batch batch = grab(in);
                Batch result = null;
                try {
                  int rows = batch.rowCount();
                  stats.addInput(rows);
                  if (toSkip >= rows) {
                    toSkip -= rows;
                  } else {
                    int from = (int) toSkip;
                    int take = (int) Math.min(rows - from, toTake);
                    toSkip = 0;
                    toTake -= take;
                    if (from == 0 && take == rows) {
                      result = batch;
                      batch = null;
                    } else {
                      result = BatchGather.slice(batch, from, take, allocatorOf(batch));
                    }
                  }
                } finally {
                  if (batch != null) {
                    batch.close();
                  }
                  stats.addTime(
                      System.nanoTime() - start, OperatorStats.threadCpuNanos() - cpuStart);
                }
                if (result != null) {
                  stats.addOutput(result.rowCount(), result.sizeInBytes());
                  push(out, result);
                  if (toTake == 0) {
                    completeStage();
                  }
                } else {
                  pull(in);
                }
              }
            });
        setHandler(
            out,
            new AbstractOutHandler() {
              @Override
              public void onPull() {
                pull(in);
              }
            });
      }

      @Override
      public void preStart() {
        if (count == 0) {
          completeStage();
        }
      }
    };
  }

  /** Slices stay with the allocator that holds the sliced batch. */
  private static BufferAllocator allocatorOf(Batch batch) {
    return batch.vector(0).getAllocator();
  }
}
