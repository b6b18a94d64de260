package dev.tarn.core.format.parquet;

import static dev.tarn.core.format.FormatTestSupport.batch;
import static dev.tarn.core.format.FormatTestSupport.duckdb;
import static dev.tarn.core.format.FormatTestSupport.entry;
import static dev.tarn.core.format.FormatTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.format.BatchReader;
import dev.tarn.core.format.ScanRequest;
import dev.tarn.core.meta.Column;
import dev.tarn.core.storage.LocalStorage;
import dev.tarn.core.type.SqlType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Arrow -> Parquet -> Arrow, and Arrow -> Parquet -> DuckDB, for every type, with NULLs. */
class ParquetRoundTripTest {

  static final List<Column> COLUMNS =
      List.of(
          new Column("b", SqlType.BOOLEAN),
          new Column("ti", SqlType.TINYINT),
          new Column("si", SqlType.SMALLINT),
          new Column("i", SqlType.INTEGER),
          new Column("bi", SqlType.BIGINT),
          new Column("r", SqlType.REAL),
          new Column("d", SqlType.DOUBLE),
          new Column("dec_small", SqlType.decimal(7, 2)),
          new Column("dec_mid", SqlType.decimal(15, 2)),
          new Column("dec_big", SqlType.decimal(38, 10)),
          new Column("dec_odd", SqlType.decimal(20, 0)),
          new Column("s", SqlType.VARCHAR),
          new Column("bin", SqlType.VARBINARY),
          new Column("dt", SqlType.DATE),
          new Column("ts", SqlType.TIMESTAMP));

  @TempDir Path dir;

  /** Deterministic rows with a NULL in about one value in seven, negatives and extremes. */
  static List<List<Object>> rows(int count, long seed) {
    Random random = new Random(seed);
    List<List<Object>> rows = new ArrayList<>();
    for (int n = 0; n < count; n++) {
      List<Object> row = new ArrayList<>();
      row.add(random.nextBoolean());
      row.add((long) (byte) random.nextInt());
      row.add((long) (short) random.nextInt());
      row.add((long) random.nextInt());
      row.add(n == 0 ? Long.MIN_VALUE : random.nextLong());
      row.add((double) (random.nextFloat() * 1000 - 500));
      row.add(random.nextGaussian() * 1e6);
      row.add(BigDecimal.valueOf(random.nextInt(19_999_999) - 9_999_999, 2));
      row.add(BigDecimal.valueOf(random.nextLong() % 999_999_999_999_999L, 2));
      BigInteger big = new BigInteger(120, random);
      row.add(new BigDecimal(random.nextBoolean() ? big : big.negate(), 10));
      row.add(new BigDecimal(new BigInteger(64, random).negate()));
      row.add(n % 5 == 0 ? "" : "row " + n + " \u00e9\u6f22\ud83d\ude00 " + random.nextInt(100));
      byte[] bytes = new byte[random.nextInt(6)];
      random.nextBytes(bytes);
      row.add(HexFormat.of().formatHex(bytes));
      row.add(LocalDate.ofEpochDay(random.nextInt(40_000) - 10_000));
      row.add(
          LocalDateTime.of(1900 + random.nextInt(200), 1 + random.nextInt(12), 1, 0, 0)
              .plusSeconds(random.nextInt(86400 * 28))
              .plusNanos(random.nextInt(1_000_000) * 1000L));
      for (int c = 0; c < row.size(); c++) {
        if (random.nextInt(7) == 0) {
          row.set(c, null);
        }
      }
      rows.add(row);
    }
    return rows;
  }

  static int[] all(int n) {
    int[] projection = new int[n];
    for (int i = 0; i < n; i++) {
      projection[i] = i;
    }
    return projection;
  }

  /** Writes {@code rows} in batches of {@code batchRows}, row groups of at most 1000 rows. */
  Path write(RootAllocator allocator, List<List<Object>> rows, int batchRows) {
    Path file = dir.resolve("all_types.parquet");
    try (ParquetBatchWriter writer =
        new ParquetBatchWriter(file, COLUMNS, ParquetBatchWriter.DEFAULT_ROW_GROUP_BYTES, 1000)) {
      for (int start = 0; start < rows.size(); start += batchRows) {
        try (Batch batch =
            batch(
                allocator,
                COLUMNS,
                rows.subList(start, Math.min(rows.size(), start + batchRows)))) {
          writer.write(batch);
        }
      }
    }
    return file;
  }

  @Test
  void everyTypeSurvivesTheRoundTripAcrossBatchesAndRowGroups() {
    List<List<Object>> rows = rows(2500, 42);
    try (RootAllocator allocator = new RootAllocator()) {
      Path file = write(allocator, rows, 700);
      assertThat(ParquetFormatReader.footer(file).rowGroups()).isEqualTo(3);
      assertThat(ParquetFormatReader.footer(file).rowCount()).isEqualTo(2500);
      assertThat(ParquetFormatReader.footer(file).columns()).isEqualTo(COLUMNS);

      ScanRequest request = new ScanRequest(COLUMNS, all(COLUMNS.size()), Map.of(), 300);
      try (BatchReader reader =
          new ParquetFormatReader().open(new LocalStorage(), entry(file), request, allocator)) {
        assertThat(readAll(reader, 300)).isEqualTo(rows);
        assertThat(reader.bytesRead()).isGreaterThan(0);
      }
    }
  }

  @Test
  void duckDbReadsTheWrittenFileWithTheSameValues() {
    List<List<Object>> rows = rows(1200, 7);
    try (RootAllocator allocator = new RootAllocator()) {
      Path file = write(allocator, rows, 500);
      List<List<Object>> fromDuck =
          duckdb(
              "SELECT b, ti, si, i, bi, r, d, dec_small, dec_mid, dec_big, dec_odd, s, bin, dt, ts"
                  + " FROM read_parquet('"
                  + file
                  + "')");
      assertThat(fromDuck).isEqualTo(rows);
      // The column types DuckDB sees are the ones Tarn meant to write.
      assertThat(
              duckdb(
                  "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('"
                      + file
                      + "')) WHERE column_name IN ('dec_big', 'ts', 'dt', 's', 'ti')"))
          .containsExactly(
              List.of("ti", "TINYINT"),
              List.of("dec_big", "DECIMAL(38,10)"),
              List.of("s", "VARCHAR"),
              List.of("dt", "DATE"),
              List.of("ts", "TIMESTAMP"));
    }
  }
}
