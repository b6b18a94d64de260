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
