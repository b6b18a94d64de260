package dev.tarn.core.format.parquet;

import static dev.tarn.core.format.FormatTestSupport.duckdb;
import static dev.tarn.core.format.FormatTestSupport.duckdbExecute;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tarn.core.meta.Column;
import dev.tarn.core.type.SqlType;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import org.apache.parquet.column.EncodingStats;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Tarn's own page decoding (levels, PLAIN, dictionaries, the parquet-mr fallback for other
 * encodings) agrees with DuckDB on files from three writers: parquet-mr with dictionaries on and
 * off, V1 and V2 pages, and pages small enough that chunks have many pages and fall back from
 * dictionary to PLAIN; DuckDB with V1 and V2 pages; Tarn's own writer. Batch sizes are chosen to
 * straddle pages.
 */
class ParquetPageDecodingTest {
  @TempDir Path dir;

  static final List<Column> MR_COLUMNS =
      List.of(
          new Column("id", SqlType.BIGINT),
          new Column("b", SqlType.BOOLEAN),
          new Column("i32", SqlType.INTEGER),
          new Column("i64", SqlType.BIGINT),
          new Column("r", SqlType.REAL),
          new Column("d", SqlType.DOUBLE),
          new Column("dec9", SqlType.decimal(9, 2)),
          new Column("dec18", SqlType.decimal(18, 3)),
          new Column("dec38", SqlType.decimal(38, 4)),
          new Column("s", SqlType.VARCHAR),
          new Column("dt", SqlType.DATE),
          new Column("ts", SqlType.TIMESTAMP),
          new Column("fx", SqlType.VARBINARY));

  static final MessageType MR_SCHEMA =
      MessageTypeParser.parseMessageType(
          "message m { required int64 id; optional boolean b; optional int32 i32;"
              + " optional int64 i64; optional float r; optional double d;"
              + " optional int32 dec9 (DECIMAL(9,2)); optional int64 dec18 (DECIMAL(18,3));"
              + " optional fixed_len_byte_array(16) dec38 (DECIMAL(38,4));"
              + " optional binary s (STRING); optional int32 dt (DATE);"
              + " optional int64 ts (TIMESTAMP(MICROS,false));"
              + " optional fixed_len_byte_array(3) fx; }");

  /**
   * Writes 20000 rows with parquet-mr; values repeat early and vary later (dictionary fallback).
   */
  private Path writeWithParquetMr(boolean dictionary, boolean v2) throws IOException {
    Path file = dir.resolve("mr-" + dictionary + "-" + v2 + ".parquet");
    SimpleGroupFactory groups = new SimpleGroupFactory(MR_SCHEMA);
    try (ParquetWriter<Group> writer =
        ExampleParquetWriter.builder(new LocalOutputFile(file))
            .withType(MR_SCHEMA)
            .withDictionaryEncoding(dictionary)
            .withWriterVersion(
                v2
                    ? ParquetProperties.WriterVersion.PARQUET_2_0
                    : ParquetProperties.WriterVersion.PARQUET_1_0)
            .withCompressionCodec(CompressionCodecName.SNAPPY)
            .withPageSize(2048)
            .withPageRowCountLimit(700)
            .withDictionaryPageSize(1024)
            .withRowGroupSize(256L * 1024)
            .build()) {
      for (int i = 0; i < 20_000; i++) {
        // Few distinct values in the first rows, then many: the dictionary overflows mid-chunk.
        long v = i < 3000 ? i % 17 : (long) i * 7919 % 100_003;
        Group g = groups.newGroup();
        g.add("id", (long) i);
        if (i % 7 != 0) {
          g.add("b", v % 3 == 0);
        }
        if (i % 5 != 1) {
          g.add("i32", (int) (v * 31 - 50_000));
        }
        if (i % 11 != 2) {
          g.add("i64", v * 1_000_003L - 9_000_000_000L);
        }
        if (i % 13 != 3) {
          g.add("r", v / 7.0f);
        }
        if (i % 3 != 0) {
          g.add("d", v / 3.0);
        }
        if (i % 4 != 0) {
          g.add("dec9", (int) (v * 13 - 600_000));
        }
        if (i % 6 != 0) {
          g.add("dec18", v * 12_345_678_901L - 5);
        }
        if (i % 8 != 0) {
          BigInteger unscaled = BigInteger.valueOf(v - 50_000).multiply(BigInteger.TEN.pow(30));
          g.add("dec38", Binary.fromConstantByteArray(bigEndian16(unscaled)));
        }
        if (i % 9 != 0) {
          g.add("s", "str " + v + "x".repeat((int) (v % 6)));
        }
        if (i % 10 != 0) {
          g.add("dt", (int) (v % 40_000 - 10_000));
        }
        if (i % 12 != 0) {
          g.add("ts", v * 86_399_123_457L - 1_000_000_000_000_000L);
        }
        if (i % 14 != 0) {
          byte[] fixed = {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16)};
          g.add("fx", Binary.fromConstantByteArray(fixed));
        }
        writer.write(g);
      }
    }
    return file;
  }

  private static byte[] bigEndian16(BigInteger value) {
    byte[] bytes = value.toByteArray();
    byte[] out = new byte[16];
    byte fill = value.signum() < 0 ? (byte) -1 : 0;
    java.util.Arrays.fill(out, 0, 16 - bytes.length, fill);
    System.arraycopy(bytes, 0, out, 16 - bytes.length, bytes.length);
    return out;
  }

  private static int[] all(List<Column> columns) {
    int[] projection = new int[columns.size()];
    for (int i = 0; i < projection.length; i++) {
      projection[i] = i;
    }
    return projection;
  }

  private static String names(List<Column> columns) {
    StringBuilder names = new StringBuilder();
    for (Column column : columns) {
      names.append(names.length() == 0 ? "" : ", ").append(column.name());
    }
    return names.toString();
  }

  @ParameterizedTest(name = "dictionary {0}, V2 pages {1}")
  @CsvSource({"true, false", "true, true", "false, false", "false, true"})
  void readsParquetMrFilesAsDuckDbDoes(boolean dictionary, boolean v2) throws IOException {
    Path file = writeWithParquetMr(dictionary, v2);
    try (ParquetFileReader reader = ParquetBatchReader.openFile(file, file.toString())) {
      List<BlockMetaData> blocks = reader.getRowGroups();
      assertThat(blocks.size()).as("row groups").isGreaterThan(1);
      if (dictionary) {
        // The point of the small dictionary: some chunk switches from dictionary pages to others.
        boolean fellBack = false;
        for (BlockMetaData block : blocks) {
          for (ColumnChunkMetaData chunk : block.getColumns()) {
            EncodingStats stats = chunk.getEncodingStats();
            fellBack |= stats.hasDictionaryEncodedPages() && stats.hasNonDictionaryEncodedPages();
          }
        }
        assertThat(fellBack).as("a chunk falls back from dictionary pages").isTrue();
      }
    }
    List<List<Object>> expected =
        duckdb("SELECT " + names(MR_COLUMNS) + " FROM read_parquet('" + file + "') ORDER BY id");
    for (int batchRows : new int[] {333, 4096}) {
      assertThat(ParquetFormatReaderTest.read(file, MR_COLUMNS, all(MR_COLUMNS), batchRows))
          .as("batches of %d rows", batchRows)
          .hasSize(20_000)
          .isEqualTo(expected);
    }
  }

  static final List<Column> DUCK_COLUMNS =
      List.of(
          new Column("b", SqlType.BOOLEAN),
          new Column("i32", SqlType.INTEGER),
          new Column("i64", SqlType.BIGINT),
          new Column("r", SqlType.REAL),
          new Column("d", SqlType.DOUBLE),
          new Column("dec9", SqlType.decimal(9, 2)),
          new Column("dec18", SqlType.decimal(18, 3)),
          new Column("dec38", SqlType.decimal(38, 4)),
          new Column("s", SqlType.VARCHAR),
          new Column("dt", SqlType.DATE),
          new Column("ts", SqlType.TIMESTAMP));

  @ParameterizedTest(name = "{0}")
  @CsvSource({"V1", "V2"})
  void readsDuckDbFilesOfBothPageVersions(String version) {
    Path file = dir.resolve("duck-" + version + ".parquet");
    String select =
        "SELECT CASE WHEN i % 7 = 0 THEN NULL ELSE i % 3 = 0 END AS b,"
            + " CASE WHEN i % 5 = 1 THEN NULL ELSE (i * 31 - 50000)::INTEGER END AS i32,"
            + " CASE WHEN i < 5000 THEN i % 13 ELSE i * 1000003 - 9000000000 END::BIGINT AS i64,"
            + " CASE WHEN i % 13 = 3 THEN NULL ELSE (i / 7.0)::REAL END AS r,"
            + " (i % 1000 / 3.0)::DOUBLE AS d,"
            + " CASE WHEN i % 4 = 0 THEN NULL ELSE ((i - 9000) * 1.37)::DECIMAL(9,2) END AS dec9,"
            + " ((i - 9000) * 12345678.123)::DECIMAL(18,3) AS dec18,"
            + " CASE WHEN i % 8 = 0 THEN NULL"
            + " ELSE ((i - 9000) * 123456789012345678901.5)::DECIMAL(38,4) END AS dec38,"
            + " CASE WHEN i % 9 = 0 THEN NULL ELSE 'str ' || (i % 50) || repeat('x', i % 5) END"
            + " AS s,"
            + " DATE '1960-01-01' + (i * 5)::INTEGER AS dt,"
            + " CASE WHEN i % 12 = 0 THEN NULL"
            + " ELSE TIMESTAMP '1965-06-01 12:34:56.123456' + to_microseconds(i * 86399123457) END"
            + " AS ts"
            + " FROM range(30000) t(i)";
    duckdbExecute(
        "COPY ("
            + select
            + ") TO '"
            + file
            + "' (FORMAT PARQUET, ROW_GROUP_SIZE 7000, PARQUET_VERSION "
            + version
            + ")");
    List<List<Object>> expected =
        duckdb("SELECT " + names(DUCK_COLUMNS) + " FROM read_parquet('" + file + "')");
    for (int batchRows : new int[] {1000, 2047}) {
      assertThat(ParquetFormatReaderTest.read(file, DUCK_COLUMNS, all(DUCK_COLUMNS), batchRows))
          .as("batches of %d rows", batchRows)
          .hasSize(30_000)
          .isEqualTo(expected);
    }
  }

  @Test
  void readsTarnsOwnFilesAsDuckDbDoes() throws Exception {
    Path file = dir.resolve("tarn.parquet");
    List<Column> columns = DUCK_COLUMNS;
    List<List<Object>> rows = new java.util.ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      rows.add(
          java.util.Arrays.asList(
              i % 7 == 0 ? null : i % 3 == 0,
              i % 5 == 1 ? null : (long) (i * 31 - 50_000),
              (long) i * 1_000_003L - 9_000_000_000L,
              i % 13 == 3 ? null : (double) (i / 7.0f),
              i / 3.0,
              i % 4 == 0 ? null : BigDecimal.valueOf(i * 137L - 900_000, 2),
              BigDecimal.valueOf(i * 12_345_678_123L, 3),
              i % 8 == 0 ? null : new BigDecimal(BigInteger.valueOf(i - 2000).pow(9), 4),
              i % 9 == 0 ? null : "str " + (i % 50),
              java.time.LocalDate.ofEpochDay(i * 5L - 3000),
              i % 12 == 0
                  ? null
                  : java.time.LocalDateTime.of(1965, 6, 1, 12, 34, 56, 123_456_000)
                      .plusSeconds(i * 86_399L)));
    }
    try (org.apache.arrow.memory.RootAllocator allocator =
            new org.apache.arrow.memory.RootAllocator();
        ParquetBatchWriter writer = new ParquetBatchWriter(file, columns, Long.MAX_VALUE, 1500);
        dev.tarn.core.batch.Batch batch =
            dev.tarn.core.batch.BatchRows.fromRows(columns, rows, allocator)) {
      writer.write(batch);
    }
    assertThat(ParquetFormatReaderTest.read(file, columns, all(columns), 999))
        .hasSize(5000)
        .isEqualTo(duckdb("SELECT " + names(columns) + " FROM read_parquet('" + file + "')"));
  }
}
