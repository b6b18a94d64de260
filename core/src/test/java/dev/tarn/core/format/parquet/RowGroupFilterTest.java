package dev.tarn.core.format.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.batch.BatchRows;
import dev.tarn.core.expr.Expr;
import dev.tarn.core.format.BatchReader;
import dev.tarn.core.format.ScanRequest;
import dev.tarn.core.meta.Column;
import dev.tarn.core.storage.FileEntry;
import dev.tarn.core.storage.LocalStorage;
import dev.tarn.core.type.SqlType;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Row groups whose statistics rule out a predicate are skipped unread; all others are read. The
 * file has four row groups of 1000 rows: ids 0..999, 1000..1999, ...; names "g0".."g3" per group;
 * amounts id/100 as decimal(10,2); a NULL-only note column in group 3.
 */
class RowGroupFilterTest {
  static final List<Column> COLUMNS =
      List.of(
          new Column("id", SqlType.BIGINT),
          new Column("name", SqlType.VARCHAR),
          new Column("amount", SqlType.decimal(10, 2)),
          new Column("note", SqlType.VARCHAR));

  @TempDir Path dir;

  private Path write(RootAllocator allocator) throws Exception {
    Path file = dir.resolve("groups.parquet");
    try (ParquetBatchWriter writer = new ParquetBatchWriter(file, COLUMNS, Long.MAX_VALUE, 1000)) {
      for (int group = 0; group < 4; group++) {
        List<List<Object>> rows = new ArrayList<>();
        for (long id = group * 1000L; id < (group + 1) * 1000L; id++) {
          rows.add(
              java.util.Arrays.asList(
                  id, "g" + group, BigDecimal.valueOf(id, 2), group == 3 ? null : "n" + id));
        }
        try (Batch batch = BatchRows.fromRows(COLUMNS, rows, allocator)) {
          writer.write(batch);
        }
      }
    }
    return file;
  }

  /** Ids read (before any row filter) with the predicate given to the reader. */
  private List<Long> idsRead(Expr predicate) throws Exception {
    try (RootAllocator allocator = new RootAllocator()) {
      Path file = write(allocator);
      FileEntry entry = new FileEntry(file.toString(), Files.size(file), 0);
      ScanRequest request =
          new ScanRequest(COLUMNS, new int[] {0, 1, 2, 3}, Map.of(), 4096, predicate);
      List<Long> ids = new ArrayList<>();
      try (BatchReader reader =
          new ParquetFormatReader().open(new LocalStorage(), entry, request, allocator)) {
        for (Batch next = reader.next(); next != null; next = reader.next()) {
          try (Batch batch = next) {
            for (List<Object> row : BatchRows.toRows(batch)) {
              ids.add((Long) row.get(0));
            }
          }
        }
      }
      return ids;
    }
  }

  static final List<Column> CODES =
      List.of(
          new Column("code", SqlType.BIGINT),
          new Column("tag", SqlType.VARCHAR),
          new Column("price", SqlType.decimal(10, 2)));

  /**
   * Rows read and row groups skipped with the predicate over a file of four groups of 1000 rows
   * whose values repeat, so that parquet-mr dictionary-encodes every page: group g holds codes
   * g*100 + {0, 2, 4, 6, 8}, tags "t" + that code, prices that code / 100.
   */
  private long[] readCodes(Expr predicate) throws Exception {
    try (RootAllocator allocator = new RootAllocator()) {
      Path file = dir.resolve("codes.parquet");
      try (ParquetBatchWriter writer = new ParquetBatchWriter(file, CODES, Long.MAX_VALUE, 1000)) {
        for (int group = 0; group < 4; group++) {
          List<List<Object>> rows = new ArrayList<>();
          for (int i = 0; i < 1000; i++) {
            long code = group * 100L + (i % 5) * 2L;
            rows.add(List.of(code, "t" + code, BigDecimal.valueOf(code, 2)));
          }
          try (Batch batch = BatchRows.fromRows(CODES, rows, allocator)) {
            writer.write(batch);
          }
        }
      }
      FileEntry entry = new FileEntry(file.toString(), Files.size(file), 0);
      ScanRequest request = new ScanRequest(CODES, new int[] {0, 1, 2}, Map.of(), 4096, predicate);
      long rows = 0;
      try (ParquetBatchReader reader =
          (ParquetBatchReader)
              new ParquetFormatReader().open(new LocalStorage(), entry, request, allocator)) {
        for (Batch next = reader.next(); next != null; next = reader.next()) {
          rows += next.rowCount();
          next.close();
        }
        return new long[] {rows, reader.rowGroupsSkipped()};
      }
    }
  }

  private static Expr code(int index) {
    return new Expr.ColumnRef(index, CODES.get(index).type());
  }

  @Test
  void skipsGroupsWhoseDictionariesLackTheValues() throws Exception {
    // Group 0's tags t0..t8 surround "t3", which is none of them; the other groups' ranges miss it.
    assertThat(readCodes(call(Expr.Operator.EQUAL, code(1), literal("t3", SqlType.VARCHAR))))
        .containsExactly(0, 4);
    assertThat(readCodes(call(Expr.Operator.EQUAL, code(1), literal("t4", SqlType.VARCHAR))))
        .containsExactly(1000, 3);
    // 3 lies in group 0's range and 105 in group 1's, but neither is a value.
    assertThat(
            readCodes(
                call(
                    Expr.Operator.IN,
                    code(0),
                    literal(3L, SqlType.BIGINT),
                    literal(105L, SqlType.BIGINT))))
        .containsExactly(0, 4);
    assertThat(
            readCodes(
                call(
                    Expr.Operator.IN,
                    code(0),
                    literal(3L, SqlType.BIGINT),
                    literal(106L, SqlType.BIGINT))))
        .containsExactly(1000, 3);
    assertThat(
            readCodes(
                call(
                    Expr.Operator.EQUAL,
                    code(2),
                    literal(new BigDecimal("2.05"), SqlType.decimal(10, 2)))))
        .containsExactly(0, 4);
    assertThat(readCodes(call(Expr.Operator.EQUAL, code(2), literal(2.04, SqlType.DOUBLE))))
        .containsExactly(1000, 3);
    // One conjunct's dictionary suffices: group 1 has code 104 but no tag "t105".
    assertThat(
            readCodes(
                call(
                    Expr.Operator.AND,
                    call(Expr.Operator.EQUAL, code(0), literal(104L, SqlType.BIGINT)),
                    call(Expr.Operator.EQUAL, code(1), literal("t105", SqlType.VARCHAR)))))
        .containsExactly(0, 4);
    // Ranges are not dictionary questions: only the statistics decide them.
    assertThat(readCodes(call(Expr.Operator.LESS_THAN, code(0), literal(1L, SqlType.BIGINT))))
        .containsExactly(1000, 3);
  }

  private static Expr column(int index) {
    return new Expr.ColumnRef(index, COLUMNS.get(index).type());
  }

  private static Expr call(Expr.Operator op, Expr... args) {
    return new Expr.Call(op, List.of(args), SqlType.BOOLEAN);
  }

  private static Expr literal(Object value, SqlType type) {
    return new Expr.Literal(value, type);
  }

  @Test
  void skipsGroupsOutsideARange() throws Exception {
    List<Long> ids =
        idsRead(
            call(
                Expr.Operator.AND,
                call(
                    Expr.Operator.GREATER_THAN_OR_EQUAL, column(0), literal(1500L, SqlType.BIGINT)),
                call(Expr.Operator.LESS_THAN, column(0), literal(2000L, SqlType.BIGINT))));
    assertThat(ids).hasSize(1000).allMatch(id -> id >= 1000 && id < 2000);
  }

  @Test
  void literalOnTheLeftAndStringsAndDecimals() throws Exception {
    assertThat(idsRead(call(Expr.Operator.LESS_THAN, literal(2998L, SqlType.BIGINT), column(0))))
        .hasSize(2000);
    assertThat(idsRead(call(Expr.Operator.EQUAL, column(1), literal("g2", SqlType.VARCHAR))))
        .hasSize(1000)
        .first()
        .isEqualTo(2000L);
    assertThat(
            idsRead(
                call(
                    Expr.Operator.GREATER_THAN,
                    column(2),
                    literal(new BigDecimal("29.99"), SqlType.decimal(10, 2)))))
        .hasSize(1000);
    assertThat(
            idsRead(
                call(
                    Expr.Operator.IN,
                    column(0),
                    literal(5L, SqlType.BIGINT),
                    literal(3500L, SqlType.BIGINT))))
        .hasSize(2000);
  }

  @Test
  void nullStatistics() throws Exception {
    assertThat(idsRead(call(Expr.Operator.IS_NULL, column(3))))
        .hasSize(1000)
        .first()
        .isEqualTo(3000L);
    assertThat(idsRead(call(Expr.Operator.IS_NOT_NULL, column(3)))).hasSize(3000);
    assertThat(idsRead(call(Expr.Operator.EQUAL, column(3), literal("n5", SqlType.VARCHAR))))
        .hasSize(1000);
  }

  @Test
  void keepsEverythingWhenThePredicateCannotBeUsed() throws Exception {
    Expr opaque =
        call(
            Expr.Operator.EQUAL,
            new Expr.Call(Expr.Operator.LOWER, List.of(column(1)), SqlType.VARCHAR),
            literal("g1", SqlType.VARCHAR));
    assertThat(idsRead(opaque)).hasSize(4000);
    assertThat(idsRead(null)).hasSize(4000);
    assertThat(
            idsRead(call(Expr.Operator.GREATER_THAN, column(0), literal(99_999L, SqlType.BIGINT))))
        .isEmpty();
  }
}
