package dev.tarn.operators.aggregate;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.plan.AggregateFunction;
import dev.tarn.core.type.SqlType;
import dev.tarn.operators.expr.Lane;
import dev.tarn.operators.expr.Lanes;
import java.util.Arrays;

/**
 * STDDEV (sample), STDDEV_POP, VARIANCE (sample) and VAR_POP of a numeric argument, as double.
 * Welford's update keeps count, mean and the sum of squared deviations per group, which stays
 * accurate where the textbook {@code sum(x^2) - sum(x)^2 / n} cancels. Sample forms are NULL below
 * two values, population forms below one (as Trino). SINGLE step only.
 */
final class VarianceAccumulator extends Accumulator {
  private final AggregateFunction function;
  private final int column;
  private final SqlType type;
  private long[] counts = new long[16];
  private double[] means = new double[16];
  private double[] squares = new double[16];

  VarianceAccumulator(AggregateFunction function, int column, SqlType type) {
    this.function = function;
    this.column = column;
    this.type = type;
  }

  @Override
  void ensure(int groups) {
    counts = Arrays.copyOf(counts, grow(counts.length, groups));
    means = Arrays.copyOf(means, grow(means.length, groups));
    squares = Arrays.copyOf(squares, grow(squares.length, groups));
  }

  @Override
  void add(Batch input, int[] groups, int rows) {
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

  @Override
  Lane[] results(int from, int count) {
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
