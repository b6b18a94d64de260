package dev.tarn.bench.jmh;

import com.typesafe.config.ConfigFactory;
import dev.tarn.core.batch.Batch;
import dev.tarn.core.batch.BatchGather;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Runs operator streams the way a task does, for benchmarks: a local actor system (one per trial)
 * materializes {@code source -> stage(s) -> sink}, and the sink closes every output batch as it
 * arrives, as the exchange or result writer downstream of a task would.
 *
 * <p>Operators own and close their input batches, so a benchmark cannot hand the same batches to
 * every invocation. {@link #handOver} gives each invocation zero-copy slices of the prepared
 * batches instead (Arrow reference counts keep the prepared buffers alive when a stage closes its
 * slice): the cost is a few objects per column and batch, not a copy of the data.
 */
final class OperatorStreams implements AutoCloseable {
  private final ActorSystem<Void> system;

  OperatorStreams(String name) {
    // Default (local) provider: the benchmark measures operators, not remoting.
    system =
        ActorSystem.create(
            Behaviors.empty(),
            name,
            ConfigFactory.parseString("pekko.loglevel = WARNING")
                .withFallback(ConfigFactory.load()));
  }

  /** Zero-copy slices of {@code batches}, owned by the caller (or whichever stage it pushes to). */
  static List<Batch> handOver(List<Batch> batches, BufferAllocator allocator) {
    List<Batch> out = new ArrayList<>(batches.size());
    try {
      for (Batch batch : batches) {
        out.add(BatchGather.slice(batch, 0, batch.rowCount(), allocator));
      }
    } catch (RuntimeException e) {
      LineitemData.closeAll(out);
      throw e;
    }
    return out;
  }

  /** Runs {@code source} to completion, closing every batch it emits; returns the rows emitted. */
  long drain(Source<Batch, ?> source) {
    try {
      return source
          .runWith(Sink.fold(0L, OperatorStreams::countAndClose), system)
          .toCompletableFuture()
          .get(10, TimeUnit.MINUTES);
    } catch (ExecutionException e) {
      throw new IllegalStateException("benchmark stream failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the benchmark stream ran", e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("benchmark stream did not finish in 10 minutes", e);
    }
  }

  private static Long countAndClose(Long rows, Batch batch) {
    try (batch) {
      return rows + batch.rowCount();
    }
  }

  @Override
  public void close() {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("actor system " + system.name() + " did not terminate", e);
    }
  }
}
