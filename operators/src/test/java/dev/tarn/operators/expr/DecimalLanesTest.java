package dev.tarn.operators.expr;

import static dev.tarn.operators.Exprs.call;
import static dev.tarn.operators.Exprs.col;
import static dev.tarn.operators.Exprs.lit;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.batch.BatchRows;
import dev.tarn.core.expr.Expr;
import dev.tarn.core.expr.Expr.Operator;
import dev.tarn.core.meta.Column;
import dev.tarn.core.type.SqlType;
import dev.tarn.testing.TestBatches;
import dev.tarn.testing.TestMemory;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.junit.jupiter.api.Test;

/**
 * Decimal128 values read into lanes as unscaled longs when the high eight bytes only extend the low
 * eight's sign, as BigDecimals otherwise, and written back either way: values at and just past the
 * 64-bit edges, negative ones and NULLs must survive unchanged.
 */
class DecimalLanesTest {
  private static final SqlType WIDE = SqlType.decimal(38, 2);
  private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);

  /** Unscaled values that fit a long: the edges, around zero, and large negatives. */
  private static final long[] FITTING = {
    Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE - 1, Long.MIN_VALUE + 1, -1, 0, 1, -12_345, 99
  };

  /** Unscaled values one past the long range and beyond (their low eight bytes look like longs). */
  private static final BigInteger[] NOT_FITTING = {
    BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.ONE),
    BigInteger.valueOf(Long.MIN_VALUE).subtract(BigInteger.ONE),
    TWO_TO_64,
    TWO_TO_64.negate(),
    TWO_TO_64.add(BigInteger.valueOf(5)),
    TWO_TO_64.subtract(BigInteger.ONE).negate()
  };

  @Test
  void valuesThatFitALongReadAsUnscaledLongs() {
    List<BigDecimal> values = new ArrayList<>();
    for (long unscaled : FITTING) {
      values.add(BigDecimal.valueOf(unscaled, 2));
    }
    values.add(null);
    try (BufferAllocator allocator = TestMemory.allocator();
        DecimalVector vector = vector(allocator, values)) {
      Lane.Decimals lane = (Lane.Decimals) Lanes.read(vector, WIDE, values.size());
      assertThat(lane.unscaled).isNotNull();
      for (int i = 0; i < FITTING.length; i++) {
        assertThat(lane.unscaled[i]).as("row %d", i).isEqualTo(FITTING[i]);
      }
      assertThat(lane.isNull(FITTING.length)).isTrue();
      assertThat(roundTrip(lane, allocator)).isEqualTo(values);
    }
  }

  @Test
  void oneValuePastSixtyFourBitsMakesTheLaneExact() {
    for (BigInteger wide : NOT_FITTING) {
      List<BigDecimal> values = new ArrayList<>();
      values.add(BigDecimal.valueOf(-7, 2));
      values.add(new BigDecimal(wide, 2));
      values.add(null);
      values.add(BigDecimal.valueOf(Long.MIN_VALUE, 2));
      try (BufferAllocator allocator = TestMemory.allocator();
          DecimalVector vector = vector(allocator, values)) {
        Lane.Decimals lane = (Lane.Decimals) Lanes.read(vector, WIDE, values.size());
        assertThat(lane.big).as("%s", wide).isNotNull();
        assertThat(Arrays.asList(lane.big)).isEqualTo(values);
        assertThat(roundTrip(lane, allocator)).isEqualTo(values);
        // Read over a selection that leaves the wide value out, the lane is longs again.
        Lane.Decimals selected = (Lane.Decimals) Lanes.read(vector, WIDE, new int[] {0, 2, 3}, 3);
        assertThat(selected.unscaled).isNotNull();
        assertThat(selected.unscaled[0]).isEqualTo(-7);
        assertThat(selected.isNull(1)).isTrue();
        assertThat(selected.unscaled[2]).isEqualTo(Long.MIN_VALUE);
      }
    }
  }

  @Test
  void aBigDecimalLaneWritesFittingValuesAsLongsAndTheRestExactly() {
    List<BigDecimal> values = new ArrayList<>();
    for (long unscaled : FITTING) {
      values.add(BigDecimal.valueOf(unscaled, 2));
    }
    for (BigInteger wide : NOT_FITTING) {
      values.add(new BigDecimal(wide, 2));
    }
    values.add(null);
    Lane.Decimals lane =
        new Lane.Decimals(
            WIDE, values.size(), null, values.toArray(new BigDecimal[0]), nullsOf(values));
    try (BufferAllocator allocator = TestMemory.allocator()) {
      assertThat(roundTrip(lane, allocator)).isEqualTo(values);
    }
  }

  /** Sums crossing the 64-bit edge take the exact path and come out right, sign included. */
  @Test
  void arithmeticAcrossTheEdgeIsExact() {
    List<Column> columns = TestBatches.columns("d decimal(38,2)");
    Expr d = col(0, WIDE);
    List<List<Object>> rows = new ArrayList<>();
    for (long unscaled : FITTING) {
      rows.add(Arrays.asList(BigDecimal.valueOf(unscaled, 2)));
    }
    rows.add(Arrays.asList((Object) null));
    BigDecimal step = new BigDecimal("0.01");
    try (BufferAllocator allocator = TestMemory.allocator();
        Batch batch = TestBatches.batch(allocator, columns, rows)) {
      for (Operator op : new Operator[] {Operator.ADD, Operator.SUBTRACT}) {
        Expr expr = call(op, WIDE, d, lit(step, SqlType.decimal(3, 2)));
        FieldVector result =
            ExpressionEvaluator.compile(expr, columns).evaluate(batch, allocator, "x");
        try (Batch out = Batch.of(List.of(result), batch.rowCount())) {
          List<List<Object>> actual = BatchRows.toRows(out);
          for (int i = 0; i < FITTING.length; i++) {
            BigDecimal value = BigDecimal.valueOf(FITTING[i], 2);
            assertThat(actual.get(i).get(0))
                .as("%s %s 0.01", value, op)
                .isEqualTo(op == Operator.ADD ? value.add(step) : value.subtract(step));
          }
          assertThat(actual.get(FITTING.length).get(0)).isNull();
        }
      }
    }
  }

  private static DecimalVector vector(BufferAllocator allocator, List<BigDecimal> values) {
    DecimalVector vector = (DecimalVector) WIDE.toField("d").createVector(allocator);
    vector.allocateNew(values.size());
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i) == null) {
        vector.setNull(i);
      } else {
        vector.set(i, values.get(i));
      }
    }
    vector.setValueCount(values.size());
    return vector;
  }

  private static List<BigDecimal> roundTrip(Lane.Decimals lane, BufferAllocator allocator) {
    try (DecimalVector written = (DecimalVector) Lanes.write(lane, "d", allocator)) {
      List<BigDecimal> out = new ArrayList<>();
      for (int i = 0; i < written.getValueCount(); i++) {
        out.add(written.getObject(i));
      }
      return out;
    }
  }

  private static boolean[] nullsOf(List<BigDecimal> values) {
    boolean[] nulls = new boolean[values.size()];
    for (int i = 0; i < nulls.length; i++) {
      nulls[i] = values.get(i) == null;
    }
    return nulls;
  }
}
