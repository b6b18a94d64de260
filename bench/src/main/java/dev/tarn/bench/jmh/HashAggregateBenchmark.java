package dev.tarn.bench.jmh;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.meta.Column;
import dev.tarn.core.plan.AggregateCall;
import dev.tarn.core.plan.AggregateFunction;
import dev.tarn.core.plan.AggregateStep;
import dev.tarn.core.stats.OperatorStats;
import dev.tarn.core.type.SqlType;
import dev.tarn.operators.aggregate.HashAggregateStage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
 * Hash aggregation in one SINGLE step over {@value #ROWS} generated rows whose group key takes
 * {@code groups} distinct values in random order (each about equally often): 4 groups (a Q1-like
 * low cardinality, where the table stays in cache) or 100,000 (the group table outgrows the caches
 * and emitting the groups costs too). The key and the aggregates depend on {@code keys}:
 *
 * <ul>
 *   <li>{@code bigint}: one bigint key; {@code sum(v), count(v), avg(d)} over a bigint and a
 *       double.
 *   <li>{@code varchar2}: TPC-H Q1's shape, two short varchar keys (a one-character flag and the
 *       group number in decimal digits, one character for 4 groups); {@code sum} and {@code avg} of
 *       three decimals ({@code decimal(15,2)} twice and a {@code decimal(30,4)} product) and {@code
 *       count(*)}.
 *   <li>{@code int2}: two integer keys (the group number modulo 64 and divided by 64); the
 *       aggregates of {@code bigint}.
 *   <li>{@code mixed3}: TPC-H Q18's shape, a bigint, a date and a 18-character varchar key (too
 *       long to pack into a long); the aggregates of {@code bigint}.
 * </ul>
 */
public class HashAggregateBenchmark extends OperatorBenchmark {
  static final int ROWS = 1_000_000;

  private static final SqlType PRICE = SqlType.decimal(15, 2);
  private static final SqlType PRODUCT = SqlType.decimal(30, 4);

  @Param({"4", "100000"})
  public int groups;

  @Param({"bigint", "varchar2", "int2", "mixed3"})
  public String keys;

  private List<Batch> batches;
  private HashAggregateStage aggregate;

  @Setup(Level.Trial)
  public void setUp() {
    openMemory("input", "jmh-aggregate");
    SplittableRandom random = new SplittableRandom(42);
    long[] group = new long[ROWS];
    // Every group appears (round robin), in random order (shuffled).
    for (int i = 0; i < ROWS; i++) {
      group[i] = i % groups;
    }
    for (int i = ROWS - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      long key = group[i];
      group[i] = group[j];
      group[j] = key;
    }
    List<Column> keyColumns = new ArrayList<>();
    List<Object> keyValues = new ArrayList<>();
    switch (keys) {
      case "bigint" -> {
        keyColumns.add(new Column("k", SqlType.BIGINT));
        keyValues.add(group);
      }
      case "varchar2" -> {
        byte[][] flags = new byte[ROWS][];
        byte[][] digits = new byte[ROWS][];
        for (int i = 0; i < ROWS; i++) {
          flags[i] = new byte[] {(byte) ('A' + group[i] % 4)};
          digits[i] = Long.toString(group[i] / 4).getBytes(StandardCharsets.UTF_8);
        }
        keyColumns.add(new Column("flag", SqlType.VARCHAR));
        keyColumns.add(new Column("status", SqlType.VARCHAR));
        keyValues.add(flags);
        keyValues.add(digits);
      }
      case "int2" -> {
        long[] low = new long[ROWS];
        long[] high = new long[ROWS];
        for (int i = 0; i < ROWS; i++) {
          low[i] = group[i] % 64;
          high[i] = group[i] / 64;
        }
        keyColumns.add(new Column("low", SqlType.INTEGER));
        keyColumns.add(new Column("high", SqlType.INTEGER));
        keyValues.add(low);
        keyValues.add(high);
      }
      case "mixed3" -> {
        long[] orderKeys = new long[ROWS];
        long[] dates = new long[ROWS];
        byte[][] names = new byte[ROWS][];
        for (int i = 0; i < ROWS; i++) {
          orderKeys[i] = group[i] * 32 + 7;
          dates[i] = 8035 + group[i] % 2400;
          names[i] =
              String.format("Customer#%09d", group[i] % 150_000).getBytes(StandardCharsets.UTF_8);
        }
        keyColumns.add(new Column("orderkey", SqlType.BIGINT));
        keyColumns.add(new Column("orderdate", SqlType.DATE));
        keyColumns.add(new Column("name", SqlType.VARCHAR));
        keyValues.add(orderKeys);
        keyValues.add(dates);
        keyValues.add(names);
      }
      default -> throw new IllegalArgumentException("unknown key shape " + keys);
    }
    List<Column> columns = new ArrayList<>(keyColumns);
    List<Column> output = new ArrayList<>(keyColumns);
    List<Object> values = new ArrayList<>(keyValues);
    List<Integer> keyIndexes = new ArrayList<>();
    for (int k = 0; k < keyColumns.size(); k++) {
      keyIndexes.add(k);
    }
    int first = keyColumns.size();
    List<AggregateCall> calls = new ArrayList<>();
    if (keys.equals("varchar2")) {
      long[] quantities = new long[ROWS];
      long[] prices = new long[ROWS];
      long[] charges = new long[ROWS];
      for (int i = 0; i < ROWS; i++) {
        quantities[i] = (1 + random.nextInt(50)) * 100L;
        prices[i] = 90_000 + random.nextInt(10_000_000);
        charges[i] = prices[i] * (9_000 + random.nextInt(1_000));
      }
      columns.addAll(
          List.of(
              new Column("quantity", PRICE),
              new Column("price", PRICE),
              new Column("charge", PRODUCT)));
      values.addAll(List.of(quantities, prices, charges));
      SqlType[] types = {PRICE, PRICE, PRODUCT};
      String[] names = {"quantity", "price", "charge"};
      for (int c = 0; c < 3; c++) {
        SqlType sumType = SqlType.decimal(38, types[c].scale());
        calls.add(
            new AggregateCall(AggregateFunction.SUM, first + c, false, sumType, "sum_" + names[c]));
        output.add(new Column("sum_" + names[c], sumType));
      }
      for (int c = 0; c < 3; c++) {
        calls.add(
            new AggregateCall(
                AggregateFunction.AVG, first + c, false, types[c], "avg_" + names[c]));
        output.add(new Column("avg_" + names[c], types[c]));
      }
      calls.add(new AggregateCall(AggregateFunction.COUNT_STAR, -1, false, SqlType.BIGINT, "n"));
      output.add(new Column("n", SqlType.BIGINT));
    } else {
      long[] longs = new long[ROWS];
      double[] doubles = new double[ROWS];
      for (int i = 0; i < ROWS; i++) {
        longs[i] = random.nextInt(1_000_000);
        doubles[i] = random.nextDouble() * 1000;
      }
      columns.addAll(List.of(new Column("v", SqlType.BIGINT), new Column("d", SqlType.DOUBLE)));
      values.addAll(List.of(longs, doubles));
      calls.add(new AggregateCall(AggregateFunction.SUM, first, false, SqlType.BIGINT, "sum_v"));
      calls.add(
          new AggregateCall(AggregateFunction.COUNT, first, false, SqlType.BIGINT, "count_v"));
      calls.add(
          new AggregateCall(AggregateFunction.AVG, first + 1, false, SqlType.DOUBLE, "avg_d"));
      output.addAll(
          List.of(
              new Column("sum_v", SqlType.BIGINT),
              new Column("count_v", SqlType.BIGINT),
              new Column("avg_d", SqlType.DOUBLE)));
    }
    batches = SyntheticBatches.of(columns, values, input);
    aggregate =
        new HashAggregateStage(
            keyIndexes,
            calls,
            AggregateStep.SINGLE,
            columns,
            output,
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
