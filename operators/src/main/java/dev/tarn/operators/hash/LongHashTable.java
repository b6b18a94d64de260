package dev.tarn.operators.hash;

/**
 * Dense ids for long keys: open addressing with linear probing over primitive arrays, so the fast
 * path of aggregation and join (one integer, date or timestamp key) never boxes. Ids are assigned
 * 0, 1, 2, ... in first-seen order.
 */
public final class LongHashTable {
  private long[] keys;
  private int[] ids;
  private int mask;
  private int size;

  public LongHashTable(int expected) {
    int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
    keys = new long[capacity];
    ids = new int[capacity];
    java.util.Arrays.fill(ids, -1);
    mask = capacity - 1;
  }

  /** Number of distinct keys. */
  public int size() {
    return size;
  }

  /** The id of {@code key}, inserting it with the next id if absent. */
  public int getOrInsert(long key) {
    int slot = (int) mix(key) & mask;
    while (true) {
      int id = ids[slot];
      if (id < 0) {
        keys[slot] = key;
        ids[slot] = size;
        int assigned = size++;
        if (size * 2 > mask) {
          grow();
        }
        return assigned;
      }
      if (keys[slot] == key) {
        return id;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** The id of {@code key}, or -1. */
  public int find(long key) {
    int slot = (int) mix(key) & mask;
    while (true) {
      int id = ids[slot];
      if (id < 0) {
        return -1;
      }
      if (keys[slot] == key) {
        return id;
      }
      slot = (slot + 1) & mask;
    }
  }

  private void grow() {
    long[] oldKeys = keys;
    int[] oldIds = ids;
    int capacity = oldKeys.length * 2;
    keys = new long[capacity];
    ids = new int[capacity];
    java.util.Arrays.fill(ids, -1);
    mask = capacity - 1;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldIds[i] >= 0) {
        int slot = (int) mix(oldKeys[i]) & mask;
        while (ids[slot] >= 0) {
          slot = (slot + 1) & mask;
        }
        keys[slot] = oldKeys[i];
        ids[slot] = oldIds[i];
      }
    }
  }

  /** MurmurHash3's 64-bit finalizer: spreads sequential keys over the table. */
  public static long mix(long key) {
    long h = key;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
