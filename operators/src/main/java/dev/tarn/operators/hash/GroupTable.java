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
          // The long table stores our group id itself (the NULL group has one too).
          int id = longs.putIfAbsent(values[i], size);
          ids[i] = id < 0 ? size++ : id;
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
          ids[i] = longs.find(values[i]);
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
