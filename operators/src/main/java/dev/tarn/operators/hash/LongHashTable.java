package dev.tarn.operators.hash;

/**
 * A map from long keys to int values, or dense ids for long keys: open addressing with linear
 * probing over one primitive array, so the fast path of aggregation and join (one integer, date or
 * timestamp key) never boxes. {@link #getOrInsert} assigns ids 0, 1, 2, ... in first-seen order;
 * {@link #putIfAbsent} stores the caller's value.
 *
 * <p>A slot is two adjacent longs, the key and its value plus one (0: empty), so that a probe of a
 * table larger than the CPU caches costs one cache miss, not one for the key and one for the id.
 */
public final class LongHashTable {
  private long[] slots;
  private int mask;
  private int size;

  public LongHashTable(int expected) {
    int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
    slots = new long[capacity * 2];
    mask = capacity - 1;
  }

  /** Number of distinct keys. */
  public int size() {
    return size;
  }

  /** The id of {@code key}, inserting it with the next id if absent. */
  public int getOrInsert(long key) {
    int existing = putIfAbsent(key, size);
    return existing < 0 ? size - 1 : existing;
  }

  /**
   * The value stored for {@code key}; if there is none, stores {@code value} (>= 0) and returns -1.
   * Every insertion counts in {@link #size()}.
   */
  public int putIfAbsent(long key, int value) {
    long[] table = slots;
    int slot = (int) mix(key) & mask;
    while (true) {
      int at = slot << 1;
      long valuePlusOne = table[at + 1];
      if (valuePlusOne == 0) {
        table[at] = key;
        table[at + 1] = value + 1L;
        size++;
        if (size * 2 > mask) {
          grow();
        }
        return -1;
      }
      if (table[at] == key) {
        return (int) valuePlusOne - 1;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** The value stored for {@code key} (its id, for {@link #getOrInsert}), or -1. */
  public int find(long key) {
    long[] table = slots;
    int slot = (int) mix(key) & mask;
    while (true) {
      int at = slot << 1;
      long valuePlusOne = table[at + 1];
      if (valuePlusOne == 0) {
        return -1;
      }
      if (table[at] == key) {
        return (int) valuePlusOne - 1;
      }
      slot = (slot + 1) & mask;
    }
  }

  private void grow() {
    long[] old = slots;
    int capacity = (mask + 1) * 2;
    long[] table = new long[capacity * 2];
    int newMask = capacity - 1;
    for (int at = 0; at < old.length; at += 2) {
      if (old[at + 1] != 0) {
        int slot = (int) mix(old[at]) & newMask;
        while (table[(slot << 1) + 1] != 0) {
          slot = (slot + 1) & newMask;
        }
        table[slot << 1] = old[at];
        table[(slot << 1) + 1] = old[at + 1];
      }
    }
    slots = table;
    mask = newMask;
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
