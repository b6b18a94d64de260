package dev.tarn.operators.expr;

import static dev.tarn.operators.Exprs.bool;
import static dev.tarn.operators.Exprs.call;
import static dev.tarn.operators.Exprs.col;
import static dev.tarn.operators.Exprs.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.batch.BatchRows;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.expr.Expr;
import dev.tarn.core.expr.Expr.Operator;
import dev.tarn.core.meta.Column;
import dev.tarn.core.type.SqlType;
import dev.tarn.operators.RandomRows;
import dev.tarn.operators.StreamTesting;
import dev.tarn.testing.DuckDb;
import dev.tarn.testing.TestBatches;
import dev.tarn.testing.TestMemory;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Trino scalar functions over random rows with NULLs, each compared with DuckDB. Where the two
 * differ the DuckDB side is written to give Trino's answer, and the comment says why.
 */
class ScalarFunctionsTest {
  static final List<Column> COLUMNS =
      TestBatches.columns(
          "id bigint",
          "a bigint",
          "b integer",
          "c double",
          "d decimal(12,2)",
          "e varchar",
          "f date",
          "t timestamp");
  static final Expr A = col(1, SqlType.BIGINT);
  static final Expr B = col(2, SqlType.INTEGER);
  static final Expr C = col(3, SqlType.DOUBLE);
  static final Expr D = col(4, SqlType.decimal(12, 2));
  static final Expr E = col(5, SqlType.VARCHAR);
  static final Expr F = col(6, SqlType.DATE);
  static final Expr T = col(7, SqlType.TIMESTAMP);
  static final SqlType V = SqlType.VARCHAR;
  static final SqlType L = SqlType.BIGINT;
  static List<List<Object>> rows;
  static DuckDb duck;

  @BeforeAll
  static void load() {
    rows = RandomRows.withIds(COLUMNS, 500, 0.15, 7);
    duck = new DuckDb().load("t", COLUMNS, rows);
  }

  @AfterAll
  static void close() {
    duck.close();
  }

  static Expr s(String value) {
    return lit(value, V);
  }

  static Expr n(long value) {
    return lit(value, L);
  }

  static List<List<Object>> evaluate(Expr expr) {
    List<List<Object>> actual = new ArrayList<>();
    try (BufferAllocator allocator = TestMemory.allocator()) {
      ExpressionEvaluator evaluator = ExpressionEvaluator.compile(expr, COLUMNS);
      for (Batch batch : TestBatches.batches(allocator, COLUMNS, rows, 128)) {
        try (batch) {
          FieldVector vector = evaluator.evaluate(batch, allocator, "x");
          try (Batch result = Batch.of(List.of(vector), batch.rowCount())) {
            actual.addAll(BatchRows.toRows(result));
          }
        }
      }
    }
    return actual;
  }

  static void check(Expr expr, String sql) {
    List<List<Object>> expected = duck.query("SELECT " + sql + " FROM t ORDER BY id");
    assertThat(StreamTesting.canonical(evaluate(expr)))
        .as(expr + " vs " + sql)
        .isEqualTo(StreamTesting.canonical(expected));
  }

  @Test
  void strings() {
    check(call(Operator.LTRIM, V, E), "ltrim(e)");
    check(call(Operator.RTRIM, V, E), "rtrim(e)");
    check(call(Operator.REPLACE, V, E, s("a"), s("XY")), "replace(e, 'a', 'XY')");
    // Trino's two-argument replace removes the search string.
    check(call(Operator.REPLACE, V, E, s("b")), "replace(e, 'b', '')");
    check(call(Operator.STRPOS, L, E, s("b")), "strpos(e, 'b')");
    check(call(Operator.STRPOS, L, E, s("")), "strpos(e, '')");
    check(call(Operator.LPAD, V, E, n(6), s("xy")), "lpad(e, 6, 'xy')");
    check(call(Operator.RPAD, V, E, n(3), s("é")), "rpad(e, 3, 'é')");
    check(call(Operator.REVERSE, V, E), "reverse(e)");
    check(bool(Operator.STARTS_WITH, E, s("a")), "starts_with(e, 'a')");
    // Trino's split_part is NULL past the last field, DuckDB's is ''.
    check(
        call(Operator.SPLIT_PART, V, E, s("a"), n(2)),
        "CASE WHEN len(string_split(e, 'a')) >= 2 THEN split_part(e, 'a', 2) END");
    check(call(Operator.SPLIT_PART, V, E, s("b"), n(1)), "split_part(e, 'b', 1)");
  }

  @Test
  void regularExpressions() {
    check(bool(Operator.REGEXP_LIKE, E, s("a.c|^b")), "regexp_matches(e, 'a.c|^b')");
    // Trino's regexp_extract is NULL without a match, DuckDB's is ''.
    check(
        call(Operator.REGEXP_EXTRACT, V, E, s("([a-z])([a-z]+)"), n(2)),
        "CASE WHEN regexp_matches(e, '([a-z])([a-z]+)')"
            + " THEN regexp_extract(e, '([a-z])([a-z]+)', 2) END");
    check(
        call(Operator.REGEXP_EXTRACT, V, E, s("[aeiou]+")),
        "CASE WHEN regexp_matches(e, '[aeiou]+') THEN regexp_extract(e, '[aeiou]+') END");
    // Trino replaces every match and names groups $n; DuckDB needs the 'g' flag and \\n.
    check(
        call(Operator.REGEXP_REPLACE, V, E, s("([aeiou])"), s("<$1>")),
        "regexp_replace(e, '([aeiou])', '<\\1>', 'g')");
    check(call(Operator.REGEXP_REPLACE, V, E, s("a")), "regexp_replace(e, 'a', '', 'g')");
    assertThatThrownBy(
            () -> ExpressionEvaluator.compile(bool(Operator.REGEXP_LIKE, E, s("(")), COLUMNS))
        .isInstanceOf(TarnException.class)
        .hasMessageContaining("invalid regular expression '('");
  }

  @Test
  void dateParts() {
    check(call(Operator.EXTRACT_QUARTER, L, F), "quarter(f)");
    check(call(Operator.EXTRACT_WEEK, L, F), "week(f)");
    check(call(Operator.EXTRACT_DAY_OF_WEEK, L, T), "isodow(t)");
    check(call(Operator.EXTRACT_DAY_OF_YEAR, L, F), "dayofyear(f)");
    check(call(Operator.EXTRACT_HOUR, L, T), "hour(t)");
    check(call(Operator.EXTRACT_MINUTE, L, T), "minute(t)");
    check(call(Operator.EXTRACT_SECOND, L, T), "second(t)");
    check(call(Operator.EXTRACT_YEAR, L, T), "year(t)");
  }

  @Test
  void dateArithmetic() {
    for (String unit : List.of("day", "week", "month", "quarter", "year")) {
      check(
          call(Operator.DATE_TRUNC, SqlType.DATE, s(unit), F),
          "date_trunc('" + unit + "', f)::DATE");
    }
    for (String unit : List.of("second", "minute", "hour", "day", "week", "month", "year")) {
      check(
          call(Operator.DATE_TRUNC, SqlType.TIMESTAMP, s(unit), T),
          "date_trunc('" + unit + "', t)");
    }
    check(call(Operator.DATE_ADD, SqlType.DATE, s("month"), B, F), "(f + to_months(b))::DATE");
    check(call(Operator.DATE_ADD, SqlType.DATE, s("day"), A, F), "(f + to_days(a))::DATE");
    check(call(Operator.DATE_ADD, SqlType.TIMESTAMP, s("year"), B, T), "t + to_years(b)");
    check(call(Operator.DATE_ADD, SqlType.TIMESTAMP, s("minute"), A, T), "t + to_minutes(a)");
    // Trino counts whole units elapsed (DuckDB's date_sub), not boundaries crossed (date_diff).
    Expr y2k = lit(10957L, SqlType.DATE);
    for (String unit : List.of("day", "week", "month", "quarter", "year")) {
      check(
          call(Operator.DATE_DIFF, L, s(unit), y2k, F),
          "date_sub('" + unit + "', DATE '2000-01-01', f)");
    }
    Expr noon = lit(946_728_000_000_000L, SqlType.TIMESTAMP);
    for (String unit : List.of("second", "minute", "hour", "day", "month", "year")) {
      check(
          call(Operator.DATE_DIFF, L, s(unit), T, noon),
          "date_sub('" + unit + "', t, TIMESTAMP '2000-01-01 12:00:00')");
    }
  }

  @Test
  void formattingAndParsing() {
    check(
        call(Operator.DATE_FORMAT, V, T, s("%Y-%m-%d %H:%i:%s.%f")),
        "strftime(t, '%Y-%m-%d %H:%M:%S.%f')");
    check(
        call(Operator.DATE_FORMAT, V, T, s("%W, %b %e %y %h:%i %p (%j) %a %M %c %T")),
        "strftime(t, '%A, %b %-d %y %I:%M %p (%j) %a %B %-m %H:%M:%S')");
    check(call(Operator.DATE_FORMAT, V, F, s("%d/%m/%Y")), "strftime(f, '%d/%m/%Y')");
    Expr text = call(Operator.DATE_FORMAT, V, T, s("%d/%m/%Y %H:%i:%s"));
    check(
        call(Operator.DATE_PARSE, SqlType.TIMESTAMP, text, s("%d/%m/%Y %H:%i:%s")),
        "date_trunc('second', t)");
    Expr iso = call(Operator.DATE_FORMAT, V, T, s("%Y-%m-%dT%H:%i:%s"));
    check(call(Operator.FROM_ISO8601_TIMESTAMP, SqlType.TIMESTAMP, iso), "date_trunc('second', t)");
    check(call(Operator.TO_UNIXTIME, SqlType.DOUBLE, T), "epoch_us(t) / 1e6");
    check(
        call(Operator.FROM_UNIXTIME, SqlType.TIMESTAMP, call(Operator.MULTIPLY, L, A, n(86_401))),
        "make_timestamp(a * 86401 * 1000000)");
    assertThatThrownBy(
            () -> evaluate(call(Operator.DATE_PARSE, SqlType.TIMESTAMP, E, s("%Y-%m-%d"))))
        .isInstanceOf(TarnException.class)
        .hasMessageContaining("Invalid format: \"")
        .hasMessageContaining("does not match '%Y-%m-%d'");
  }

  @Test
  void math() {
    SqlType dbl = SqlType.DOUBLE;
    check(call(Operator.POWER, dbl, C, n(2)), "power(c, 2)");
    check(call(Operator.SQRT, dbl, call(Operator.ABS, dbl, C)), "sqrt(abs(c))");
    check(call(Operator.EXP, dbl, call(Operator.DIVIDE, dbl, C, n(50))), "exp(c / 50)");
    check(
        call(Operator.LN, dbl, B),
        "CASE WHEN b > 0 THEN ln(b) WHEN b = 0 THEN '-inf'::DOUBLE"
            + " WHEN b < 0 THEN 'nan'::DOUBLE END");
    check(call(Operator.LOG10, dbl, call(Operator.ABS, dbl, C)), "log10(abs(c))");
    check(call(Operator.LOG2, dbl, call(Operator.ABS, L, A)), "log2(abs(a))");
    check(call(Operator.SIGN, L, A), "sign(a)");
    check(call(Operator.SIGN, dbl, C), "sign(c)::DOUBLE");
    check(call(Operator.SIGN, SqlType.decimal(12, 2), D), "sign(d)::DECIMAL(12,2)");
    check(call(Operator.TRUNCATE, dbl, C), "trunc(c)");
    check(call(Operator.TRUNCATE, SqlType.decimal(12, 2), D, n(1)), "trunc(d, 1)");
    check(call(Operator.TRUNCATE, L, A, n(-2)), "trunc(a / 100)::BIGINT * 100");
    // Trino's greatest and least are NULL when any argument is; DuckDB skips NULLs.
    check(
        call(Operator.GREATEST, L, A, B, n(0)),
        "CASE WHEN a IS NOT NULL AND b IS NOT NULL THEN greatest(a, b, 0) END");
    check(
        call(
            Operator.LEAST,
            SqlType.decimal(14, 3),
            D,
            lit(new java.math.BigDecimal("1.5"), SqlType.decimal(2, 1))),
        "CASE WHEN d IS NOT NULL THEN least(d, 1.5) END");
    check(call(Operator.LEAST, V, E, s("b")), "CASE WHEN e IS NOT NULL THEN least(e, 'b') END");
  }

  @Test
  void tryCastGivesNullWhereCastFails() {
    Expr text = call(Operator.CONCAT, V, call(Operator.CAST, V, B), E);
    check(call(Operator.TRY_CAST, L, text), "TRY_CAST(b::VARCHAR || e AS BIGINT)");
    check(call(Operator.TRY_CAST, SqlType.DATE, E), "TRY_CAST(e AS DATE)");
    // Trino rounds the double's shortest decimal text (-79.615 to -79.62), DuckDB its binary value.
    check(
        call(Operator.TRY_CAST, SqlType.decimal(12, 2), C),
        "TRY_CAST(c::VARCHAR AS DECIMAL(12,2))");
  }
}
