package dev.tarn.operators.hash;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Dense ids for byte-string keys (encoded composite or varchar keys, see {@link KeyEncoder}). Keys
 * are copied once into one growing arena; probing compares bytes in place, so looking up a row
 * allocates nothing. Ids are assigned 0, 1, 2, ... in first-seen order.
 */
public final class ByteKeyTable {
  /** Reads 8 bytes as one long, as the byte-by-byte little-endian assembly it replaces did. */
  private static final VarHandle LITTLE_ENDIAN_LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** Per slot: the key's hash in the high half, its id plus one in the low half; 0 is empty. */
  private long[] slots;

  private int mask;
  private byte[] arena = new byte[1024];
  private int arenaUsed;
  private int[] keyStart = new int[64];
  private int[] keyLength = new int[64];
  private int[] keyHash = new int[64];
  private int size;

  public ByteKeyTable(int expected) {
    int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
    slots = new long[capacity];
    mask = capacity - 1;
  }

  public int size() {
    return size;
  }

  /** Bytes held by keys and tables, for memory accounting. */
  public long sizeInBytes() {
    return arena.length + (long) slots.length * 8 + (long) keyStart.length * 12;
  }

  /**
   * The ids of the keys {@code data[offsets[i], offsets[i + 1])}, {@code i < rows}, into {@code
   * ids}, inserting absent keys; rows marked in {@code skip} (null for none) get -1. All rows are
   * hashed in one pass before any is probed, so that the hashing loop runs without the probes'
   * cache misses in between.
   */
  public void getOrInsertAll(byte[] data, int[] offsets, int rows, boolean[] skip, int[] ids) {
    int[] hashes = new int[rows];
    for (int i = 0; i < rows; i++) {
      hashes[i] = hash(data, offsets[i], offsets[i + 1] - offsets[i]);
    }
    for (int i = 0; i < rows; i++) {
      if (skip != null && skip[i]) {
        ids[i] = -1;
      } else {
        ids[i] = getOrInsert(data, offsets[i], offsets[i + 1] - offsets[i], hashes[i]);
      }
    }
  }

  /** The id of {@code data[start, start + length)}, inserting it if absent. */
  public int getOrInsert(byte[] data, int start, int length) {
    return getOrInsert(data, start, length, hash(data, start, length));
  }

  private int getOrInsert(byte[] data, int start, int length, int hash) {
    int slot = hash & mask;
    while (true) {
      long entry = slots[slot];
      if (entry == 0) {
        return insert(slot, hash, data, start, length);
      }
      // The hash sits in the slot: a different key is usually told apart without a cache miss.
      if ((int) (entry >>> 32) == hash) {
        int id = (int) entry - 1;
        if (equals(id, data, start, length)) {
          return id;
        }
      }
      slot = (slot + 1) & mask;
    }
  }

  /** The id of the key, or -1. */
  public int find(byte[] data, int start, int length) {
    int hash = hash(data, start, length);
    int slot = hash & mask;
    while (true) {
      long entry = slots[slot];
      if (entry == 0) {
        return -1;
      }
      if ((int) (entry >>> 32) == hash) {
        int id = (int) entry - 1;
        if (equals(id, data, start, length)) {
          return id;
        }
      }
      slot = (slot + 1) & mask;
    }
  }

  private boolean equals(int id, byte[] data, int start, int length) {
    int s = keyStart[id];
    return keyLength[id] == length
        && Arrays.equals(arena, s, s + length, data, start, start + length);
  }

  private int insert(int slot, int hash, byte[] data, int start, int length) {
    if (arenaUsed + length > arena.length) {
      arena = Arrays.copyOf(arena, Math.max(arenaUsed + length, arena.length * 2));
    }
    System.arraycopy(data, start, arena, arenaUsed, length);
    if (size == keyStart.length) {
      int grown = size * 2;
      keyStart = Arrays.copyOf(keyStart, grown);
      keyLength = Arrays.copyOf(keyLength, grown);
      keyHash = Arrays.copyOf(keyHash, grown);
    }
    int id = size++;
    keyStart[id] = arenaUsed;
    keyLength[id] = length;
    keyHash[id] = hash;
    arenaUsed += length;
    slots[slot] = entry(hash, id);
    if (size * 2 > mask) {
      grow();
    }
    return id;
  }

  private void grow() {
    int capacity = slots.length * 2;
    slots = new long[capacity];
    mask = capacity - 1;
    for (int id = 0; id < size; id++) {
      int slot = keyHash[id] & mask;
      while (slots[slot] != 0) {
        slot = (slot + 1) & mask;
      }
      slots[slot] = entry(keyHash[id], id);
    }
  }

  private static long entry(int hash, int id) {
    return ((long) hash << 32) | (id + 1L);
  }

  /** A 32-bit hash of bytes: 8 bytes at a time through a multiply-xorshift, then mixed. */
  public static int hash(byte[] data, int start, int length) {
    long h = 0x9E3779B97F4A7C15L ^ length;
    int i = start;
    int end = start + length;
    for (; i + 8 <= end; i += 8) {
      long word = (long) LITTLE_ENDIAN_LONGS.get(data, i);
      h = (h ^ LongHashTable.mix(word)) * 0x9E3779B97F4A7C15L;
    }
    for (; i < end; i++) {
      h = (h ^ (data[i] & 0xff)) * 0x100000001B3L;
    }
    long m = LongHashTable.mix(h);
    return (int) (m ^ (m >>> 32));
  }
}
