package dev.tarn.bench.jmh;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.meta.Column;
import dev.tarn.core.plan.SortKey;
import dev.tarn.core.stats.OperatorStats;
import dev.tarn.core.type.SqlType;
import dev.tarn.operators.sort.SortStage;
import java.nio.charset.StandardCharsets;
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
 * A full in-memory sort ({@link SortStage} without limit or spilling) of {@value #ROWS} generated
 * rows {@code (k bigint, s varchar, v double)}, ascending on {@code k} (random longs) or on {@code
 * s} (strings of 8 to 24 characters whose first characters are often shared, so comparisons read
 * past a common prefix). Sorting retains the input, sorts a row permutation and gathers the rows
 * once, so the score includes that copy of all three columns.
 */
public class SortBenchmark extends OperatorBenchmark {
  static final int ROWS = 1_000_000;

  private static final List<Column> COLUMNS =
      List.of(
          new Column("k", SqlType.BIGINT),
          new Column("s", SqlType.VARCHAR),
          new Column("v", SqlType.DOUBLE));

  /** The sort key: {@code bigint} (column k) or {@code varchar} (column s). */
  @Param({"bigint", "varchar"})
  public String key;

  private List<Batch> batches;
  private SortStage sort;

  @Setup(Level.Trial)
  public void setUp() {
    openMemory("input", "jmh-sort");
    SplittableRandom random = new SplittableRandom(3);
    long[] longs = new long[ROWS];
    byte[][] strings = new byte[ROWS][];
    double[] doubles = new double[ROWS];
    String[] prefixes = {"", "customer#", "customer#000", "supplier#0000"};
    for (int i = 0; i < ROWS; i++) {
      longs[i] = random.nextLong();
      String text =
          prefixes[random.nextInt(prefixes.length)] + Long.toString(random.nextLong() >>> 1, 36);
      strings[i] = text.substring(0, Math.min(24, text.length())).getBytes(StandardCharsets.UTF_8);
      doubles[i] = random.nextDouble();
    }
    batches = SyntheticBatches.of(COLUMNS, List.of(longs, strings, doubles), input);
    int column;
    switch (key) {
      case "bigint":
        column = 0;
        break;
      case "varchar":
        column = 1;
        break;
      default:
        throw new IllegalArgumentException("key must be bigint or varchar, was " + key);
    }
    sort =
        new SortStage(
            List.of(new SortKey(column, true, false)),
            -1,
            COLUMNS,
            operators,
            new OperatorStats("Sort"));
    long out = sortOnce();
    if (out != ROWS) {
      throw new IllegalStateException("sort emitted " + out + " rows, expected " + ROWS);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    LineitemData.closeAll(batches);
    closeMemory();
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public long fullSort() {
    return sortOnce();
  }

  private long sortOnce() {
    return streams.drain(Source.from(OperatorStreams.handOver(batches, operators)).via(sort));
  }
}
