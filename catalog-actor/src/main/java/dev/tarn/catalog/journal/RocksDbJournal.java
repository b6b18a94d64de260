package dev.tarn.catalog.journal;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.pekko.dispatch.Futures;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.journal.japi.AsyncWriteJournal;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Pekko persistence journal plugin over RocksDB (plugin id {@code tarn.persistence.journal}; its
 * {@code dir} setting names the directory). Events are stored under {@link Keys} in the layout of
 * {@link Payloads}; the highest sequence number of each persistence id is kept beside them and
 * survives deletion, as Pekko requires.
 *
 * <p>All work is done synchronously inside the plugin actor, which runs on the plugin dispatcher (a
 * thread pool apart from the default dispatcher): that serializes access without locks, and RocksDB
 * calls are short. Writes use synchronous WAL writes, so a completed persist survives SIGKILL or
 * power loss.
 *
 * <p>One batch of {@link AtomicWrite}s becomes one RocksDB {@link WriteBatch}: all accepted events
 * are stored or none. An event whose payload cannot be serialized rejects only its own atomic
 * write, as the plugin contract asks.
 */
public final class RocksDbJournal extends AsyncWriteJournal {
  private final RocksStore store;
  private final Payloads payloads;

  public RocksDbJournal(Config config) {
    this.store = RocksStore.open(Path.of(config.getString("dir")).toAbsolutePath());
    this.payloads = new Payloads(context().system());
  }

  @Override
  public Future<Iterable<Optional<Exception>>> doAsyncWriteMessages(
      Iterable<AtomicWrite> messages) {
    List<Optional<Exception>> results = new ArrayList<>();
    Map<String, Long> highestById = new HashMap<>();
    try (WriteBatch batch = new WriteBatch()) {
      for (AtomicWrite write : messages) {
        results.add(stage(batch, write, highestById));
      }
      for (Map.Entry<String, Long> e : highestById.entrySet()) {
        batch.put(store.highest, Keys.id(e.getKey()), Keys.longValue(e.getValue()));
      }
      store.db.write(store.syncWrites, batch);
    } catch (RocksDBException e) {
      return Futures.failed(e);
    }
    Iterable<Optional<Exception>> done = results;
    return Futures.successful(done);
  }

  /** Adds one atomic write to the batch, or rejects it when a payload does not serialize. */
  private Optional<Exception> stage(
      WriteBatch batch, AtomicWrite write, Map<String, Long> highestById) throws RocksDBException {
    List<PersistentRepr> events = CollectionConverters.asJava(write.payload());
    List<byte[]> values = new ArrayList<>(events.size());
    try {
      for (PersistentRepr repr : events) {
        values.add(payloads.writeEvent(repr));
      }
    } catch (Exception e) {
      return Optional.of(e);
    }
    byte[] id = Keys.id(write.persistenceId());
    for (int i = 0; i < events.size(); i++) {
      batch.put(store.records, Keys.key(id, events.get(i).sequenceNr()), values.get(i));
    }
    highestById.merge(write.persistenceId(), write.highestSequenceNr(), Math::max);
    return Optional.empty();
  }

  @Override
  public Future<Void> doAsyncDeleteMessagesTo(String persistenceId, long toSequenceNr) {
    try {
      byte[] id = Keys.id(persistenceId);
      long last = Math.min(toSequenceNr, store.highest(id));
      if (last >= 1) {
        // deleteRange's end is exclusive; last < Long.MAX_VALUE since it is a stored number.
        store.db.deleteRange(
            store.records, store.syncWrites, Keys.key(id, 0), Keys.key(id, last + 1));
      }
      return Futures.successful(null);
    } catch (RocksDBException e) {
      return Futures.failed(e);
    }
  }

  @Override
  public Future<Void> doAsyncReplayMessages(
      String persistenceId,
      long fromSequenceNr,
      long toSequenceNr,
      long max,
      Consumer<PersistentRepr> replayCallback) {
    byte[] id = Keys.id(persistenceId);
    long replayed = 0;
    try (RocksIterator it = store.db.newIterator(store.records)) {
      for (it.seek(Keys.key(id, Math.max(0, fromSequenceNr)));
          it.isValid() && replayed < max;
          it.next()) {
        byte[] key = it.key();
        if (!Keys.belongsTo(key, id) || Keys.sequenceNr(key) > toSequenceNr) {
          break;
        }
        replayCallback.accept(payloads.readEvent(it.value()));
        replayed++;
      }
      it.status();
    } catch (RocksDBException | RuntimeException e) {
      return Futures.failed(e);
    }
    return Futures.successful(null);
  }

  @Override
  public Future<Long> doAsyncReadHighestSequenceNr(String persistenceId, long fromSequenceNr) {
    try {
      return Futures.successful(store.highest(Keys.id(persistenceId)));
    } catch (RocksDBException e) {
      return Futures.failed(e);
    }
  }

  @Override
  public void postStop() throws Exception {
    store.close();
    super.postStop();
  }
}
