package dev.tarn.operators.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tarn.core.batch.Batch;
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
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HashAggregateStageTest {
  static final List<Column> COLUMNS =
      TestBatches.columns(
          "k bigint",
          "b integer",
          "c double",
          "d decimal(12,2)",
          "e varchar",
          "f date",
          "g boolean");
  static final SqlType SUM_D = SqlType.decimal(38, 2);
  static List<List<Object>> rows;
  static DuckDb duck;

  @BeforeAll
  static void load() {
    rows = RandomRows.generate(COLUMNS, 600, 0.15, 5);
    duck = new DuckDb().load("t", COLUMNS, rows);
  }

  @AfterAll
  static void close() {
    duck.close();
  }

  static AggregateCall agg(AggregateFunction f, int arg, SqlType type, String name) {
    return new AggregateCall(f, arg, false, type, name);
  }

  /** The calls under test and the DuckDB SQL computing the same values. */
  static final List<AggregateCall> CALLS =
      List.of(
          agg(AggregateFunction.COUNT_STAR, -1, SqlType.BIGINT, "n"),
          agg(AggregateFunction.COUNT, 4, SqlType.BIGINT, "ne"),
          agg(AggregateFunction.SUM, 1, SqlType.BIGINT, "sb"),
          agg(AggregateFunction.SUM, 2, SqlType.DOUBLE, "sc"),
          agg(AggregateFunction.SUM, 3, SUM_D, "sd"),
          agg(AggregateFunction.AVG, 2, SqlType.DOUBLE, "ac"),
          agg(AggregateFunction.MIN, 4, SqlType.VARCHAR, "mine"),
          agg(AggregateFunction.MAX, 5, SqlType.DATE, "maxf"),
          agg(AggregateFunction.MIN, 3, SqlType.decimal(12, 2), "mind"),
          agg(AggregateFunction.MAX, 6, SqlType.BOOLEAN, "maxg"),
          agg(AggregateFunction.MAX, 2, SqlType.DOUBLE, "maxc"));

  static final String CALLS_SQL =
      "count(*), count(e), sum(b), sum(c), sum(d), avg(c), min(e), max(f), min(d), max(g), max(c)";
  static final List<Column> CALL_OUTPUTS =
      TestBatches.columns(
          "n bigint",
          "ne bigint",
          "sb bigint",
          "sc double",
          "sd decimal(38,2)",
          "ac double",
          "mine varchar",
          "maxf date",
          "mind decimal(12,2)",
          "maxg boolean",
          "maxc double");

  static List<List<Object>> aggregate(
      List<List<Object>> input,
      List<Column> inputColumns,
      List<Integer> keys,
      List<AggregateCall> calls,
      AggregateStep step,
      List<Column> outputColumns) {
    try (BufferAllocator allocator = TestMemory.allocator()) {
      List<Batch> batches = TestBatches.batches(allocator, inputColumns, input, 100);
      return TestBatches.rowsAndClose(
          StreamTesting.run(
              Source.from(batches),
              HashAggregateStage.flow(
                  keys,
                  calls,
                  step,
                  inputColumns,
                  outputColumns,
                  allocator,
                  new OperatorStats("HashAggregate"))));
    }
  }

  static List<Column> outputs(List<Column> keys, List<Column> calls) {
    List<Column> out = new ArrayList<>(keys);
    out.addAll(calls);
    return out;
  }

  @Test
  void groupsBySingleBigintKeyLikeDuckDb() {
    List<List<Object>> actual =
        aggregate(
            rows,
            COLUMNS,
            List.of(0),
            CALLS,
            AggregateStep.SINGLE,
            outputs(COLUMNS.subList(0, 1), CALL_OUTPUTS));
    assertThat(StreamTesting.canonicalSorted(actual))
        .isEqualTo(
            StreamTesting.canonicalSorted(
                duck.query("SELECT k, " + CALLS_SQL + " FROM t GROUP BY k")));
  }

  @Test
  void groupsByCompositeVarcharAndDateKeys() {
    List<Column> keys = List.of(COLUMNS.get(4), COLUMNS.get(6));
    List<List<Object>> actual =
        aggregate(
            rows, COLUMNS, List.of(4, 6), CALLS, AggregateStep.SINGLE, outputs(keys, CALL_OUTPUTS));
    assertThat(StreamTesting.canonicalSorted(actual))
        .isEqualTo(
            StreamTesting.canonicalSorted(
                duck.query("SELECT e, g, " + CALLS_SQL + " FROM t GROUP BY e, g")));
  }

  @Test
  void globalAggregateGivesOneRowEvenForEmptyInput() {
    List<List<Object>> actual =
        aggregate(rows, COLUMNS, List.of(), CALLS, AggregateStep.SINGLE, CALL_OUTPUTS);
    assertThat(StreamTesting.canonical(actual))
        .isEqualTo(StreamTesting.canonical(duck.query("SELECT " + CALLS_SQL + " FROM t")));
    List<List<Object>> empty =
        aggregate(List.of(), COLUMNS, List.of(), CALLS, AggregateStep.SINGLE, CALL_OUTPUTS);
    assertThat(StreamTesting.canonical(empty))
        .isEqualTo(
            StreamTesting.canonical(duck.query("SELECT " + CALLS_SQL + " FROM t WHERE false")));
    List<List<Object>> emptyGrouped =
        aggregate(
            List.of(),
            COLUMNS,
            List.of(0),
            CALLS,
            AggregateStep.SINGLE,
            outputs(COLUMNS.subList(0, 1), CALL_OUTPUTS));
    assertThat(emptyGrouped).isEmpty();
  }

  @Test
  void decimalAverageRoundsHalfUpAtTheResultScale() {
    SqlType result = SqlType.decimal(12, 2);
    List<AggregateCall> calls = List.of(agg(AggregateFunction.AVG, 3, result, "ad"));
    List<List<Object>> actual =
        aggregate(
            rows,
            COLUMNS,
            List.of(1),
            calls,
            AggregateStep.SINGLE,
            outputs(COLUMNS.subList(1, 2), TestBatches.columns("ad decimal(12,2)")));
    // Oracle: DuckDB's exact sum and count, divided HALF_UP as Trino does.
    List<List<Object>> expected = new ArrayList<>();
    for (List<Object> row : duck.query("SELECT b, sum(d), count(d) FROM t GROUP BY b")) {
      BigDecimal sum = (BigDecimal) row.get(1);
      long count = (Long) row.get(2);
      expected.add(
          java.util.Arrays.asList(
              row.get(0),
              count == 0 ? null : sum.divide(BigDecimal.valueOf(count), 2, RoundingMode.HALF_UP)));
    }
    assertThat(StreamTesting.canonicalSorted(actual))
        .isEqualTo(StreamTesting.canonicalSorted(expected));
  }

  @Test
  void countDistinct() {
    List<AggregateCall> calls =
        List.of(
            new AggregateCall(AggregateFunction.COUNT, 4, true, SqlType.BIGINT, "de"),
            new AggregateCall(AggregateFunction.SUM, 1, true, SqlType.BIGINT, "sdb"),
            agg(AggregateFunction.COUNT, 4, SqlType.BIGINT, "ce"));
    List<Column> out = TestBatches.columns("g boolean", "de bigint", "sdb bigint", "ce bigint");
    List<List<Object>> actual =
        aggregate(rows, COLUMNS, List.of(6), calls, AggregateStep.SINGLE, out);
    assertThat(StreamTesting.canonicalSorted(actual))
        .isEqualTo(
            StreamTesting.canonicalSorted(
                duck.query(
                    "SELECT g, count(DISTINCT e), sum(DISTINCT b), count(e) FROM t GROUP BY g")));
  }

  @Test
  void partialThenFinalEqualsSingle() {
    List<AggregateCall> partialCalls =
        List.of(
            agg(AggregateFunction.COUNT_STAR, -1, SqlType.BIGINT, "n"),
            agg(AggregateFunction.SUM, 3, SUM_D, "sd"),
            agg(AggregateFunction.AVG, 2, SqlType.DOUBLE, "ac"),
            agg(AggregateFunction.AVG, 3, SqlType.decimal(12, 2), "ad"),
            agg(AggregateFunction.MAX, 4, SqlType.VARCHAR, "me"));
    List<Column> intermediate =
        TestBatches.columns(
            "e varchar",
            "n bigint",
            "sd decimal(38,2)",
            "ac_sum double",
            "ac_count bigint",
            "ad_sum decimal(38,2)",
            "ad_count bigint",
            "me varchar");
    // Two partial aggregations over halves of the input, as two tasks would run them.
    List<List<Object>> partials = new ArrayList<>();
    partials.addAll(
        aggregate(
            rows.subList(0, 300),
            COLUMNS,
            List.of(4),
            partialCalls,
            AggregateStep.PARTIAL,
            intermediate));
    partials.addAll(
        aggregate(
            rows.subList(300, 600),
            COLUMNS,
            List.of(4),
            partialCalls,
            AggregateStep.PARTIAL,
            intermediate));
    List<AggregateCall> finalCalls =
        List.of(
            agg(AggregateFunction.COUNT_STAR, -1, SqlType.BIGINT, "n"),
            agg(AggregateFunction.SUM, 2, SUM_D, "sd"),
            agg(AggregateFunction.AVG, 3, SqlType.DOUBLE, "ac"),
            agg(AggregateFunction.AVG, 5, SqlType.decimal(12, 2), "ad"),
            agg(AggregateFunction.MAX, 7, SqlType.VARCHAR, "me"));
    List<Column> finalOut =
        TestBatches.columns(
            "e varchar",
            "n bigint",
            "sd decimal(38,2)",
            "ac double",
            "ad decimal(12,2)",
            "me varchar");
    List<List<Object>> twoStep =
        aggregate(partials, intermediate, List.of(0), finalCalls, AggregateStep.FINAL, finalOut);
    List<List<Object>> single =
        aggregate(rows, COLUMNS, List.of(4), partialCalls, AggregateStep.SINGLE, finalOut);
    assertThat(StreamTesting.canonicalSorted(twoStep))
        .isEqualTo(StreamTesting.canonicalSorted(single));
    assertThat(StreamTesting.canonicalSorted(twoStep.stream().map(r -> r.subList(0, 4)).toList()))
        .isEqualTo(
            StreamTesting.canonicalSorted(
                duck.query("SELECT e, count(*), sum(d), avg(c) FROM t GROUP BY e")));
  }

  @Test
  void partialGlobalAggregateOnEmptyInputEmitsOneRow() {
    List<AggregateCall> calls =
        List.of(
            agg(AggregateFunction.COUNT_STAR, -1, SqlType.BIGINT, "n"),
            agg(AggregateFunction.SUM, 1, SqlType.BIGINT, "s"));
    List<List<Object>> actual =
        aggregate(
            List.of(),
            COLUMNS,
            List.of(),
            calls,
            AggregateStep.PARTIAL,
            TestBatches.columns("n bigint", "s bigint"));
    assertThat(actual).containsExactly(java.util.Arrays.asList(0L, null));
  }

  @Test
  void rejectsDistinctOutsideSingleStep() {
    try (BufferAllocator allocator = TestMemory.allocator()) {
      assertThatThrownBy(
              () ->
                  new HashAggregateStage(
                      List.of(),
                      List.of(
                          new AggregateCall(AggregateFunction.COUNT, 1, true, SqlType.BIGINT, "x")),
                      AggregateStep.PARTIAL,
                      COLUMNS,
                      TestBatches.columns("x bigint"),
                      allocator,
                      new OperatorStats("a")))
          .isInstanceOfSatisfying(
              TarnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_SUPPORTED));
    }
  }

  @Test
  void manyGroupsSpanSeveralOutputBatches() {
    List<Column> columns = TestBatches.columns("k bigint", "v bigint");
    List<List<Object>> input = new ArrayList<>();
    for (long i = 0; i < 20_000; i++) {
      input.add(TestBatches.row(i % 9000, i));
    }
    List<AggregateCall> calls = List.of(agg(AggregateFunction.SUM, 1, SqlType.BIGINT, "s"));
    List<List<Object>> actual =
        aggregate(
            input,
            columns,
            List.of(0),
            calls,
            AggregateStep.SINGLE,
            TestBatches.columns("k bigint", "s bigint"));
    assertThat(actual).hasSize(9000);
    long total = 0;
    for (List<Object> row : actual) {
      total += (Long) row.get(1);
    }
    assertThat(total).isEqualTo(20_000L * 19_999 / 2);
  }
}
