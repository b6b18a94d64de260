package dev.tarn.operators.project;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.stats.OperatorStats;
import java.util.Objects;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;

/**
 * A stage that turns each input batch into at most one output batch on its own (project, filter,
 * unnest). It owns what those share: pulling and pushing, the operator's counters and time, and the
 * input's ownership: the input batch is closed once {@link #map} returns or throws, unless {@code
 * map} returns the input itself, which then passes on unchanged.
 */
public abstract class BatchMapStage extends GraphStage<FlowShape<Batch, Batch>> {
  private final Inlet<Batch> in;
  private final Outlet<Batch> out;
  private final FlowShape<Batch, Batch> shape;
  private final OperatorStats stats;

  /** {@code name} names the stage's ports in Pekko's errors and logs. */
  protected BatchMapStage(String name, OperatorStats stats) {
    this.in = Inlet.create(name + ".in");
    this.out = Outlet.create(name + ".out");
    this.shape = FlowShape.of(in, out);
    this.stats = Objects.requireNonNull(stats, "stats");
  }

  /**
   * The output for one input batch, or null when it yields nothing. The caller keeps owning {@code
   * input}; a new result belongs to the caller too.
   */
  protected abstract Batch map(Batch input);

  @Override
  public FlowShape<Batch, Batch> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new GraphStageLogic(shape) {
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
                  stats.addInput(batch.rowCount());
                  result = map(batch);
                } finally {
                  if (result != batch) {
                    batch.close();
                  }
                  stats.addTime(
                      System.nanoTime() - start, OperatorStats.threadCpuNanos() - cpuStart);
                }
                if (result == null) {
                  pull(in);
                } else {
                  stats.addOutput(result.rowCount(), result.sizeInBytes());
                  push(out, result);
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
    };
  }
}
