package dev.tarn.core.format.csv;

import static dev.tarn.core.format.FormatTestSupport.duckdb;
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
import dev.tarn.core.storage.FileEntry;
import dev.tarn.core.storage.LocalStorage;
import dev.tarn.core.type.SqlType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvFormatReaderTest {

  @TempDir Path dir;

  static final List<Column> COLUMNS =
      List.of(
          new Column("id", SqlType.BIGINT),
          new Column("name", SqlType.VARCHAR),
          new Column("price", SqlType.decimal(10, 2)),
          new Column("qty", SqlType.INTEGER),
          new Column("ratio", SqlType.DOUBLE),
          new Column("active", SqlType.BOOLEAN),
          new Column("day", SqlType.DATE),
          new Column("at", SqlType.TIMESTAMP),
          new Column("small", SqlType.SMALLINT));

  static List<List<Object>> read(
      Path file, List<Column> columns, int[] projection, Map<String, String> props, int batch) {
    try (RootAllocator allocator = new RootAllocator();
        BatchReader reader =
            FormatReaders.forFormat(FileFormat.CSV)
                .open(
                    new LocalStorage(),
                    entry(file),
                    new ScanRequest(columns, projection, props, batch),
                    allocator)) {
      List<List<Object>> rows = readAll(reader, batch);
      assertThat(reader.bytesRead()).isEqualTo(entry(file).size());
      return rows;
    }
  }

  Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  @Test
  void readsHeaderDelimiterQuotesAndNullsLikeDuckDb() throws IOException {
    StringBuilder text = new StringBuilder("id|name|price|qty|ratio|active|day|at|small\n");
    for (int i = 0; i < 250; i++) {
      String name =
          switch (i % 4) {
            case 0 -> "\"quoted | with pipe\"";
            case 1 -> "\"say \"\"hi\"\"\"";
            case 2 -> "plain " + i;
            default -> "\"multi\nline " + i + "\"";
          };
      text.append(i)
          .append('|')
          .append(name)
          .append('|')
          .append(i % 9 == 0 ? "" : (i * 37 - 4000) + "." + (i % 100 < 10 ? "0" : "") + i % 100)
          .append('|')
          .append(i % 11 == 0 ? "" : String.valueOf(i * 3))
          .append('|')
          .append(i / 8.0)
          .append('|')
          .append(i % 3 == 0 ? "true" : "false")
          .append('|')
          .append(String.format("%04d-%02d-%02d", 1990 + i % 40, 1 + i % 12, 1 + i % 28))
          .append('|')
          .append(
              i % 2 == 0
                  ? String.format(
                      "2024-03-%02d %02d:%02d:%02d.%d", 1 + i % 28, i % 24, i % 60, i % 60, i)
                  : String.format("2001-12-%02dT%02d:15:00", 1 + i % 28, i % 24))
          .append('|')
          .append(i - 100)
          .append('\n');
    }
    Path file = write("data.csv", text.toString());
    int[] all = {0, 1, 2, 3, 4, 5, 6, 7, 8};
    Map<String, String> props = Map.of("field.delim", "|", "skip.header.line.count", "1");
    List<List<Object>> tarn = read(file, COLUMNS, all, props, 64);
    List<List<Object>> duck =
        duckdb(
            "SELECT * FROM read_csv('"
                + file
                + "', delim = '|', header = true, quote = '\"', escape = '\"', columns = {"
                + "'id': 'BIGINT', 'name': 'VARCHAR', 'price': 'DECIMAL(10,2)', 'qty': 'INTEGER',"
                + " 'ratio': 'DOUBLE', 'active': 'BOOLEAN', 'day': 'DATE', 'at': 'TIMESTAMP',"
                + " 'small': 'SMALLINT'})");
    assertThat(tarn).hasSize(250).isEqualTo(duck);

    // Projection: only some columns, in another order.
    assertThat(read(file, COLUMNS, new int[] {7, 0}, props, 100))
        .isEqualTo(
            duck.stream().map(row -> java.util.Arrays.asList(row.get(7), row.get(0))).toList());
  }

  @Test
  void nullFormatPropertyAndEmptyFields() throws IOException {
    Path file = write("nulls.csv", "1,\\N,x\n,,\\N\n");
    List<Column> columns =
        List.of(
            new Column("a", SqlType.INTEGER),
            new Column("b", SqlType.VARCHAR),
            new Column("c", SqlType.VARCHAR));
    assertThat(
            read(
                file, columns, new int[] {0, 1, 2}, Map.of("serialization.null.format", "\\N"), 10))
        .containsExactly(
            java.util.Arrays.asList(1L, null, "x"), java.util.Arrays.asList(null, null, null));
  }

  @Test
  void wrongFieldCountNamesFileAndLine() throws IOException {
    Path file = write("bad.csv", "a,b\n1,x\n2,y\n3\n4,z\n");
    List<Column> columns =
        List.of(new Column("a", SqlType.INTEGER), new Column("b", SqlType.VARCHAR));
    assertThatThrownBy(
            () -> read(file, columns, new int[] {0}, Map.of("skip.header.line.count", "1"), 10))
        .isInstanceOfSatisfying(
            TarnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_DATA))
        .hasMessage(file + ", row 4: expected 2 fields, found 1");
  }

  @Test
  void unparsableValueNamesFileLineColumnAndText() throws IOException {
    Path file = write("bad_value.csv", "1,2024-01-01\n2,2024-13-45\n");
    List<Column> columns = List.of(new Column("a", SqlType.INTEGER), new Column("d", SqlType.DATE));
    assertThatThrownBy(() -> read(file, columns, new int[] {0, 1}, Map.of(), 10))
        .isInstanceOf(TarnException.class)
        .hasMessageStartingWith(file + ", row 2: column d: cannot read '2024-13-45' as date");
    Path numbers = write("bad_number.csv", "1\n12x\n");
    assertThatThrownBy(
            () ->
                read(
                    numbers, List.of(new Column("n", SqlType.BIGINT)), new int[] {0}, Map.of(), 10))
        .hasMessageStartingWith(numbers + ", row 2: column n: cannot read '12x' as bigint");
  }

  @Test
  void missingFileIsPathNotFound() {
    Path missing = dir.resolve("missing.csv");
    try (RootAllocator allocator = new RootAllocator()) {
      assertThatThrownBy(
              () ->
                  new CsvFormatReader()
                      .open(
                          new LocalStorage(),
                          new FileEntry(missing.toString(), 0, 0),
                          new ScanRequest(COLUMNS, new int[] {0}, Map.of(), 10),
                          allocator))
          .isInstanceOfSatisfying(
              TarnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PATH_NOT_FOUND))
          .hasMessageContaining(missing.toString());
    }
  }
}
