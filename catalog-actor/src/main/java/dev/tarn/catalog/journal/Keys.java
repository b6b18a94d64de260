package dev.tarn.catalog.journal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * RocksDB keys of the journal and the snapshot store: the persistence id's UTF-8 bytes, a 0x00
 * separator, then the sequence number as 8 big-endian bytes.
 *
 * <pre>
 *   "table|default.orders" 0x00 00 00 00 00 00 00 00 2A   = event 42 of that entity
 * </pre>
 *
 * <p>Sequence numbers are never negative, so RocksDB's bytewise order is sequence order within one
 * persistence id, and a scan from {@code key(id, from)} reads an entity's records in order.
 */
final class Keys {
  private Keys() {}

  static byte[] id(String persistenceId) {
    return persistenceId.getBytes(StandardCharsets.UTF_8);
  }

  /** The key of record {@code sequenceNr} of an entity whose id bytes are {@code id}. */
  static byte[] key(byte[] id, long sequenceNr) {
    return ByteBuffer.allocate(id.length + 9).put(id).put((byte) 0).putLong(sequenceNr).array();
  }

  /** Whether {@code key} is a record key of the entity whose id bytes are {@code id}. */
  static boolean belongsTo(byte[] key, byte[] id) {
    if (key.length != id.length + 9 || key[id.length] != 0) {
      return false;
    }
    for (int i = 0; i < id.length; i++) {
      if (key[i] != id[i]) {
        return false;
      }
    }
    return true;
  }

  static long sequenceNr(byte[] key) {
    return ByteBuffer.wrap(key, key.length - 8, 8).getLong();
  }

  static byte[] longValue(long value) {
    return ByteBuffer.allocate(8).putLong(value).array();
  }

  static long readLong(byte[] value) {
    return ByteBuffer.wrap(value).getLong();
  }
}
