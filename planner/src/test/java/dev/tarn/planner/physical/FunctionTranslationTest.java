package dev.tarn.planner.physical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tarn.core.error.TarnException;
import dev.tarn.core.expr.Expr;
import dev.tarn.planner.schema.TarnTypeSystem;
import dev.tarn.planner.schema.TrinoFunctions;
import dev.tarn.planner.sql.QuerySyntax;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.fun.SqlLibraryOperators;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.util.SqlOperatorTables;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.tools.FrameworkConfig;
import org.apache.calcite.tools.Frameworks;
import org.apache.calcite.tools.Planner;
import org.junit.jupiter.api.Test;

/**
 * Trino function calls through Calcite's parser and validator (with {@link
 * ExpressionTranslator#FUNCTIONS} chained as the query planner does) into Tarn expressions.
 */
class FunctionTranslationTest {
  private static final String FROM =
      " FROM (VALUES (1, CAST('a,b' AS VARCHAR), DATE '2020-02-29',"
          + " TIMESTAMP '2020-02-29 10:11:12', 2.5e0, CAST(1.25 AS DECIMAL(10,2))))"
          + " AS t(i, s, dt, ts, x, m)";

  private static final FrameworkConfig CONFIG =
      Frameworks.newConfigBuilder()
          .parserConfig(QuerySyntax.PARSER_CONFIG)
          .defaultSchema(Frameworks.createRootSchema(true))
          .typeSystem(TarnTypeSystem.INSTANCE)
          .operatorTable(
              SqlOperatorTables.chain(
                  ExpressionTranslator.FUNCTIONS,
                  TrinoFunctions.TABLE,
                  SqlStdOperatorTable.instance(),
                  SqlOperatorTables.of(
                      SqlLibraryOperators.LENGTH,
                      SqlLibraryOperators.CONCAT_FUNCTION,
                      SqlLibraryOperators.SUBSTR_POSTGRESQL)))
          .sqlValidatorConfig(
              SqlValidator.Config.DEFAULT
                  .withConformance(QuerySyntax.CONFORMANCE)
                  .withTypeCoercionEnabled(false))
          .build();

  static String translate(String expression) {
    Planner planner = Frameworks.getPlanner(CONFIG);
    try {
      SqlNode parsed = planner.parse("SELECT " + expression + FROM);
      SqlNode validated = planner.validate(parsed);
      RelNode rel = planner.rel(validated).project();
      LogicalProject project = (LogicalProject) rel;
      Expr expr =
          new ExpressionTranslator(rel.getCluster().getRexBuilder())
              .translate(project.getProjects().get(0), null);
      return expr.toString();
    } catch (TarnException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(expression + ": " + e.getMessage(), e);
    } finally {
      planner.close();
    }
  }

  @Test
  void strings() {
    assertThat(translate("split_part(s, ',', 2)")).isEqualTo("split_part[$1, ',', 2]");
    assertThat(translate("strpos(s, 'b')")).isEqualTo("strpos[$1, 'b']");
    assertThat(translate("position('b' IN s)")).isEqualTo("strpos[$1, 'b']");
    assertThat(translate("replace(s, ',')")).isEqualTo("replace[$1, ',']");
    assertThat(translate("replace(s, ',', ';')")).isEqualTo("replace[$1, ',', ';']");
    assertThat(translate("lpad(s, 5, '*')")).isEqualTo("lpad[$1, 5, '*']");
    assertThat(translate("rpad(s, 5, '*')")).isEqualTo("rpad[$1, 5, '*']");
    assertThat(translate("ltrim(s)")).isEqualTo("ltrim[$1]");
    assertThat(translate("rtrim(s)")).isEqualTo("rtrim[$1]");
    assertThat(translate("reverse(s)")).isEqualTo("reverse[$1]");
    assertThat(translate("starts_with(s, 'a')")).isEqualTo("starts_with[$1, 'a']");
    assertThat(translate("regexp_like(s, 'a.')")).isEqualTo("regexp_like[$1, 'a.']");
    assertThat(translate("regexp_extract(s, '(a)(.)', 2)"))
        .isEqualTo("regexp_extract[$1, '(a)(.)', 2]");
    assertThat(translate("regexp_replace(s, 'a', 'b')")).isEqualTo("regexp_replace[$1, 'a', 'b']");
  }

  @Test
  void datesAndTimes() {
    assertThat(translate("date_trunc('month', dt)")).isEqualTo("date_trunc['month', $2]");
    assertThat(translate("date_add('day', 3, ts)")).isEqualTo("date_add['day', 3, $3]");
    // Calcite's parser reads a bare identifier as date_diff's third argument as a time unit
    // (BigQuery's DATE_DIFF(a, b, unit)); the query text must quote the function name.
    assertThat(translate("\"date_diff\"('month', dt, dt)")).isEqualTo("date_diff['month', $2, $2]");
    assertThat(translate("year(ts)")).isEqualTo("extract_year[$3]");
    assertThat(translate("quarter(dt)")).isEqualTo("extract_quarter[$2]");
    assertThat(translate("week(dt)")).isEqualTo("extract_week[$2]");
    assertThat(translate("hour(ts)")).isEqualTo("extract_hour[$3]");
    assertThat(translate("second(ts)")).isEqualTo("extract_second[$3]");
    // day(x) does not parse (DAY is reserved to Calcite); day_of_month and dayofmonth do.
    assertThat(translate("day_of_month(dt)")).isEqualTo("extract_day[$2]");
    assertThat(translate("dayofmonth(dt)")).isEqualTo("extract_day[$2]");
    assertThat(translate("\"date_diff\"('day', dt, DATE '2024-01-01')")).startsWith("date_diff[");
    assertThat(translate("date_format(ts, '%Y')")).isEqualTo("date_format[$3, '%Y']");
    assertThat(translate("date_parse(s, '%Y')")).startsWith("date_parse[$1, '%Y']");
    assertThat(translate("from_iso8601_timestamp(s)")).isEqualTo("from_iso8601_timestamp[$1]");
    assertThat(translate("from_unixtime(x)")).isEqualTo("from_unixtime[$4]");
    assertThat(translate("to_unixtime(ts)")).isEqualTo("to_unixtime[$3]");
    assertThat(translate("day_of_week(dt)")).isEqualTo("extract_day_of_week[$2]");
    assertThat(translate("extract(dow FROM dt)")).isEqualTo("extract_day_of_week[$2]");
    assertThat(translate("extract(quarter FROM ts)")).isEqualTo("extract_quarter[$3]");
    assertThat(translate("extract(hour FROM ts)")).isEqualTo("extract_hour[$3]");
    assertThat(translate("day_of_year(dt)")).isEqualTo("extract_day_of_year[$2]");
    assertThat(translate("dt + INTERVAL '1' MONTH")).isEqualTo("date_add['month', 1, $2]");
    assertThat(translate("dt - INTERVAL '2' DAY")).isEqualTo("date_add['day', -2, $2]");
    assertThat(translate("ts + INTERVAL '90' MINUTE"))
        .isEqualTo("date_add['millisecond', 5400000, $3]");
    assertThat(translate("DATE '2020-01-31' + INTERVAL '1' MONTH")).isEqualTo("18321");
  }

  @Test
  void mathAndConditionals() {
    assertThat(translate("power(x, 2)")).isEqualTo("power[$4, 2]");
    assertThat(translate("pow(x, 2)")).isEqualTo("power[$4, 2]");
    // Calcite rewrites sqrt(x) as power(x, 0.5).
    assertThat(translate("sqrt(x)")).isEqualTo("power[$4, 0.5]");
    assertThat(translate("ln(x)")).isEqualTo("ln[$4]");
    assertThat(translate("log2(x)")).isEqualTo("log2[$4]");
    assertThat(translate("sign(m)")).isEqualTo("sign[$5]");
    assertThat(translate("truncate(m, 1)")).isEqualTo("truncate[$5, 1]");
    assertThat(translate("e()")).isEqualTo(Double.toString(Math.E));
    assertThat(translate("pi()")).isEqualTo(Double.toString(Math.PI));
    assertThat(translate("current_date"))
        .isEqualTo(Long.toString(java.time.LocalDate.now().toEpochDay()));
    // Calcite expands greatest into a CASE (NULL when an argument is NULL, as Trino).
    assertThat(translate("greatest(i, 3)")).isEqualTo("case[greater_than[$0, 3], $0, 3]");
    assertThat(translate("if(i > 0, 'p', 'n')")).startsWith("case[");
    assertThat(translate("try_cast(s AS integer)")).isEqualTo("try_cast[$1]");
  }

  @Test
  void unknownFunctionsAreRejected() {
    assertThatThrownBy(() -> translate("soundex(s)")).hasMessageContaining("soundex");
  }
}
