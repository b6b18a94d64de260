package dev.tarn.operators.aggregate;

import dev.tarn.core.plan.AggregateStep;
import dev.tarn.core.type.SqlType;
import dev.tarn.operators.expr.Lane;
import dev.tarn.operators.expr.Lanes;

/**
 * APPROX_PERCENTILE(x, p): one {@link QuantileSketch} per group over the non-NULL values as
 * doubles; the result is a value of the input at rank about {@code ceil(p * n)}, of the argument's
 * type (NULL for an empty group). PARTIAL emits each group's serialized sketch (varbinary); FINAL
 * merges them. Bigints beyond 2^53 lose precision in the sketch.
 */
final class ApproxPercentileAccumulator extends SketchAccumulator<QuantileSketch> {
  private final double percentile;
  private final SqlType resultType;

  ApproxPercentileAccumulator(
      int column, SqlType type, AggregateStep step, double percentile, SqlType resultType) {
    super(column, type, step);
    this.percentile = percentile;
    this.resultType = resultType;
  }

  @Override
  QuantileSketch newSketch() {
    return new QuantileSketch();
  }

  @Override
  long heldBytes(int groups) {
    long bytes = 16L * groups;
    for (int g = 0; g < groups; g++) {
      QuantileSketch sketch = existing(g);
      if (sketch != null) {
        bytes += sketch.heldBytes();
      }
    }
    return bytes;
  }

  @Override
  void addValues(Lane lane, int[] groups, int rows) {
    double[] values = Lanes.asDoubles(lane);
    boolean[] nulls = lane.nulls;
    for (int i = 0; i < rows; i++) {
      int g = groups[i];
      if (g >= 0 && (nulls == null || !nulls[i])) {
        sketch(g).add(values[i]);
      }
    }
  }

  @Override
  Lane finalValues(int from, int count) {
    double[] out = new double[count];
    boolean[] nulls = null;
    for (int i = 0; i < count; i++) {
      QuantileSketch sketch = existing(from + i);
      if (sketch == null || sketch.count() == 0) {
        if (nulls == null) {
          nulls = new boolean[count];
        }
        nulls[i] = true;
        continue;
      }
      out[i] = sketch.quantile(percentile);
    }
    return Lanes.cast(new Lane.Doubles(SqlType.DOUBLE, out, nulls), resultType);
  }
}
