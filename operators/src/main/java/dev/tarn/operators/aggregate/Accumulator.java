package dev.tarn.operators.aggregate;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.meta.Column;
import dev.tarn.core.plan.AggregateCall;
import dev.tarn.core.plan.AggregateStep;
import dev.tarn.core.type.SqlType;
import dev.tarn.core.type.SqlType.Kind;
import dev.tarn.operators.expr.Lane;
import dev.tarn.operators.expr.Lanes;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.vector.DecimalVector;

/**
 * The state of one aggregate call for every group: primitive arrays indexed by group id.
 *
 * <p>{@link #add} folds a batch in: {@code groups[i]} is row i's group, or -1 to skip the row
 * (DISTINCT drops repeated values that way). Raw input (SINGLE, PARTIAL) reads the call's argument
 * column; merge input (FINAL) reads its intermediate columns (see {@link AggregateCall}). {@link
 * #results} yields the final value, or for PARTIAL the intermediate columns.
 */
abstract class Accumulator {
  /** Makes room for group ids below {@code groups}. */
  abstract void ensure(int groups);

  abstract void add(Batch input, int[] groups, int rows);

  /**
   * Output lanes for groups {@code [from, from + count)}: one, or for PARTIAL the call's
   * intermediate columns.
   */
  abstract Lane[] results(int from, int count);

  /**
   * An estimate of the heap the state of {@code groups} groups holds, for deciding when an
   * aggregation spills: by default a 64-bit value, a count or flag, and array growth slack.
   */
  long heldBytes(int groups) {
    return 24L * groups;
  }

  /** Number of output columns of a call at a step. */
  static int width(AggregateCall call, AggregateStep step) {
    return step == AggregateStep.PARTIAL ? call.function().intermediateWidth() : 1;
  }

  /**
   * The accumulator of {@code call} at {@code step} over input batches with {@code inputColumns};
   * {@code layoutColumn} is where the call's intermediate columns start in a FINAL input.
   *
   * @throws TarnException NOT_SUPPORTED for a function and type it cannot aggregate
   */
  static Accumulator create(
      AggregateCall call, AggregateStep step, List<Column> inputColumns, int layoutColumn) {
    boolean merge = step == AggregateStep.FINAL;
    boolean partial = step == AggregateStep.PARTIAL;
    // COUNT_STAR keeps argument -1 at every step; FINAL then finds its count by the layout.
    int arg = merge && call.argument() < 0 ? layoutColumn : call.argument();
    SqlType argType = arg < 0 ? null : inputColumns.get(arg).type();
    switch (call.function()) {
      case COUNT_STAR:
        return new Count(merge ? arg : -1, merge, merge ? argType : null);
      case COUNT:
        return new Count(arg, merge, argType);
      case SUM:
        switch (argType.kind()) {
          case TINYINT:
          case SMALLINT:
          case INTEGER:
          case BIGINT:
            return new LongSum(arg, argType);
          case REAL:
          case DOUBLE:
            return new DoubleSum(arg, argType, partial ? argType : call.resultType());
          case DECIMAL:
            return new DecimalSum(arg, argType, call.resultType());
          default:
            throw unsupported(call, argType);
        }
      case AVG:
        if (argType.kind() == Kind.DECIMAL) {
          return new DecimalAvg(arg, argType, merge, partial, call.resultType());
        }
        if (!argType.isNumeric()) {
          throw unsupported(call, argType);
        }
        return new DoubleAvg(arg, argType, merge, partial, call.resultType());
      case COUNT_IF:
      case BOOL_AND:
      case BOOL_OR:
        if (argType.kind() != Kind.BOOLEAN) {
          throw unsupported(call, argType);
        }
        return new BooleanAccumulator(call.function(), arg);
      case STDDEV:
      case STDDEV_POP:
      case VARIANCE:
      case VAR_POP:
        if (!argType.isNumeric()) {
          throw unsupported(call, argType);
        }
        return new VarianceAccumulator(call.function(), arg, argType, step);
      case APPROX_DISTINCT:
        return new ApproxDistinctAccumulator(arg, argType, step);
      case APPROX_PERCENTILE:
        if (!argType.isNumeric() && !merge) {
          throw unsupported(call, argType);
        }
        return new ApproxPercentileAccumulator(
            arg, argType, step, call.parameter(), call.resultType());
      case SINGLE_VALUE:
        return new SingleValueAccumulator(
            create(
                new AggregateCall(
                    dev.tarn.core.plan.AggregateFunction.ARBITRARY,
                    arg,
                    false,
                    call.resultType(),
                    call.name()),
                step,
                inputColumns,
                layoutColumn));
      case ARRAY_AGG:
        return new ArrayAggAccumulator(arg, argType, call.resultType());
      case ARBITRARY:
      // Any non-NULL value of the group is a correct answer; the least one is deterministic.
      case MIN:
      case MAX:
        boolean max = call.function() == dev.tarn.core.plan.AggregateFunction.MAX;
        switch (argType.kind()) {
          case REAL:
          case DOUBLE:
            return new DoubleMinMax(arg, argType, max);
          case DECIMAL:
            return new DecimalMinMax(arg, argType, max);
          case VARCHAR:
          case VARBINARY:
            return new StringMinMax(arg, argType, max);
          default:
            return new LongMinMax(arg, argType, max);
        }
    }
    throw new AssertionError(call.function());
  }

  private static TarnException unsupported(AggregateCall call, SqlType type) {
    return new TarnException(
        ErrorCode.NOT_SUPPORTED,
        call.function().name().toLowerCase(java.util.Locale.ROOT)
            + "("
            + type
            + ") is not supported");
  }

  static int grow(int current, int needed) {
    return needed <= current ? current : Math.max(needed, current * 2);
  }

  static Lane read(Batch input, int column, SqlType type) {
    return Lanes.read(input.vector(column), type, input.rowCount());
  }

  static boolean[] nullsOf(boolean[] seen, int from, int count) {
    boolean[] nulls = null;
    for (int i = 0; i < count; i++) {
      if (!seen[from + i]) {
        if (nulls == null) {
          nulls = new boolean[count];
        }
        nulls[i] = true;
      }
    }
    return nulls;
  }

  /** COUNT(*), COUNT(x), and their FINAL merge (a sum of partial counts). */
  static final class Count extends Accumulator {
    private final int column;
    private final boolean merge;
    private final SqlType type;
    private long[] counts = new long[16];

    Count(int column, boolean merge, SqlType type) {
      this.column = column;
      this.merge = merge;
      this.type = type;
    }

    @Override
    void ensure(int groups) {
      counts = Arrays.copyOf(counts, grow(counts.length, groups));
    }

    @Override
    void add(Batch input, int[] groups, int rows) {
      if (column < 0) {
        for (int i = 0; i < rows; i++) {
          int g = groups[i];
          if (g >= 0) {
            counts[g]++;
          }
        }
        return;
      }
      Lane lane = read(input, column, type);
      if (merge) {
        long[] values = ((Lane.Longs) lane).values;
        for (int i = 0; i < rows; i++) {
          int g = groups[i];
          if (g >= 0 && !lane.isNull(i)) {
            counts[g] += values[i];
          }
        }
        return;
      }
      boolean[] nulls = lane.nulls;
      for (int i = 0; i < rows; i++) {
        int g = groups[i];
        if (g >= 0 && (nulls == null || !nulls[i])) {
          counts[g]++;
        }
      }
    }

    @Override
    Lane[] results(int from, int count) {
      return new Lane[] {
        new Lane.Longs(SqlType.BIGINT, Arrays.copyOfRange(counts, from, from + count), null)
      };
    }
  }

  /** SUM of integers as bigint (raw and merge alike); overflow is an error as in Trino. */
  static final class LongSum extends Accumulator {
    private final int column;
    private final SqlType type;
    private long[] sums = new long[16];
    private boolean[] seen = new boolean[16];

    LongSum(int column, SqlType type) {
      this.column = column;
      this.type = type;
    }

    @Override
    void ensure(int groups) {
      sums = Arrays.copyOf(sums, grow(sums.length, groups));
      seen = Arrays.copyOf(seen, grow(seen.length, groups));
    }

    @Override
    void add(Batch input, int[] groups, int rows) {
      Lane.Longs lane = (Lane.Longs) read(input, column, type);
      long[] values = lane.values;
      boolean[] nulls = lane.nulls;
      for (int i = 0; i < rows; i++) {
        int g = groups[i];
        if (g >= 0 && (nulls == null || !nulls[i])) {
          long sum = sums[g] + values[i];
          if (((sums[g] ^ sum) & (values[i] ^ sum)) < 0) {
            throw new TarnException(ErrorCode.INVALID_ARGUMENT, "bigint overflow in sum");
          }
          sums[g] = sum;
          seen[g] = true;
        }
      }
    }

    @Override
    Lane[] results(int from, int count) {
      return new Lane[] {
        new Lane.Longs(
            SqlType.BIGINT,
            Arrays.copyOfRange(sums, from, from + count),
            nullsOf(seen, from, count))
      };
    }
  }

  /** SUM of real or double. */
  static final class DoubleSum extends Accumulator {
    private final int column;
    private final SqlType type;
    private final SqlType resultType;
    private double[] sums = new double[16];
    private boolean[] seen = new boolean[16];

    DoubleSum(int column, SqlType type, SqlType resultType) {
      this.column = column;
      this.type = type;
      this.resultType = resultType;
    }

    @Override
    void ensure(int groups) {
      sums = Arrays.copyOf(sums, grow(sums.length, groups));
      seen = Arrays.copyOf(seen, grow(seen.length, groups));
    }

    @Override
    void add(Batch input, int[] groups, int rows) {
      Lane.Doubles lane = (Lane.Doubles) read(input, column, type);
      double[] values = lane.values;
      boolean[] nulls = lane.nulls;
      for (int i = 0; i < rows; i++) {
        int g = groups[i];
        if (g >= 0 && (nulls == null || !nulls[i])) {
          sums[g] += values[i];
          seen[g] = true;
        }
      }
    }

    @Override
    Lane[] results(int from, int count) {
      return new Lane[] {
        new Lane.Doubles(
            resultType, Arrays.copyOfRange(sums, from, from + count), nullsOf(seen, from, count))
      };
    }
  }

  /** What {@link #addDecimalColumn} returns when it cannot read the column directly. */
  private static final boolean[] NOT_DIRECT = new boolean[0];

  /**
   * Folds a decimal column at the cells' scale straight from its Arrow buffer into cells (rows with
   * group -1 or NULL skipped), without reading it into a lane first. Returns the column's NULL
   * marks (null when it has none), or {@link #NOT_DIRECT}, doing nothing, when the column is of
   * another type or scale and has to be converted by the lane path.
   */
  static boolean[] addDecimalColumn(
      Batch input,
      int column,
      SqlType type,
      DecimalCells cells,
      boolean[] seen,
      int[] groups,
      int rows) {
    if (type.kind() != Kind.DECIMAL
        || type.scale() != cells.scale()
        || !(input.vector(column) instanceof DecimalVector vector)) {
      return NOT_DIRECT;
    }
    boolean[] nulls = Lanes.readNulls(vector, rows);
    cells.addColumn(vector.getDataBuffer(), nulls, groups, rows, seen);
    return nulls;
  }

  /** Folds a decimal lane into cells (rows with group -1 or NULL skipped). */
  static void addDecimals(
      Lane.Decimals lane, DecimalCells cells, boolean[] seen, int[] groups, int rows) {
    boolean[] nulls = lane.nulls;
    if (lane.unscaled != null) {
      long[] values = lane.unscaled;
      for (int i = 0; i < rows; i++) {
        int g = groups[i];
        if (g >= 0 && (nulls == null || !nulls[i])) {
          cells.add(g, values[i]);
          seen[g] = true;
        }
      }
    } else {
      for (int i = 0; i < rows; i++) {
        int g = groups[i];
        if (g >= 0 && (nulls == null || !nulls[i])) {
          cells.add(g, lane.big[i]);
          seen[g] = true;
        }
      }
    }
  }

  static Lane.Decimals decimalResults(
      DecimalCells cells, SqlType type, boolean[] seen, int from, int count) {
    boolean[] nulls = nullsOf(seen, from, count);
    if (cells.fitLongs(from, count)) {
      long[] out = new long[count];
      for (int i = 0; i < count; i++) {
        out[i] = cells.unscaled(from + i);
      }
      return new Lane.Decimals(type, count, out, null, nulls);
    }
    BigDecimal[] out = new BigDecimal[count];
    for (int i = 0; i < count; i++) {
      out[i] = cells.get(from + i);
    }
    return new Lane.Decimals(type, count, null, out, nulls);
  }

  /** SUM of decimals, exact, as decimal(38, s). */
  static final class DecimalSum extends Accumulator {
    private final int column;
    private final SqlType type;
    private final SqlType resultType;
    private final DecimalCells cells;
    private boolean[] seen = new boolean[16];

    DecimalSum(int column, SqlType type, SqlType resultType) {
      this.column = column;
      this.type = type;
      this.resultType = resultType;
      this.cells = new DecimalCells(resultType.scale());
    }

    @Override
    void ensure(int groups) {
      cells.ensure(groups);
      seen = Arrays.copyOf(seen, grow(seen.length, groups));
    }

    @Override
    void add(Batch input, int[] groups, int rows) {
      if (addDecimalColumn(input, column, type, cells, seen, groups, rows) != NOT_DIRECT) {
        return;
      }
      Lane.Decimals lane =
          Lanes.asDecimals(read(input, column, type), resultType.scale(), resultType);
      addDecimals(lane, cells, seen, groups, rows);
    }

    @Override
    Lane[] results(int from, int count) {
      return new Lane[] {decimalResults(cells, resultType, seen, from, count)};
    }
  }

  /** AVG of non-decimal numbers: a double sum and a count. */
  static final class DoubleAvg extends Accumulator {
    private final int column;
    private final SqlType type;
    private final boolean merge;
    private final boolean partial;
    private final SqlType resultType;
    private double[] sums = new double[16];
    private long[] counts = new long[16];

    DoubleAvg(int column, SqlType type, boolean merge, boolean partial, SqlType resultType) {
      this.column = column;
      this.type = type;
      this.merge = merge;
      this.partial = partial;
      this.resultType = resultType;
    }

    @Override
    void ensure(int groups) {
      sums = Arrays.copyOf(sums, grow(sums.length, groups));
      counts = Arrays.copyOf(counts, grow(counts.length, groups));
    }

    @Override
    void add(Batch input, int[] groups, int rows) {
      Lane lane = read(input, column, type);
      double[] values = Lanes.asDoubles(lane);
      boolean[] nulls = lane.nulls;
      if (merge) {
        Lane.Longs partialCounts = (Lane.Longs) read(input, column + 1, SqlType.BIGINT);
        for (int i = 0; i < rows; i++) {
          int g = groups[i];
          if (g >= 0 && (nulls == null || !nulls[i])) {
            sums[g] += values[i];
            counts[g] += partialCounts.values[i];
          }
        }
        return;
      }
      for (int i = 0; i < rows; i++) {
        int g = groups[i];
        if (g >= 0 && (nulls == null || !nulls[i])) {
          sums[g] += values[i];
          counts[g]++;
        }
      }
    }

    @Override
    Lane[] results(int from, int count) {
      boolean[] nulls = null;
      double[] out = new double[count];
      for (int i = 0; i < count; i++) {
        long c = counts[from + i];
        if (c == 0) {
          if (nulls == null) {
            nulls = new boolean[count];
          }
          nulls[i] = true;
        } else {
          out[i] = partial ? sums[from + i] : sums[from + i] / c;
        }
      }
      if (partial) {
        return new Lane[] {
          new Lane.Doubles(SqlType.DOUBLE, out, nulls),
          new Lane.Longs(SqlType.BIGINT, Arrays.copyOfRange(counts, from, from + count), null)
        };
      }
      return new Lane[] {Lanes.cast(new Lane.Doubles(SqlType.DOUBLE, out, nulls), resultType)};
    }
  }

  /** AVG of decimals: an exact decimal(38, s) sum and a count, divided with HALF_UP rounding. */
  static final class DecimalAvg extends Accumulator {
    private final int column;
    private final SqlType type;
    private final boolean merge;
    private final boolean partial;
    private final SqlType resultType;
    private final SqlType sumType;
    private final DecimalCells cells;
    private boolean[] seen = new boolean[16];
    private long[] counts = new long[16];

    DecimalAvg(int column, SqlType type, boolean merge, boolean partial, SqlType resultType) {
      this.column = column;
      this.type = type;
      this.merge = merge;
      this.partial = partial;
      this.resultType = resultType;
      this.sumType = SqlType.decimal(38, type.scale());
      this.cells = new DecimalCells(type.scale());
    }

    @Override
    void ensure(int groups) {
      cells.ensure(groups);
      seen = Arrays.copyOf(seen, grow(seen.length, groups));
      counts = Arrays.copyOf(counts, grow(counts.length, groups));
    }

    @Override
    void add(Batch input, int[] groups, int rows) {
      boolean[] nulls = addDecimalColumn(input, column, type, cells, seen, groups, rows);
      if (nulls == NOT_DIRECT) {
        Lane.Decimals lane = Lanes.asDecimals(read(input, column, type), type.scale(), sumType);
        addDecimals(lane, cells, seen, groups, rows);
        nulls = lane.nulls;
      }
      if (merge) {
        Lane.Longs partialCounts = (Lane.Longs) read(input, column + 1, SqlType.BIGINT);
        for (int i = 0; i < rows; i++) {
          int g = groups[i];
          if (g >= 0 && (nulls == null || !nulls[i])) {
            counts[g] += partialCounts.values[i];
          }
        }
        return;
      }
      for (int i = 0; i < rows; i++) {
        int g = groups[i];
        if (g >= 0 && (nulls == null || !nulls[i])) {
          counts[g]++;
        }
      }
    }

    @Override
    Lane[] results(int from, int count) {
      if (partial) {
        return new Lane[] {
          decimalResults(cells, sumType, seen, from, count),
          new Lane.Longs(SqlType.BIGINT, Arrays.copyOfRange(counts, from, from + count), null)
        };
      }
      BigDecimal[] out = new BigDecimal[count];
      boolean[] nulls = null;
      for (int i = 0; i < count; i++) {
        long c = counts[from + i];
        if (c == 0) {
          if (nulls == null) {
            nulls = new boolean[count];
          }
          nulls[i] = true;
        } else {
          out[i] =
              cells
                  .get(from + i)
                  .divide(BigDecimal.valueOf(c), resultType.scale(), RoundingMode.HALF_UP);
        }
      }
      return new Lane[] {new Lane.Decimals(resultType, count, null, out, nulls)};
    }
  }

  /** MIN/MAX of integers, booleans, dates and timestamps. */
  static final class LongMinMax extends Accumulator {
    private final int column;
    private final SqlType type;
    private final boolean max;
    private long[] best = new long[16];
    private boolean[] seen = new boolean[16];

    LongMinMax(int column, SqlType type, boolean max) {
      this.column = column;
      this.type = type;
      this.max = max;
    }

    @Override
    void ensure(int groups) {
      best = Arrays.copyOf(best, grow(best.length, groups));
      seen = Arrays.copyOf(seen, grow(seen.length, groups));
    }

    @Override
    void add(Batch input, int[] groups, int rows) {
      Lane lane = read(input, column, type);
      long[] values;
      if (lane instanceof Lane.Bools b) {
        values = new long[rows];
        for (int i = 0; i < rows; i++) {
          values[i] = b.values[i] ? 1 : 0;
        }
      } else {
        values = ((Lane.Longs) lane).values;
      }
      boolean[] nulls = lane.nulls;
      for (int i = 0; i < rows; i++) {
        int g = groups[i];
        if (g >= 0 && (nulls == null || !nulls[i])) {
          long v = values[i];
          if (!seen[g] || (max ? v > best[g] : v < best[g])) {
            best[g] = v;
            seen[g] = true;
          }
        }
      }
    }

    @Override
    Lane[] results(int from, int count) {
      boolean[] nulls = nullsOf(seen, from, count);
      long[] out = Arrays.copyOfRange(best, from, from + count);
      if (type.kind() == Kind.BOOLEAN) {
        boolean[] bools = new boolean[count];
        for (int i = 0; i < count; i++) {
          bools[i] = out[i] != 0;
        }
        return new Lane[] {new Lane.Bools(bools, nulls)};
      }
      return new Lane[] {new Lane.Longs(type, out, nulls)};
    }
  }

  /** MIN/MAX of real and double (NaN is the largest value, as in Trino's ordering). */
  static final class DoubleMinMax extends Accumulator {
    private final int column;
    private final SqlType type;
    private final boolean max;
    private double[] best = new double[16];
    private boolean[] seen = new boolean[16];

    DoubleMinMax(int column, SqlType type, boolean max) {
      this.column = column;
      this.type = type;
      this.max = max;
    }

    @Override
    void ensure(int groups) {
      best = Arrays.copyOf(best, grow(best.length, groups));
      seen = Arrays.copyOf(seen, grow(seen.length, groups));
    }

    @Override
    void add(Batch input, int[] groups, int rows) {
      Lane.Doubles lane = (Lane.Doubles) read(input, column, type);
      double[] values = lane.values;
      boolean[] nulls = lane.nulls;
      for (int i = 0; i < rows; i++) {
        int g = groups[i];
        if (g >= 0 && (nulls == null || !nulls[i])) {
          double v = values[i];
          int c = Double.compare(v, best[g]);
          if (!seen[g] || (max ? c > 0 : c < 0)) {
            best[g] = v;
            seen[g] = true;
          }
        }
      }
    }

    @Override
    Lane[] results(int from, int count) {
      return new Lane[] {
        new Lane.Doubles(
            type, Arrays.copyOfRange(best, from, from + count), nullsOf(seen, from, count))
      };
    }
  }

  /** MIN/MAX of decimals. */
  static final class DecimalMinMax extends Accumulator {
    private final int column;
    private final SqlType type;
    private final boolean max;
    private final DecimalCells cells;
    private boolean[] seen = new boolean[16];

    DecimalMinMax(int column, SqlType type, boolean max) {
      this.column = column;
      this.type = type;
      this.max = max;
      this.cells = new DecimalCells(type.scale());
    }

    @Override
    void ensure(int groups) {
      cells.ensure(groups);
      seen = Arrays.copyOf(seen, grow(seen.length, groups));
    }

    @Override
    void add(Batch input, int[] groups, int rows) {
      Lane.Decimals lane = (Lane.Decimals) read(input, column, type);
      boolean[] nulls = lane.nulls;
      if (lane.unscaled != null && !cells.isWide()) {
        long[] values = lane.unscaled;
        for (int i = 0; i < rows; i++) {
          int g = groups[i];
          if (g >= 0 && (nulls == null || !nulls[i])) {
            long v = values[i];
            if (!seen[g] || (max ? v > cells.unscaled(g) : v < cells.unscaled(g))) {
              cells.set(g, v);
              seen[g] = true;
            }
          }
        }
        return;
      }
      for (int i = 0; i < rows; i++) {
        int g = groups[i];
        if (g >= 0 && (nulls == null || !nulls[i])) {
          BigDecimal v = lane.get(i);
          int c = seen[g] ? v.compareTo(cells.get(g)) : 0;
          if (!seen[g] || (max ? c > 0 : c < 0)) {
            cells.set(g, v);
            seen[g] = true;
          }
        }
      }
    }

    @Override
    Lane[] results(int from, int count) {
      return new Lane[] {decimalResults(cells, type, seen, from, count)};
    }
  }

  /** MIN/MAX of varchar (code point order) and varbinary: keeps one byte[] per group. */
  static final class StringMinMax extends Accumulator {
    private final int column;
    private final SqlType type;
    private final boolean max;
    private byte[][] best = new byte[16][];
    // Bytes of the kept values, so that long strings count toward the spill threshold.
    private long keptBytes;

    StringMinMax(int column, SqlType type, boolean max) {
      this.column = column;
      this.type = type;
      this.max = max;
    }

    @Override
    void ensure(int groups) {
      best = Arrays.copyOf(best, grow(best.length, groups));
    }

    @Override
    void add(Batch input, int[] groups, int rows) {
      Lane.Strings lane = (Lane.Strings) read(input, column, type);
      byte[] data = lane.data;
      int[] offsets = lane.offsets;
      boolean[] nulls = lane.nulls;
      for (int i = 0; i < rows; i++) {
        int g = groups[i];
        if (g >= 0 && (nulls == null || !nulls[i])) {
          int s = offsets[i];
          int e = offsets[i + 1];
          byte[] current = best[g];
          if (current == null) {
            best[g] = Arrays.copyOfRange(data, s, e);
            keptBytes += e - s;
            continue;
          }
          int c = Arrays.compareUnsigned(data, s, e, current, 0, current.length);
          if (max ? c > 0 : c < 0) {
            best[g] = Arrays.copyOfRange(data, s, e);
            keptBytes += e - s - current.length;
          }
        }
      }
    }

    @Override
    long heldBytes(int groups) {
      // A reference and an array header per group, plus the values.
      return 24L * groups + keptBytes;
    }

    @Override
    Lane[] results(int from, int count) {
      Lane.StringsBuilder out = new Lane.StringsBuilder(type, count, count * 16);
      for (int i = 0; i < count; i++) {
        byte[] v = best[from + i];
        if (v == null) {
          out.appendNull();
        } else {
          out.append(v, 0, v.length);
        }
      }
      return new Lane[] {out.build()};
    }
  }
}
