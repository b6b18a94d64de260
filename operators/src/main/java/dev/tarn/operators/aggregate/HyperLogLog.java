package dev.tarn.operators.aggregate;

import java.nio.ByteBuffer;

/**
 * A HyperLogLog distinct-count sketch over 64-bit hashes, with Trino's default precision: 2^11
 * registers, standard error 1.04 / sqrt(2048) = 2.3%.
 *
 * <pre>
 *   hash = 0b 10110001101 | 0001...   register 0b10110001101 (1421) keeps the largest
 *             index bits   | rest      rank = leading zeros of the rest + 1 = 4
 * </pre>
 *
 * <p>Small sets stay exact: up to {@link #SPARSE_LIMIT} distinct hashes are kept in an
 * open-addressing set and counted exactly; past that the sketch turns dense. The dense estimate
 * uses linear counting while many registers are still empty (the usual small-range correction);
 * 64-bit hashes need no large-range correction.
 */
final class HyperLogLog implements SketchAccumulator.Sketch {
  static final int INDEX_BITS = 11;
  static final int REGISTERS = 1 << INDEX_BITS;
  static final int SPARSE_LIMIT = 256;

  /** Open-addressing set of hashes (0 marks an empty slot; a zero hash is stored as 1). */
  private long[] sparse = new long[16];

  private int sparseSize;
  private byte[] registers;

  void add(long hash) {
    if (registers != null) {
      addDense(hash);
      return;
    }
    long key = hash == 0 ? 1 : hash;
    int mask = sparse.length - 1;
    int slot = (int) (key ^ (key >>> 32)) & mask;
    while (sparse[slot] != 0) {
      if (sparse[slot] == key) {
        return;
      }
      slot = (slot + 1) & mask;
    }
    sparse[slot] = key;
    sparseSize++;
    if (sparseSize > SPARSE_LIMIT) {
      registers = new byte[REGISTERS];
      for (long h : sparse) {
        if (h != 0) {
          addDense(h);
        }
      }
      sparse = null;
    } else if (sparseSize * 2 > sparse.length) {
      long[] old = sparse;
      sparse = new long[old.length * 2];
      sparseSize = 0;
      for (long h : old) {
        if (h != 0) {
          add(h);
        }
      }
    }
  }

  private void addDense(long hash) {
    int index = (int) (hash >>> (64 - INDEX_BITS));
    // The guard bit bounds the rank when the remaining bits are all zero.
    long rest = (hash << INDEX_BITS) | (1L << (INDEX_BITS - 1));
    byte rank = (byte) (Long.numberOfLeadingZeros(rest) + 1);
    if (registers[index] < rank) {
      registers[index] = rank;
    }
  }

  /**
   * The sketch as bytes, for a PARTIAL aggregation's output: a tag byte, then for a sparse sketch
   * its hashes (int count, longs), for a dense one its registers.
   */
  @Override
  public byte[] serialize() {
    if (registers != null) {
      ByteBuffer out = ByteBuffer.allocate(1 + REGISTERS);
      out.put((byte) 1).put(registers);
      return out.array();
    }
    ByteBuffer out = ByteBuffer.allocate(1 + 4 + 8 * sparseSize);
    out.put((byte) 0).putInt(sparseSize);
    for (long h : sparse) {
      if (h != 0) {
        out.putLong(h);
      }
    }
    return out.array();
  }

  /** Folds a sketch serialized by {@link #serialize} into this one. */
  @Override
  public void merge(byte[] data, int start, int length) {
    ByteBuffer in = ByteBuffer.wrap(data, start, length);
    if (in.get() == 0) {
      int count = in.getInt();
      for (int k = 0; k < count; k++) {
        add(in.getLong());
      }
      return;
    }
    if (registers == null) {
      registers = new byte[REGISTERS];
      for (long h : sparse) {
        if (h != 0) {
          addDense(h);
        }
      }
      sparse = null;
    }
    for (int r = 0; r < REGISTERS; r++) {
      byte rank = in.get();
      if (registers[r] < rank) {
        registers[r] = rank;
      }
    }
  }

  long estimate() {
    if (registers == null) {
      return sparseSize;
    }
    double sum = 0;
    int zeros = 0;
    for (byte r : registers) {
      sum += 1.0 / (1L << r);
      if (r == 0) {
        zeros++;
      }
    }
    double m = REGISTERS;
    double alpha = 0.7213 / (1 + 1.079 / m);
    double estimate = alpha * m * m / sum;
    if (estimate <= 2.5 * m && zeros > 0) {
      estimate = m * Math.log(m / zeros);
    }
    return Math.round(estimate);
  }

  /** A 64-bit mix of a long (MurmurHash3's finalizer), spreading nearby values over all bits. */
  static long mix(long value) {
    long h = value;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  /** FNV-1a over bytes, finished with {@link #mix}. */
  static long hashBytes(byte[] data, int start, int end) {
    long h = 0xcbf29ce484222325L;
    for (int k = start; k < end; k++) {
      h = (h ^ (data[k] & 0xff)) * 0x100000001b3L;
    }
    return mix(h ^ (end - start));
  }
}
