package dev.tarn.operators.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.memory.SpillSpace;
import dev.tarn.core.meta.Column;
import dev.tarn.core.plan.AggregateCall;
import dev.tarn.core.plan.AggregateFunction;
import dev.tarn.core.plan.AggregateStep;
import dev.tarn.core.stats.OperatorStats;
import dev.tarn.core.type.SqlType;
import dev.tarn.operators.StreamTesting;
import dev.tarn.testing.DuckDb;
import dev.tarn.testing.TestBatches;
import dev.tarn.testing.TestMemory;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.pekko.Done;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hash aggregation over a spill threshold far below what its ~5k groups hold: SINGLE and FINAL
 * spill input rows to partition files, PARTIAL flushes its groups. Every result must equal DuckDB's
 * and the run that does not spill, and no Arrow buffer may leak.
 */
class HashAggregateSpillTest {
  static final List<Column> COLUMNS =
      TestBatches.columns(
          "k bigint", "s varchar", "dt date", "b integer", "d decimal(12,2)", "c double");
  static final int ROWS = 20_000;

  /** Keys below this make the groups of the one-byte threshold test, which writes 16^3 files. */
  static final long FEW_KEYS = 600;

  static final long THRESHOLD = 24 * 1024;
  static final SqlType SUM_D = SqlType.decimal(38, 2);
  static final SqlType D = SqlType.decimal(12, 2);
  static List<List<Object>> rows;
  static DuckDb duck;

  /** The rows as a DuckDB table expression. */
  static String t;

  @TempDir static Path data;

  @TempDir Path temp;
  int spaces;

  @BeforeAll
  static void load() throws IOException {
    Random random = new Random(42);
    rows = new ArrayList<>(ROWS);
    for (int r = 0; r < ROWS; r++) {
      rows.add(
          Arrays.asList(
              random.nextInt(100) == 0 ? null : (long) random.nextInt(5000),
              random.nextInt(50) == 0 ? null : "word-" + random.nextInt(100),
              random.nextInt(50) == 0
                  ? null
                  : LocalDate.of(2020, 1, 1).plusDays(random.nextInt(50)),
              random.nextInt(10) == 0 ? null : (long) (random.nextInt(2001) - 1000),
              random.nextInt(10) == 0
                  ? null
                  : BigDecimal.valueOf(random.nextLong() % 10_000_000_000L, 2),
              random.nextInt(10) == 0 ? null : (random.nextInt(200_001) - 100_000) / 1000.0));
    }
    // DuckDB reads the rows from a CSV file: inserting 20k rows through JDBC takes seconds.
    Path csv = data.resolve("t.csv");
    StringBuilder text = new StringBuilder("k,s,dt,b,d,c\n");
    for (List<Object> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        Object v = row.get(i);
        text.append(i == 0 ? "" : ",")
            .append(v instanceof BigDecimal d ? d.toPlainString() : v == null ? "NULL" : v);
      }
      text.append('\n');
    }
    Files.writeString(csv, text);
    duck = new DuckDb();
    t =
        "read_csv('"
            + csv
            + "', header = true, nullstr = 'NULL', columns = {'k': 'BIGINT', 's': 'VARCHAR',"
            + " 'dt': 'DATE', 'b': 'INTEGER', 'd': 'DECIMAL(12,2)', 'c': 'DOUBLE'}) AS t";
  }

  @AfterAll
  static void close() {
    duck.close();
  }

  static AggregateCall agg(AggregateFunction f, int arg, SqlType type, String name) {
    return new AggregateCall(f, arg, false, type, name);
  }

  /** Calls whose DuckDB equivalent is {@link #CALLS_SQL}, then AVG(d), checked against no spill. */
  static final List<AggregateCall> CALLS =
      List.of(
          agg(AggregateFunction.COUNT_STAR, -1, SqlType.BIGINT, "n"),
          agg(AggregateFunction.COUNT, 1, SqlType.BIGINT, "ns"),
          agg(AggregateFunction.SUM, 3, SqlType.BIGINT, "sb"),
          agg(AggregateFunction.SUM, 4, SUM_D, "sd"),
          agg(AggregateFunction.AVG, 5, SqlType.DOUBLE, "ac"),
          agg(AggregateFunction.MIN, 1, SqlType.VARCHAR, "mins"),
          agg(AggregateFunction.MAX, 2, SqlType.DATE, "maxdt"),
          agg(AggregateFunction.MIN, 4, D, "mind"),
          agg(AggregateFunction.MAX, 5, SqlType.DOUBLE, "maxc"),
          agg(AggregateFunction.AVG, 4, D, "ad"));

  static final String CALLS_SQL =
      "count(*), count(s), sum(b), sum(d), avg(c), min(s), max(dt), min(d), max(c)";
  static final List<Column> CALL_OUTPUTS =
      TestBatches.columns(
          "n bigint",
          "ns bigint",
          "sb bigint",
          "sd decimal(38,2)",
          "ac double",
          "mins varchar",
          "maxdt date",
          "mind decimal(12,2)",
          "maxc double",
          "ad decimal(12,2)");

  /** One aggregation run's rows and stats. */
  record Run(List<List<Object>> rows, OperatorStats stats) {}

  /** Runs the stage over {@code input} in batches of 500 rows; a negative threshold: no spill. */
  Run aggregate(
      List<List<Object>> input,
      List<Column> inputColumns,
      List<Integer> keys,
      List<AggregateCall> calls,
      AggregateStep step,
      List<Column> outputColumns,
      long threshold) {
    SpillSpace spill =
        threshold < 0
            ? SpillSpace.disabled()
            : new SpillSpace(temp.resolve("spill-" + spaces++), threshold);
    OperatorStats stats = new OperatorStats("HashAggregate");
    try (BufferAllocator allocator = TestMemory.allocator()) {
      List<Batch> batches = TestBatches.batches(allocator, inputColumns, input, 500);
      List<List<Object>> out =
          TestBatches.rowsAndClose(
              StreamTesting.run(
                  Source.from(batches),
                  HashAggregateStage.flow(
                      keys, calls, step, inputColumns, outputColumns, allocator, stats, spill)));
      return new Run(out, stats);
    }
  }

  static List<Column> outputs(List<Column> keys, List<Column> calls) {
    List<Column> out = new ArrayList<>(keys);
    out.addAll(calls);
    return out;
  }

  /** The rows without their last column (AVG of a decimal, which DuckDB computes as a double). */
  static List<List<Object>> withoutLast(List<List<Object>> rows) {
    List<List<Object>> out = new ArrayList<>(rows.size());
    for (List<Object> row : rows) {
      out.add(row.subList(0, row.size() - 1));
    }
    return out;
  }

  static List<Path> filesUnder(Path folder) throws IOException {
    if (!Files.exists(folder)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(folder)) {
      return walk.filter(Files::isRegularFile).toList();
    }
  }

  void assertSpilledLikeDuckDbAndMemory(List<Integer> keys, String keySql) throws IOException {
    List<Column> keyColumns = new ArrayList<>();
    for (int k : keys) {
      keyColumns.add(COLUMNS.get(k));
    }
    List<Column> out = outputs(keyColumns, CALL_OUTPUTS);
    Run spilled = aggregate(rows, COLUMNS, keys, CALLS, AggregateStep.SINGLE, out, THRESHOLD);
    Run memory = aggregate(rows, COLUMNS, keys, CALLS, AggregateStep.SINGLE, out, -1);

    assertThat(spilled.stats().spillBytes()).isPositive();
    assertThat(memory.stats().spillBytes()).isZero();
    assertThat(StreamTesting.canonicalSorted(spilled.rows()))
        .isEqualTo(StreamTesting.canonicalSorted(memory.rows()));
    assertThat(StreamTesting.canonicalSorted(withoutLast(spilled.rows())))
        .isEqualTo(
            StreamTesting.canonicalSorted(
                duck.query(
                    "SELECT " + keySql + ", " + CALLS_SQL + " FROM " + t + " GROUP BY " + keySql)));
    // Partition files are deleted once aggregated.
    assertThat(filesUnder(temp)).isEmpty();
  }

  @Test
  void singleStepSpillsByBigintKeyLikeDuckDb() throws IOException {
    assertSpilledLikeDuckDbAndMemory(List.of(0), "k");
  }

  @Test
  void singleStepSpillsByVarcharAndDateKeyLikeDuckDb() throws IOException {
    assertSpilledLikeDuckDbAndMemory(List.of(1, 2), "s, dt");
  }

  @Test
  void distinctAggregatesSpillWithTheirGroups() {
    List<AggregateCall> calls =
        List.of(
            new AggregateCall(AggregateFunction.COUNT, 1, true, SqlType.BIGINT, "ds"),
            new AggregateCall(AggregateFunction.SUM, 3, true, SqlType.BIGINT, "sdb"),
            agg(AggregateFunction.COUNT, 1, SqlType.BIGINT, "cs"));
    List<Column> out = TestBatches.columns("k bigint", "ds bigint", "sdb bigint", "cs bigint");
    // A group's (group, value) pairs go with its rows: into memory or into one partition file.
    Run spilled = aggregate(rows, COLUMNS, List.of(0), calls, AggregateStep.SINGLE, out, THRESHOLD);
    assertThat(spilled.stats().spillBytes()).isPositive();
    assertThat(StreamTesting.canonicalSorted(spilled.rows()))
        .isEqualTo(
            StreamTesting.canonicalSorted(
                duck.query(
                    "SELECT k, count(DISTINCT s), sum(DISTINCT b), count(s) FROM "
                        + t
                        + " GROUP BY k")));
  }

  @Test
  void thresholdOfOneByteSplitsToTheLastLevelAndStillAggregates() {
    List<AggregateCall> calls = List.of(CALLS.get(0), CALLS.get(3));
    List<Column> out = TestBatches.columns("k bigint", "n bigint", "sd decimal(38,2)");
    List<List<Object>> few = new ArrayList<>();
    for (List<Object> row : rows) {
      if (row.get(0) != null && (Long) row.get(0) < FEW_KEYS) {
        few.add(row);
      }
    }
    Run spilled = aggregate(few, COLUMNS, List.of(0), calls, AggregateStep.SINGLE, out, 1);
    assertThat(spilled.stats().spillBytes()).isPositive();
    assertThat(StreamTesting.canonicalSorted(spilled.rows()))
        .isEqualTo(
            StreamTesting.canonicalSorted(
                duck.query(
                    "SELECT k, count(*), sum(d) FROM "
                        + t
                        + " WHERE k < "
                        + FEW_KEYS
                        + " GROUP BY k")));
  }

  @Test
  void partialFlushesThenFinalSpillsAndBothMatchSingle() {
    List<AggregateCall> partialCalls =
        List.of(
            agg(AggregateFunction.COUNT_STAR, -1, SqlType.BIGINT, "n"),
            agg(AggregateFunction.SUM, 4, SUM_D, "sd"),
            agg(AggregateFunction.AVG, 5, SqlType.DOUBLE, "ac"),
            agg(AggregateFunction.AVG, 4, D, "ad"),
            agg(AggregateFunction.MAX, 1, SqlType.VARCHAR, "ms"),
            agg(AggregateFunction.MIN, 2, SqlType.DATE, "mdt"));
    List<Column> intermediate =
        TestBatches.columns(
            "k bigint",
            "n bigint",
            "sd decimal(38,2)",
            "ac_sum double",
            "ac_count bigint",
            "ad_sum decimal(38,2)",
            "ad_count bigint",
            "ms varchar",
            "mdt date");
    List<AggregateCall> finalCalls =
        List.of(
            agg(AggregateFunction.COUNT_STAR, -1, SqlType.BIGINT, "n"),
            agg(AggregateFunction.SUM, 2, SUM_D, "sd"),
            agg(AggregateFunction.AVG, 3, SqlType.DOUBLE, "ac"),
            agg(AggregateFunction.AVG, 5, D, "ad"),
            agg(AggregateFunction.MAX, 7, SqlType.VARCHAR, "ms"),
            agg(AggregateFunction.MIN, 8, SqlType.DATE, "mdt"));
    List<Column> finalOut =
        TestBatches.columns(
            "k bigint",
            "n bigint",
            "sd decimal(38,2)",
            "ac double",
            "ad decimal(12,2)",
            "ms varchar",
            "mdt date");
    long groups = duck.query("SELECT DISTINCT k FROM " + t).size();

    // Two partial tasks over halves of the input, as the exchange would feed them.
    List<List<Object>> partials = new ArrayList<>();
    long flushedBytes = 0;
    for (List<List<Object>> half :
        List.of(rows.subList(0, ROWS / 2), rows.subList(ROWS / 2, ROWS))) {
      Run partial =
          aggregate(
              half,
              COLUMNS,
              List.of(0),
              partialCalls,
              AggregateStep.PARTIAL,
              intermediate,
              THRESHOLD);
      partials.addAll(partial.rows());
      flushedBytes += partial.stats().spillBytes();
    }
    // Flushing writes no file, and emits a group once per flush it was part of.
    assertThat(flushedBytes).isZero();
    assertThat(partials.size()).isGreaterThan(2 * (int) groups);

    Run spilledFinal =
        aggregate(
            partials,
            intermediate,
            List.of(0),
            finalCalls,
            AggregateStep.FINAL,
            finalOut,
            THRESHOLD);
    Run single =
        aggregate(rows, COLUMNS, List.of(0), partialCalls, AggregateStep.SINGLE, finalOut, -1);
    assertThat(spilledFinal.stats().spillBytes()).isPositive();
    assertThat(spilledFinal.rows()).hasSize((int) groups);
    assertThat(StreamTesting.canonicalSorted(spilledFinal.rows()))
        .isEqualTo(StreamTesting.canonicalSorted(single.rows()));
    List<List<Object>> duckRows = new ArrayList<>();
    for (List<Object> row :
        duck.query("SELECT k, count(*), sum(d), avg(c) FROM " + t + " GROUP BY k")) {
      duckRows.add(Arrays.asList(row.get(0), row.get(1), row.get(2), row.get(3)));
    }
    List<List<Object>> firstFour = new ArrayList<>();
    for (List<Object> row : spilledFinal.rows()) {
      firstFour.add(row.subList(0, 4));
    }
    assertThat(StreamTesting.canonicalSorted(firstFour))
        .isEqualTo(StreamTesting.canonicalSorted(duckRows));
  }

  @Test
  void globalAggregateNeverSpills() {
    Run run = aggregate(rows, COLUMNS, List.of(), CALLS, AggregateStep.SINGLE, CALL_OUTPUTS, 1);
    assertThat(run.stats().spillBytes()).isZero();
    assertThat(StreamTesting.canonical(withoutLast(run.rows())))
        .isEqualTo(StreamTesting.canonical(duck.query("SELECT " + CALLS_SQL + " FROM " + t)));
  }

  @Test
  void failureWhileAggregatingASpilledPartitionLeaksNothing() {
    List<Column> columns = TestBatches.columns("k bigint", "v bigint");
    List<List<Object>> input = new ArrayList<>();
    for (long i = 0; i < 5_000; i++) {
      input.add(TestBatches.row(i, i));
    }
    // A group that appears only after spilling began, so it overflows while its file is read.
    input.add(TestBatches.row(1_000_000L, Long.MAX_VALUE));
    input.add(TestBatches.row(1_000_000L, Long.MAX_VALUE));
    OperatorStats stats = new OperatorStats("HashAggregate");
    SpillSpace spill = new SpillSpace(temp.resolve("failing"), THRESHOLD);
    try (BufferAllocator allocator = TestMemory.allocator()) {
      List<Batch> batches = TestBatches.batches(allocator, columns, input, 500);
      // The in-memory groups go out before the partition fails: the sink closes what it gets.
      CompletionStage<Done> done =
          Source.from(batches)
              .via(
                  HashAggregateStage.flow(
                      List.of(0),
                      List.of(agg(AggregateFunction.SUM, 1, SqlType.BIGINT, "s")),
                      AggregateStep.SINGLE,
                      columns,
                      TestBatches.columns("k bigint", "s bigint"),
                      allocator,
                      stats,
                      spill))
              .runWith(Sink.foreach(Batch::close), StreamTesting.system());
      assertThatThrownBy(() -> done.toCompletableFuture().get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOfSatisfying(
              TarnException.class,
              e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                assertThat(e.getMessage()).contains("overflow");
              });
      assertThat(stats.spillBytes()).isPositive();
    }
  }
}
