package dev.tarn.bench.jmh;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.meta.Column;
import dev.tarn.core.plan.AggregateCall;
import dev.tarn.core.plan.AggregateFunction;
import dev.tarn.core.plan.AggregateStep;
import dev.tarn.core.stats.OperatorStats;
import dev.tarn.core.type.SqlType;
import dev.tarn.operators.aggregate.HashAggregateStage;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.pekko.stream.javadsl.Source;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Hash aggregation in one SINGLE step, {@code SELECT k, sum(v), count(v), avg(d) ... GROUP BY k}
 * over {@value #ROWS} generated rows whose bigint key takes {@code groups} distinct values in
 * random order (each about equally often): 4 groups (a Q1-like low cardinality, where the table
 * stays in cache) or 100,000 (the group table outgrows the caches and emitting the groups costs
 * too).
 */
public class HashAggregateBenchmark extends OperatorBenchmark {
  static final int ROWS = 1_000_000;

  private static final List<Column> INPUT =
      List.of(
          new Column("k", SqlType.BIGINT),
          new Column("v", SqlType.BIGINT),
          new Column("d", SqlType.DOUBLE));
  private static final List<Column> OUTPUT =
      List.of(
          new Column("k", SqlType.BIGINT),
          new Column("sum_v", SqlType.BIGINT),
          new Column("count_v", SqlType.BIGINT),
          new Column("avg_d", SqlType.DOUBLE));

  @Param({"4", "100000"})
  public int groups;

  private List<Batch> batches;
  private HashAggregateStage aggregate;

  @Setup(Level.Trial)
  public void setUp() {
    openMemory("input", "jmh-aggregate");
    SplittableRandom random = new SplittableRandom(42);
    long[] keys = new long[ROWS];
    long[] values = new long[ROWS];
    double[] doubles = new double[ROWS];
    // Every group appears (round robin), in random order (shuffled).
    for (int i = 0; i < ROWS; i++) {
      keys[i] = i % groups;
    }
    for (int i = ROWS - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      long key = keys[i];
      keys[i] = keys[j];
      keys[j] = key;
    }
    for (int i = 0; i < ROWS; i++) {
      values[i] = random.nextInt(1_000_000);
      doubles[i] = random.nextDouble() * 1000;
    }
    batches = SyntheticBatches.of(INPUT, List.of(keys, values, doubles), input);
    aggregate =
        new HashAggregateStage(
            List.of(0),
            List.of(
                new AggregateCall(AggregateFunction.SUM, 1, false, SqlType.BIGINT, "sum_v"),
                new AggregateCall(AggregateFunction.COUNT, 1, false, SqlType.BIGINT, "count_v"),
                new AggregateCall(AggregateFunction.AVG, 2, false, SqlType.DOUBLE, "avg_d")),
            AggregateStep.SINGLE,
            INPUT,
            OUTPUT,
            operators,
            new OperatorStats("HashAggregate"));
    long out = aggregateOnce();
    if (out != groups) {
      throw new IllegalStateException("aggregation made " + out + " groups, expected " + groups);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    LineitemData.closeAll(batches);
    closeMemory();
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public long aggregate() {
    return aggregateOnce();
  }

  private long aggregateOnce() {
    return streams.drain(Source.from(OperatorStreams.handOver(batches, operators)).via(aggregate));
  }
}
