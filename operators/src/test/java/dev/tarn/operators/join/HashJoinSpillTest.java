package dev.tarn.operators.join;

import static dev.tarn.operators.join.HashJoinStageTest.BUILD;
import static dev.tarn.operators.join.HashJoinStageTest.PROBE;
import static dev.tarn.operators.join.HashJoinStageTest.PV_LESS_THAN_BV;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.expr.Expr;
import dev.tarn.core.memory.SpillSpace;
import dev.tarn.core.plan.JoinType;
import dev.tarn.core.stats.OperatorStats;
import dev.tarn.operators.StreamTesting;
import dev.tarn.operators.join.HashJoinStageTest.Data;
import dev.tarn.operators.join.HashJoinStageTest.Keys;
import dev.tarn.testing.DuckDb;
import dev.tarn.testing.TestBatches;
import dev.tarn.testing.TestMemory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The grace hash join: with a spill threshold far below the build side, every keyed join type
 * spills and still returns what DuckDB and the in-memory join return on the same rows.
 */
class HashJoinSpillTest {
  /** Far below the build side's size: spills after a handful of batches. */
  static final long THRESHOLD = 16 * 1024;

  /** Build and probe batches hold this many rows. */
  static final int BATCH = 100;

  /** Probe rows of the keyless join: each meets every build row. */
  static final int FEW = 5;

  static final String WIDE = "k".repeat(200);

  static DuckDb duck;
  static final List<List<Object>> probeRows = rows(2000, 41);
  static final List<List<Object>> buildRows = rows(1500, 42);
  static final List<List<Object>> noNullBuildRows = new ArrayList<>();
  static final List<List<Object>> noNullProbeRows = new ArrayList<>();
  static final List<List<Object>> skewedProbeRows = new ArrayList<>();
  static final List<List<Object>> skewedBuildRows = new ArrayList<>();

  @TempDir Path spillDir;

  /**
   * Rows whose integer key spans 0..999 (so that most keys match a few times and some not at all),
   * a varchar of three values (a composite key still matches), a number for the residual, and a
   * NULL in each column one time in ten.
   */
  static List<List<Object>> rows(int count, long seed) {
    Random random = new Random(seed);
    String[] words = {"a", "b", "c"};
    List<List<Object>> rows = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Long key = random.nextInt(10) == 0 ? null : (long) random.nextInt(1000);
      String word = random.nextInt(10) == 0 ? null : words[random.nextInt(3)];
      long number = random.nextInt(2001) - 1000;
      rows.add(new ArrayList<>(Arrays.asList(key, word, number)));
    }
    return rows;
  }

  @BeforeAll
  static void load() {
    for (List<Object> row : buildRows) {
      row.set(2, ((Long) row.get(2)).doubleValue());
      if (row.get(0) != null && row.get(1) != null) {
        noNullBuildRows.add(row);
      }
    }
    for (List<Object> row : probeRows) {
      if (row.get(0) != null && row.get(1) != null) {
        noNullProbeRows.add(row);
      }
    }
    // 1350 build rows of key 7, which no hash can divide, and 4 probe rows that match them. Wide
    // rows: the bytes spilled are mostly rows, not per-batch framing.
    for (int i = 0; i < 1500; i++) {
      skewedBuildRows.add(TestBatches.row(i % 10 == 0 ? (long) i : 7L, WIDE, (double) i));
    }
    for (int i = 0; i < 200; i++) {
      skewedProbeRows.add(TestBatches.row(i % 50 == 0 ? 7L : (long) i + 5000, "k", (long) i));
    }
    duck =
        new DuckDb()
            .load("p_skewed", PROBE, skewedProbeRows)
            .load("b_skewed", BUILD, skewedBuildRows)
            .load("p", PROBE, probeRows)
            .load("p_no_null", PROBE, noNullProbeRows)
            .load("p_few", PROBE, probeRows.subList(0, FEW))
            .load("p_empty", PROBE, List.of())
            .load("b", BUILD, buildRows)
            .load("b_no_null", BUILD, noNullBuildRows);
  }

  @AfterAll
  static void close() {
    duck.close();
  }

  static Stream<Arguments> matrix() {
    List<Arguments> cases = new ArrayList<>();
    for (JoinType type : JoinType.values()) {
      for (Keys keys : List.of(Keys.SINGLE, Keys.COMPOSITE)) {
        for (boolean residual : new boolean[] {false, true}) {
          if (type.nullAware() && (residual || keys == Keys.COMPOSITE)) {
            continue; // not supported, with or without spilling (HashJoinStageTest)
          }
          if (residual && keys == Keys.COMPOSITE) {
            continue; // the residual runs per partition as it does in memory: one key shape will do
          }
          cases.add(Arguments.of(type, keys, residual, Data.MIXED));
          cases.add(Arguments.of(type, keys, residual, Data.EMPTY_PROBE));
          if (type == JoinType.NULL_AWARE_ANTI) {
            // With a NULL among the build keys NOT IN keeps nothing: without, it keeps rows.
            cases.add(Arguments.of(type, keys, residual, Data.NO_NULL_BUILD_KEYS));
          }
          if (type == JoinType.RIGHT_NULL_AWARE_ANTI) {
            // With a NULL among the probe keys the swapped NOT IN keeps nothing: without, it keeps
            // rows.
            cases.add(Arguments.of(type, keys, residual, Data.NO_NULL_PROBE_KEYS));
          }
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {1} residual={2} {3}")
  @MethodSource("matrix")
  void spillingJoinMatchesDuckDbAndTheInMemoryJoin(
      JoinType type, Keys keys, boolean withResidual, Data data) {
    Expr residual = withResidual ? PV_LESS_THAN_BV : null;
    List<List<Object>> probe =
        data == Data.EMPTY_PROBE
            ? List.of()
            : data == Data.NO_NULL_PROBE_KEYS ? noNullProbeRows : probeRows;
    List<List<Object>> build = data == Data.NO_NULL_BUILD_KEYS ? noNullBuildRows : buildRows;
    OperatorStats spilling = new OperatorStats("HashJoin");
    List<List<Object>> actual =
        join(type, keys, residual, probe, build, new SpillSpace(spillDir, THRESHOLD), spilling);
    OperatorStats inMemory = new OperatorStats("HashJoin");
    List<List<Object>> expected =
        join(type, keys, residual, probe, build, SpillSpace.disabled(), inMemory);

    String sql = HashJoinStageTest.duckSql(type, keys, withResidual, data);
    assertThat(StreamTesting.canonicalSorted(actual))
        .as(sql)
        .isEqualTo(StreamTesting.canonicalSorted(duck.query(sql)))
        .isEqualTo(StreamTesting.canonicalSorted(expected));
    assertThat(spilling.spillBytes()).isPositive();
    assertThat(inMemory.spillBytes()).isZero();
    assertThat(spilling.rowsOut()).isEqualTo(actual.size());
  }

  @ParameterizedTest
  @EnumSource(
      value = JoinType.class,
      names = {"INNER", "FULL", "ANTI", "NULL_AWARE_ANTI", "RIGHT_SEMI", "RIGHT_ANTI"})
  void partitionsStillOverTheThresholdAreSplitAgain(JoinType type) {
    // 2 kB: every first-level partition (about 150 build rows) is over it and is split again.
    OperatorStats shallow = new OperatorStats("HashJoin");
    join(
        type,
        Keys.SINGLE,
        null,
        probeRows,
        noNullBuildRows,
        new SpillSpace(spillDir, THRESHOLD),
        shallow);
    OperatorStats deep = new OperatorStats("HashJoin");
    List<List<Object>> actual =
        join(
            type,
            Keys.SINGLE,
            null,
            probeRows,
            noNullBuildRows,
            new SpillSpace(spillDir, 2 * 1024),
            deep);
    String sql = HashJoinStageTest.duckSql(type, Keys.SINGLE, false, Data.NO_NULL_BUILD_KEYS);
    assertThat(StreamTesting.canonicalSorted(actual))
        .as(sql)
        .isEqualTo(StreamTesting.canonicalSorted(duck.query(sql)));
    // Split partitions are written once more.
    assertThat(deep.spillBytes()).isGreaterThan(shallow.spillBytes());
  }

  @ParameterizedTest
  @EnumSource(
      value = JoinType.class,
      names = {"INNER", "RIGHT", "FULL", "ANTI", "RIGHT_SEMI", "RIGHT_ANTI"})
  void oneKeyOverTheThresholdIsJoinedInMemory(JoinType type) {
    // The partition of key 7 is split once, then joined in memory: splitting cannot shrink it.
    OperatorStats stats = new OperatorStats("HashJoin");
    List<List<Object>> actual =
        join(
            type,
            Keys.SINGLE,
            null,
            skewedProbeRows,
            skewedBuildRows,
            new SpillSpace(spillDir, 8 * 1024),
            stats);
    String sql =
        HashJoinStageTest.duckSql(type, Keys.SINGLE, false, Data.MIXED)
            .replace("FROM p AS p", "FROM p_skewed AS p")
            .replace("b AS b", "b_skewed AS b");
    assertThat(StreamTesting.canonicalSorted(actual))
        .as(sql)
        .isEqualTo(StreamTesting.canonicalSorted(duck.query(sql)));
    // Key 7's rows are written twice (partitioned, then split once), not once per level: compare
    // with the same rows under distinct keys and a threshold over their partitions' size (about
    // 20 kB) but under the build side's: each row is written once.
    List<List<Object>> distinct = new ArrayList<>();
    for (int i = 0; i < skewedBuildRows.size(); i++) {
      distinct.add(TestBatches.row((long) i, WIDE, (double) i));
    }
    OperatorStats once = new OperatorStats("HashJoin");
    join(
        type,
        Keys.SINGLE,
        null,
        skewedProbeRows,
        distinct,
        new SpillSpace(spillDir, 64 * 1024),
        once);
    assertThat(stats.spillBytes()).isBetween(once.spillBytes(), once.spillBytes() * 5 / 2);
  }

  @Test
  void notInOverASpilledBuildSideWithANullKeyKeepsNothing() {
    OperatorStats stats = new OperatorStats("HashJoin");
    List<List<Object>> actual =
        join(
            JoinType.NULL_AWARE_ANTI,
            Keys.SINGLE,
            null,
            probeRows,
            buildRows,
            new SpillSpace(spillDir, THRESHOLD),
            stats);
    assertThat(actual).isEmpty();
    assertThat(duck.query("SELECT * FROM p WHERE pk NOT IN (SELECT bk FROM b)")).isEmpty();
    assertThat(stats.spillBytes()).isPositive();
  }

  @ParameterizedTest
  @EnumSource(
      value = JoinType.class,
      names = {"INNER", "FULL"})
  void keylessJoinNeverSpills(JoinType type) {
    OperatorStats stats = new OperatorStats("HashJoin");
    List<List<Object>> actual =
        join(
            type,
            Keys.KEYLESS,
            PV_LESS_THAN_BV,
            probeRows.subList(0, FEW),
            buildRows,
            new SpillSpace(spillDir, 1024),
            stats);
    String sql =
        HashJoinStageTest.duckSql(type, Keys.KEYLESS, true, Data.MIXED)
            .replace("FROM p AS p", "FROM p_few AS p");
    assertThat(StreamTesting.canonicalSorted(actual))
        .as(sql)
        .isEqualTo(StreamTesting.canonicalSorted(duck.query(sql)));
    assertThat(stats.spillBytes()).isZero();
  }

  @ParameterizedTest
  @EnumSource(
      value = JoinType.class,
      names = {"INNER", "RIGHT", "RIGHT_ANTI"})
  void cancellingWhileJoiningPartitionsLeaksNothing(JoinType type) {
    OperatorStats stats = new OperatorStats("HashJoin");
    BufferAllocator allocator = TestMemory.allocator();
    try {
      HashJoinStage stage =
          new HashJoinStage(
              type,
              PROBE,
              BUILD,
              Keys.SINGLE.probeKeys,
              Keys.SINGLE.buildKeys,
              null,
              allocator,
              stats,
              new SpillSpace(spillDir, THRESHOLD));
      List<List<Object>> rows =
          StreamTesting.runRows(
              HashJoinStageTest.joined(
                      HashJoinStageTest.lazyBatches(allocator, PROBE, probeRows, BATCH),
                      HashJoinStageTest.lazyBatches(allocator, BUILD, buildRows, BATCH),
                      stage)
                  .take(3));
      assertThat(rows).isNotEmpty();
      assertThat(stats.spillBytes()).isPositive();
      HashJoinStageTest.awaitReleased(allocator);
    } finally {
      allocator.close();
    }
  }

  @Test
  void unusableSpillFolderFailsNamingItAndLeaksNothing() throws IOException {
    Path notAFolder = Files.writeString(spillDir.resolve("taken"), "a file, not a folder");
    BufferAllocator allocator = TestMemory.allocator();
    try {
      HashJoinStage stage =
          new HashJoinStage(
              JoinType.INNER,
              PROBE,
              BUILD,
              Keys.SINGLE.probeKeys,
              Keys.SINGLE.buildKeys,
              null,
              allocator,
              new OperatorStats("HashJoin"),
              new SpillSpace(notAFolder, THRESHOLD));
      assertThatThrownBy(
              () ->
                  StreamTesting.runRows(
                      HashJoinStageTest.joined(
                          HashJoinStageTest.lazyBatches(allocator, PROBE, probeRows, BATCH),
                          HashJoinStageTest.lazyBatches(allocator, BUILD, buildRows, BATCH),
                          stage)))
          .isInstanceOfSatisfying(
              TarnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL_ERROR))
          .hasMessageContaining("cannot create spill folder " + notAFolder);
      HashJoinStageTest.awaitReleased(allocator);
    } finally {
      allocator.close();
    }
  }

  static List<List<Object>> join(
      JoinType type,
      Keys keys,
      Expr residual,
      List<List<Object>> probe,
      List<List<Object>> build,
      SpillSpace spill,
      OperatorStats stats) {
    try (BufferAllocator allocator = TestMemory.allocator()) {
      HashJoinStage stage =
          new HashJoinStage(
              type,
              PROBE,
              BUILD,
              keys.probeKeys,
              keys.buildKeys,
              residual,
              allocator,
              stats,
              spill);
      return StreamTesting.runRows(
          HashJoinStageTest.joined(
              HashJoinStageTest.lazyBatches(allocator, PROBE, probe, BATCH),
              HashJoinStageTest.lazyBatches(allocator, BUILD, build, BATCH),
              stage));
    }
  }
}
