package dev.tarn.core.format.parquet;

import static dev.tarn.core.format.FormatTestSupport.duckdb;
import static dev.tarn.core.format.FormatTestSupport.duckdbExecute;
import static dev.tarn.core.format.FormatTestSupport.entry;
import static dev.tarn.core.format.FormatTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.format.BatchReader;
import dev.tarn.core.format.FormatReaders;
import dev.tarn.core.format.ScanRequest;
import dev.tarn.core.meta.Column;
import dev.tarn.core.meta.FileFormat;
import dev.tarn.core.storage.LocalStorage;
import dev.tarn.core.type.SqlType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.NanoTime;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tarn reads Parquet files that DuckDB and parquet-mr wrote, and agrees with DuckDB on them. */
class ParquetFormatReaderTest {

  @TempDir static Path dir;
  static Path duckFile;

  /** What DuckDB writes for each SQL type Tarn has, with NULLs and 2 row groups of 3000 rows. */
  static final String SELECT =
      "SELECT (i % 3 = 0)::BOOLEAN AS b, (i % 100 - 50)::TINYINT AS ti, (i * 7 % 30000)::SMALLINT"
          + " AS si, (i * 31)::INTEGER AS i32, (i * 1000003 - 9000000)::BIGINT AS i64, (i /"
          + " 7.0)::REAL AS r, (i / 3.0)::DOUBLE AS d, ((i - 3000) / 100.0)::DECIMAL(4,2) AS dec4,"
          + " ((i - 3000) * 1.37)::DECIMAL(12,2) AS dec12, ((i - 3000) *"
          + " 12345678901.123)::DECIMAL(18,3) AS dec18, ((i - 3000) *"
          + " 123456789012345678901.5)::DECIMAL(38,4) AS dec38, 'str ' || i || repeat('x', i % 5)"
          + " AS s, ('bytes' || i)::BLOB AS bin, DATE '1960-01-01' + (i * 5)::INTEGER AS dt,"
          + " TIMESTAMP '1965-06-01 12:34:56.123456' + to_microseconds(i * 86399123457) AS ts";

  static final List<Column> COLUMNS =
      List.of(
          new Column("b", SqlType.BOOLEAN),
          new Column("ti", SqlType.TINYINT),
          new Column("si", SqlType.SMALLINT),
          new Column("i32", SqlType.INTEGER),
          new Column("i64", SqlType.BIGINT),
          new Column("r", SqlType.REAL),
          new Column("d", SqlType.DOUBLE),
          new Column("dec4", SqlType.decimal(4, 2)),
          new Column("dec12", SqlType.decimal(12, 2)),
          new Column("dec18", SqlType.decimal(18, 3)),
          new Column("dec38", SqlType.decimal(38, 4)),
          new Column("s", SqlType.VARCHAR),
          new Column("bin", SqlType.VARBINARY),
          new Column("dt", SqlType.DATE),
          new Column("ts", SqlType.TIMESTAMP));

  @BeforeAll
  static void writeWithDuckDb() {
    duckFile = dir.resolve("duck.parquet");
    String nulled =
        "SELECT CASE WHEN i % 11 = 0 THEN NULL ELSE b END AS b, ti, si,"
            + " CASE WHEN i % 13 = 0 THEN NULL ELSE i32 END AS i32, i64, r, d, dec4,"
            + " CASE WHEN i % 17 = 0 THEN NULL ELSE dec12 END AS dec12, dec18,"
            + " CASE WHEN i % 5 = 0 THEN NULL ELSE dec38 END AS dec38,"
            + " CASE WHEN i % 7 = 0 THEN NULL ELSE s END AS s, bin,"
            + " CASE WHEN i % 9 = 0 THEN NULL ELSE dt END AS dt,"
            + " CASE WHEN i % 10 = 0 THEN NULL ELSE ts END AS ts"
            + " FROM ("
            + SELECT
            + ", i FROM range(6000) t(i))";
    duckdbExecute(
        "COPY (" + nulled + ") TO '" + duckFile + "' (FORMAT PARQUET, ROW_GROUP_SIZE 3000)");
  }

  static int[] indexes(int... indexes) {
    return indexes;
  }

  static List<List<Object>> read(Path file, List<Column> columns, int[] projection, int batchRows) {
    try (RootAllocator allocator = new RootAllocator();
        BatchReader reader =
            FormatReaders.forFormat(FileFormat.PARQUET)
                .open(
                    new LocalStorage(),
                    entry(file),
                    new ScanRequest(columns, projection, Map.of(), batchRows),
                    allocator)) {
      return readAll(reader, batchRows);
    }
  }

  @Test
  void readsEveryTypeDuckDbWritesWithEqualValues() {
    int[] all = new int[COLUMNS.size()];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    List<List<Object>> tarn = read(duckFile, COLUMNS, all, 1024);
    List<List<Object>> duck = duckdb("SELECT * FROM read_parquet('" + duckFile + "')");
    assertThat(tarn).hasSize(6000).isEqualTo(duck);
  }

  @Test
  void readsOnlyTheProjectedColumnsInTheRequestedOrder() {
    int[] projection = indexes(11, 4); // s, i64
    List<List<Object>> tarn = read(duckFile, COLUMNS, projection, 500);
    assertThat(tarn).isEqualTo(duckdb("SELECT s, i64 FROM read_parquet('" + duckFile + "')"));

    try (RootAllocator allocator = new RootAllocator();
        BatchReader narrow = open(duckFile, COLUMNS, indexes(4), allocator);
        BatchReader wide = open(duckFile, COLUMNS, indexes(4, 11, 12, 10), allocator)) {
      readAll(narrow, 1000);
      readAll(wide, 1000);
      long chunkBytes =
          ((Number)
                  duckdb(
                          "SELECT sum(total_compressed_size) FROM parquet_metadata('"
                              + duckFile
                              + "') WHERE path_in_schema = 'i64'")
                      .get(0)
                      .get(0))
              .longValue();
      // Only the i64 chunks were read: their compressed size, nothing of the other columns.
      assertThat(narrow.bytesRead()).isEqualTo(chunkBytes);
      assertThat(wide.bytesRead()).isGreaterThan(narrow.bytesRead());
      assertThat(narrow.bytesRead()).isLessThan(Files.size(duckFile) / 5);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static BatchReader open(
      Path file, List<Column> columns, int[] projection, RootAllocator allocator) {
    return new ParquetFormatReader()
        .open(
            new LocalStorage(),
            entry(file),
            new ScanRequest(columns, projection, Map.of(), 1000),
            allocator);
  }

  @Test
  void matchesNamesCaseInsensitivelyAndReadsMissingColumnsAsNull() {
    List<Column> table =
        List.of(
            new Column("missing", SqlType.VARCHAR),
            new Column("I64", SqlType.BIGINT),
            new Column("also_missing", SqlType.DATE));
    List<List<Object>> tarn = read(duckFile, table, indexes(0, 1, 2), 4096);
    assertThat(tarn)
        .isEqualTo(
            duckdb("SELECT NULL::VARCHAR, i64, NULL::DATE FROM read_parquet('" + duckFile + "')"));
    // Only missing columns: the row count still comes from the footer.
    assertThat(read(duckFile, table, indexes(0), 4096)).hasSize(6000);
  }

  @Test
  void convertsFileTypesToTheTableTypes() {
    List<Column> table =
        List.of(
            new Column("ti", SqlType.decimal(3, 1)),
            new Column("i32", SqlType.BIGINT),
            new Column("dec12", SqlType.decimal(15, 2)),
            new Column("d", SqlType.decimal(20, 3)),
            new Column("dec18", SqlType.DOUBLE),
            new Column("dec38", SqlType.decimal(38, 2)),
            new Column("dt", SqlType.TIMESTAMP),
            new Column("r", SqlType.DOUBLE),
            new Column("dec4", SqlType.decimal(6, 3)),
            new Column("i64", SqlType.decimal(25, 2)),
            new Column("si", SqlType.decimal(6, 1)));
    List<List<Object>> tarn = read(duckFile, table, indexes(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 999);
    assertThat(tarn)
        .isEqualTo(
            duckdb(
                "SELECT ti::DECIMAL(3,1), i32::BIGINT, dec12::DECIMAL(15,2), d::DECIMAL(20,3),"
                    + " dec18::DOUBLE, dec38::DECIMAL(38,2), dt::TIMESTAMP, r::DOUBLE,"
                    + " dec4::DECIMAL(6,3), i64::DECIMAL(25,2), si::DECIMAL(6,1)"
                    + " FROM read_parquet('"
                    + duckFile
                    + "')"));
  }

  @Test
  void projectsTheSameColumnTwice() {
    assertThat(read(duckFile, COLUMNS, indexes(11, 3, 11), 700))
        .isEqualTo(duckdb("SELECT s, i32, s FROM read_parquet('" + duckFile + "')"));
  }

  @Test
  void refusesImpossibleConversionsNamingFileAndColumn() {
    List<Column> table = List.of(new Column("s", SqlType.INTEGER));
    assertThatThrownBy(() -> read(duckFile, table, indexes(0), 100))
        .isInstanceOfSatisfying(
            TarnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_DATA))
        .hasMessageContaining(duckFile.toString())
        .hasMessageContaining("column s")
        .hasMessageContaining("cannot be read as integer");
  }

  @Test
  void reportsValuesThatDoNotFitTheTableDecimal() {
    List<Column> table = List.of(new Column("dec12", SqlType.decimal(5, 2)));
    assertThatThrownBy(() -> read(duckFile, table, indexes(0), 100))
        .isInstanceOf(TarnException.class)
        .hasMessageContaining(duckFile.toString() + ", row group 0: column dec12 value")
        .hasMessageContaining("does not fit decimal(5,2)");
  }

  @Test
  void rejectsAFileThatIsNotParquet() throws IOException {
    Path bogus = dir.resolve("bogus.parquet");
    Files.writeString(bogus, "a,b,c\n1,2,3\nthis is certainly not a parquet footer\n");
    assertThatThrownBy(() -> read(bogus, COLUMNS, indexes(0), 100))
        .isInstanceOfSatisfying(
            TarnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_DATA))
        .hasMessageStartingWith(bogus + ": not a Parquet file (");
    Path empty = dir.resolve("empty.parquet");
    Files.write(empty, new byte[0]);
    assertThatThrownBy(() -> read(empty, COLUMNS, indexes(0), 100))
        .hasMessageStartingWith(empty + ": not a Parquet file (");
    Path missing = dir.resolve("nope.parquet");
    assertThatThrownBy(() -> ParquetFormatReader.footer(missing))
        .isInstanceOfSatisfying(
            TarnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PATH_NOT_FOUND))
        .hasMessageContaining(missing.toString());
  }

  @Test
  void readsLegacyInt96TimestampsAsDuckDbDoes() throws IOException {
    Path file = dir.resolve("int96.parquet");
    MessageType schema =
        MessageTypeParser.parseMessageType(
            "message hive { optional int96 ts; optional binary name; optional int64 n; }");
    SimpleGroupFactory groups = new SimpleGroupFactory(schema);
    LocalDateTime start = LocalDateTime.of(1899, 12, 31, 23, 59, 58, 999_999_000);
    try (ParquetWriter<Group> writer =
        ExampleParquetWriter.builder(new LocalOutputFile(file)).withType(schema).build()) {
      for (int i = 0; i < 500; i++) {
        Group group = groups.newGroup();
        if (i % 9 != 0) {
          LocalDateTime t = start.plusSeconds(i * 7_919_993L).plusNanos(i * 1000L);
          long julianDay = t.toLocalDate().toEpochDay() + 2_440_588L;
          long nanosOfDay = t.toLocalTime().toNanoOfDay();
          group.add("ts", new NanoTime((int) julianDay, nanosOfDay));
        }
        group.add("name", "n" + i);
        group.add("n", (long) i);
        writer.write(group);
      }
    }
    List<Column> table =
        List.of(
            new Column("n", SqlType.BIGINT),
            new Column("ts", SqlType.TIMESTAMP),
            new Column("name", SqlType.VARCHAR));
    assertThat(read(file, table, indexes(0, 1, 2), 128))
        .isEqualTo(
            duckdb(
                "SELECT n, ts, name::VARCHAR FROM read_parquet('"
                    + file
                    + "', binary_as_string = true)"));
    assertThat(start.toEpochSecond(ZoneOffset.UTC)).isNegative();
  }
}
