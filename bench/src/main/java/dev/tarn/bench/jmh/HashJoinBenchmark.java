package dev.tarn.bench.jmh;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.meta.Column;
import dev.tarn.core.plan.JoinType;
import dev.tarn.core.stats.OperatorStats;
import dev.tarn.core.type.SqlType;
import dev.tarn.operators.join.HashJoinStage;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.FanInShape2;
import org.apache.pekko.stream.SourceShape;
import org.apache.pekko.stream.javadsl.GraphDSL;
import org.apache.pekko.stream.javadsl.Source;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * An INNER hash join on one bigint key, wired as a task wires it (probe and build sources into the
 * two inlets of {@link HashJoinStage}): a build side of {@value #BUILD_ROWS} rows with distinct
 * keys, a probe side of {@value #PROBE_ROWS} rows whose keys are drawn from twice the build key
 * range, so about half of them find their one match. One operation is one input row of either side:
 * the score is build and probe rows per second together.
 */
public class HashJoinBenchmark extends OperatorBenchmark {
  static final int BUILD_ROWS = 100_000;
  static final int PROBE_ROWS = 1_000_000;

  private static final List<Column> PROBE =
      List.of(new Column("pk", SqlType.BIGINT), new Column("pv", SqlType.BIGINT));
  private static final List<Column> BUILD =
      List.of(new Column("bk", SqlType.BIGINT), new Column("bv", SqlType.DOUBLE));

  private List<Batch> probe;
  private List<Batch> build;
  private HashJoinStage join;

  @Setup(Level.Trial)
  public void setUp() {
    openMemory("input", "jmh-join");
    SplittableRandom random = new SplittableRandom(7);
    long[] buildKeys = new long[BUILD_ROWS];
    double[] buildValues = new double[BUILD_ROWS];
    for (int i = 0; i < BUILD_ROWS; i++) {
      buildKeys[i] = i;
      buildValues[i] = random.nextDouble();
    }
    for (int i = BUILD_ROWS - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      long key = buildKeys[i];
      buildKeys[i] = buildKeys[j];
      buildKeys[j] = key;
    }
    long[] probeKeys = new long[PROBE_ROWS];
    long[] probeValues = new long[PROBE_ROWS];
    long matches = 0;
    for (int i = 0; i < PROBE_ROWS; i++) {
      probeKeys[i] = random.nextInt(2 * BUILD_ROWS);
      probeValues[i] = i;
      if (probeKeys[i] < BUILD_ROWS) {
        matches++;
      }
    }
    build = SyntheticBatches.of(BUILD, List.of(buildKeys, buildValues), input);
    probe = SyntheticBatches.of(PROBE, List.of(probeKeys, probeValues), input);
    join =
        new HashJoinStage(
            JoinType.INNER,
            PROBE,
            BUILD,
            List.of(0),
            List.of(0),
            null,
            operators,
            new OperatorStats("HashJoin(INNER)"));
    long out = joinOnce();
    if (out != matches) {
      throw new IllegalStateException("join emitted " + out + " rows, expected " + matches);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    LineitemData.closeAll(probe);
    LineitemData.closeAll(build);
    closeMemory();
  }

  @Benchmark
  @OperationsPerInvocation(BUILD_ROWS + PROBE_ROWS)
  public long buildAndProbe() {
    return joinOnce();
  }

  private long joinOnce() {
    Source<Batch, NotUsed> probeSource = Source.from(OperatorStreams.handOver(probe, operators));
    Source<Batch, NotUsed> buildSource = Source.from(OperatorStreams.handOver(build, operators));
    return streams.drain(
        Source.fromGraph(
            GraphDSL.create(
                builder -> {
                  FanInShape2<Batch, Batch, Batch> shape = builder.add(join);
                  builder.from(builder.add(probeSource)).toInlet(shape.in0());
                  builder.from(builder.add(buildSource)).toInlet(shape.in1());
                  return SourceShape.of(shape.out());
                })));
  }
}
