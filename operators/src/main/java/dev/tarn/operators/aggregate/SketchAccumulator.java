package dev.tarn.operators.aggregate;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.plan.AggregateStep;
import dev.tarn.core.type.SqlType;
import dev.tarn.operators.expr.Lane;
import java.util.Arrays;

/**
 * An aggregate that keeps one mergeable sketch per group (HyperLogLog, quantile sketch). What every
 * such aggregate does the same way lives here: sketches made on a group's first value, PARTIAL
 * emitting each group's serialized sketch (varbinary), FINAL merging those bytes. A subclass says
 * how a batch of input values enters the sketches and what the final value of a sketch is.
 *
 * @param <S> the sketch
 */
abstract class SketchAccumulator<S extends SketchAccumulator.Sketch> extends Accumulator {

  /** A sketch that travels between the PARTIAL and FINAL steps as bytes. */
  interface Sketch {
    byte[] serialize();

    /** Adds the sketch serialized in {@code data[start, start + length)}. */
    void merge(byte[] data, int start, int length);
  }

  final int column;
  final SqlType type;
  final AggregateStep step;
  private Object[] sketches = new Object[16];

  SketchAccumulator(int column, SqlType type, AggregateStep step) {
    this.column = column;
    this.type = type;
    this.step = step;
  }

  abstract S newSketch();

  /** Adds the non-NULL values of the input lane's first {@code rows} rows to their groups. */
  abstract void addValues(Lane lane, int[] groups, int rows);

  /** The final values of groups {@code [from, from + count)}; {@link #existing} may be null. */
  abstract Lane finalValues(int from, int count);

  /** The group's sketch, made empty when the group has none yet. */
  final S sketch(int group) {
    S sketch = existing(group);
    if (sketch == null) {
      sketch = newSketch();
      sketches[group] = sketch;
    }
    return sketch;
  }

  /** The group's sketch, or null when no value reached it. */
  @SuppressWarnings("unchecked") // Only newSketch() results are stored.
  final S existing(int group) {
    return group < sketches.length ? (S) sketches[group] : null;
  }

  @Override
  final void ensure(int groups) {
    sketches = Arrays.copyOf(sketches, grow(sketches.length, groups));
  }

  @Override
  final void add(Batch input, int[] groups, int rows) {
    if (step != AggregateStep.FINAL) {
      addValues(read(input, column, type), groups, rows);
      return;
    }
    Lane.Strings partials = (Lane.Strings) read(input, column, SqlType.VARBINARY);
    for (int i = 0; i < rows; i++) {
      int g = groups[i];
      if (g >= 0 && !partials.isNull(i)) {
        sketch(g).merge(partials.data, partials.offsets[i], partials.length(i));
      }
    }
  }

  @Override
  final Lane[] results(int from, int count) {
    if (step != AggregateStep.PARTIAL) {
      return new Lane[] {finalValues(from, count)};
    }
    Lane.StringsBuilder out = new Lane.StringsBuilder(SqlType.VARBINARY, count, count * 64);
    for (int i = 0; i < count; i++) {
      byte[] bytes = sketch(from + i).serialize();
      out.append(bytes, 0, bytes.length);
    }
    return new Lane[] {out.build()};
  }
}
