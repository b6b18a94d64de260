package dev.tarn.operators.hash;

import dev.tarn.operators.expr.Lane;

/**
 * Dense group ids for the key columns of rows: the hash table behind aggregation and join.
 *
 * <p>One key that is a {@link Lane.Longs} (any integer, date or timestamp) takes the fast path: a
 * {@link LongHashTable} over the raw values, with NULL as its own group. Any other key (varchar,
 * decimal, double, several columns) is encoded per row by {@link KeyEncoder} and looked up in a
 * {@link ByteKeyTable}.
 */
public final class GroupTable {
  private final boolean longKey;
  private final LongHashTable longs;
  private final ByteKeyTable bytes;
  private int nullGroup = -1;
  // Our id of each LongHashTable id: they differ once the NULL group has taken an id.
  private int[] longIds = new int[64];
  private int size;

  /** A table for keys whose lanes are {@code Lane.Longs} when {@code singleLongKey} is true. */
  public GroupTable(boolean singleLongKey, int expected) {
    this.longKey = singleLongKey;
    this.longs = singleLongKey ? new LongHashTable(expected) : null;
    this.bytes = singleLongKey ? null : new ByteKeyTable(expected);
  }

  /** Number of groups. */
  public int size() {
    return size;
  }

  /**
   * The group id of each row, creating groups as needed. With {@code nullsMatch} false a row with
   * any NULL key gets -1 and creates nothing (join build side); otherwise NULL is a key value
   * (GROUP BY).
   */
  public int[] getOrInsert(Lane[] keys, int rows, boolean nullsMatch) {
    int[] ids = new int[rows];
    if (longKey) {
      Lane.Longs key = (Lane.Longs) keys[0];
      long[] values = key.values;
      boolean[] nulls = key.nulls;
      for (int i = 0; i < rows; i++) {
        if (nulls != null && nulls[i]) {
          if (!nullsMatch) {
            ids[i] = -1;
            continue;
          }
          if (nullGroup < 0) {
            nullGroup = size++;
          }
          ids[i] = nullGroup;
        } else {
          int before = longs.size();
          int id = longs.getOrInsert(values[i]);
          if (longs.size() != before) {
            id = mapNewLong(id);
          } else {
            id = longIds[id];
          }
          ids[i] = id;
        }
      }
      return ids;
    }
    KeyEncoder.Encoded encoded = KeyEncoder.encode(keys, rows);
    byte[] data = encoded.data();
    int[] offsets = encoded.offsets();
    boolean[] anyNull = encoded.anyNull();
    for (int i = 0; i < rows; i++) {
      if (!nullsMatch && anyNull[i]) {
        ids[i] = -1;
      } else {
        ids[i] = bytes.getOrInsert(data, offsets[i], offsets[i + 1] - offsets[i]);
      }
    }
    size = bytes.size();
    return ids;
  }

  private int mapNewLong(int longId) {
    if (longId >= longIds.length) {
      longIds = java.util.Arrays.copyOf(longIds, longIds.length * 2);
    }
    longIds[longId] = size++;
    return longIds[longId];
  }

  /** The group id of each row, or -1 where the key is absent or has a NULL (join probe side). */
  public int[] find(Lane[] keys, int rows) {
    int[] ids = new int[rows];
    if (longKey) {
      Lane.Longs key = (Lane.Longs) keys[0];
      long[] values = key.values;
      boolean[] nulls = key.nulls;
      for (int i = 0; i < rows; i++) {
        if (nulls != null && nulls[i]) {
          ids[i] = -1;
        } else {
          int id = longs.find(values[i]);
          ids[i] = id < 0 ? -1 : longIds[id];
        }
      }
      return ids;
    }
    KeyEncoder.Encoded encoded = KeyEncoder.encode(keys, rows);
    byte[] data = encoded.data();
    int[] offsets = encoded.offsets();
    boolean[] anyNull = encoded.anyNull();
    for (int i = 0; i < rows; i++) {
      ids[i] = anyNull[i] ? -1 : bytes.find(data, offsets[i], offsets[i + 1] - offsets[i]);
    }
    return ids;
  }
}
