package dev.tarn.operators.join;

import static dev.tarn.operators.Exprs.bool;
import static dev.tarn.operators.Exprs.call;
import static dev.tarn.operators.Exprs.col;
import static dev.tarn.operators.Exprs.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.batch.BatchRows;
import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.expr.Expr;
import dev.tarn.core.expr.Expr.Operator;
import dev.tarn.core.meta.Column;
import dev.tarn.core.plan.JoinType;
import dev.tarn.core.stats.OperatorStats;
import dev.tarn.core.type.SqlType;
import dev.tarn.operators.RandomRows;
import dev.tarn.operators.StreamTesting;
import dev.tarn.testing.DuckDb;
import dev.tarn.testing.TestBatches;
import dev.tarn.testing.TestMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.FanInShape2;
import org.apache.pekko.stream.SourceShape;
import org.apache.pekko.stream.javadsl.GraphDSL;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every join type × key shape × residual × data shape, each compared with DuckDB on the same rows,
 * plus early stops, bounded output batches, and failures that leak nothing.
 */
class HashJoinStageTest {
  static final List<Column> PROBE = TestBatches.columns("pk integer", "pe varchar", "pv bigint");
  static final List<Column> BUILD = TestBatches.columns("bk bigint", "be varchar", "bv double");

  /** pv (bigint, probe column 2) < bv (double, build column 2 at joined index 5). */
  static final Expr PV_LESS_THAN_BV =
      bool(Operator.LESS_THAN, col(2, SqlType.BIGINT), col(5, SqlType.DOUBLE));

  static DuckDb duck;
  static final List<List<Object>> probeRows = RandomRows.generate(PROBE, 200, 0.1, 21);
  static final List<List<Object>> buildRows = RandomRows.generate(BUILD, 80, 0.1, 22);
  static final List<List<Object>> noNullBuildRows = new ArrayList<>();
  static final List<List<Object>> noNullProbeRows = new ArrayList<>();

  /** How the two sides are keyed. */
  enum Keys {
    SINGLE(List.of(0), List.of(0), "pk = bk"),
    COMPOSITE(List.of(1, 0), List.of(1, 0), "pe = be AND pk = bk"),
    KEYLESS(List.of(), List.of(), "");

    final List<Integer> probeKeys;
    final List<Integer> buildKeys;
    final String condition;

    Keys(List<Integer> probeKeys, List<Integer> buildKeys, String condition) {
      this.probeKeys = probeKeys;
      this.buildKeys = buildKeys;
      this.condition = condition;
    }
  }

  /** Which rows each side gets; the DuckDB tables of the same names hold the same rows. */
  enum Data {
    MIXED("p", "b"),
    EMPTY_BUILD("p", "b_empty"),
    EMPTY_PROBE("p_empty", "b"),
    NO_NULL_BUILD_KEYS("p", "b_no_null"),
    NO_NULL_PROBE_KEYS("p_no_null", "b");

    final String probeTable;
    final String buildTable;

    Data(String probeTable, String buildTable) {
      this.probeTable = probeTable;
      this.buildTable = buildTable;
    }

    List<List<Object>> probe() {
      switch (this) {
        case EMPTY_PROBE:
          return List.of();
        case NO_NULL_PROBE_KEYS:
          return noNullProbeRows;
        case MIXED:
        case EMPTY_BUILD:
        case NO_NULL_BUILD_KEYS:
          return probeRows;
      }
      throw new AssertionError(this);
    }

    List<List<Object>> build() {
      switch (this) {
        case EMPTY_BUILD:
          return List.of();
        case NO_NULL_BUILD_KEYS:
          return noNullBuildRows;
        case MIXED:
        case EMPTY_PROBE:
        case NO_NULL_PROBE_KEYS:
          return buildRows;
      }
      throw new AssertionError(this);
    }
  }

  @BeforeAll
  static void load() {
    // Build keys in the probe keys' range (-20..20) so that many rows match, some several times.
    for (List<Object> row : buildRows) {
      if (row.get(0) != null) {
        row.set(0, (Long) row.get(0) % 25);
      }
      if (row.get(0) != null && row.get(1) != null) {
        noNullBuildRows.add(row);
      }
    }
    for (List<Object> row : probeRows) {
      if (row.get(0) != null && row.get(1) != null) {
        noNullProbeRows.add(row);
      }
    }
    duck =
        new DuckDb()
            .load("p", PROBE, probeRows)
            .load("p_no_null", PROBE, noNullProbeRows)
            .load("p_empty", PROBE, List.of())
            .load("b", BUILD, buildRows)
            .load("b_empty", BUILD, List.of())
            .load("b_no_null", BUILD, noNullBuildRows);
  }

  @AfterAll
  static void close() {
    duck.close();
  }

  static Stream<Arguments> matrix() {
    List<Arguments> cases = new ArrayList<>();
    for (JoinType type : JoinType.values()) {
      for (Keys keys : Keys.values()) {
        for (boolean residual : new boolean[] {false, true}) {
          for (Data data : Data.values()) {
            cases.add(Arguments.of(type, keys, residual, data));
          }
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {1} residual={2} {3}")
  @MethodSource("matrix")
  void matchesDuckDb(JoinType type, Keys keys, boolean withResidual, Data data) {
    Expr residual = withResidual ? PV_LESS_THAN_BV : null;
    if (type.nullAware() && (withResidual || keys == Keys.COMPOSITE)) {
      try (BufferAllocator allocator = TestMemory.allocator()) {
        assertThatThrownBy(() -> stage(type, keys, residual, allocator, new OperatorStats("j")))
            .isInstanceOfSatisfying(
                TarnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_SUPPORTED))
            .hasMessageContaining("NOT IN");
      }
      return;
    }
    String sql = duckSql(type, keys, withResidual, data);
    List<List<Object>> actual = join(type, keys, residual, data.probe(), data.build());
    assertThat(StreamTesting.canonicalSorted(actual))
        .as(sql)
        .isEqualTo(StreamTesting.canonicalSorted(duck.query(sql)));
  }

  /** The same join in DuckDB's SQL. */
  static String duckSql(JoinType type, Keys keys, boolean withResidual, Data data) {
    List<String> parts = new ArrayList<>();
    if (!keys.condition.isEmpty()) {
      parts.add(keys.condition);
    }
    if (withResidual) {
      parts.add("pv < bv");
    }
    String on = parts.isEmpty() ? "TRUE" : String.join(" AND ", parts);
    String p = data.probeTable + " AS p";
    String b = data.buildTable + " AS b";
    switch (type) {
      case INNER:
        return "SELECT * FROM " + p + " JOIN " + b + " ON " + on;
      case LEFT:
        return "SELECT * FROM " + p + " LEFT JOIN " + b + " ON " + on;
      case RIGHT:
        return "SELECT * FROM " + p + " RIGHT JOIN " + b + " ON " + on;
      case FULL:
        return "SELECT * FROM " + p + " FULL JOIN " + b + " ON " + on;
      case SEMI:
        return "SELECT * FROM " + p + " WHERE EXISTS (SELECT 1 FROM " + b + " WHERE " + on + ")";
      case ANTI:
        return "SELECT * FROM "
            + p
            + " WHERE NOT EXISTS (SELECT 1 FROM "
            + b
            + " WHERE "
            + on
            + ")";
      case NULL_AWARE_ANTI:
        if (keys == Keys.KEYLESS) {
          // NOT IN without values to compare reduces to NOT EXISTS over the whole build side.
          return "SELECT * FROM " + p + " WHERE NOT EXISTS (SELECT 1 FROM " + b + ")";
        }
        return "SELECT * FROM " + p + " WHERE pk NOT IN (SELECT bk FROM " + b + ")";
      case RIGHT_SEMI:
        return "SELECT * FROM " + b + " WHERE EXISTS (SELECT 1 FROM " + p + " WHERE " + on + ")";
      case RIGHT_ANTI:
        return "SELECT * FROM "
            + b
            + " WHERE NOT EXISTS (SELECT 1 FROM "
            + p
            + " WHERE "
            + on
            + ")";
      case RIGHT_NULL_AWARE_ANTI:
        if (keys == Keys.KEYLESS) {
          return "SELECT * FROM " + b + " WHERE NOT EXISTS (SELECT 1 FROM " + p + ")";
        }
        return "SELECT * FROM " + b + " WHERE bk NOT IN (SELECT pk FROM " + p + ")";
    }
    throw new AssertionError(type);
  }

  static HashJoinStage stage(
      JoinType type, Keys keys, Expr residual, BufferAllocator allocator, OperatorStats stats) {
    return new HashJoinStage(
        type, PROBE, BUILD, keys.probeKeys, keys.buildKeys, residual, allocator, stats);
  }

  static List<List<Object>> join(
      JoinType type, Keys keys, Expr residual, List<List<Object>> probe, List<List<Object>> build) {
    try (BufferAllocator allocator = TestMemory.allocator()) {
      HashJoinStage stage = stage(type, keys, residual, allocator, new OperatorStats("HashJoin"));
      return StreamTesting.runRows(
          joined(
              lazyBatches(allocator, PROBE, probe, 37),
              lazyBatches(allocator, BUILD, build, 23),
              stage));
    }
  }

  /**
   * Batches of at most {@code size} rows, plus an empty one, made only when pulled: a join that
   * cancels an input leaves nothing unowned behind.
   */
  static Source<Batch, NotUsed> lazyBatches(
      BufferAllocator allocator, List<Column> columns, List<List<Object>> rows, int size) {
    List<List<List<Object>>> chunks = new ArrayList<>();
    for (int start = 0; start < rows.size(); start += size) {
      chunks.add(rows.subList(start, Math.min(rows.size(), start + size)));
    }
    chunks.add(List.of());
    return Source.from(chunks).map(chunk -> TestBatches.batch(allocator, columns, chunk));
  }

  static Source<Batch, NotUsed> joined(
      Source<Batch, ?> probe, Source<Batch, ?> build, HashJoinStage stage) {
    return Source.fromGraph(
        GraphDSL.create(
            builder -> {
              FanInShape2<Batch, Batch, Batch> join = builder.add(stage);
              builder.from(builder.add(probe)).toInlet(join.in0());
              builder.from(builder.add(build)).toInlet(join.in1());
              return SourceShape.of(join.out());
            }));
  }

  @ParameterizedTest
  @EnumSource(
      value = JoinType.class,
      names = {"INNER", "SEMI", "RIGHT", "RIGHT_SEMI", "RIGHT_ANTI", "RIGHT_NULL_AWARE_ANTI"})
  void emptyBuildSideCompletesWithoutReadingProbe(JoinType type) {
    for (Keys keys : List.of(Keys.SINGLE, Keys.KEYLESS)) {
      assertThat(probeBatchesPulled(type, keys, List.of())).as("%s %s", type, keys).isZero();
    }
  }

  @Test
  void notInOverBuildSideWithNullKeyCompletesWithoutReadingProbe() {
    List<List<Object>> build =
        List.of(TestBatches.row(1L, "a", 1.0), TestBatches.row(null, "b", 2.0));
    assertThat(probeBatchesPulled(JoinType.NULL_AWARE_ANTI, Keys.SINGLE, build)).isZero();
  }

  @Test
  void rightNotInOverProbeSideWithNullKeyCompletesWithoutReadingAllOfProbe() {
    // The endless probe side's rows have key 1; one NULL key among them empties the result.
    AtomicInteger pulled = new AtomicInteger();
    try (BufferAllocator allocator = TestMemory.allocator()) {
      Source<Batch, ?> probe =
          Source.repeat(0)
              .map(
                  i ->
                      TestBatches.batch(
                          allocator,
                          PROBE,
                          TestBatches.row(pulled.incrementAndGet() == 3 ? null : 1L, "a", 2L)));
      List<List<Object>> build =
          List.of(TestBatches.row(1L, "a", 1.0), TestBatches.row(2L, "b", 2.0));
      List<List<Object>> rows =
          StreamTesting.runRows(
              joined(
                  probe,
                  lazyBatches(allocator, BUILD, build, 1),
                  stage(
                      JoinType.RIGHT_NULL_AWARE_ANTI,
                      Keys.SINGLE,
                      null,
                      allocator,
                      new OperatorStats("j"))));
      assertThat(rows).isEmpty();
    }
    assertThat(pulled.get()).isLessThan(10);
  }

  @ParameterizedTest
  @EnumSource(
      value = JoinType.class,
      names = {"RIGHT_SEMI", "RIGHT_ANTI"})
  void rightSemiAndAntiOverManyBatchesMatchDuckDb(JoinType type) {
    // 20000 build rows over 1000 keys (20 each, NULL every 97th), probed by 3000 rows over keys
    // 0..499 (6 each): the kept build rows span several output batches, and each key's rows are
    // marked by its first probe row.
    List<List<Object>> build = new ArrayList<>();
    for (long i = 0; i < 20_000; i++) {
      build.add(TestBatches.row(i % 97 == 0 ? null : i % 1000, "b" + (i % 3), (double) i));
    }
    List<List<Object>> probe = new ArrayList<>();
    for (long i = 0; i < 3000; i++) {
      probe.add(TestBatches.row((int) (i % 500), "b" + (i % 3), i));
    }
    try (DuckDb big = new DuckDb().load("p", PROBE, probe).load("b", BUILD, build)) {
      for (Keys keys : List.of(Keys.SINGLE, Keys.COMPOSITE)) {
        for (Expr residual : java.util.Arrays.asList(null, PV_LESS_THAN_BV)) {
          OperatorStats stats = new OperatorStats("HashJoin");
          List<List<Object>> actual = new ArrayList<>();
          try (BufferAllocator allocator = TestMemory.allocator()) {
            List<Batch> out =
                StreamTesting.run(
                    joined(
                        lazyBatches(allocator, PROBE, probe, 1000),
                        lazyBatches(allocator, BUILD, build, 3000),
                        stage(type, keys, residual, allocator, stats)));
            for (Batch batch : out) {
              assertThat(batch.rowCount()).isBetween(1, HashJoinStage.BATCH_ROWS);
              actual.addAll(BatchRows.toRows(batch));
              batch.close();
            }
          }
          String sql = duckSql(type, keys, residual != null, Data.MIXED);
          assertThat(StreamTesting.canonicalSorted(actual))
              .as(sql)
              .isEqualTo(StreamTesting.canonicalSorted(big.query(sql)));
          if (keys == Keys.SINGLE && residual == null) {
            assertThat(actual).hasSizeGreaterThan(HashJoinStage.BATCH_ROWS);
          }
          assertThat(stats.rowsOut()).isEqualTo(actual.size());
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = JoinType.class,
      names = {"ANTI", "NULL_AWARE_ANTI"})
  void keylessAntiJoinWithBuildRowsCompletesWithoutReadingProbe(JoinType type) {
    List<List<Object>> build = List.of(TestBatches.row(1L, "a", 1.0));
    assertThat(probeBatchesPulled(type, Keys.KEYLESS, build)).isZero();
  }

  @ParameterizedTest
  @EnumSource(
      value = JoinType.class,
      names = {"LEFT", "FULL", "ANTI", "NULL_AWARE_ANTI"})
  void emptyBuildSideStillReadsProbe(JoinType type) {
    // An endless probe side would never finish: take a finite one and count what was read.
    AtomicInteger pulled = new AtomicInteger();
    try (BufferAllocator allocator = TestMemory.allocator()) {
      Source<Batch, NotUsed> probe =
          Source.range(1, 5)
              .map(
                  i -> {
                    pulled.incrementAndGet();
                    return TestBatches.batch(
                        allocator, PROBE, TestBatches.row(i.longValue(), "a", 2L));
                  });
      List<List<Object>> rows =
          StreamTesting.runRows(
              joined(
                  probe,
                  Source.empty(),
                  stage(type, Keys.SINGLE, null, allocator, new OperatorStats("j"))));
      assertThat(rows).hasSize(5);
    }
    assertThat(pulled.get()).isEqualTo(5);
  }

  /** Runs a join over an endless probe side and returns how many probe batches it pulled. */
  static int probeBatchesPulled(JoinType type, Keys keys, List<List<Object>> build) {
    AtomicInteger pulled = new AtomicInteger();
    try (BufferAllocator allocator = TestMemory.allocator()) {
      Source<Batch, ?> endlessProbe =
          Source.repeat(0)
              .map(
                  i -> {
                    pulled.incrementAndGet();
                    return TestBatches.batch(allocator, PROBE, TestBatches.row(1L, "a", 2L));
                  });
      List<List<Object>> rows =
          StreamTesting.runRows(
              joined(
                  endlessProbe,
                  lazyBatches(allocator, BUILD, build, 10),
                  stage(type, keys, null, allocator, new OperatorStats("j"))));
      assertThat(rows).isEmpty();
    }
    return pulled.get();
  }

  @ParameterizedTest
  @EnumSource(
      value = JoinType.class,
      names = {"INNER", "LEFT", "SEMI", "ANTI", "NULL_AWARE_ANTI", "RIGHT_SEMI"})
  void emptyProbeSideCompletesWithoutReadingAllOfBuild(JoinType type) {
    List<Batch> made = java.util.Collections.synchronizedList(new ArrayList<>());
    try (BufferAllocator allocator = TestMemory.allocator()) {
      Source<Batch, ?> endlessBuild =
          Source.repeat(0)
              .map(
                  i -> {
                    Batch batch =
                        TestBatches.batch(allocator, BUILD, TestBatches.row(1L, "a", 2.0));
                    made.add(batch);
                    return batch;
                  });
      List<List<Object>> rows =
          StreamTesting.runRows(
              joined(
                  Source.empty(),
                  endlessBuild,
                  stage(type, Keys.SINGLE, null, allocator, new OperatorStats("j"))));
      assertThat(rows).isEmpty();
      // The join closed what it grabbed; a batch the source made while the cancellation was on its
      // way never reached the join, and Pekko drops it: the test owns that one.
      int open = 0;
      for (Batch batch : made) {
        if (batch.sizeInBytes() > 0) {
          open++;
          batch.close();
        }
      }
      assertThat(open).isLessThanOrEqualTo(1);
    }
    assertThat(made.size()).isLessThan(1000);
  }

  @ParameterizedTest
  @EnumSource(Keys.class)
  void manyMatchesPerRowSpanBoundedBatches(Keys keys) {
    // 3000 probe rows x 20 build rows, all with key 1: 60000 pairs from one probe batch.
    List<List<Object>> probe = new ArrayList<>();
    for (long i = 0; i < 3000; i++) {
      probe.add(TestBatches.row(1L, "k", i));
    }
    List<List<Object>> build = new ArrayList<>();
    for (long i = 0; i < 20; i++) {
      build.add(TestBatches.row(1L, "k", (double) i));
    }
    OperatorStats stats = new OperatorStats("HashJoin");
    try (BufferAllocator allocator = TestMemory.allocator()) {
      List<Batch> out =
          StreamTesting.run(
              joined(
                  lazyBatches(allocator, PROBE, probe, 3000),
                  lazyBatches(allocator, BUILD, build, 7),
                  stage(JoinType.INNER, keys, null, allocator, stats)));
      int total = 0;
      for (Batch batch : out) {
        assertThat(batch.rowCount()).isBetween(1, HashJoinStage.BATCH_ROWS);
        total += batch.rowCount();
        batch.close();
      }
      assertThat(total).isEqualTo(60_000);
    }
    assertThat(stats.rowsOut()).isEqualTo(60_000);
    assertThat(stats.rowsIn()).isEqualTo(3000 + 20);
  }

  @ParameterizedTest
  @EnumSource(
      value = JoinType.class,
      names = {"INNER", "LEFT", "RIGHT", "FULL", "SEMI", "ANTI", "RIGHT_SEMI", "RIGHT_ANTI"})
  void residualRejectingLongRunsOfPairsMatchesDuckDb(JoinType type) {
    // 1500 x 700 keyless pairs, almost none passing: the join yields between steps many times.
    List<List<Object>> probe = RandomRows.generate(PROBE, 1500, 0.05, 31);
    List<List<Object>> build = RandomRows.generate(BUILD, 700, 0.05, 32);
    Expr residual =
        bool(
            Operator.GREATER_THAN,
            call(Operator.ADD, SqlType.DOUBLE, col(2, SqlType.BIGINT), col(5, SqlType.DOUBLE)),
            lit(1090.0, SqlType.DOUBLE));
    List<List<Object>> actual = join(type, Keys.KEYLESS, residual, probe, build);
    try (DuckDb big = new DuckDb().load("p", PROBE, probe).load("b", BUILD, build)) {
      String sql =
          duckSql(type, Keys.KEYLESS, false, Data.MIXED)
              .replace("ON TRUE", "ON pv + bv > 1090.0")
              .replace("WHERE TRUE", "WHERE pv + bv > 1090.0");
      assertThat(StreamTesting.canonicalSorted(actual))
          .as(sql)
          .isEqualTo(StreamTesting.canonicalSorted(big.query(sql)));
    }
  }

  @Test
  void residualErrorFailsTheStreamAndLeaksNothing() {
    Expr dividesByZero =
        bool(
            Operator.GREATER_THAN,
            call(Operator.DIVIDE, SqlType.BIGINT, col(2, SqlType.BIGINT), lit(0L, SqlType.BIGINT)),
            lit(1L, SqlType.BIGINT));
    BufferAllocator allocator = TestMemory.allocator();
    try {
      assertThatThrownBy(
              () ->
                  StreamTesting.runRows(
                      joined(
                          lazyBatches(allocator, PROBE, probeRows, 37),
                          lazyBatches(allocator, BUILD, buildRows, 23),
                          stage(
                              JoinType.LEFT,
                              Keys.SINGLE,
                              dividesByZero,
                              allocator,
                              new OperatorStats("j")))))
          .isInstanceOfSatisfying(
              TarnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DIVISION_BY_ZERO));
      awaitReleased(allocator);
    } finally {
      allocator.close();
    }
  }

  @Test
  void mismatchedKeyCountsAreRejected() {
    try (BufferAllocator allocator = TestMemory.allocator()) {
      assertThatThrownBy(
              () ->
                  new HashJoinStage(
                      JoinType.INNER,
                      PROBE,
                      BUILD,
                      List.of(0, 1),
                      List.of(0),
                      null,
                      allocator,
                      new OperatorStats("j")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("2 and 1");
    }
  }

  /**
   * Waits for a failed stream's stages to finish stopping: the failure reaches the sink before
   * every stage has run {@code postStop}.
   */
  static void awaitReleased(BufferAllocator allocator) {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (allocator.getAllocatedMemory() != 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
  }
}
