package dev.tarn.actors.exchange;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.meta.Column;
import dev.tarn.operators.exchange.ArrowIpc;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.SourceRef;
import org.apache.pekko.stream.javadsl.Merge;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The consuming side of an exchange: merges the stream references of every producer task into one
 * source of batches decoded into the consumer's allocator. All references are subscribed at once,
 * so no producer waits on another, and cancelling the consumer cancels them all.
 */
public final class ExchangeInput {
  private ExchangeInput() {}

  public static Source<Batch, NotUsed> source(
      List<SourceRef<byte[]>> refs, List<Column> columns, BufferAllocator allocator) {
    Source<byte[], NotUsed> merged;
    if (refs.isEmpty()) {
      return Source.empty();
    } else if (refs.size() == 1) {
      merged = refs.get(0).getSource().mapMaterializedValue(m -> NotUsed.getInstance());
    } else {
      // A fan-in stage, not flatMapMerge: every reference is subscribed when the graph starts,
      // so a consumer that cancels early (a satisfied limit, an empty join side) cancels every
      // producer at once instead of leaving some waiting for a subscriber until they time out.
      List<Source<byte[], ?>> rest = new ArrayList<>();
      for (int i = 2; i < refs.size(); i++) {
        rest.add(refs.get(i).getSource());
      }
      merged =
          Source.combine(refs.get(0).getSource(), refs.get(1).getSource(), rest, Merge::create);
    }
    return merged.map(bytes -> ArrowIpc.decode(bytes, columns, allocator));
  }
}
