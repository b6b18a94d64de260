package dev.tarn.operators.project;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.batch.BatchRows;
import dev.tarn.core.meta.Column;
import dev.tarn.core.stats.OperatorStats;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.SourceShape;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;

/**
 * Constant rows ({@code VALUES}) as batches of at most {@link #BATCH_ROWS} rows. Batches are built
 * on demand, so a cancelled stream allocates nothing it does not close.
 */
public final class ValuesSource extends GraphStage<SourceShape<Batch>> {
  /** The most rows one emitted batch holds. */
  public static final int BATCH_ROWS = 8192;

  private final Outlet<Batch> out = Outlet.create("Values.out");
  private final SourceShape<Batch> shape = SourceShape.of(out);
  private final List<Column> columns;
  private final List<List<Object>> rows;
  private final BufferAllocator allocator;
  private final OperatorStats stats;

  /** Rows hold Java values as {@link BatchRows#fromRows} accepts them. */
  public ValuesSource(
      List<Column> columns,
      List<List<Object>> rows,
      BufferAllocator allocator,
      OperatorStats stats) {
    this.columns = List.copyOf(columns);
    this.rows = List.copyOf(rows);
    this.allocator = Objects.requireNonNull(allocator, "allocator");
    this.stats = Objects.requireNonNull(stats, "stats");
  }

  public static Source<Batch, NotUsed> source(
      List<Column> columns,
      List<List<Object>> rows,
      BufferAllocator allocator,
      OperatorStats stats) {
    return Source.fromGraph(new ValuesSource(columns, rows, allocator, stats));
  }

  @Override
  public SourceShape<Batch> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new GraphStageLogic(shape) {
      private int next;

      {
        setHandler(
            out,
            new AbstractOutHandler() {
              @Override
              public void onPull() {
                if (next >= rows.size()) {
                  completeStage();
                  return;
                }
                long start = System.nanoTime();
                long cpuStart = OperatorStats.threadCpuNanos();
                int end = Math.min(rows.size(), next + BATCH_ROWS);
                Batch batch = BatchRows.fromRows(columns, rows.subList(next, end), allocator);
                next = end;
                stats.addTime(System.nanoTime() - start, OperatorStats.threadCpuNanos() - cpuStart);
                stats.addOutput(batch.rowCount(), batch.sizeInBytes());
                push(out, batch);
                if (next >= rows.size()) {
                  completeStage();
                }
              }
            });
      }
    };
  }
}
