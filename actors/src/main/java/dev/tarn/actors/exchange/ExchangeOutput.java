package dev.tarn.actors.exchange;

import dev.tarn.core.batch.Batch;
import dev.tarn.operators.exchange.ArrowIpc;
import dev.tarn.operators.exchange.HashPartitioner;
import dev.tarn.planner.stages.StagePlan;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.ClosedShape;
import org.apache.pekko.stream.SourceRef;
import org.apache.pekko.stream.UniformFanOutShape;
import org.apache.pekko.stream.javadsl.Broadcast;
import org.apache.pekko.stream.javadsl.GraphDSL;
import org.apache.pekko.stream.javadsl.Partition;
import org.apache.pekko.stream.javadsl.RunnableGraph;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.StreamRefs;

/**
 * The producing side of an exchange: routes a task's output batches to the consumer stage's tasks
 * as Arrow IPC bytes, one stream reference per consumer task.
 *
 * <pre>
 *   RESULT, GATHER : batches -> encode -> ref[0]
 *   HASH (n)       : batches -> split by key hash into n -> encode each -> ref[hash % n]
 *   BROADCAST (n)  : batches -> encode -> every ref[0..n-1]
 * </pre>
 *
 * Batches are encoded and closed here, so nothing off-heap crosses the exchange: the consumer
 * decodes into its own allocator. Stream references carry backpressure between tasks, on one node
 * or across nodes alike.
 */
public final class ExchangeOutput {
  private ExchangeOutput() {}

  /** A batch's bytes bound for one consumer partition (-1: for all of them). */
  private record Routed(int partition, byte[] bytes) {}

  /**
   * Materializes the task's graph.
   *
   * @param output how the task's output is split among its consumers
   * @param n how many consumer partitions read it
   * @param onEnd called once with null when the task's operators have completed, or with the
   *     failure
   * @return one stream reference per consumer partition
   */
  public static List<SourceRef<byte[]>> run(
      Source<Batch, NotUsed> source,
      StagePlan.OutputPartitioning output,
      int n,
      BufferAllocator allocator,
      ActorSystem<?> system,
      Consumer<Throwable> onEnd) {
    Source<Routed, NotUsed> routed;
    switch (output.kind()) {
      case HASH:
        int[] keys = output.keys().stream().mapToInt(Integer::intValue).toArray();
        routed = source.mapConcat(batch -> partition(batch, keys, n, allocator));
        break;
      case BROADCAST:
        routed = source.map(batch -> new Routed(-1, encode(batch)));
        break;
      case RESULT:
      case GATHER:
        routed = source.map(batch -> new Routed(0, encode(batch)));
        break;
      default:
        throw new AssertionError(output.kind());
    }
    // The callback runs where the stream ends: Pekko's completion future is Scala-converted and
    // would run a plain whenComplete on the default async executor, a new thread per task on a
    // machine with two cores.
    Source<Routed, NotUsed> watched =
        routed.watchTermination(
            (notUsed, done) -> {
              done.whenCompleteAsync((ok, failure) -> onEnd.accept(failure), Runnable::run);
              return notUsed;
            });
    Source<byte[], NotUsed> bytes = watched.map(Routed::bytes);
    if (n == 1) {
      return List.of(bytes.runWith(StreamRefs.sourceRef(), system));
    }
    List<Sink<byte[], SourceRef<byte[]>>> sinks = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      sinks.add(StreamRefs.sourceRef());
    }
    boolean broadcast = output.kind() == StagePlan.OutputPartitioning.Kind.BROADCAST;
    RunnableGraph<List<SourceRef<byte[]>>> graph =
        RunnableGraph.fromGraph(
            GraphDSL.create(
                sinks,
                (builder, outlets) -> {
                  var in = builder.add(watched);
                  if (broadcast) {
                    UniformFanOutShape<Routed, Routed> fan = builder.add(Broadcast.create(n));
                    builder.from(in).viaFanOut(fan);
                    for (int i = 0; i < n; i++) {
                      var toBytes =
                          builder.add(
                              org.apache.pekko.stream.javadsl.Flow.<Routed>create()
                                  .map(Routed::bytes));
                      builder.from(fan.out(i)).via(toBytes).to(outlets.get(i));
                    }
                  } else {
                    UniformFanOutShape<Routed, Routed> fan =
                        builder.add(Partition.create(n, Routed::partition));
                    builder.from(in).viaFanOut(fan);
                    for (int i = 0; i < n; i++) {
                      var toBytes =
                          builder.add(
                              org.apache.pekko.stream.javadsl.Flow.<Routed>create()
                                  .map(Routed::bytes));
                      builder.from(fan.out(i)).via(toBytes).to(outlets.get(i));
                    }
                  }
                  return ClosedShape.getInstance();
                }));
    return graph.run(system);
  }

  private static byte[] encode(Batch batch) {
    try (batch) {
      return ArrowIpc.encode(batch);
    }
  }

  private static List<Routed> partition(Batch batch, int[] keys, int n, BufferAllocator allocator) {
    Batch[] parts;
    try (batch) {
      if (batch.rowCount() == 0) {
        return Collections.emptyList();
      }
      parts = HashPartitioner.partition(batch, keys, n, allocator);
    }
    List<Routed> out = new ArrayList<>(n);
    int i = 0;
    try {
      for (; i < parts.length; i++) {
        if (parts[i] != null) {
          out.add(new Routed(i, encode(parts[i])));
        }
      }
    } finally {
      // encode closed every part before i (and part i, even when it threw): close the rest.
      for (int rest = i + 1; rest < parts.length; rest++) {
        if (parts[rest] != null) {
          parts[rest].close();
        }
      }
    }
    return out;
  }
}
