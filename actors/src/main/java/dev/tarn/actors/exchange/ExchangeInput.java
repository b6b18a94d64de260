package dev.tarn.actors.exchange;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.meta.Column;
import dev.tarn.operators.exchange.ArrowIpc;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.SourceRef;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The consuming side of an exchange: merges the stream references of every producer task into
 * one source of batches decoded into the consumer's allocator. All references are subscribed at
 * once, so no producer waits on another.
 */
public final class ExchangeInput {
  private ExchangeInput() {}

  public static Source<Batch, NotUsed> source(
      List<SourceRef<byte[]>> refs, List<Column> columns, BufferAllocator allocator) {
    if (refs.isEmpty()) {
      return Source.empty();
    }
    return Source.from(refs)
        .flatMapMerge(refs.size(), SourceRef::getSource)
        .map(bytes -> ArrowIpc.decode(bytes, columns, allocator));
  }
}
