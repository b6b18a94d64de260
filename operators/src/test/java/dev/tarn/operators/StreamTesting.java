package dev.tarn.operators;

import dev.tarn.core.batch.Batch;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/** Runs operator streams in tests and normalizes values for comparison with DuckDB. */
public final class StreamTesting {
  private static final ActorTestKit TESTKIT = ActorTestKit.create("operators-test");

  private StreamTesting() {}

  public static ActorSystem<Void> system() {
    return TESTKIT.system();
  }

  /** Runs source via flow into Sink.seq and returns the output batches (caller closes them). */
  public static List<Batch> run(Source<Batch, ?> source, Flow<Batch, Batch, ?> flow) {
    return run(source.via(flow));
  }

  public static List<Batch> run(Source<Batch, ?> source) {
    try {
      return new ArrayList<>(
          source.runWith(Sink.seq(), system()).toCompletableFuture().get(30, TimeUnit.SECONDS));
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Runs a source and returns its rows, closing each batch as it arrives: for streams that may fail
   * part way (Sink.seq would drop, and leak, what it collected).
   */
  public static List<List<Object>> runRows(Source<Batch, ?> source) {
    List<List<Object>> rows = java.util.Collections.synchronizedList(new ArrayList<>());
    try {
      source
          .runWith(
              Sink.foreach(
                  batch -> {
                    try (batch) {
                      rows.addAll(dev.tarn.core.batch.BatchRows.toRows(batch));
                    }
                  }),
              system())
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      return rows;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Rows made comparable across engines: decimals without trailing zeros, doubles rounded to 10
   * significant digits (sums may differ in the last bits with the order of addition).
   */
  public static List<List<Object>> canonical(List<List<Object>> rows) {
    List<List<Object>> out = new ArrayList<>(rows.size());
    for (List<Object> row : rows) {
      List<Object> r = new ArrayList<>(row.size());
      for (Object v : row) {
        if (v instanceof BigDecimal d) {
          r.add(d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString());
        } else if (v instanceof Double d) {
          r.add(
              d.isNaN() || d.isInfinite() || d == 0
                  ? d.toString()
                  : new BigDecimal(d)
                      .round(new MathContext(10))
                      .stripTrailingZeros()
                      .toPlainString());
        } else if (v instanceof byte[] b) {
          r.add(java.util.Arrays.toString(b));
        } else {
          r.add(v);
        }
      }
      out.add(r);
    }
    return out;
  }

  /** Canonical rows in a stable order, for order-insensitive comparisons. */
  public static List<List<Object>> canonicalSorted(List<List<Object>> rows) {
    List<List<Object>> out = new ArrayList<>(canonical(rows));
    out.sort((a, b) -> a.toString().compareTo(b.toString()));
    return out;
  }
}
