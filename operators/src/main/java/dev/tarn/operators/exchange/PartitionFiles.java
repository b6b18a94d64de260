package dev.tarn.operators.exchange;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.batch.BatchGather;
import dev.tarn.core.memory.SpillSpace;
import dev.tarn.core.stats.OperatorStats;
import dev.tarn.operators.hash.LongHashTable;
import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Rows hash-partitioned on key columns into {@link #FANOUT} spill files: how the hash join (grace
 * hash join) and the hash aggregation (partitioned re-aggregation) spill, so that equal keys land
 * in one file and each file can be processed on its own. A file is created when its partition gets
 * its first row: {@link #finish()} returns null for a partition that got none.
 *
 * <p>The partition of a row is a slice of {@link HashPartitioner#hashes} re-mixed with a seed of
 * its {@code level} and its operator: the task's input is already split by the exchange on the same
 * hash (its low bits), and a partition that is still too big is split again one level deeper, so
 * every level must spread the rows that the levels above put together; the operator's own seed
 * keeps an aggregation over a join's spilled partition from inheriting its skew.
 */
public final class PartitionFiles implements AutoCloseable {
  /** Partitions per level. */
  public static final int FANOUT = 16;

  private static final int FANOUT_BITS = 4;

  /** A different seed per level: golden-ratio multiples spread their bits. */
  private static final long LEVEL_SEED = 0x9E3779B97F4A7C15L;

  private final String operator;
  private final int seedOffset;
  private final SpillSpace spill;
  private final OperatorStats stats;
  private final int[] keys;
  private final int level;
  private final BufferAllocator allocator;
  private final Path[] paths = new Path[FANOUT];
  private final SpillFile.Writer[] writers = new SpillFile.Writer[FANOUT];
  private final long[] bytes = new long[FANOUT];

  /**
   * @param operator names the spill files ({@code join}, {@code aggregate})
   * @param seedOffset the operator's seed (each operator kind its own)
   * @param keys the key columns of the batches
   * @param level how many times the rows were partitioned before (0 for the operator's input)
   */
  public PartitionFiles(
      String operator,
      int seedOffset,
      SpillSpace spill,
      OperatorStats stats,
      int[] keys,
      int level,
      BufferAllocator allocator) {
    this.operator = operator;
    this.seedOffset = seedOffset;
    this.spill = spill;
    this.stats = stats;
    this.keys = keys;
    this.level = level;
    this.allocator = allocator;
  }

  /** The level these files' rows were partitioned at. */
  public int level() {
    return level;
  }

  /** The partition of a row whose key hash is {@code hash}, at {@code level}. */
  public static int partitionOf(long hash, int level, int seedOffset) {
    long seed = LEVEL_SEED * (level + seedOffset);
    return (int) (LongHashTable.mix(hash ^ seed) >>> (64 - FANOUT_BITS));
  }

  /**
   * Appends the rows of {@code batch} to their partitions' files, leaving out the rows marked in
   * {@code skip} (null: none). The caller keeps ownership of the batch.
   */
  public void write(Batch batch, boolean[] skip) {
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
        int p = partitionOf(hashes[i], level, seedOffset);
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
      paths[p] = spill.newFile(operator);
      writers[p] = new SpillFile.Writer(paths[p]);
    }
    return writers[p];
  }

  /**
   * Closes the files, counts their bytes as spilled, and returns each partition's file (null for a
   * partition without rows).
   */
  public Path[] finish() {
    close();
    return paths.clone();
  }

  /** The bytes written to each partition's file (complete once {@link #finish()} returned). */
  public long[] bytes() {
    return bytes.clone();
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
