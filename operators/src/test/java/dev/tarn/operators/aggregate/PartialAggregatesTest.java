package dev.tarn.operators.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tarn.core.meta.Column;
import dev.tarn.core.plan.AggregateCall;
import dev.tarn.core.plan.AggregateFunction;
import dev.tarn.core.plan.AggregateStep;
import dev.tarn.core.type.SqlType;
import dev.tarn.operators.RandomRows;
import dev.tarn.operators.StreamTesting;
import dev.tarn.testing.DuckDb;
import dev.tarn.testing.TestBatches;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The aggregates that gained a partial form (count_if, bool_and, bool_or, arbitrary, the variance
 * family, approx_distinct, approx_percentile): PARTIAL over three slices of the input, as three
 * tasks would run it, then FINAL over the partial rows, compared with DuckDB or SINGLE.
 */
class PartialAggregatesTest {
  static final List<Column> COLUMNS =
      TestBatches.columns("b integer", "c double", "g boolean", "k bigint", "e varchar");
  static List<List<Object>> rows;
  static DuckDb duck;

  @BeforeAll
  static void load() {
    rows = RandomRows.generate(COLUMNS, 3000, 0.15, 29);
    duck = new DuckDb().load("t", COLUMNS, rows);
  }

  @AfterAll
  static void close() {
    duck.close();
  }

  /** PARTIAL over slices of {@code input}, then FINAL: grouped by column 0, output key first. */
  static List<List<Object>> twoStep(List<List<Object>> input, List<AggregateCall> calls) {
    List<Column> intermediate = new ArrayList<>(List.of(COLUMNS.get(0)));
    List<AggregateCall> finalCalls = new ArrayList<>();
    List<Column> output = new ArrayList<>(List.of(COLUMNS.get(0)));
    for (AggregateCall call : calls) {
      SqlType argument = COLUMNS.get(call.argument()).type();
      List<SqlType> types = call.function().intermediateTypes(argument, call.resultType());
      finalCalls.add(
          new AggregateCall(
              call.function().mergeFunction(),
              intermediate.size(),
              false,
              call.resultType(),
              call.name(),
              call.parameter()));
      for (int k = 0; k < types.size(); k++) {
        intermediate.add(new Column(call.name() + "$" + k, types.get(k)));
      }
      output.add(new Column(call.name(), call.resultType()));
    }
    List<List<Object>> partials = new ArrayList<>();
    int slice = (input.size() + 2) / 3;
    for (int from = 0; from < input.size(); from += slice) {
      partials.addAll(
          HashAggregateStageTest.aggregate(
              input.subList(from, Math.min(input.size(), from + slice)),
              COLUMNS,
              List.of(0),
              calls,
              AggregateStep.PARTIAL,
              intermediate));
    }
    return HashAggregateStageTest.aggregate(
        partials, intermediate, List.of(0), finalCalls, AggregateStep.FINAL, output);
  }

  static AggregateCall agg(AggregateFunction f, int arg, SqlType type, String name) {
    return new AggregateCall(f, arg, false, type, name);
  }

  @Test
  void countIfBooleansAndVariancesMergeLikeDuckDb() {
    List<AggregateCall> calls =
        List.of(
            agg(AggregateFunction.COUNT_IF, 2, SqlType.BIGINT, "ci"),
            agg(AggregateFunction.BOOL_AND, 2, SqlType.BOOLEAN, "ba"),
            agg(AggregateFunction.BOOL_OR, 2, SqlType.BOOLEAN, "bo"),
            agg(AggregateFunction.STDDEV, 1, SqlType.DOUBLE, "sd"),
            agg(AggregateFunction.STDDEV_POP, 1, SqlType.DOUBLE, "sdp"),
            agg(AggregateFunction.VARIANCE, 3, SqlType.DOUBLE, "v"),
            agg(AggregateFunction.VAR_POP, 3, SqlType.DOUBLE, "vp"));
    // Trino's count_if counts (0 over no rows) where DuckDB's gives NULL.
    String sql =
        "SELECT b, coalesce(count_if(g), 0), bool_and(g), bool_or(g), stddev_samp(c),"
            + " stddev_pop(c), var_samp(k), var_pop(k) FROM t GROUP BY b";
    assertThat(DuckDb.sorted(StreamTesting.canonical(twoStep(rows, calls))))
        .isEqualTo(DuckDb.sorted(StreamTesting.canonical(duck.query(sql))));
  }

  @Test
  void arbitraryMergesToAValueOfItsGroup() {
    List<List<Object>> out =
        twoStep(rows, List.of(agg(AggregateFunction.ARBITRARY, 4, SqlType.VARCHAR, "a")));
    List<List<Object>> allowed = duck.query("SELECT b, min(e) FROM t GROUP BY b");
    // ARBITRARY keeps the least value, so merging partial least values gives the group's least.
    assertThat(DuckDb.sorted(out)).isEqualTo(DuckDb.sorted(allowed));
  }

  /** Merged HyperLogLog sketches hold the registers one pass would: the same estimate. */
  @Test
  void approxDistinctMergedEqualsOnePass() {
    List<List<Object>> input = new ArrayList<>();
    java.util.Random random = new java.util.Random(5);
    for (int i = 0; i < 40_000; i++) {
      long v = random.nextInt(i % 2 == 0 ? 100 : 20_000);
      input.add(TestBatches.row(i % 2, 0.0, true, v, "s" + v));
    }
    List<AggregateCall> calls =
        List.of(
            agg(AggregateFunction.APPROX_DISTINCT, 3, SqlType.BIGINT, "n"),
            agg(AggregateFunction.APPROX_DISTINCT, 4, SqlType.BIGINT, "s"));
    List<Column> out = TestBatches.columns("b integer", "n bigint", "s bigint");
    List<List<Object>> single =
        HashAggregateStageTest.aggregate(
            input, COLUMNS, List.of(0), calls, AggregateStep.SINGLE, out);
    assertThat(DuckDb.sorted(twoStep(input, calls))).isEqualTo(DuckDb.sorted(single));
  }

  /**
   * approx_percentile through PARTIAL and FINAL stays within 1% rank error of the exact quantile:
   * the value returned has at most (p + 0.01) n values below it and at least (p - 0.01) n values at
   * or below it. Exact ranks come from DuckDB over the same rows.
   */
  @Test
  void approxPercentileMergedStaysWithinOnePercentRankError() {
    List<List<Object>> input = new ArrayList<>();
    java.util.Random random = new java.util.Random(11);
    for (int i = 0; i < 60_000; i++) {
      long v = (long) (Math.exp(random.nextGaussian() * 2) * 1000);
      input.add(TestBatches.row(i % 3, random.nextGaussian(), true, v, null));
    }
    try (DuckDb big = new DuckDb().load("u", COLUMNS, input)) {
      for (double p : new double[] {0.01, 0.25, 0.5, 0.9, 0.99}) {
        List<AggregateCall> calls =
            List.of(
                new AggregateCall(
                    AggregateFunction.APPROX_PERCENTILE, 3, false, SqlType.BIGINT, "q", p),
                new AggregateCall(
                    AggregateFunction.APPROX_PERCENTILE, 1, false, SqlType.DOUBLE, "r", p));
        for (List<Object> row : twoStep(input, calls)) {
          assertWithinRankError(big, row.get(0), "k", row.get(1), p);
          assertWithinRankError(big, row.get(0), "c", row.get(2), p);
        }
      }
    }
  }

  private static void assertWithinRankError(
      DuckDb big, Object group, String column, Object value, double p) {
    List<Object> ranks =
        big.query(
                "SELECT count(*), count_if("
                    + column
                    + " < "
                    + value
                    + "), count_if("
                    + column
                    + " <= "
                    + value
                    + ") FROM u WHERE b = "
                    + group)
            .get(0);
    long n = ((Number) ranks.get(0)).longValue();
    long below = ((Number) ranks.get(1)).longValue();
    long atOrBelow = ((Number) ranks.get(2)).longValue();
    assertThat((double) below)
        .as("values of %s below %s in group %s at p=%s", column, value, group, p)
        .isLessThanOrEqualTo((p + 0.01) * n);
    assertThat((double) atOrBelow)
        .as("values of %s at or below %s in group %s at p=%s", column, value, group, p)
        .isGreaterThanOrEqualTo((p - 0.01) * n);
  }
}
