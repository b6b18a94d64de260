package dev.tarn.operators.aggregate;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A mergeable quantile sketch of doubles: a stack of compactors, as in KLL with equal capacities.
 * Level h holds items that each stand for 2^h input values. A level that reaches {@link #CAPACITY}
 * items is sorted and every second item moves up one level (the even or the odd ones, alternating
 * per level so that the rank errors of successive compactions cancel); an odd one out stays. The
 * total weight always equals the number of values added.
 *
 * <pre>
 *   level 1 (weight 2):  3 7                       level 1: 3 7 2 6
 *   level 0 (weight 1):  6 1 2 5  -- compact -->   level 0: (empty)
 *                        sorted 1 2 5 6, odd positions 2 6 move up
 * </pre>
 *
 * <p>Each compaction at level h shifts any rank by at most 2^h, and there are at most n / (CAPACITY
 * 2^h) of them, so the worst-case rank error is levels / CAPACITY of n; alternating offsets make
 * the errors cancel, and in practice it stays well under 1% (see {@code QuantileSketchTest}). Fewer
 * than CAPACITY values are kept exactly. Merging two sketches appends level to level and compacts
 * again, so PARTIAL sketches merged in FINAL match one pass within the same error.
 */
final class QuantileSketch implements SketchAccumulator.Sketch {
  static final int CAPACITY = 512;

  private double[][] levels = new double[1][];
  private int[] sizes = new int[1];
  private boolean[] oddOffset = new boolean[1];
  private long count;
  private long items;
  // Kept apart: compaction may drop the extremes, and percentiles 0 and 1 must be exact.
  private double min = Double.POSITIVE_INFINITY;
  private double max = Double.NEGATIVE_INFINITY;

  long count() {
    return count;
  }

  void add(double value) {
    push(0, value);
    count++;
    min = Math.min(min, value);
    max = Math.max(max, value);
    if (sizes[0] >= CAPACITY) {
      compact(0);
    }
  }

  private void push(int level, double value) {
    if (level >= levels.length) {
      levels = Arrays.copyOf(levels, level + 1);
      sizes = Arrays.copyOf(sizes, level + 1);
      oddOffset = Arrays.copyOf(oddOffset, level + 1);
    }
    double[] items = levels[level];
    if (items == null) {
      items = new double[level == 0 ? 16 : CAPACITY];
      levels[level] = items;
    } else if (sizes[level] == items.length) {
      items = Arrays.copyOf(items, items.length * 2);
      levels[level] = items;
    }
    items[sizes[level]++] = value;
    this.items++;
  }

  private void compact(int level) {
    double[] values = levels[level];
    int n = sizes[level];
    Arrays.sort(values, 0, n);
    int even = n - (n & 1);
    int offset = oddOffset[level] ? 1 : 0;
    oddOffset[level] = !oddOffset[level];
    double leftover = values[n - 1];
    sizes[level] = 0;
    items -= n;
    for (int i = offset; i < even; i += 2) {
      push(level + 1, values[i]);
    }
    if ((n & 1) == 1) {
      push(level, leftover);
    }
    if (sizes[level + 1] >= CAPACITY) {
      compact(level + 1);
    }
  }

  /**
   * The value of rank {@code ceil(fraction * n)} (1-based, at least 1) among the n values added,
   * within the sketch's rank error; NaN when empty.
   */
  double quantile(double fraction) {
    if (count == 0) {
      return Double.NaN;
    }
    if (fraction <= 0) {
      return min;
    }
    if (fraction >= 1) {
      return max;
    }
    // Each level sorted, then merged in value order, adding up weights to the rank.
    int levelCount = levels.length;
    double[][] sorted = new double[levelCount][];
    int[] heads = new int[levelCount];
    for (int h = 0; h < levelCount; h++) {
      sorted[h] = levels[h] == null ? new double[0] : Arrays.copyOf(levels[h], sizes[h]);
      Arrays.sort(sorted[h]);
    }
    long rank = Math.max(1, (long) Math.ceil(fraction * count));
    long seen = 0;
    double last = Double.NaN;
    while (true) {
      int best = -1;
      for (int h = 0; h < levelCount; h++) {
        if (heads[h] < sorted[h].length
            && (best < 0 || Double.compare(sorted[h][heads[h]], sorted[best][heads[best]]) < 0)) {
          best = h;
        }
      }
      if (best < 0) {
        return last;
      }
      last = sorted[best][heads[best]++];
      seen += 1L << best;
      if (seen >= rank) {
        return last;
      }
    }
  }

  /** Heap held, roughly: the items and the arrays' slack. */
  long heldBytes() {
    return 64 + 12L * items;
  }

  /**
   * The sketch as bytes: count (long), min and max (doubles), number of levels (int), then per
   * level its offset flag (byte), size (int) and items (doubles).
   */
  @Override
  public byte[] serialize() {
    ByteBuffer out = ByteBuffer.allocate(8 + 16 + 4 + levels.length * 5 + (int) items * 8);
    out.putLong(count).putDouble(min).putDouble(max).putInt(levels.length);
    for (int h = 0; h < levels.length; h++) {
      out.put((byte) (oddOffset[h] ? 1 : 0)).putInt(sizes[h]);
      for (int i = 0; i < sizes[h]; i++) {
        out.putDouble(levels[h][i]);
      }
    }
    return out.array();
  }

  /** Folds a sketch serialized by {@link #serialize} into this one. */
  @Override
  public void merge(byte[] data, int start, int length) {
    ByteBuffer in = ByteBuffer.wrap(data, start, length);
    count += in.getLong();
    min = Math.min(min, in.getDouble());
    max = Math.max(max, in.getDouble());
    int levelCount = in.getInt();
    for (int h = 0; h < levelCount; h++) {
      // The other sketch's offset flag: this sketch keeps alternating its own.
      in.get();
      int size = in.getInt();
      for (int i = 0; i < size; i++) {
        push(h, in.getDouble());
      }
    }
    for (int h = 0; h < levels.length; h++) {
      if (sizes[h] >= CAPACITY) {
        compact(h);
      }
    }
  }
}
