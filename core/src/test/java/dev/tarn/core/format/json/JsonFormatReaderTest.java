package dev.tarn.core.format.json;

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
import dev.tarn.core.storage.LocalStorage;
import dev.tarn.core.type.SqlType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonFormatReaderTest {

  @TempDir Path dir;

  static final List<Column> COLUMNS =
      List.of(
          new Column("id", SqlType.BIGINT),
          new Column("name", SqlType.VARCHAR),
          new Column("amount", SqlType.decimal(12, 3)),
          new Column("score", SqlType.DOUBLE),
          new Column("ok", SqlType.BOOLEAN),
          new Column("day", SqlType.DATE),
          new Column("at", SqlType.TIMESTAMP),
          new Column("n", SqlType.INTEGER));

  static List<List<Object>> read(Path file, List<Column> columns, int[] projection, int batch) {
    try (RootAllocator allocator = new RootAllocator();
        BatchReader reader =
            FormatReaders.forFormat(FileFormat.JSON)
                .open(
                    new LocalStorage(),
                    entry(file),
                    new ScanRequest(columns, projection, Map.of(), batch),
                    allocator)) {
      List<List<Object>> rows = readAll(reader, batch);
      assertThat(reader.bytesRead()).isEqualTo(entry(file).size());
      return rows;
    }
  }

  @Test
  void readsJsonLinesLikeDuckDb() throws IOException {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      text.append("{\"id\": ").append(i);
      if (i % 6 != 0) {
        text.append(", \"name\": \"n\\\"").append(i).append(" \\u00e9\"");
      }
      text.append(", \"amount\": ").append(i % 4 == 0 ? "null" : (i * 13 - 2000) / 8.0);
      text.append(", \"score\": ").append(i % 5 == 0 ? "\"" + i * 1.5 + "\"" : i * 2.25);
      text.append(", \"ok\": ").append(i % 2 == 0);
      text.append(", \"extra\": {\"nested\": [1, 2, {\"x\": null}]}");
      text.append(", \"day\": \"")
          .append(String.format("%04d-%02d-%02d", 2000 + i % 20, 1 + i % 12, 1 + i % 28))
          .append('"');
      text.append(", \"at\": \"")
          .append(String.format("2020-02-%02d %02d:00:01.25", 1 + i % 28, i % 24))
          .append('"');
      text.append(", \"n\": ").append(i % 7 == 0 ? "\"" + i + "\"" : String.valueOf(-i));
      text.append("}\n");
      if (i % 50 == 0) {
        text.append("\n");
      }
    }
    Path file = dir.resolve("data.json");
    Files.writeString(file, text.toString());
    List<List<Object>> tarn = read(file, COLUMNS, new int[] {0, 1, 2, 3, 4, 5, 6, 7}, 70);
    List<List<Object>> duck =
        duckdb(
            "SELECT id, name, amount, score, ok, day, \"at\", n FROM read_json('"
                + file
                + "', format = 'newline_delimited', columns = {'id': 'BIGINT', 'name': 'VARCHAR',"
                + " 'amount': 'DECIMAL(12,3)', 'score': 'DOUBLE', 'ok': 'BOOLEAN', 'day': 'DATE',"
                + " 'at': 'TIMESTAMP', 'n': 'INTEGER'})");
    assertThat(tarn).hasSize(300).isEqualTo(duck);
  }

  @Test
  void nestedValuesBecomeJsonTextAndMissingColumnsNull() throws IOException {
    Path file = dir.resolve("nested.json");
    Files.writeString(file, "{\"A\": {\"b\": [1, true]}, \"c\": 5}\n{\"c\": 6}\n");
    List<Column> columns =
        List.of(new Column("a", SqlType.VARCHAR), new Column("zz", SqlType.BIGINT));
    assertThat(read(file, columns, new int[] {0, 1}, 10))
        .containsExactly(Arrays.asList("{\"b\":[1,true]}", null), Arrays.asList(null, null));
  }

  @Test
  void malformedJsonNamesFileAndLine() throws IOException {
    Path file = dir.resolve("bad.json");
    Files.writeString(file, "{\"id\": 1}\n\n{\"id\": 2, \"name\": \"x\"\n{\"id\": 3}\n");
    assertThatThrownBy(() -> read(file, COLUMNS, new int[] {0}, 10))
        .isInstanceOfSatisfying(
            TarnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_DATA))
        .hasMessageStartingWith(file + ", row 3: malformed JSON");
    Path notObject = dir.resolve("array.json");
    Files.writeString(notObject, "[1, 2]\n");
    assertThatThrownBy(() -> read(notObject, COLUMNS, new int[] {0}, 10))
        .hasMessage(notObject + ", row 1: expected a JSON object");
  }

  @Test
  void valueOfTheWrongTypeNamesColumn() throws IOException {
    Path file = dir.resolve("wrong.json");
    Files.writeString(file, "{\"id\": 1.5}\n");
    assertThatThrownBy(() -> read(file, COLUMNS, new int[] {0}, 10))
        .hasMessageStartingWith(file + ", row 1: column id: cannot read 1.5 as bigint");
  }
}
