package dev.tarn.operators.aggregate;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.plan.AggregateStep;
import dev.tarn.core.type.SqlType;
import dev.tarn.operators.expr.Lane;
import dev.tarn.operators.expr.Lanes;
import java.util.Arrays;

/**
 * APPROX_PERCENTILE(x, p): one {@link QuantileSketch} per group over the non-NULL values as
 * doubles; the result is a value of the input at rank about {@code ceil(p * n)}, of the argument's
 * type (NULL for an empty group). PARTIAL emits each group's serialized sketch (varbinary); FINAL
 * merges them. Bigints beyond 2^53 lose precision in the sketch.
 */
final class ApproxPercentileAccumulator extends Accumulator {
  private final int column;
  private final SqlType type;
  private final AggregateStep step;
  private final double percentile;
  private final SqlType resultType;
  private QuantileSketch[] sketches = new QuantileSketch[16];

  ApproxPercentileAccumulator(
      int column, SqlType type, AggregateStep step, double percentile, SqlType resultType) {
    this.column = column;
    this.type = type;
    this.step = step;
    this.percentile = percentile;
    this.resultType = resultType;
  }

  private QuantileSketch sketch(int group) {
    QuantileSketch sketch = sketches[group];
    if (sketch == null) {
      sketch = new QuantileSketch();
      sketches[group] = sketch;
    }
    return sketch;
  }

  @Override
  void ensure(int groups) {
    sketches = Arrays.copyOf(sketches, grow(sketches.length, groups));
  }

  @Override
  long heldBytes(int groups) {
    long bytes = 16L * groups;
    for (int g = 0; g < groups && g < sketches.length; g++) {
      if (sketches[g] != null) {
        bytes += sketches[g].heldBytes();
      }
    }
    return bytes;
  }

  @Override
  void add(Batch input, int[] groups, int rows) {
    if (step == AggregateStep.FINAL) {
      Lane.Strings partials = (Lane.Strings) read(input, column, SqlType.VARBINARY);
      for (int i = 0; i < rows; i++) {
        int g = groups[i];
        if (g >= 0 && !partials.isNull(i)) {
          sketch(g).merge(partials.data, partials.offsets[i], partials.length(i));
        }
      }
      return;
    }
    Lane lane = read(input, column, type);
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
  Lane[] results(int from, int count) {
    if (step == AggregateStep.PARTIAL) {
      Lane.StringsBuilder out = new Lane.StringsBuilder(SqlType.VARBINARY, count, count * 64);
      for (int i = 0; i < count; i++) {
        byte[] bytes = sketch(from + i).serialize();
        out.append(bytes, 0, bytes.length);
      }
      return new Lane[] {out.build()};
    }
    double[] out = new double[count];
    boolean[] nulls = null;
    for (int i = 0; i < count; i++) {
      QuantileSketch sketch = sketches[from + i];
      if (sketch == null || sketch.count() == 0) {
        if (nulls == null) {
          nulls = new boolean[count];
        }
        nulls[i] = true;
        continue;
      }
      out[i] = sketch.quantile(percentile);
    }
    return new Lane[] {Lanes.cast(new Lane.Doubles(SqlType.DOUBLE, out, nulls), resultType)};
  }
}
