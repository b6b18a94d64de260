package dev.tarn.operators.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.meta.Column;
import dev.tarn.core.plan.AggregateCall;
import dev.tarn.core.plan.AggregateFunction;
import dev.tarn.core.plan.AggregateStep;
import dev.tarn.core.stats.OperatorStats;
import dev.tarn.core.type.SqlType;
import dev.tarn.operators.RandomRows;
import dev.tarn.operators.StreamTesting;
import dev.tarn.testing.DuckDb;
import dev.tarn.testing.TestBatches;
import dev.tarn.testing.TestMemory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The aggregates beyond the SQL core in one SINGLE step, compared with DuckDB. */
class SingleStepAggregatesTest {
  static final List<Column> COLUMNS =
      TestBatches.columns(
          "b integer", "c double", "d decimal(12,2)", "e varchar", "g boolean", "k bigint");
  static List<List<Object>> rows;
  static DuckDb duck;

  @BeforeAll
  static void load() {
    rows = RandomRows.generate(COLUMNS, 3000, 0.15, 17);
    duck = new DuckDb().load("t", COLUMNS, rows);
  }

  @AfterAll
  static void close() {
    duck.close();
  }

  static AggregateCall agg(AggregateFunction f, int arg, SqlType type, String name) {
    return new AggregateCall(f, arg, false, type, name);
  }

  static List<List<Object>> single(
      List<List<Object>> input,
      List<Column> columns,
      List<Integer> keys,
      List<AggregateCall> calls) {
    List<Column> out = new ArrayList<>();
    for (int key : keys) {
      out.add(columns.get(key));
    }
    for (AggregateCall call : calls) {
      out.add(new Column(call.name(), call.resultType()));
    }
    return HashAggregateStageTest.aggregate(input, columns, keys, calls, AggregateStep.SINGLE, out);
  }

  @Test
  void booleanAndStatisticalAggregatesMatchDuckDb() {
    List<AggregateCall> calls =
        List.of(
            agg(AggregateFunction.COUNT_IF, 4, SqlType.BIGINT, "ci"),
            agg(AggregateFunction.BOOL_AND, 4, SqlType.BOOLEAN, "ba"),
            agg(AggregateFunction.BOOL_OR, 4, SqlType.BOOLEAN, "bo"),
            agg(AggregateFunction.STDDEV, 1, SqlType.DOUBLE, "sd"),
            agg(AggregateFunction.STDDEV_POP, 1, SqlType.DOUBLE, "sdp"),
            agg(AggregateFunction.VARIANCE, 5, SqlType.DOUBLE, "v"),
            agg(AggregateFunction.VAR_POP, 2, SqlType.DOUBLE, "vp"));
    String sql =
        "SELECT b, count_if(g), bool_and(g), bool_or(g), stddev_samp(c), stddev_pop(c),"
            + " var_samp(k), var_pop(d) FROM t GROUP BY b";
    assertThat(DuckDb.sorted(StreamTesting.canonical(single(rows, COLUMNS, List.of(0), calls))))
        .isEqualTo(DuckDb.sorted(StreamTesting.canonical(duck.query(sql))));
  }

  @Test
  void globalAggregateOverEmptyInput() {
    List<AggregateCall> calls =
        List.of(
            agg(AggregateFunction.COUNT_IF, 4, SqlType.BIGINT, "ci"),
            agg(AggregateFunction.BOOL_AND, 4, SqlType.BOOLEAN, "ba"),
            agg(AggregateFunction.STDDEV, 1, SqlType.DOUBLE, "sd"),
            agg(AggregateFunction.APPROX_DISTINCT, 3, SqlType.BIGINT, "ad"));
    // Trino's count_if counts (0 over no rows) where DuckDB's gives NULL.
    assertThat(single(List.of(), COLUMNS, List.of(), calls))
        .isEqualTo(
            duck.query(
                "SELECT coalesce(count_if(g), 0), bool_and(g), stddev_samp(c), count(DISTINCT e)"
                    + " FROM t WHERE false"));
  }

  /** Trino's arbitrary returns any non-NULL value of the group; DuckDB's any_value the first. */
  @Test
  void arbitraryReturnsAValueOfItsGroup() {
    List<List<Object>> out =
        single(
            rows,
            COLUMNS,
            List.of(0),
            List.of(agg(AggregateFunction.ARBITRARY, 3, SqlType.VARCHAR, "a")));
    Map<Object, Set<Object>> values = new HashMap<>();
    for (List<Object> row : rows) {
      Set<Object> set = values.computeIfAbsent(row.get(0), k -> new HashSet<>());
      if (row.get(3) != null) {
        set.add(row.get(3));
      }
    }
    assertThat(out).hasSize(values.size());
    for (List<Object> row : out) {
      Set<Object> group = values.get(row.get(0));
      if (group.isEmpty()) {
        assertThat(row.get(1)).isNull();
      } else {
        assertThat(group).contains(row.get(1));
      }
    }
  }

  /** Up to HyperLogLog.SPARSE_LIMIT distinct values the count is exact, past it an estimate. */
  @Test
  void approxDistinctIsExactForSmallGroups() {
    List<AggregateCall> calls =
        List.of(
            agg(AggregateFunction.APPROX_DISTINCT, 1, SqlType.BIGINT, "c"),
            agg(AggregateFunction.APPROX_DISTINCT, 2, SqlType.BIGINT, "d"),
            agg(AggregateFunction.APPROX_DISTINCT, 3, SqlType.BIGINT, "e"),
            agg(AggregateFunction.APPROX_DISTINCT, 5, SqlType.BIGINT, "k"));
    String sql =
        "SELECT b, count(DISTINCT c), count(DISTINCT d), count(DISTINCT e), count(DISTINCT k)"
            + " FROM t GROUP BY b";
    assertWithinError(
        DuckDb.sorted(duck.query(sql)), DuckDb.sorted(single(rows, COLUMNS, List.of(0), calls)));
  }

  /**
   * Past the exact range the estimate stays within three standard errors (3 * 2.3%). The exact
   * counts come from Java sets: loading this many rows into DuckDB would dominate the test's time.
   */
  @Test
  void approxDistinctEstimatesLargeInputsWithinTheStandardError() {
    List<Column> columns = TestBatches.columns("g integer", "n bigint", "s varchar");
    List<List<Object>> input = new ArrayList<>();
    java.util.Random random = new java.util.Random(3);
    int[] distinct = {300, 5_000, 60_000};
    List<List<Object>> expected = new ArrayList<>();
    for (int g = 0; g < distinct.length; g++) {
      Set<Long> seen = new HashSet<>();
      for (int i = 0; i < distinct[g] * 2; i++) {
        long v = random.nextInt(distinct[g]) * 7919L;
        seen.add(v);
        input.add(TestBatches.row((long) g, v, "value-" + v));
      }
      expected.add(TestBatches.row((long) g, (long) seen.size(), (long) seen.size()));
    }
    List<List<Object>> actual =
        DuckDb.sorted(
            single(
                input,
                columns,
                List.of(0),
                List.of(
                    agg(AggregateFunction.APPROX_DISTINCT, 1, SqlType.BIGINT, "n"),
                    agg(AggregateFunction.APPROX_DISTINCT, 2, SqlType.BIGINT, "s"))));
    assertWithinError(DuckDb.sorted(expected), actual);
  }

  /** Exact up to the sparse limit, else within three standard errors; column 0 is the key. */
  static void assertWithinError(List<List<Object>> expected, List<List<Object>> actual) {
    assertThat(actual).hasSize(expected.size());
    for (int r = 0; r < expected.size(); r++) {
      assertThat(actual.get(r).get(0)).isEqualTo(expected.get(r).get(0));
      for (int c = 1; c < expected.get(r).size(); c++) {
        long want = ((Number) expected.get(r).get(c)).longValue();
        long got = ((Number) actual.get(r).get(c)).longValue();
        if (want <= HyperLogLog.SPARSE_LIMIT) {
          assertThat(got).as("row %s column %s", r, c).isEqualTo(want);
        } else {
          assertThat(Math.abs(got - want) / (double) want)
              .as("row %s column %s: %s for %s", r, c, got, want)
              .isLessThan(0.069);
        }
      }
    }
  }

  @Test
  void singleStepOnlyFunctionsRefusePartialAndFinal() {
    try (BufferAllocator allocator = TestMemory.allocator()) {
      assertThatThrownBy(
              () ->
                  new HashAggregateStage(
                      List.of(0),
                      List.of(agg(AggregateFunction.SINGLE_VALUE, 1, SqlType.DOUBLE, "only")),
                      AggregateStep.PARTIAL,
                      COLUMNS,
                      TestBatches.columns("b integer", "only double"),
                      allocator,
                      new OperatorStats("HashAggregate")))
          .isInstanceOf(TarnException.class)
          .hasMessageContaining("single_value (only)")
          .hasMessageContaining("SINGLE")
          .satisfies(
              e -> assertThat(((TarnException) e).code()).isEqualTo(ErrorCode.NOT_SUPPORTED));
    }
  }

  /** A scalar sub-query's value: NULL for no row, the row's value for one, an error for two. */
  @Test
  void singleValueFailsOnASecondRowOfAGroup() {
    List<Column> columns = TestBatches.columns("g integer", "v varchar");
    List<AggregateCall> calls =
        List.of(agg(AggregateFunction.SINGLE_VALUE, 1, SqlType.VARCHAR, "s"));
    assertThat(
            single(
                List.of(TestBatches.row(1, "a"), TestBatches.row(2, null)),
                columns,
                List.of(0),
                calls))
        .containsExactlyInAnyOrder(TestBatches.row(1L, "a"), TestBatches.row(2L, null));
    assertThat(single(List.of(), columns, List.of(), calls))
        .containsExactly(java.util.Arrays.asList((Object) null));
    assertThatThrownBy(
            () ->
                single(
                    List.of(TestBatches.row(1, "a"), TestBatches.row(1, null)),
                    columns,
                    List.of(0),
                    calls))
        .isInstanceOf(TarnException.class)
        .hasMessageContaining("Scalar sub-query has returned multiple rows");
  }
}
