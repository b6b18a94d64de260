package dev.tarn.operators.aggregate;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.batch.BatchGather;
import dev.tarn.core.memory.SpillSpace;
import dev.tarn.core.stats.OperatorStats;
import dev.tarn.operators.exchange.HashPartitioner;
import dev.tarn.operators.exchange.SpillFile;
import dev.tarn.operators.hash.LongHashTable;
import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Input rows of a spilling hash aggregation, hash-partitioned on the group keys into {@link
 * #FANOUT} spill files, so that every group lands in exactly one file and each file can be
 * aggregated on its own. A file is created when its partition gets its first row: {@link #finish()}
 * returns null for a partition that got none.
 *
 * <p>The partition of a row is a slice of {@link HashPartitioner#hashes} re-mixed with a seed of
 * its {@code level}: the aggregation's input is already split by the exchange on the same hash (its
 * low bits), and a partition that is still too big is split again one level deeper, so every level
 * must spread the rows that the levels above put together. (The same scheme as the hash join's
 * partition files.)
 */
final class AggregatePartitionFiles implements AutoCloseable {
  /** Partitions per level. */
  static final int FANOUT = 16;

  private static final int FANOUT_BITS = 4;

  /** A different seed per level: golden-ratio multiples spread their bits. */
  private static final long LEVEL_SEED = 0x9E3779B97F4A7C15L;

  private final SpillSpace spill;
  private final OperatorStats stats;
  private final int[] keys;
  private final int level;
  private final BufferAllocator allocator;
  private final Path[] paths = new Path[FANOUT];
  private final SpillFile.Writer[] writers = new SpillFile.Writer[FANOUT];

  /**
   * @param keys the group key columns of the input batches
   * @param level how many times the rows were partitioned before (0 for the stage's input)
   */
  AggregatePartitionFiles(
      SpillSpace spill, OperatorStats stats, int[] keys, int level, BufferAllocator allocator) {
    this.spill = spill;
    this.stats = stats;
    this.keys = keys;
    this.level = level;
    this.allocator = allocator;
  }

  /** The level these files' rows were partitioned at. */
  int level() {
    return level;
  }

  /** The partition of a row whose key hash is {@code hash}, at {@code level}. */
  static int partitionOf(long hash, int level) {
    // A different multiplier than the hash join's, so that an aggregate over a join's spilled
    // partition does not inherit its skew.
    long seed = LEVEL_SEED * (level + 101);
    return (int) (LongHashTable.mix(hash ^ seed) >>> (64 - FANOUT_BITS));
  }

  /**
   * Appends the rows of {@code batch} to their partitions' files, leaving out the rows marked in
   * {@code skip} (null: none). The caller keeps ownership of the batch.
   */
  void write(Batch batch, boolean[] skip) {
    int rows = batch.rowCount();
    if (rows == 0) {
      return;
    }
    long[] hashes = HashPartitioner.hashes(batch, keys);
    int[] partitionOf = new int[rows];
    int[] counts = new int[FANOUT];
    for (int i = 0; i < rows; i++) {
      if (skip != null && skip[i]) {
        partitionOf[i] = -1;
      } else {
        int p = partitionOf(hashes[i], level);
        partitionOf[i] = p;
        counts[p]++;
      }
    }
    for (int p = 0; p < FANOUT; p++) {
      if (counts[p] == 0) {
        continue;
      }
      if (counts[p] == rows) {
        writer(p).write(batch);
        return;
      }
      int[] selected = new int[counts[p]];
      int n = 0;
      for (int i = 0; i < rows; i++) {
        if (partitionOf[i] == p) {
          selected[n++] = i;
        }
      }
      try (Batch part = BatchGather.gather(batch, selected, n, allocator)) {
        writer(p).write(part);
      }
    }
  }

  private SpillFile.Writer writer(int p) {
    if (writers[p] == null) {
      paths[p] = spill.newFile("aggregate");
      writers[p] = new SpillFile.Writer(paths[p]);
    }
    return writers[p];
  }

  /**
   * Closes the files, counts their bytes as spilled, and returns each partition's file (null for a
   * partition without rows).
   */
  Path[] finish() {
    close();
    return paths.clone();
  }

  /** Closes the files still open, counting their bytes as spilled; idempotent. */
  @Override
  public void close() {
    RuntimeException failure = null;
    for (int p = 0; p < FANOUT; p++) {
      SpillFile.Writer writer = writers[p];
      if (writer == null) {
        continue;
      }
      writers[p] = null;
      stats.addSpillBytes(writer.bytes());
      try {
        writer.close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
