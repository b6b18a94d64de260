package dev.tarn.catalog.journal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

/**
 * One RocksDB directory with two column families: {@code records} (the default family; events or
 * snapshots by {@link Keys}) and {@code highest} (per persistence id, the highest sequence number
 * ever written, which deleting events must not lower). Its owner closes it.
 */
final class RocksStore implements AutoCloseable {
  static {
    RocksDB.loadLibrary();
  }

  private static final byte[] HIGHEST = "highest".getBytes(StandardCharsets.UTF_8);

  final RocksDB db;
  final ColumnFamilyHandle records;
  final ColumnFamilyHandle highest;

  /** Synchronous writes: an acknowledged event is on disk and survives a killed process. */
  final WriteOptions syncWrites;

  private final DBOptions options;

  private RocksStore(
      DBOptions options,
      RocksDB db,
      ColumnFamilyHandle records,
      ColumnFamilyHandle highest,
      WriteOptions syncWrites) {
    this.options = options;
    this.db = db;
    this.records = records;
    this.highest = highest;
    this.syncWrites = syncWrites;
  }

  /** Opens the store in {@code dir}, creating the directory and the database when missing. */
  static RocksStore open(Path dir) {
    DBOptions options =
        new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try {
      Files.createDirectories(dir);
      RocksDB db =
          RocksDB.open(
              options,
              dir.toString(),
              List.of(
                  new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY),
                  new ColumnFamilyDescriptor(HIGHEST)),
              handles);
      return new RocksStore(
          options, db, handles.get(0), handles.get(1), new WriteOptions().setSync(true));
    } catch (RocksDBException | IOException e) {
      for (ColumnFamilyHandle h : handles) {
        h.close();
      }
      options.close();
      throw new IllegalStateException(
          "cannot open catalog store in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The highest sequence number ever written for an entity, 0 when none. */
  long highest(byte[] id) throws RocksDBException {
    byte[] value = db.get(highest, id);
    return value == null ? 0L : Keys.readLong(value);
  }

  @Override
  public void close() {
    syncWrites.close();
    records.close();
    highest.close();
    db.close();
    options.close();
  }
}
