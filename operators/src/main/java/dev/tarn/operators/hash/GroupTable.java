package dev.tarn.operators.hash;

import dev.tarn.operators.expr.Lane;
import java.util.Arrays;

/**
 * Dense group ids for the key columns of rows: the hash table behind aggregation and join. Ids are
 * 0, 1, 2, ... in first-seen order, whichever path assigns them.
 *
 * <p>Three paths, one {@link Mode} per table:
 *
 * <pre>
 *   SINGLE_LONG   one Lane.Longs key (integer, date, timestamp): a LongHashTable over the raw
 *                 values, NULL its own group
 *   PACKED        integer, boolean and short string keys whose values fit 64 bits together
 *                 ({@link KeyPacker}): a LongHashTable over each row's packed key
 *        |  a batch whose values do not fit: the groups so far are unpacked and re-added
 *        v  under a new layout, or, when none fits 64 bits, under BYTES
 *   BYTES         any other key (varchar, decimal, double, several columns): each row encoded by
 *                 {@link KeyEncoder} and looked up in a ByteKeyTable
 * </pre>
 *
 * PACKED is opted into by the constructor; a table starts in it and leaves it at its first batch if
 * a key column is of another kind, or at any batch whose values no longer fit.
 */
public final class GroupTable {
  private enum Mode {
    SINGLE_LONG,
    PACKED,
    BYTES
  }

  private Mode mode;
  private final int expected;
  private LongHashTable longs;
  private ByteKeyTable bytes;

  /** PACKED: the layout, null before the first batch. */
  private KeyPacker packer;

  /** PACKED: each group's packed key, by id, to unpack the groups when the layout changes. */
  private long[] packedKeys;

  private int nullGroup = -1;
  private int size;

  /** A table for keys whose lanes are {@code Lane.Longs} when {@code singleLongKey} is true. */
  public GroupTable(boolean singleLongKey, int expected) {
    this(singleLongKey, false, expected);
  }

  /**
   * A table for keys whose lanes are {@code Lane.Longs} when {@code singleLongKey} is true, else
   * for keys of any kind, packed into longs while they fit when {@code packKeys} is true.
   */
  public GroupTable(boolean singleLongKey, boolean packKeys, int expected) {
    this.expected = expected;
    if (singleLongKey) {
      mode = Mode.SINGLE_LONG;
      longs = new LongHashTable(expected);
    } else if (packKeys) {
      mode = Mode.PACKED;
      longs = new LongHashTable(expected);
      packedKeys = new long[64];
    } else {
      mode = Mode.BYTES;
      bytes = new ByteKeyTable(expected);
    }
  }

  /** Number of groups. */
  public int size() {
    return size;
  }

  /** Whether keys are grouped as packed longs now (for tests). */
  boolean packed() {
    return mode == Mode.PACKED;
  }

  /**
   * The group id of each row, creating groups as needed. With {@code nullsMatch} false a row with
   * any NULL key gets -1 and creates nothing (join build side); otherwise NULL is a key value
   * (GROUP BY).
   */
  public int[] getOrInsert(Lane[] keys, int rows, boolean nullsMatch) {
    if (mode == Mode.PACKED && !preparePacked(keys, rows)) {
      toBytes();
    }
    int[] ids = new int[rows];
    switch (mode) {
      case SINGLE_LONG -> insertSingleLong((Lane.Longs) keys[0], rows, nullsMatch, ids);
      case PACKED -> insertPacked(keys, rows, nullsMatch, ids);
      case BYTES -> insertBytes(keys, rows, nullsMatch, ids);
    }
    return ids;
  }

  /** The group id of each row, or -1 where the key is absent or has a NULL (join probe side). */
  public int[] find(Lane[] keys, int rows) {
    int[] ids = new int[rows];
    switch (mode) {
      case SINGLE_LONG -> {
        Lane.Longs key = (Lane.Longs) keys[0];
        long[] values = key.values;
        boolean[] nulls = key.nulls;
        for (int i = 0; i < rows; i++) {
          ids[i] = nulls != null && nulls[i] ? -1 : longs.find(values[i]);
        }
      }
      case PACKED -> findPacked(keys, rows, ids);
      case BYTES -> {
        KeyEncoder.Encoded encoded = KeyEncoder.encode(keys, rows);
        byte[] data = encoded.data();
        int[] offsets = encoded.offsets();
        boolean[] anyNull = encoded.anyNull();
        for (int i = 0; i < rows; i++) {
          ids[i] = anyNull[i] ? -1 : bytes.find(data, offsets[i], offsets[i + 1] - offsets[i]);
        }
      }
    }
    return ids;
  }

  private void insertSingleLong(Lane.Longs key, int rows, boolean nullsMatch, int[] ids) {
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
  }

  /**
   * Makes the packed layout cover the batch: chooses it at the first batch, and when the batch has
   * values outside it, chooses a wider one over the groups so far and the batch and re-adds the
   * groups under it (with their ids). False when no layout fits: the caller turns to BYTES.
   */
  private boolean preparePacked(Lane[] keys, int rows) {
    if (packer == null && !KeyPacker.packable(keys)) {
      return false;
    }
    KeyPacker.Ranges batch = new KeyPacker.Ranges(keys.length);
    batch.include(keys, rows);
    if (packer != null && packer.covers(batch)) {
      return true;
    }
    Lane[] existing = packer == null ? null : packer.unpack(packedKeys, size);
    KeyPacker.Ranges ranges = batch;
    if (existing != null) {
      ranges.include(existing, size);
    }
    KeyPacker next = KeyPacker.choose(keys, ranges);
    if (next == null) {
      return false;
    }
    if (existing != null) {
      long[] repacked = new long[Math.max(packedKeys.length, size)];
      next.pack(existing, size, repacked);
      LongHashTable table = new LongHashTable(Math.max(expected, size));
      for (int g = 0; g < size; g++) {
        table.putIfAbsent(repacked[g], g);
      }
      longs = table;
      packedKeys = repacked;
    }
    packer = next;
    return true;
  }

  private void insertPacked(Lane[] keys, int rows, boolean nullsMatch, int[] ids) {
    long[] packed = new long[rows];
    packer.pack(keys, rows, packed);
    boolean[] anyNull = nullsMatch ? null : anyNull(keys, rows);
    LongHashTable table = longs;
    for (int i = 0; i < rows; i++) {
      if (anyNull != null && anyNull[i]) {
        ids[i] = -1;
        continue;
      }
      int id = table.putIfAbsent(packed[i], size);
      if (id < 0) {
        if (size == packedKeys.length) {
          packedKeys = Arrays.copyOf(packedKeys, size * 2);
        }
        packedKeys[size] = packed[i];
        id = size++;
      }
      ids[i] = id;
    }
  }

  private void findPacked(Lane[] keys, int rows, int[] ids) {
    if (packer == null) {
      Arrays.fill(ids, -1);
      return;
    }
    KeyPacker.Ranges batch = new KeyPacker.Ranges(keys.length);
    batch.include(keys, rows);
    // Values outside the layout belong to no group; pack() would mangle them, so they are marked.
    boolean[] outside = packer.covers(batch) ? null : packer.outside(keys, rows);
    boolean[] anyNull = anyNull(keys, rows);
    long[] packed = new long[rows];
    packer.pack(keys, rows, packed);
    for (int i = 0; i < rows; i++) {
      boolean absent = (anyNull != null && anyNull[i]) || (outside != null && outside[i]);
      ids[i] = absent ? -1 : longs.find(packed[i]);
    }
  }

  /** Leaves PACKED for BYTES: the groups so far are encoded and inserted in id order. */
  private void toBytes() {
    ByteKeyTable table = new ByteKeyTable(Math.max(expected, size));
    if (size > 0) {
      Lane[] existing = packer.unpack(packedKeys, size);
      KeyEncoder.Encoded encoded = KeyEncoder.encode(existing, size);
      int[] offsets = encoded.offsets();
      for (int g = 0; g < size; g++) {
        table.getOrInsert(encoded.data(), offsets[g], offsets[g + 1] - offsets[g]);
      }
    }
    bytes = table;
    longs = null;
    packer = null;
    packedKeys = null;
    mode = Mode.BYTES;
  }

  private void insertBytes(Lane[] keys, int rows, boolean nullsMatch, int[] ids) {
    KeyEncoder.Encoded encoded = KeyEncoder.encode(keys, rows);
    byte[] data = encoded.data();
    int[] offsets = encoded.offsets();
    bytes.getOrInsertAll(data, offsets, rows, nullsMatch ? null : encoded.anyNull(), ids);
    size = bytes.size();
  }

  /** Rows with a NULL in any key column, or null when there is none. */
  private static boolean[] anyNull(Lane[] keys, int rows) {
    boolean[] anyNull = null;
    for (Lane key : keys) {
      boolean[] nulls = key.nulls;
      if (nulls == null) {
        continue;
      }
      if (anyNull == null) {
        anyNull = new boolean[rows];
      }
      for (int i = 0; i < rows; i++) {
        anyNull[i] |= nulls[i];
      }
    }
    return anyNull;
  }
}
