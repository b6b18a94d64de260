package dev.tarn.operators.join;

import static dev.tarn.operators.Exprs.bool;
import static dev.tarn.operators.Exprs.col;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tarn.core.batch.Batch;
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
import org.apache.arrow.memory.BufferAllocator;
import org.apache.pekko.stream.FanInShape2;
import org.apache.pekko.stream.javadsl.GraphDSL;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HashJoinStageTest {
  static final List<Column> PROBE = TestBatches.columns("pk integer", "pe varchar", "pv bigint");
  static final List<Column> BUILD = TestBatches.columns("bk bigint", "be varchar", "bv double");
  static List<List<Object>> probeRows;
  static List<List<Object>> buildRows;
  static DuckDb duck;

  @BeforeAll
  static void load() {
    probeRows = RandomRows.generate(PROBE, 400, 0.1, 21);
    buildRows = RandomRows.generate(BUILD, 150, 0.1, 22);
    // Build keys in the probe keys' range (-20..20) so that many rows match, some several times.
    for (List<Object> row : buildRows) {
      if (row.get(0) != null) {
        row.set(0, (Long) row.get(0) % 25);
      }
    }
    duck = new DuckDb().load("p", PROBE, probeRows).load("b", BUILD, buildRows);
  }

  @AfterAll
  static void close() {
    duck.close();
  }

  static List<List<Object>> join(
      JoinType type,
      List<Integer> probeKeys,
      List<Integer> buildKeys,
      Expr residual,
      List<List<Object>> probe,
      List<List<Object>> build) {
    try (BufferAllocator allocator = TestMemory.allocator()) {
      List<Batch> probeBatches = TestBatches.batches(allocator, PROBE, probe, 64);
      List<Batch> buildBatches = TestBatches.batches(allocator, BUILD, build, 40);
      HashJoinStage stage =
          new HashJoinStage(
              type,
              PROBE,
              BUILD,
              probeKeys,
              buildKeys,
              residual,
              allocator,
              new OperatorStats("HashJoin"));
      List<Batch> out =
          StreamTesting.run(joined(Source.from(probeBatches), Source.from(buildBatches), stage));
      return TestBatches.rowsAndClose(out);
    }
  }

  static Source<Batch, ?> joined(
      Source<Batch, ?> probe, Source<Batch, ?> build, HashJoinStage stage) {
    return Source.fromGraph(
        GraphDSL.create(
            builder -> {
              FanInShape2<Batch, Batch, Batch> join = builder.add(stage);
              builder.from(builder.add(probe)).toInlet(join.in0());
              builder.from(builder.add(build)).toInlet(join.in1());
              return new org.apache.pekko.stream.SourceShape<>(join.out());
            }));
  }

  @Test
  void innerJoinOnIntegerAndBigintKeys() {
    List<List<Object>> actual =
        join(JoinType.INNER, List.of(0), List.of(0), null, probeRows, buildRows);
    assertThat(StreamTesting.canonicalSorted(actual))
        .isEqualTo(StreamTesting.canonicalSorted(duck.query("SELECT * FROM p JOIN b ON pk = bk")));
  }

  @Test
  void leftJoinKeepsUnmatchedAndNullKeyRows() {
    List<List<Object>> actual =
        join(JoinType.LEFT, List.of(0), List.of(0), null, probeRows, buildRows);
    assertThat(StreamTesting.canonicalSorted(actual))
        .isEqualTo(
            StreamTesting.canonicalSorted(duck.query("SELECT * FROM p LEFT JOIN b ON pk = bk")));
  }

  @Test
  void compositeKeysWithResidual() {
    // pv (bigint, probe column 2) < bv (double, build column 2 at joined index 5)
    Expr residual = bool(Operator.LESS_THAN, col(2, SqlType.BIGINT), col(5, SqlType.DOUBLE));
    for (JoinType type : JoinType.values()) {
      List<List<Object>> actual =
          join(type, List.of(1, 0), List.of(1, 0), residual, probeRows, buildRows);
      String sql =
          "SELECT * FROM p "
              + (type == JoinType.LEFT ? "LEFT " : "")
              + "JOIN b ON pe = be AND pk = bk AND pv < bv";
      assertThat(StreamTesting.canonicalSorted(actual))
          .as(sql)
          .isEqualTo(StreamTesting.canonicalSorted(duck.query(sql)));
    }
  }

  @Test
  void varcharKeyWithDuplicatesOnBothSides() {
    List<List<Object>> actual =
        join(JoinType.INNER, List.of(1), List.of(1), null, probeRows, buildRows);
    assertThat(StreamTesting.canonicalSorted(actual))
        .isEqualTo(StreamTesting.canonicalSorted(duck.query("SELECT * FROM p JOIN b ON pe = be")));
  }

  @Test
  void emptyBuildSideCompletesInnerJoinAndCancelsProbe() throws Exception {
    AtomicInteger pulled = new AtomicInteger();
    try (BufferAllocator allocator = TestMemory.allocator()) {
      Source<Batch, ?> endlessProbe =
          Source.repeat(0)
              .map(
                  i -> {
                    pulled.incrementAndGet();
                    return TestBatches.batch(allocator, PROBE, TestBatches.row(1L, "a", 2L));
                  });
      HashJoinStage stage =
          new HashJoinStage(
              JoinType.INNER,
              PROBE,
              BUILD,
              List.of(0),
              List.of(0),
              null,
              allocator,
              new OperatorStats("HashJoin"));
      List<Batch> out = StreamTesting.run(joined(endlessProbe, Source.empty(), stage));
      assertThat(out).isEmpty();
    }
    assertThat(pulled.get()).isZero();
  }

  @Test
  void emptyBuildSideLeftJoinPadsWithNulls() {
    List<List<Object>> probe = probeRows.subList(0, 10);
    List<List<Object>> actual = join(JoinType.LEFT, List.of(0), List.of(0), null, probe, List.of());
    List<List<Object>> expected = new ArrayList<>();
    for (List<Object> row : probe) {
      List<Object> r = new ArrayList<>(row);
      r.add(null);
      r.add(null);
      r.add(null);
      expected.add(r);
    }
    assertThat(StreamTesting.canonicalSorted(actual))
        .isEqualTo(StreamTesting.canonicalSorted(expected));
  }
}
