package dev.tarn.bench.jmh;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.meta.Column;
import dev.tarn.operators.exchange.ArrowIpc;
import dev.tarn.operators.exchange.HashPartitioner;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What an exchange does to every batch it moves, over all sixteen lineitem columns of SF 0.1 in
 * memory (text columns included, as a repartitioned lineitem carries them):
 *
 * <ul>
 *   <li>{@link #ipcEncodeDecode}: the sending task's {@link ArrowIpc#encode} to bytes and the
 *       receiving task's {@link ArrowIpc#decode} back to vectors (the StreamRef hop between them is
 *       not measured);
 *   <li>{@link #hashPartition8}: {@link HashPartitioner#partition} on {@code l_orderkey} into 8
 *       output batches, as a partitioned exchange to 8 tasks splits its input.
 * </ul>
 *
 * Both are plain functions the exchange calls once per batch, so they are called directly here: a
 * stream around them would add only its per-batch hand-off.
 */
public class ExchangeBenchmark extends OperatorBenchmark {
  private static final int[] ORDER_KEY = {0};
  private static final int PARTITIONS = 8;

  private BufferAllocator exchange;
  private List<Batch> lineitem;
  private List<Column> columns;

  @Setup(Level.Trial)
  public void setUp() {
    openMemory("lineitem", null);
    exchange = root.newChildAllocator("exchange", 0, Long.MAX_VALUE);
    columns = LineitemData.tableColumns();
    if (!columns.get(ORDER_KEY[0]).name().equals("l_orderkey")) {
      throw new IllegalStateException("lineitem's first column is not l_orderkey: " + columns);
    }
    List<String> names = columns.stream().map(Column::name).toList();
    lineitem = LineitemData.read(LineitemData.file(), names, input);
    if (ipcEncodeDecode() != LineitemData.ROWS || hashPartition8() != LineitemData.ROWS) {
      throw new IllegalStateException("the exchange lost or invented rows");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    LineitemData.closeAll(lineitem);
    exchange.close();
    closeMemory();
  }

  @Benchmark
  @OperationsPerInvocation(LineitemData.ROWS)
  public long ipcEncodeDecode() {
    long rows = 0;
    for (int b = 0; b < lineitem.size(); b++) {
      byte[] message = ArrowIpc.encode(lineitem.get(b));
      try (Batch received = ArrowIpc.decode(message, columns, exchange)) {
        rows += received.rowCount();
      }
    }
    return rows;
  }

  @Benchmark
  @OperationsPerInvocation(LineitemData.ROWS)
  public long hashPartition8() {
    long rows = 0;
    for (int b = 0; b < lineitem.size(); b++) {
      Batch[] parts = HashPartitioner.partition(lineitem.get(b), ORDER_KEY, PARTITIONS, exchange);
      for (Batch part : parts) {
        if (part != null) {
          rows += part.rowCount();
          part.close();
        }
      }
    }
    return rows;
  }
}
