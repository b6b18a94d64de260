package dev.tarn.operators.join;

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
 * The rows of one join side, hash-partitioned on its keys into {@link #FANOUT} spill files, for a
 * grace hash join. A file is created when its partition gets its first row: {@link #finish()}
 * returns null for a partition that got none.
 *
 * <p>The partition of a row is a slice of {@link HashPartitioner#hashes} re-mixed with a seed of
 * its {@code level}: the join's input is already split by the exchange on the same hash (its low
 * bits), and a partition that is still too big is split again one level deeper, so every level must
 * spread the rows that the levels above put together.
 */
final class JoinPartitionFiles implements AutoCloseable {
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
  private final long[] bytes = new long[FANOUT];

  /**
   * @param keys the key columns of the side's batches
   * @param level how many times the rows were partitioned before (0 for the join's input)
   */
  JoinPartitionFiles(
      SpillSpace spill, OperatorStats stats, int[] keys, int level, BufferAllocator allocator) {
    this.spill = spill;
    this.stats = stats;
    this.keys = keys;
    this.level = level;
    this.allocator = allocator;
  }

  /** The partition of a row whose key hash is {@code hash}, at {@code level}. */
  static int partitionOf(long hash, int level) {
    return (int) (LongHashTable.mix(hash ^ (LEVEL_SEED * (level + 1))) >>> (64 - FANOUT_BITS));
  }

  /**
   * Appends the rows of {@code batch} to their partitions' files, leaving out the rows marked in
   * {@code skip} (null: none). The caller keeps ownership of the batch.
   */
  void write(Batch batch, boolean[] skip) {
    int rows = batch.rowCount();
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
      paths[p] = spill.newFile("join");
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

  /** The bytes written to each partition's file (complete once {@link #finish()} returned). */
  long[] bytes() {
    return bytes.clone();
  }

  /** Closes the files still open; idempotent. */
  @Override
  public void close() {
    RuntimeException failure = null;
    for (int p = 0; p < FANOUT; p++) {
      SpillFile.Writer writer = writers[p];
      if (writer == null) {
        continue;
      }
      writers[p] = null;
      bytes[p] = writer.bytes();
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
