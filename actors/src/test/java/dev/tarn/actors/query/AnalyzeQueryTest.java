package dev.tarn.actors.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tarn.core.meta.Column;
import dev.tarn.core.meta.ColumnStatistics;
import dev.tarn.core.meta.FileFormat;
import dev.tarn.core.meta.TableMetadata;
import dev.tarn.core.meta.TableSnapshot;
import dev.tarn.core.meta.TableStatistics;
import dev.tarn.core.type.SqlType;
import dev.tarn.planner.sql.Statement;
import dev.tarn.planner.sql.StatementParser;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The aggregate ANALYZE runs, and how its one row becomes statistics. */
class AnalyzeQueryTest {
  private static final TableMetadata TABLE =
      new TableMetadata(
          "lake",
          "Odd",
          List.of(
              new Column("id", SqlType.BIGINT),
              new Column("Say \"hi\"", SqlType.VARCHAR),
              new Column("ok", SqlType.BOOLEAN),
              new Column("blob", SqlType.VARBINARY),
              new Column("ratio", SqlType.REAL)),
          List.of(new Column("day", SqlType.DATE)),
          FileFormat.PARQUET,
          "/lake/odd",
          Map.of());

  @Test
  void oneAggregateOverEveryColumnThatTheParserAccepts() {
    AnalyzeQuery query = AnalyzeQuery.of(new TableSnapshot(TABLE, List.of()));
    assertThat(query.sql())
        .isEqualTo(
            "SELECT count(*),\n"
                + "  count(\"id\"), approx_distinct(\"id\"), min(\"id\"), max(\"id\"),\n"
                + "  count(\"Say \"\"hi\"\"\"), approx_distinct(\"Say \"\"hi\"\"\"),"
                + " min(\"Say \"\"hi\"\"\"), max(\"Say \"\"hi\"\"\"),"
                + " avg(length(\"Say \"\"hi\"\"\")),\n"
                + "  count(\"ok\"), approx_distinct(\"ok\"),\n"
                + "  count(\"blob\"), approx_distinct(\"blob\"),\n"
                + "  count(\"ratio\"), approx_distinct(\"ratio\"), min(\"ratio\"), max(\"ratio\"),\n"
                + "  count(\"day\"), approx_distinct(\"day\"), min(\"day\"), max(\"day\")\n"
                + "FROM \"lake\".\"Odd\"");
    Statement parsed = StatementParser.parse(query.sql(), "default");
    assertThat(parsed).isInstanceOf(Statement.Query.class);
    assertThat(((Statement.Query) parsed).tables())
        .extracting(Statement.TableName::qualified)
        .containsExactly("lake.Odd");
  }

  @Test
  void resultRowBecomesStatistics() {
    AnalyzeQuery query = AnalyzeQuery.of(new TableSnapshot(TABLE, List.of()));
    List<Object> row =
        Arrays.asList(
            10L, // count(*)
            10L,
            11L,
            1L,
            10L, // id: the estimate 11 is capped at the 10 values
            8L,
            3L,
            "a",
            "zz",
            4.5, // varchar
            9L,
            2L, // boolean: no range
            0L,
            0L, // varbinary, all NULL
            10L,
            4L,
            0.1,
            2.5, // real travels as double
            10L,
            1L,
            LocalDate.of(2024, 1, 31),
            LocalDate.of(2024, 1, 31));
    TableStatistics statistics = query.statistics(List.of(row), 42L);
    assertThat(statistics.rowCount()).isEqualTo(10);
    assertThat(statistics.analyzedAtMillis()).isEqualTo(42);
    assertThat(statistics.columns())
        .containsEntry("id", new ColumnStatistics(10, 0, "1", "10", -1))
        .containsEntry("Say \"hi\"", new ColumnStatistics(3, 2, "a", "zz", 4.5))
        .containsEntry("ok", new ColumnStatistics(2, 1, null, null, -1))
        .containsEntry("blob", new ColumnStatistics(0, 10, null, null, -1))
        .containsEntry("ratio", new ColumnStatistics(4, 0, "0.1", "2.5", -1))
        .containsEntry("day", new ColumnStatistics(1, 0, "2024-01-31", "2024-01-31", -1));
  }

  @Test
  void literalsAreTrinoText() {
    assertThat(AnalyzeQuery.literal(new BigDecimal("1E+3"), SqlType.decimal(10, 0)))
        .isEqualTo("1000");
    assertThat(AnalyzeQuery.literal(new BigDecimal("12.50"), SqlType.decimal(10, 2)))
        .isEqualTo("12.50");
    assertThat(
            AnalyzeQuery.literal(
                LocalDateTime.of(2024, 1, 31, 10, 20, 30, 123_000), SqlType.TIMESTAMP))
        .isEqualTo("2024-01-31 10:20:30.000123");
    assertThat(AnalyzeQuery.literal((double) 1.1f, SqlType.REAL)).isEqualTo("1.1");
    assertThat(AnalyzeQuery.literal(1.1, SqlType.DOUBLE)).isEqualTo("1.1");
    assertThat(AnalyzeQuery.literal(null, SqlType.DOUBLE)).isNull();
  }
}
