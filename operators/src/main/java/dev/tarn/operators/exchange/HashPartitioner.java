package dev.tarn.operators.exchange;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.batch.BatchGather;
import dev.tarn.core.meta.Column;
import dev.tarn.operators.expr.Lane;
import dev.tarn.operators.expr.Lanes;
import dev.tarn.operators.hash.ByteKeyTable;
import dev.tarn.operators.hash.LongHashTable;
import java.math.BigDecimal;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Splits a batch by a hash of its key columns, for a partitioned exchange. The hash depends only on
 * the key values, never on the batch: integers of any width, dates and timestamps hash their long
 * value, doubles their normalized bits, decimals their unscaled value at the column's scale,
 * strings their UTF-8 bytes. Equal keys therefore land in the same partition on every task.
 */
public final class HashPartitioner {
  private static final long NULL_HASH = 0x5bd1e9955bd1e995L;

  private HashPartitioner() {}

  /**
   * One batch per partition (null where a partition gets no row), holding the rows whose key hash
   * falls in it, in input order. The input stays open; the caller owns the results.
   */
  public static Batch[] partition(
      Batch input, int[] keyColumns, int partitionCount, BufferAllocator allocator) {
    if (partitionCount < 1) {
      throw new IllegalArgumentException("partitionCount must be >= 1, was " + partitionCount);
    }
    int rows = input.rowCount();
    long[] hashes = hashes(input, keyColumns);
    int[] counts = new int[partitionCount];
    int[] partitionOf = new int[rows];
    for (int i = 0; i < rows; i++) {
      int p = (int) Long.remainderUnsigned(hashes[i], partitionCount);
      partitionOf[i] = p;
      counts[p]++;
    }
    int[][] rowsOf = new int[partitionCount][];
    for (int p = 0; p < partitionCount; p++) {
      rowsOf[p] = new int[counts[p]];
    }
    int[] fill = new int[partitionCount];
    for (int i = 0; i < rows; i++) {
      int p = partitionOf[i];
      rowsOf[p][fill[p]++] = i;
    }
    Batch[] out = new Batch[partitionCount];
    try {
      for (int p = 0; p < partitionCount; p++) {
        if (counts[p] > 0) {
          out[p] = BatchGather.gather(input, rowsOf[p], counts[p], allocator);
        }
      }
    } catch (RuntimeException e) {
      for (Batch b : out) {
        if (b != null) {
          b.close();
        }
      }
      throw e;
    }
    return out;
  }

  /** The key hash of every row. */
  public static long[] hashes(Batch input, int[] keyColumns) {
    int rows = input.rowCount();
    long[] hashes = new long[rows];
    List<Column> columns = input.columns();
    for (int key : keyColumns) {
      Lane lane = Lanes.read(input.vector(key), columns.get(key).type(), rows);
      if (lane instanceof Lane.Longs l) {
        for (int i = 0; i < rows; i++) {
          hashes[i] = combine(hashes[i], l.isNull(i) ? NULL_HASH : LongHashTable.mix(l.values[i]));
        }
      } else if (lane instanceof Lane.Doubles d) {
        for (int i = 0; i < rows; i++) {
          double v = d.values[i] == 0.0 ? 0.0 : d.values[i];
          hashes[i] =
              combine(
                  hashes[i],
                  d.isNull(i) ? NULL_HASH : LongHashTable.mix(Double.doubleToLongBits(v)));
        }
      } else if (lane instanceof Lane.Decimals d) {
        for (int i = 0; i < rows; i++) {
          long h;
          if (d.isNull(i)) {
            h = NULL_HASH;
          } else if (d.unscaled != null) {
            h = LongHashTable.mix(d.unscaled[i]);
          } else {
            BigDecimal v = d.big[i];
            h =
                v.unscaledValue().bitLength() < 64
                    ? LongHashTable.mix(v.unscaledValue().longValue())
                    : LongHashTable.mix(v.unscaledValue().hashCode());
          }
          hashes[i] = combine(hashes[i], h);
        }
      } else if (lane instanceof Lane.Strings s) {
        for (int i = 0; i < rows; i++) {
          hashes[i] =
              combine(
                  hashes[i],
                  s.isNull(i)
                      ? NULL_HASH
                      : LongHashTable.mix(ByteKeyTable.hash(s.data, s.offsets[i], s.length(i))));
        }
      } else {
        Lane.Bools b = (Lane.Bools) lane;
        for (int i = 0; i < rows; i++) {
          hashes[i] =
              combine(hashes[i], b.isNull(i) ? NULL_HASH : LongHashTable.mix(b.values[i] ? 1 : 0));
        }
      }
    }
    return hashes;
  }

  private static long combine(long seed, long hash) {
    return seed * 31 + hash;
  }
}
