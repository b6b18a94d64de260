package dev.tarn.operators.aggregate;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.plan.AggregateFunction;
import dev.tarn.core.plan.AggregateStep;
import dev.tarn.core.type.SqlType;
import dev.tarn.operators.expr.Lane;
import dev.tarn.operators.expr.Lanes;
import java.util.Arrays;

/**
 * STDDEV (sample), STDDEV_POP, VARIANCE (sample) and VAR_POP of a numeric argument, as double.
 * Welford's update keeps count, mean and the sum of squared deviations per group, which stays
 * accurate where the textbook {@code sum(x^2) - sum(x)^2 / n} cancels. Sample forms are NULL below
 * two values, population forms below one (as Trino).
 *
 * <p>PARTIAL emits the three per group; FINAL merges them pairwise (Chan et al.): {@code n = na +
 * nb}, {@code mean = ma + (mb - ma) * nb / n}, {@code m2 = m2a + m2b + (mb - ma)^2 * na * nb / n}.
 */
final class VarianceAccumulator extends Accumulator {
  private final AggregateFunction function;
  private final int column;
  private final SqlType type;
  private final AggregateStep step;
  private long[] counts = new long[16];
  private double[] means = new double[16];
  private double[] squares = new double[16];

  VarianceAccumulator(AggregateFunction function, int column, SqlType type, AggregateStep step) {
    this.function = function;
    this.column = column;
    this.type = type;
    this.step = step;
  }

  @Override
  void ensure(int groups) {
    counts = Arrays.copyOf(counts, grow(counts.length, groups));
    means = Arrays.copyOf(means, grow(means.length, groups));
    squares = Arrays.copyOf(squares, grow(squares.length, groups));
  }

  @Override
  void add(Batch input, int[] groups, int rows) {
    if (step == AggregateStep.FINAL) {
      merge(input, groups, rows);
      return;
    }
    Lane lane = read(input, column, type);
    double[] values = Lanes.asDoubles(lane);
    boolean[] nulls = lane.nulls;
    for (int i = 0; i < rows; i++) {
      int g = groups[i];
      if (g < 0 || (nulls != null && nulls[i])) {
        continue;
      }
      long n = ++counts[g];
      double delta = values[i] - means[g];
      means[g] += delta / n;
      squares[g] += delta * (values[i] - means[g]);
    }
  }

  private void merge(Batch input, int[] groups, int rows) {
    Lane.Longs partCounts = (Lane.Longs) read(input, column, SqlType.BIGINT);
    Lane.Doubles partMeans = (Lane.Doubles) read(input, column + 1, SqlType.DOUBLE);
    Lane.Doubles partSquares = (Lane.Doubles) read(input, column + 2, SqlType.DOUBLE);
    for (int i = 0; i < rows; i++) {
      int g = groups[i];
      long nb = partCounts.values[i];
      if (g < 0 || nb == 0) {
        continue;
      }
      long na = counts[g];
      long n = na + nb;
      double delta = partMeans.values[i] - means[g];
      means[g] += delta * nb / n;
      squares[g] += partSquares.values[i] + delta * delta * ((double) na * nb / n);
      counts[g] = n;
    }
  }

  @Override
  Lane[] results(int from, int count) {
    if (step == AggregateStep.PARTIAL) {
      return new Lane[] {
        new Lane.Longs(SqlType.BIGINT, Arrays.copyOfRange(counts, from, from + count), null),
        new Lane.Doubles(SqlType.DOUBLE, Arrays.copyOfRange(means, from, from + count), null),
        new Lane.Doubles(SqlType.DOUBLE, Arrays.copyOfRange(squares, from, from + count), null)
      };
    }
    boolean sample = function == AggregateFunction.STDDEV || function == AggregateFunction.VARIANCE;
    boolean root = function == AggregateFunction.STDDEV || function == AggregateFunction.STDDEV_POP;
    double[] out = new double[count];
    boolean[] nulls = null;
    for (int i = 0; i < count; i++) {
      long n = counts[from + i];
      if (n < (sample ? 2 : 1)) {
        if (nulls == null) {
          nulls = new boolean[count];
        }
        nulls[i] = true;
        continue;
      }
      double variance = squares[from + i] / (sample ? n - 1 : n);
      out[i] = root ? Math.sqrt(variance) : variance;
    }
    return new Lane[] {new Lane.Doubles(SqlType.DOUBLE, out, nulls)};
  }
}
