package dev.tarn.runtime.sql;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A sqllogictest-style file: records separated by blank lines.
 *
 * <pre>
 *   # a comment
 *   statement ok
 *   CREATE DATABASE lake
 *
 *   statement error @1:8 Column 'nope' cannot be resolved
 *   SELECT nope FROM sales
 *
 *   query rowsort            -- compared with DuckDB, order ignored
 *   SELECT ...
 *
 *   query ordered            -- compared with DuckDB, order kept
 *   SELECT ... ORDER BY ...
 *
 *   query rowsort expected   -- Trino semantics differ from DuckDB's: rows given below,
 *   SELECT ...               -- tab-separated, NULL for null; the comment above says why
 *   ----
 *   1	a
 * </pre>
 *
 * {@code ${LAKE}} in a statement stands for the test lake's root folder.
 */
record SqlTestFile(Path path, List<Record> records) {

  /** One statement or query of a file. */
  record Record(
      Kind kind,
      boolean ordered,
      String sql,
      String error,
      int line,
      int column,
      List<String> expected,
      int fileLine) {
    String describe(Path file) {
      return file.getFileName() + ":" + fileLine + " " + sql.replace('\n', ' ');
    }
  }

  enum Kind {
    STATEMENT_OK,
    STATEMENT_ERROR,
    QUERY
  }

  static SqlTestFile parse(Path path, String lakeRoot) throws IOException {
    List<String> lines = Files.readAllLines(path);
    List<Record> records = new ArrayList<>();
    int i = 0;
    while (i < lines.size()) {
      String header = lines.get(i).trim();
      if (header.isEmpty() || header.startsWith("#")) {
        i++;
        continue;
      }
      int headerLine = i + 1;
      i++;
      StringBuilder sql = new StringBuilder();
      List<String> expected = null;
      while (i < lines.size() && !lines.get(i).isBlank()) {
        String line = lines.get(i);
        if (line.trim().equals("----")) {
          expected = new ArrayList<>();
          i++;
          while (i < lines.size() && !lines.get(i).isBlank()) {
            expected.add(lines.get(i));
            i++;
          }
          break;
        }
        sql.append(sql.length() == 0 ? "" : "\n").append(line);
        i++;
      }
      String text = sql.toString().replace("${LAKE}", lakeRoot);
      String[] words = header.split("\\s+", 3);
      switch (words[0].toLowerCase(Locale.ROOT)) {
        case "statement":
          if (words.length > 1 && words[1].equals("ok")) {
            records.add(new Record(Kind.STATEMENT_OK, false, text, null, 0, 0, null, headerLine));
          } else if (words.length > 2 && words[1].equals("error")) {
            String message = words[2];
            int line = 0;
            int column = 0;
            if (message.startsWith("@")) {
              String position = message.substring(1, message.indexOf(' '));
              line = Integer.parseInt(position.split(":")[0]);
              column = Integer.parseInt(position.split(":")[1]);
              message = message.substring(message.indexOf(' ') + 1);
            }
            records.add(
                new Record(
                    Kind.STATEMENT_ERROR, false, text, message, line, column, null, headerLine));
          } else {
            throw new IllegalArgumentException(
                path + ":" + headerLine + ": bad statement header " + header);
          }
          break;
        case "query":
          boolean ordered = header.contains("ordered");
          boolean hasExpected = header.contains("expected");
          if (hasExpected != (expected != null)) {
            throw new IllegalArgumentException(
                path + ":" + headerLine + ": 'expected' and '----' go together");
          }
          records.add(new Record(Kind.QUERY, ordered, text, null, 0, 0, expected, headerLine));
          break;
        default:
          throw new IllegalArgumentException(
              path + ":" + headerLine + ": unknown record " + header);
      }
    }
    return new SqlTestFile(path, records);
  }
}
