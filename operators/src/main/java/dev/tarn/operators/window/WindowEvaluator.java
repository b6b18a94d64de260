package dev.tarn.operators.window;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.meta.Column;
import dev.tarn.core.plan.SortKey;
import dev.tarn.core.plan.WindowCall;
import dev.tarn.core.plan.WindowFrame;
import dev.tarn.core.plan.WindowFunction;
import dev.tarn.core.type.SqlType;
import dev.tarn.operators.expr.Lane;
import dev.tarn.operators.expr.Lanes;
import dev.tarn.operators.sort.RowComparator;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;

/**
 * Computes window calls over one batch already sorted by (partition keys, order keys).
 *
 * <p>Construction finds, for every row, its partition {@code [start, end)} and its peer group (the
 * rows of the partition with equal order keys; the whole partition without order keys). A call then
 * works on index arrays: ranking functions read the boundaries, navigation functions pick a source
 * row per output row and gather it, and aggregates fold each row's frame {@code [lo, hi]}
 * (inclusive; empty when {@code lo > hi}).
 *
 * <p>Frames are monotone ({@code lo} and {@code hi} never decrease along a partition), which lets
 * aggregates avoid refolding each frame: a frame starting at UNBOUNDED PRECEDING grows forward, one
 * ending at UNBOUNDED FOLLOWING grows backward, COUNT and exact sums (integers, decimals) use
 * prefix sums, and only bounded frames of doubles, MIN and MAX fold each frame in full.
 */
final class WindowEvaluator {
  private final Batch batch;
  private final int n;

  /** First row of each partition, then {@code n}. */
  private final int[] partitionStarts;

  private final int[] peerStart;
  private final int[] peerEnd;

  WindowEvaluator(Batch sorted, List<Integer> partitionKeys, List<SortKey> orderKeys) {
    this.batch = sorted;
    this.n = sorted.rowCount();
    List<SortKey> partitionSort = new ArrayList<>();
    for (int key : partitionKeys) {
      partitionSort.add(new SortKey(key, true, true));
    }
    RowComparator partitions = new RowComparator(sorted, partitionSort);
    RowComparator peers = new RowComparator(sorted, orderKeys);
    int[] starts = new int[n + 1];
    int partitionCount = 0;
    peerStart = new int[n];
    peerEnd = new int[n];
    int groupStart = 0;
    for (int i = 0; i < n; i++) {
      boolean newPartition = i == 0 || partitions.compare(i - 1, i) != 0;
      if (newPartition) {
        starts[partitionCount++] = i;
      }
      if (newPartition || peers.compare(i - 1, i) != 0) {
        for (int k = groupStart; k < i; k++) {
          peerEnd[k] = i;
        }
        groupStart = i;
      }
      peerStart[i] = groupStart;
    }
    for (int k = groupStart; k < n; k++) {
      peerEnd[k] = n;
    }
    starts[partitionCount] = n;
    partitionStarts = java.util.Arrays.copyOf(starts, partitionCount + 1);
  }

  /**
   * Checks a call before any row arrives.
   *
   * @throws TarnException NOT_SUPPORTED for RANGE frames with offsets or a non-numeric SUM/AVG
   */
  static void check(WindowCall call, List<Column> inputColumns, List<SortKey> orderKeys) {
    WindowFrame frame = call.frame();
    if (frame.type() == WindowFrame.Type.RANGE
        && (hasOffset(frame.start()) || hasOffset(frame.end()))) {
      throw new TarnException(
          ErrorCode.NOT_SUPPORTED,
          "RANGE frames with PRECEDING or FOLLOWING offsets are not supported ("
              + call.name()
              + "); use ROWS or UNBOUNDED / CURRENT ROW bounds");
    }
    int needed;
    switch (call.function()) {
      case ROW_NUMBER:
      case RANK:
      case DENSE_RANK:
      case NTILE:
      case COUNT_STAR:
        needed = 0;
        break;
      default:
        needed = 1;
    }
    int max =
        call.function() == WindowFunction.LAG || call.function() == WindowFunction.LEAD
            ? 2
            : needed;
    if (call.arguments().size() < needed || call.arguments().size() > max) {
      throw new IllegalArgumentException(
          call.function() + " takes " + needed + ".." + max + " arguments: " + call);
    }
    if (call.function() == WindowFunction.NTILE && call.offset() <= 0) {
      throw new TarnException(
          ErrorCode.INVALID_ARGUMENT,
          "ntile needs a positive bucket count, got " + call.offset() + " (" + call.name() + ")");
    }
    if (call.function() == WindowFunction.SUM || call.function() == WindowFunction.AVG) {
      SqlType type = inputColumns.get(call.arguments().get(0)).type();
      if (!type.isNumeric()) {
        throw new TarnException(
            ErrorCode.NOT_SUPPORTED,
            call.function().name().toLowerCase(java.util.Locale.ROOT)
                + "("
                + type
                + ") is not supported as a window function");
      }
    }
  }

  private static boolean hasOffset(WindowFrame.Bound bound) {
    return bound.kind() == WindowFrame.Bound.Kind.PRECEDING
        || bound.kind() == WindowFrame.Bound.Kind.FOLLOWING;
  }

  /** The call's values for every row, as a new vector of its result type. */
  FieldVector evaluate(WindowCall call, BufferAllocator allocator) {
    Lane lane = compute(call);
    return Lanes.write(Lanes.cast(lane, call.resultType()), call.name(), allocator);
  }

  private Lane compute(WindowCall call) {
    switch (call.function()) {
      case ROW_NUMBER:
      case RANK:
      case DENSE_RANK:
      case NTILE:
        return ranking(call.function(), call.offset());
      case LAG:
      case LEAD:
        return lagLead(call);
      case FIRST_VALUE:
      case LAST_VALUE:
        {
          int[][] frame = frame(call.frame());
          int[] source = new int[n];
          boolean first = call.function() == WindowFunction.FIRST_VALUE;
          for (int i = 0; i < n; i++) {
            int lo = frame[0][i];
            int hi = frame[1][i];
            source[i] = lo > hi ? -1 : first ? lo : hi;
          }
          return pick(argument(call, 0), source);
        }
      case COUNT_STAR:
        {
          int[][] frame = frame(call.frame());
          long[] out = new long[n];
          for (int i = 0; i < n; i++) {
            out[i] = Math.max(0, frame[1][i] - frame[0][i] + 1);
          }
          return new Lane.Longs(SqlType.BIGINT, out, null);
        }
      case COUNT:
        {
          int[][] frame = frame(call.frame());
          long[] prefix = nonNullPrefix(argument(call, 0));
          long[] out = new long[n];
          for (int i = 0; i < n; i++) {
            out[i] = frameSum(prefix, frame[0][i], frame[1][i]);
          }
          return new Lane.Longs(SqlType.BIGINT, out, null);
        }
      case SUM:
      case AVG:
        return sumOrAverage(call);
      case MIN:
      case MAX:
        return minOrMax(call);
    }
    throw new AssertionError(call.function());
  }

  private Lane argument(WindowCall call, int index) {
    int column = call.arguments().get(index);
    return Lanes.read(batch.vector(column), batch.columns().get(column).type(), n);
  }

  /** ROW_NUMBER, RANK, DENSE_RANK and NTILE, from partition and peer boundaries. */
  private Lane ranking(WindowFunction function, long buckets) {
    long[] out = new long[n];
    for (int p = 0; p + 1 < partitionStarts.length; p++) {
      int start = partitionStarts[p];
      int end = partitionStarts[p + 1];
      long size = end - start;
      long dense = 0;
      for (int i = start; i < end; i++) {
        switch (function) {
          case ROW_NUMBER:
            out[i] = i - start + 1;
            break;
          case RANK:
            out[i] = peerStart[i] - start + 1;
            break;
          case DENSE_RANK:
            if (peerStart[i] == i) {
              dense++;
            }
            out[i] = dense;
            break;
          case NTILE:
            {
              // The first size % buckets buckets hold one row more than the others.
              long per = size / buckets;
              long extra = size % buckets;
              long position = i - start;
              long big = extra * (per + 1);
              out[i] = 1 + (position < big ? position / (per + 1) : extra + (position - big) / per);
              break;
            }
          default:
            throw new AssertionError(function);
        }
      }
    }
    return new Lane.Longs(SqlType.BIGINT, out, null);
  }

  /** LAG/LEAD: the row {@code offset} before/after in the partition, else the default. */
  private Lane lagLead(WindowCall call) {
    Lane value = argument(call, 0);
    Lane fallback =
        call.arguments().size() > 1 ? argument(call, 1) : Lanes.constant(null, value.type, n);
    long step = call.function() == WindowFunction.LAG ? -call.offset() : call.offset();
    int[] choice = new int[n];
    int[] rows = new int[n];
    for (int p = 0; p + 1 < partitionStarts.length; p++) {
      int start = partitionStarts[p];
      int end = partitionStarts[p + 1];
      for (int i = start; i < end; i++) {
        long source = i + step;
        if (source >= start && source < end) {
          choice[i] = 0;
          rows[i] = (int) source;
        } else {
          choice[i] = 1;
          rows[i] = i;
        }
      }
    }
    return Lanes.choose(value.type, new Lane[] {value, fallback}, choice, rows);
  }

  /** Row i of the result is row {@code source[i]} of {@code lane}, NULL where it is -1. */
  private static Lane pick(Lane lane, int[] source) {
    int[] choice = new int[source.length];
    int[] rows = new int[source.length];
    for (int i = 0; i < source.length; i++) {
      choice[i] = source[i] < 0 ? -1 : 0;
      rows[i] = source[i] < 0 ? 0 : source[i];
    }
    return Lanes.choose(lane.type, new Lane[] {lane}, choice, rows);
  }

  /**
   * Every row's frame as {@code {lo[], hi[]}}: inclusive row bounds clamped to the partition. RANGE
   * bounds are UNBOUNDED or CURRENT ROW, where CURRENT ROW means the row's peer group.
   */
  private int[][] frame(WindowFrame frame) {
    int[] lo = new int[n];
    int[] hi = new int[n];
    boolean range = frame.type() == WindowFrame.Type.RANGE;
    for (int p = 0; p + 1 < partitionStarts.length; p++) {
      int start = partitionStarts[p];
      int end = partitionStarts[p + 1];
      for (int i = start; i < end; i++) {
        long from = bound(frame.start(), i, start, end, range, true);
        long to = bound(frame.end(), i, start, end, range, false);
        lo[i] = (int) Math.max(start, Math.min(from, end));
        hi[i] = (int) Math.min(end - 1, Math.max(to, start - 1));
      }
    }
    return new int[][] {lo, hi};
  }

  private long bound(
      WindowFrame.Bound bound, int row, int start, int end, boolean range, boolean isStart) {
    switch (bound.kind()) {
      case UNBOUNDED_PRECEDING:
        return start;
      case PRECEDING:
        return (long) row - bound.offset();
      case CURRENT_ROW:
        if (range) {
          return isStart ? peerStart[row] : peerEnd[row] - 1;
        }
        return row;
      case FOLLOWING:
        return (long) row + bound.offset();
      case UNBOUNDED_FOLLOWING:
        return end - 1;
    }
    throw new AssertionError(bound.kind());
  }

  /** {@code prefix[i]} = non-NULL rows before row i. */
  private long[] nonNullPrefix(Lane lane) {
    long[] prefix = new long[n + 1];
    for (int i = 0; i < n; i++) {
      prefix[i + 1] = prefix[i] + (lane.isNull(i) ? 0 : 1);
    }
    return prefix;
  }

  private static long frameSum(long[] prefix, int lo, int hi) {
    return lo > hi ? 0 : prefix[hi + 1] - prefix[lo];
  }

  /**
   * SUM and AVG. Integers and decimals use exact prefix sums; doubles fold the frames (see {@link
   * #fold}) so that a running sum adds in row order. SUM of no non-NULL rows is NULL.
   */
  private Lane sumOrAverage(WindowCall call) {
    int[][] frame = frame(call.frame());
    Lane lane = argument(call, 0);
    long[] counts = nonNullPrefix(lane);
    boolean average = call.function() == WindowFunction.AVG;
    boolean[] nulls = new boolean[n];
    for (int i = 0; i < n; i++) {
      nulls[i] = frameSum(counts, frame[0][i], frame[1][i]) == 0;
    }
    if (lane instanceof Lane.Longs longs) {
      long[] prefix = new long[n + 1];
      for (int i = 0; i < n; i++) {
        try {
          prefix[i + 1] = longs.isNull(i) ? prefix[i] : Math.addExact(prefix[i], longs.values[i]);
        } catch (ArithmeticException e) {
          throw new TarnException(
              ErrorCode.INVALID_ARGUMENT, "bigint overflow in window sum " + call.name());
        }
      }
      if (!average) {
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
          out[i] = frameSum(prefix, frame[0][i], frame[1][i]);
        }
        return new Lane.Longs(SqlType.BIGINT, out, nulls);
      }
      double[] out = new double[n];
      for (int i = 0; i < n; i++) {
        long count = frameSum(counts, frame[0][i], frame[1][i]);
        out[i] = count == 0 ? 0 : (double) frameSum(prefix, frame[0][i], frame[1][i]) / count;
      }
      return new Lane.Doubles(SqlType.DOUBLE, out, nulls);
    }
    if (lane instanceof Lane.Decimals decimals) {
      BigDecimal[] prefix = new BigDecimal[n + 1];
      prefix[0] = BigDecimal.valueOf(0, decimals.type.scale());
      for (int i = 0; i < n; i++) {
        prefix[i + 1] = decimals.isNull(i) ? prefix[i] : prefix[i].add(decimals.get(i));
      }
      SqlType result =
          call.resultType().kind() == SqlType.Kind.DECIMAL
              ? call.resultType()
              : SqlType.decimal(38, decimals.type.scale());
      BigDecimal[] out = new BigDecimal[n];
      for (int i = 0; i < n; i++) {
        int lo = frame[0][i];
        int hi = frame[1][i];
        if (nulls[i]) {
          continue;
        }
        BigDecimal sum = prefix[hi + 1].subtract(prefix[lo]);
        out[i] =
            average
                ? sum.divide(
                    BigDecimal.valueOf(frameSum(counts, lo, hi)),
                    result.scale(),
                    RoundingMode.HALF_UP)
                : sum.setScale(result.scale(), RoundingMode.HALF_UP);
      }
      return new Lane.Decimals(result, n, null, out, nulls);
    }
    double[] values = Lanes.asDoubles(lane);
    DoubleSum sum = new DoubleSum(values, lane.nulls, average);
    fold(sum, frame, call.frame());
    return new Lane.Doubles(SqlType.DOUBLE, sum.out, nulls);
  }

  /** MIN and MAX: the best row of each frame by the argument's sort order, then gathered. */
  private Lane minOrMax(WindowCall call) {
    int[][] frame = frame(call.frame());
    int column = call.arguments().get(0);
    Lane lane = argument(call, 0);
    RowComparator comparator = new RowComparator(batch, List.of(new SortKey(column, true, false)));
    Best best = new Best(comparator, lane, call.function() == WindowFunction.MAX);
    fold(best, frame, call.frame());
    return pick(lane, best.out);
  }

  /**
   * Folds every row's frame: growing forward when frames start at the partition start, backward
   * when they end at the partition end, and frame by frame otherwise.
   */
  private void fold(Fold fold, int[][] frame, WindowFrame spec) {
    int[] lo = frame[0];
    int[] hi = frame[1];
    boolean fromStart = spec.start().kind() == WindowFrame.Bound.Kind.UNBOUNDED_PRECEDING;
    boolean toEnd = spec.end().kind() == WindowFrame.Bound.Kind.UNBOUNDED_FOLLOWING;
    for (int p = 0; p + 1 < partitionStarts.length; p++) {
      int start = partitionStarts[p];
      int end = partitionStarts[p + 1];
      if (fromStart) {
        fold.reset();
        int next = start;
        for (int i = start; i < end; i++) {
          while (next <= hi[i]) {
            fold.add(next++);
          }
          fold.emit(i);
        }
      } else if (toEnd) {
        fold.reset();
        int next = end - 1;
        for (int i = end - 1; i >= start; i--) {
          while (next >= lo[i]) {
            fold.add(next--);
          }
          fold.emit(i);
        }
      } else {
        for (int i = start; i < end; i++) {
          fold.reset();
          for (int r = lo[i]; r <= hi[i]; r++) {
            fold.add(r);
          }
          fold.emit(i);
        }
      }
    }
  }

  /** An aggregate folded over the rows of a frame, emitting one value per output row. */
  private abstract static class Fold {
    abstract void reset();

    abstract void add(int row);

    abstract void emit(int row);
  }

  /** Sum (or average) of doubles; NULL rows are skipped. */
  private final class DoubleSum extends Fold {
    final double[] values;
    final boolean[] nulls;
    final boolean average;
    final double[] out = new double[n];
    double sum;
    long count;

    DoubleSum(double[] values, boolean[] nulls, boolean average) {
      this.values = values;
      this.nulls = nulls;
      this.average = average;
    }

    @Override
    void reset() {
      sum = 0;
      count = 0;
    }

    @Override
    void add(int row) {
      if (nulls == null || !nulls[row]) {
        sum += values[row];
        count++;
      }
    }

    @Override
    void emit(int row) {
      out[row] = average && count > 0 ? sum / count : sum;
    }
  }

  /** The row holding the least (or greatest) non-NULL value; -1 when there is none. */
  private final class Best extends Fold {
    final RowComparator comparator;
    final Lane lane;
    final boolean max;
    final int[] out = new int[n];
    int best;

    Best(RowComparator comparator, Lane lane, boolean max) {
      this.comparator = comparator;
      this.lane = lane;
      this.max = max;
    }

    @Override
    void reset() {
      best = -1;
    }

    @Override
    void add(int row) {
      if (lane.isNull(row)) {
        return;
      }
      if (best < 0) {
        best = row;
        return;
      }
      int c = comparator.compare(row, best);
      if (max ? c > 0 : c < 0) {
        best = row;
      }
    }

    @Override
    void emit(int row) {
      out[row] = best;
    }
  }
}
