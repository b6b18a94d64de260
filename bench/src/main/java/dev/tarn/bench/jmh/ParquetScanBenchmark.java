package dev.tarn.bench.jmh;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.format.BatchReader;
import dev.tarn.core.format.FormatReader;
import dev.tarn.core.format.FormatReaders;
import dev.tarn.core.format.ScanRequest;
import dev.tarn.core.meta.FileFormat;
import dev.tarn.core.storage.FileEntry;
import dev.tarn.core.storage.LakeStorage;
import dev.tarn.core.storage.LocalStorage;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Parquet to Arrow: Tarn's Parquet reader decoding five lineitem columns (quantity, extended price,
 * discount, ship date, return flag) of one SF 0.1 file into batches, and, on the same file, DuckDB
 * answering {@code SELECT sum(l_quantity), sum(l_extendedprice), min(l_shipdate)} through JDBC.
 *
 * <p>The two do not do identical work: Tarn only decodes (no aggregation), DuckDB decodes three of
 * the columns and aggregates them, with its own thread pool (all cores). The comparison answers
 * "how fast does each engine turn this file into something it can compute on", in rows per second.
 * The reader is called directly rather than through the scan operator so that the figure is the
 * format reader's alone (the scan operator only adds split bookkeeping and partition columns).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {
      "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"
    })
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class ParquetScanBenchmark {
  private final LakeStorage storage = new LocalStorage();
  private final FormatReader reader = FormatReaders.forFormat(FileFormat.PARQUET);
  private final ScanRequest request = LineitemData.request(LineitemData.SCAN_COLUMNS);
  private Path file;
  private FileEntry entry;
  private BufferAllocator allocator;
  private Connection duckdb;
  private String duckdbQuery;

  @Setup(Level.Trial)
  public void setUp() throws SQLException {
    file = LineitemData.file();
    entry = new FileEntry(file.toString(), file.toFile().length(), file.toFile().lastModified());
    allocator = new RootAllocator();
    duckdb = DriverManager.getConnection("jdbc:duckdb:");
    String source = "read_parquet('" + file.toString().replace("'", "''") + "')";
    duckdbQuery = "SELECT sum(l_quantity), sum(l_extendedprice), min(l_shipdate) FROM " + source;
    checkSameAnswer();
  }

  /**
   * Fails the run unless Tarn's reader and DuckDB see the same data: the sums and the minimum of
   * the DuckDB query, computed over the batches Tarn reads.
   */
  private void checkSameAnswer() throws SQLException {
    BigDecimal quantity = BigDecimal.ZERO;
    BigDecimal price = BigDecimal.ZERO;
    int minShipDate = Integer.MAX_VALUE;
    List<Batch> batches = LineitemData.read(file, LineitemData.SCAN_COLUMNS, allocator);
    try {
      for (Batch batch : batches) {
        DecimalVector quantities = (DecimalVector) batch.vector(0);
        DecimalVector prices = (DecimalVector) batch.vector(1);
        DateDayVector shipDates = (DateDayVector) batch.vector(3);
        for (int i = 0; i < batch.rowCount(); i++) {
          quantity = quantity.add(quantities.getObject(i));
          price = price.add(prices.getObject(i));
          minShipDate = Math.min(minShipDate, shipDates.get(i));
        }
      }
    } finally {
      LineitemData.closeAll(batches);
    }
    try (Statement statement = duckdb.createStatement();
        ResultSet rows = statement.executeQuery(duckdbQuery)) {
      rows.next();
      String tarn = quantity + ", " + price + ", " + LocalDate.ofEpochDay(minShipDate);
      String duck =
          rows.getBigDecimal(1)
              + ", "
              + rows.getBigDecimal(2)
              + ", "
              + rows.getObject(3, LocalDate.class);
      if (!tarn.equals(duck)) {
        throw new IllegalStateException(
            "Tarn and DuckDB read " + file + " differently: " + tarn + " against " + duck);
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws SQLException {
    duckdb.close();
    allocator.close();
  }

  /** Tarn's Parquet reader: every batch decoded into Arrow vectors, then released. */
  @Benchmark
  @OperationsPerInvocation(LineitemData.ROWS)
  public long tarnParquetToArrow(Blackhole blackhole) {
    long rows = 0;
    try (BatchReader batches = reader.open(storage, entry, request, allocator)) {
      Batch next;
      while ((next = batches.next()) != null) {
        try (Batch batch = next) {
          rows += batch.rowCount();
          blackhole.consume(batch.vector(0).getDataBuffer().memoryAddress());
        }
      }
    }
    return rows;
  }

  /** DuckDB reading the same file and aggregating three of the columns. */
  @Benchmark
  @OperationsPerInvocation(LineitemData.ROWS)
  public void duckdbReadParquetAggregate(Blackhole blackhole) throws SQLException {
    try (Statement statement = duckdb.createStatement();
        ResultSet rows = statement.executeQuery(duckdbQuery)) {
      rows.next();
      blackhole.consume(rows.getObject(1));
      blackhole.consume(rows.getObject(2));
      blackhole.consume(rows.getObject(3));
    }
  }
}
