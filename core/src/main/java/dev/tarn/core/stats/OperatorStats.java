package dev.tarn.core.stats;

import dev.tarn.core.serde.TarnMessage;
import java.util.Objects;

/**
 * The counters of one operator during one stage run: what {@code EXPLAIN ANALYZE}, the query
 * history and the API report per operator.
 *
 * <p>Owned by the stage run that updates it: the operator's logic is its only writer and runs on
 * one thread at a time (Pekko's stage actor). Fields are volatile so that another thread (the task
 * actor collecting statistics) may take a {@link #snapshot()} while the stream runs; such a
 * snapshot may mix values from two moments, which is fine for progress figures.
 */
public final class OperatorStats {
  private final String name;
  private volatile long rowsIn;
  private volatile long rowsOut;
  private volatile long batchesIn;
  private volatile long batchesOut;
  private volatile long bytesOut;
  private volatile long wallNanos;
  private volatile long cpuNanos;
  private volatile long filesOpened;
  private volatile long bytesRead;
  private volatile long spillBytes;

  /** Counters for the operator named {@code name} (shown first on its EXPLAIN line). */
  public OperatorStats(String name) {
    this.name = Objects.requireNonNull(name, "name");
  }

  public String name() {
    return name;
  }

  /** Counts one input batch of {@code rows} rows. */
  public void addInput(long rows) {
    batchesIn++;
    rowsIn += rows;
  }

  /** Counts one output batch of {@code rows} rows holding {@code bytes} bytes. */
  public void addOutput(long rows, long bytes) {
    batchesOut++;
    rowsOut += rows;
    bytesOut += bytes;
  }

  /**
   * Adds time spent inside the operator: wall time ({@link System#nanoTime()}) and the CPU time of
   * the thread that ran it ({@link #threadCpuNanos()}).
   */
  public void addTime(long wall, long cpu) {
    wallNanos += wall;
    cpuNanos += cpu;
  }

  /** CPU time of the current thread in nanoseconds, or 0 where the JVM cannot measure it. */
  public static long threadCpuNanos() {
    return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : 0;
  }

  private static final java.lang.management.ThreadMXBean THREADS =
      java.lang.management.ManagementFactory.getThreadMXBean();

  public void addFileOpened() {
    filesOpened++;
  }

  public void addBytesRead(long bytes) {
    bytesRead += bytes;
  }

  public void addSpillBytes(long bytes) {
    spillBytes += bytes;
  }

  public long rowsIn() {
    return rowsIn;
  }

  public long rowsOut() {
    return rowsOut;
  }

  public long batchesIn() {
    return batchesIn;
  }

  public long batchesOut() {
    return batchesOut;
  }

  public long bytesOut() {
    return bytesOut;
  }

  public long wallNanos() {
    return wallNanos;
  }

  public long cpuNanos() {
    return cpuNanos;
  }

  public long filesOpened() {
    return filesOpened;
  }

  public long bytesRead() {
    return bytesRead;
  }

  public long spillBytes() {
    return spillBytes;
  }

  /** The counters as they are now, as an immutable message. */
  public Snapshot snapshot() {
    return new Snapshot(
        name,
        rowsIn,
        rowsOut,
        batchesIn,
        batchesOut,
        bytesOut,
        wallNanos,
        cpuNanos,
        filesOpened,
        bytesRead,
        spillBytes);
  }

  /** Immutable counters of one operator, as they travel to the coordinator. */
  public record Snapshot(
      String name,
      long rowsIn,
      long rowsOut,
      long batchesIn,
      long batchesOut,
      long bytesOut,
      long wallNanos,
      long cpuNanos,
      long filesOpened,
      long bytesRead,
      long spillBytes)
      implements TarnMessage {
    public Snapshot {
      Objects.requireNonNull(name, "name");
    }

    /** Sums two snapshots of the same operator (e.g. from the tasks of one stage). */
    public Snapshot plus(Snapshot other) {
      return new Snapshot(
          name,
          rowsIn + other.rowsIn,
          rowsOut + other.rowsOut,
          batchesIn + other.batchesIn,
          batchesOut + other.batchesOut,
          bytesOut + other.bytesOut,
          wallNanos + other.wallNanos,
          cpuNanos + other.cpuNanos,
          filesOpened + other.filesOpened,
          bytesRead + other.bytesRead,
          spillBytes + other.spillBytes);
    }

    /**
     * One EXPLAIN ANALYZE line, e.g. {@code HashAggregate: rowsIn=10, rowsOut=2, batchesIn=1,
     * batchesOut=1, bytesOut=96, wallMillis=0.4, cpuMillis=0.3}; scan and spill figures only when
     * non-zero.
     */
    public String explainLine() {
      StringBuilder line = new StringBuilder(name).append(": ");
      line.append("rowsIn=").append(rowsIn);
      line.append(", rowsOut=").append(rowsOut);
      line.append(", batchesIn=").append(batchesIn);
      line.append(", batchesOut=").append(batchesOut);
      line.append(", bytesOut=").append(bytesOut);
      line.append(", wallMillis=")
          .append(String.format(java.util.Locale.ROOT, "%.1f", wallNanos / 1e6));
      line.append(", cpuMillis=")
          .append(String.format(java.util.Locale.ROOT, "%.1f", cpuNanos / 1e6));
      if (filesOpened != 0 || bytesRead != 0) {
        line.append(", filesOpened=").append(filesOpened);
        line.append(", bytesRead=").append(bytesRead);
      }
      if (spillBytes != 0) {
        line.append(", spillBytes=").append(spillBytes);
      }
      return line.toString();
    }
  }
}
