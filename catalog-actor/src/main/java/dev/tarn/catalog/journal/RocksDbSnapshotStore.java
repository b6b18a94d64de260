package dev.tarn.catalog.journal;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.pekko.dispatch.Futures;
import org.apache.pekko.event.Logging;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.persistence.SelectedSnapshot;
import org.apache.pekko.persistence.SnapshotMetadata;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;
import org.apache.pekko.persistence.snapshot.japi.SnapshotStore;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import scala.concurrent.Future;

/**
 * Pekko persistence snapshot store plugin over RocksDB (plugin id {@code
 * tarn.persistence.snapshot-store}; its {@code dir} setting names the directory, separate from the
 * journal's). One snapshot per persistence id and sequence number, under {@link Keys}, in the
 * layout of {@link Payloads}; the timestamp sits at the front of the value so that selection
 * criteria are checked without deserializing.
 *
 * <p>Loading picks the newest snapshot that matches the criteria. A snapshot that no longer
 * deserializes is skipped with a warning in favour of an older one: the journal still holds the
 * events, so recovery replays more instead of failing.
 */
public final class RocksDbSnapshotStore extends SnapshotStore {
  private final RocksStore store;
  private final Payloads payloads;
  private final LoggingAdapter log;

  public RocksDbSnapshotStore(Config config) {
    this.store = RocksStore.open(Path.of(config.getString("dir")).toAbsolutePath());
    this.payloads = new Payloads(context().system());
    this.log = Logging.getLogger(context().system(), this);
  }

  @Override
  public Future<Optional<SelectedSnapshot>> doLoadAsync(
      String persistenceId, SnapshotSelectionCriteria criteria) {
    byte[] id = Keys.id(persistenceId);
    try (RocksIterator it = store.db.newIterator(store.records)) {
      for (it.seekForPrev(Keys.key(id, criteria.maxSequenceNr())); it.isValid(); it.prev()) {
        byte[] key = it.key();
        if (!Keys.belongsTo(key, id)) {
          break;
        }
        long sequenceNr = Keys.sequenceNr(key);
        if (sequenceNr < criteria.minSequenceNr()) {
          break;
        }
        byte[] value = it.value();
        SnapshotMetadata metadata =
            new SnapshotMetadata(persistenceId, sequenceNr, Payloads.snapshotTimestamp(value));
        if (!criteria.matches(metadata)) {
          continue;
        }
        try {
          return Futures.successful(
              Optional.of(SelectedSnapshot.create(metadata, payloads.readSnapshot(value))));
        } catch (Exception e) {
          log.warning(
              "snapshot {} of {} cannot be read, trying an older one: {}",
              sequenceNr,
              persistenceId,
              e.getMessage());
        }
      }
      it.status();
    } catch (RocksDBException | RuntimeException e) {
      return Futures.failed(e);
    }
    return Futures.successful(Optional.empty());
  }

  @Override
  public Future<Void> doSaveAsync(SnapshotMetadata metadata, Object snapshot) {
    try {
      byte[] value = payloads.writeSnapshot(metadata.timestamp(), snapshot);
      store.db.put(
          store.records,
          store.syncWrites,
          Keys.key(Keys.id(metadata.persistenceId()), metadata.sequenceNr()),
          value);
      return Futures.successful(null);
    } catch (Exception e) {
      return Futures.failed(e);
    }
  }

  @Override
  public Future<Void> doDeleteAsync(SnapshotMetadata metadata) {
    try {
      store.db.delete(
          store.records,
          store.syncWrites,
          Keys.key(Keys.id(metadata.persistenceId()), metadata.sequenceNr()));
      return Futures.successful(null);
    } catch (RocksDBException e) {
      return Futures.failed(e);
    }
  }

  @Override
  public Future<Void> doDeleteAsync(String persistenceId, SnapshotSelectionCriteria criteria) {
    byte[] id = Keys.id(persistenceId);
    try (RocksIterator it = store.db.newIterator(store.records);
        WriteBatch batch = new WriteBatch()) {
      for (it.seek(Keys.key(id, criteria.minSequenceNr())); it.isValid(); it.next()) {
        byte[] key = it.key();
        if (!Keys.belongsTo(key, id) || Keys.sequenceNr(key) > criteria.maxSequenceNr()) {
          break;
        }
        long timestamp = Payloads.snapshotTimestamp(it.value());
        if (criteria.matches(
            new SnapshotMetadata(persistenceId, Keys.sequenceNr(key), timestamp))) {
          batch.delete(store.records, key);
        }
      }
      it.status();
      store.db.write(store.syncWrites, batch);
      return Futures.successful(null);
    } catch (RocksDBException | RuntimeException e) {
      return Futures.failed(e);
    }
  }

  @Override
  public void postStop() throws Exception {
    store.close();
    super.postStop();
  }
}
