package dev.tarn.operators.unnest;

import static dev.tarn.operators.Exprs.col;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.batch.BatchRows;
import dev.tarn.core.meta.Column;
import dev.tarn.core.stats.OperatorStats;
import dev.tarn.core.type.SqlType;
import dev.tarn.operators.StreamTesting;
import dev.tarn.testing.TestMemory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.Test;

class UnnestStageTest {
  static final SqlType LONGS = SqlType.array(SqlType.BIGINT);
  static final SqlType TEXTS = SqlType.array(SqlType.VARCHAR);
  static final SqlType MAP = SqlType.map(SqlType.VARCHAR, SqlType.BIGINT);
  static final List<Column> COLUMNS =
      List.of(
          new Column("id", SqlType.BIGINT),
          new Column("a", LONGS),
          new Column("b", TEXTS),
          new Column("m", MAP));

  static List<List<Object>> input() {
    Map<Object, Object> one = new LinkedHashMap<>();
    one.put("k", 1L);
    return List.of(
        Arrays.asList(1L, List.of(10L, 20L), List.of("x"), one),
        Arrays.asList(2L, List.of(), null, new LinkedHashMap<>()),
        Arrays.asList(3L, null, List.of("y", "z"), null));
  }

  static List<List<Object>> run(
      boolean ordinality, boolean outer, List<Column> elements, int... unnested) {
    OperatorStats stats = new OperatorStats("Unnest");
    try (BufferAllocator allocator = TestMemory.allocator()) {
      List<List<Object>> rows = input();
      Batch batch = BatchRows.fromRows(COLUMNS, rows, allocator);
      List<dev.tarn.core.expr.Expr> exprs = new ArrayList<>();
      for (int c : unnested) {
        exprs.add(col(c, COLUMNS.get(c).type()));
      }
      List<Batch> out =
          StreamTesting.run(
              Source.single(batch),
              Flow.fromGraph(
                  new UnnestStage(exprs, ordinality, outer, elements, COLUMNS, allocator, stats)));
      List<List<Object>> result = new ArrayList<>();
      for (Batch b : out) {
        try (b) {
          for (List<Object> row : BatchRows.toRows(b)) {
            // Keep the id and the element columns; the replicated nested columns are checked once.
            List<Object> kept = new ArrayList<>();
            kept.add(row.get(0));
            kept.addAll(row.subList(COLUMNS.size(), row.size()));
            result.add(kept);
          }
        }
      }
      return result;
    }
  }

  @Test
  void zipsArraysPaddingTheShorterWithNullAndNumbersElements() {
    assertThat(
            run(
                true,
                false,
                List.of(
                    new Column("x", SqlType.BIGINT),
                    new Column("t", SqlType.VARCHAR),
                    new Column("n", SqlType.BIGINT)),
                1,
                2))
        .containsExactly(
            Arrays.asList(1L, 10L, "x", 1L),
            Arrays.asList(1L, 20L, null, 2L),
            Arrays.asList(3L, null, "y", 1L),
            Arrays.asList(3L, null, "z", 2L));
  }

  @Test
  void outerKeepsRowsWithoutEntriesAndMapsGiveKeysAndValues() {
    assertThat(
            run(
                false,
                true,
                List.of(new Column("k", SqlType.VARCHAR), new Column("v", SqlType.BIGINT)),
                3))
        .containsExactly(
            Arrays.asList(1L, "k", 1L),
            Arrays.asList(2L, null, null),
            Arrays.asList(3L, null, null));
  }
}
