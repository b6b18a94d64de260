package dev.tarn.operators.expr;

import static dev.tarn.operators.Exprs.bool;
import static dev.tarn.operators.Exprs.call;
import static dev.tarn.operators.Exprs.col;
import static dev.tarn.operators.Exprs.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.batch.BatchRows;
import dev.tarn.core.error.ErrorCode;
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
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Expressions over random data with NULLs, each compared with the same SQL on DuckDB. */
class ExpressionEvaluatorTest {
  static final List<Column> COLUMNS =
      TestBatches.columns(
          "id bigint",
          "a bigint",
          "b integer",
          "c double",
          "d decimal(12,2)",
          "e varchar",
          "f date",
          "g boolean",
          "t timestamp");
  static final Expr ID = col(0, SqlType.BIGINT);
  static final Expr A = col(1, SqlType.BIGINT);
  static final Expr B = col(2, SqlType.INTEGER);
  static final Expr C = col(3, SqlType.DOUBLE);
  static final Expr D = col(4, SqlType.decimal(12, 2));
  static final Expr E = col(5, SqlType.VARCHAR);
  static final Expr F = col(6, SqlType.DATE);
  static final Expr G = col(7, SqlType.BOOLEAN);
  static final Expr T = col(8, SqlType.TIMESTAMP);
  static List<List<Object>> rows;
  static DuckDb duck;

  @BeforeAll
  static void load() {
    rows = RandomRows.withIds(COLUMNS, 400, 0.15, 42);
    duck = new DuckDb().load("t", COLUMNS, rows);
  }

  @AfterAll
  static void close() {
    duck.close();
  }

  /**
   * Evaluates {@code expr} over the rows in batches of 128 and compares with DuckDB's {@code sql}.
   */
  static void check(Expr expr, String sql) {
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
    List<List<Object>> expected = duck.query("SELECT " + sql + " FROM t ORDER BY id");
    assertThat(StreamTesting.canonical(actual))
        .as(expr + " vs " + sql)
        .isEqualTo(StreamTesting.canonical(expected));
  }

  @Test
  void arithmetic() {
    check(call(Operator.ADD, SqlType.BIGINT, A, B), "a + b");
    check(call(Operator.SUBTRACT, SqlType.BIGINT, A, lit(7L, SqlType.BIGINT)), "a - 7");
    check(call(Operator.MULTIPLY, SqlType.BIGINT, A, B), "a * b");
    check(
        call(
            Operator.CASE,
            SqlType.BIGINT,
            bool(Operator.NOT_EQUAL, B, lit(0L, SqlType.INTEGER)),
            call(Operator.DIVIDE, SqlType.BIGINT, A, B),
            lit(null, SqlType.BIGINT)),
        "CASE WHEN b <> 0 THEN trunc(a / b)::BIGINT END");
    check(
        call(
            Operator.CASE,
            SqlType.BIGINT,
            bool(Operator.NOT_EQUAL, B, lit(0L, SqlType.INTEGER)),
            call(Operator.MODULO, SqlType.BIGINT, A, B),
            lit(null, SqlType.BIGINT)),
        "CASE WHEN b <> 0 THEN a % b END");
    check(call(Operator.NEGATE, SqlType.BIGINT, A), "-a");
    check(call(Operator.MULTIPLY, SqlType.DOUBLE, C, lit(2.5, SqlType.DOUBLE)), "c * 2.5");
    check(call(Operator.DIVIDE, SqlType.DOUBLE, C, lit(3L, SqlType.INTEGER)), "c / 3");
    check(call(Operator.ADD, SqlType.DOUBLE, A, C), "a + c");
  }

  /**
   * Column-versus-constant comparisons, IN lists and OR-ed equalities are evaluated in place on the
   * vector ({@link ColumnPredicates}); every type and operator, both operand orders, constants that
   * occur in the data (so that equality holds somewhere), against DuckDB.
   */
  @Test
  void columnComparedWithConstantsInPlace() {
    List<Object> sample = rowWithoutNulls(7);
    Object[][] cases = {
      {A, sample.get(1), SqlType.BIGINT, "a", sample.get(1).toString()},
      {B, ((Number) sample.get(2)).longValue(), SqlType.INTEGER, "b", sample.get(2).toString()},
      {C, sample.get(3), SqlType.DOUBLE, "c", sample.get(3) + "::DOUBLE"},
      {D, sample.get(4), SqlType.decimal(12, 2), "d", sample.get(4) + "::DECIMAL(12,2)"},
      {E, sample.get(5), SqlType.VARCHAR, "e", "'" + sample.get(5) + "'"},
      {F, sample.get(6), SqlType.DATE, "f", "DATE '" + sample.get(6) + "'"},
      {T, sample.get(8), SqlType.TIMESTAMP, "t", "TIMESTAMP '" + sample.get(8) + "'"},
    };
    Operator[] ops = {
      Operator.EQUAL,
      Operator.NOT_EQUAL,
      Operator.LESS_THAN,
      Operator.LESS_THAN_OR_EQUAL,
      Operator.GREATER_THAN,
      Operator.GREATER_THAN_OR_EQUAL
    };
    String[] sqlOps = {"=", "<>", "<", "<=", ">", ">="};
    for (Object[] c : cases) {
      Expr column = (Expr) c[0];
      Expr constant = lit(c[1], (SqlType) c[2]);
      for (int o = 0; o < ops.length; o++) {
        check(bool(ops[o], column, constant), c[3] + " " + sqlOps[o] + " " + c[4]);
        check(bool(ops[o], constant, column), c[4] + " " + sqlOps[o] + " " + c[3]);
      }
    }
    // Two columns of one type, NULLs on either side; an integer constant against a decimal.
    for (int o = 0; o < ops.length; o++) {
      check(bool(ops[o], A, ID), "a " + sqlOps[o] + " id");
      check(bool(ops[o], D, D), "d " + sqlOps[o] + " d");
      check(bool(ops[o], C, C), "c " + sqlOps[o] + " c");
      check(bool(ops[o], F, F), "f " + sqlOps[o] + " f");
      check(bool(ops[o], D, lit(24L, SqlType.INTEGER)), "d " + sqlOps[o] + " 24");
      check(
          bool(ops[o], D, lit(new BigDecimal("0.055"), SqlType.decimal(4, 3))),
          "d " + sqlOps[o] + " 0.055");
    }
    List<Object> other = rowWithoutNulls(rows.indexOf(sample) + 1);
    check(
        bool(Operator.IN, E, lit(sample.get(5), SqlType.VARCHAR), lit("zz", SqlType.VARCHAR)),
        "e IN ('" + sample.get(5) + "', 'zz')");
    check(
        bool(
            Operator.OR,
            bool(Operator.EQUAL, A, lit(sample.get(1), SqlType.BIGINT)),
            bool(Operator.EQUAL, A, lit(other.get(1), SqlType.BIGINT))),
        "a = " + sample.get(1) + " OR a = " + other.get(1));
    check(
        bool(Operator.IN, F, lit(sample.get(6), SqlType.DATE), lit(other.get(6), SqlType.DATE)),
        "f IN (DATE '" + sample.get(6) + "', DATE '" + other.get(6) + "')");
  }

  private static List<Object> rowWithoutNulls(int from) {
    for (int i = from; i < rows.size(); i++) {
      if (!rows.get(i).contains(null)) {
        return rows.get(i);
      }
    }
    throw new IllegalStateException("every row from " + from + " has a NULL");
  }

  @Test
  void decimalArithmeticIsExact() {
    check(call(Operator.ADD, SqlType.decimal(13, 2), D, D), "d + d");
    check(
        call(
            Operator.SUBTRACT,
            SqlType.decimal(13, 2),
            D,
            lit(new BigDecimal("1.5"), SqlType.decimal(2, 1))),
        "d - 1.5");
    check(call(Operator.MULTIPLY, SqlType.decimal(24, 4), D, D), "d * d");
    check(call(Operator.MULTIPLY, SqlType.decimal(31, 2), D, A), "d * a");
    check(
        call(Operator.DIVIDE, SqlType.decimal(12, 2), D, lit(3L, SqlType.INTEGER)),
        "round(d / 3, 2)");
    check(call(Operator.NEGATE, SqlType.decimal(12, 2), D), "-d");
    check(call(Operator.ADD, SqlType.DOUBLE, D, C), "d::DOUBLE + c");
  }

  @Test
  void wideDecimalsTakeTheExactPath() {
    SqlType wide = SqlType.decimal(38, 2);
    Expr big = lit(new BigDecimal("12345678901234567890.12"), wide);
    check(
        call(Operator.ADD, wide, call(Operator.CAST, wide, D), big),
        "d::DECIMAL(38,2) + 12345678901234567890.12");
    check(
        call(Operator.MULTIPLY, SqlType.decimal(38, 4), big, D),
        "12345678901234567890.12::DECIMAL(38,2) * d");
    check(bool(Operator.LESS_THAN, D, big), "d < 12345678901234567890.12");
  }

  @Test
  void comparisons() {
    check(bool(Operator.LESS_THAN, A, B), "a < b");
    check(bool(Operator.GREATER_THAN_OR_EQUAL, C, lit(0.5, SqlType.DOUBLE)), "c >= 0.5");
    check(bool(Operator.EQUAL, D, lit(new BigDecimal("1.5"), SqlType.decimal(2, 1))), "d = 1.5");
    check(bool(Operator.LESS_THAN_OR_EQUAL, A, D), "a <= d");
    check(bool(Operator.NOT_EQUAL, B, C), "b <> c");
    check(bool(Operator.LESS_THAN, E, lit("b", SqlType.VARCHAR)), "e < 'b'");
    check(bool(Operator.GREATER_THAN, E, lit("Ä", SqlType.VARCHAR)), "e > 'Ä'");
    check(
        bool(
            Operator.GREATER_THAN,
            F,
            lit(java.time.LocalDate.of(2000, 1, 1).toEpochDay(), SqlType.DATE)),
        "f > DATE '2000-01-01'");
    check(bool(Operator.LESS_THAN, T, F), "t < f");
    check(bool(Operator.IS_DISTINCT_FROM, A, B), "a IS DISTINCT FROM b");
    check(
        bool(Operator.IS_NOT_DISTINCT_FROM, E, lit(null, SqlType.VARCHAR)),
        "e IS NOT DISTINCT FROM NULL");
    check(bool(Operator.EQUAL, G, lit(true, SqlType.BOOLEAN)), "g = true");
  }

  @Test
  void threeValuedLogic() {
    Expr aPositive = bool(Operator.GREATER_THAN, A, lit(0L, SqlType.BIGINT));
    Expr like = bool(Operator.LIKE, E, lit("a%", SqlType.VARCHAR));
    check(
        bool(Operator.OR, bool(Operator.AND, aPositive, like), G), "(a > 0 AND e LIKE 'a%') OR g");
    check(
        bool(Operator.AND, aPositive, G, bool(Operator.NOT, like)),
        "a > 0 AND g AND NOT e LIKE 'a%'");
    check(bool(Operator.NOT, G), "NOT g");
    check(bool(Operator.IS_NULL, E), "e IS NULL");
    check(bool(Operator.IS_NOT_NULL, D), "d IS NOT NULL");
    check(bool(Operator.IS_TRUE, G), "g IS TRUE");
    check(bool(Operator.IS_FALSE, G), "g IS FALSE");
  }

  @Test
  void likeAndIn() {
    for (String pattern :
        List.of(
            "a%",
            "%a", "%an%", "a_c", "%a%b%", "_", "", "%", "ab", "a%c", "a%%c", "%p%e", "b%a%a",
            "a%b%c", "%r%%y%", "a%a")) {
      check(bool(Operator.LIKE, E, lit(pattern, SqlType.VARCHAR)), "e LIKE '" + pattern + "'");
    }
    check(
        bool(Operator.LIKE, E, lit("a\\_c", SqlType.VARCHAR), lit("\\", SqlType.VARCHAR)),
        "e LIKE 'a\\_c' ESCAPE '\\'");
    check(
        bool(Operator.LIKE, E, lit("a\\%b", SqlType.VARCHAR), lit("\\", SqlType.VARCHAR)),
        "e LIKE 'a\\%b' ESCAPE '\\'");
    check(
        bool(
            Operator.IN,
            A,
            lit(1L, SqlType.BIGINT),
            lit(2L, SqlType.BIGINT),
            lit(-3L, SqlType.BIGINT)),
        "a IN (1, 2, -3)");
    check(
        bool(
            Operator.IN,
            E,
            lit("abc", SqlType.VARCHAR),
            lit("x", SqlType.VARCHAR),
            lit(null, SqlType.VARCHAR)),
        "e IN ('abc', 'x', NULL)");
  }

  @Test
  void caseAndCoalesce() {
    check(
        call(
            Operator.CASE,
            SqlType.VARCHAR,
            bool(Operator.GREATER_THAN, A, lit(0L, SqlType.BIGINT)),
            E,
            bool(Operator.LESS_THAN, A, lit(-500L, SqlType.BIGINT)),
            lit("low", SqlType.VARCHAR),
            lit(null, SqlType.VARCHAR)),
        "CASE WHEN a > 0 THEN e WHEN a < -500 THEN 'low' END");
    check(
        call(
            Operator.CASE,
            SqlType.decimal(12, 2),
            G,
            D,
            lit(BigDecimal.ZERO, SqlType.decimal(1, 0))),
        "CASE WHEN g THEN d ELSE 0 END");
    check(
        call(Operator.COALESCE, SqlType.VARCHAR, E, lit("none", SqlType.VARCHAR)),
        "coalesce(e, 'none')");
    check(call(Operator.COALESCE, SqlType.BIGINT, A, B), "coalesce(a, b)");
  }

  @Test
  void stringFunctions() {
    check(call(Operator.LOWER, SqlType.VARCHAR, E), "lower(e)");
    check(call(Operator.UPPER, SqlType.VARCHAR, E), "upper(e)");
    check(
        call(
            Operator.SUBSTRING,
            SqlType.VARCHAR,
            E,
            lit(2L, SqlType.BIGINT),
            lit(3L, SqlType.BIGINT)),
        "substring(e, 2, 3)");
    check(call(Operator.SUBSTRING, SqlType.VARCHAR, E, lit(2L, SqlType.BIGINT)), "substring(e, 2)");
    check(
        call(Operator.CONCAT, SqlType.VARCHAR, E, lit("-", SqlType.VARCHAR), A),
        "e || '-' || a::VARCHAR");
    check(call(Operator.LENGTH, SqlType.BIGINT, E), "length(e)");
    check(call(Operator.TRIM, SqlType.VARCHAR, E), "trim(e)");
  }

  @Test
  void dateAndMathFunctions() {
    check(call(Operator.EXTRACT_YEAR, SqlType.BIGINT, F), "year(f)");
    check(call(Operator.EXTRACT_MONTH, SqlType.BIGINT, F), "month(f)");
    check(call(Operator.EXTRACT_DAY, SqlType.BIGINT, T), "day(t)");
    check(call(Operator.ABS, SqlType.BIGINT, A), "abs(a)");
    check(call(Operator.ABS, SqlType.decimal(12, 2), D), "abs(d)");
    check(call(Operator.FLOOR, SqlType.DOUBLE, C), "floor(c)");
    check(call(Operator.CEIL, SqlType.DOUBLE, C), "ceil(c)");
    check(call(Operator.FLOOR, SqlType.decimal(11, 0), D), "floor(d)");
    check(call(Operator.CEIL, SqlType.decimal(11, 0), D), "ceil(d)");
    check(call(Operator.ROUND, SqlType.decimal(12, 2), D, lit(1L, SqlType.INTEGER)), "round(d, 1)");
    check(call(Operator.ROUND, SqlType.decimal(11, 0), D), "round(d)");
    check(call(Operator.ROUND, SqlType.DOUBLE, C, lit(1L, SqlType.INTEGER)), "round(c, 1)");
  }

  @Test
  void casts() {
    check(call(Operator.CAST, SqlType.DOUBLE, B), "b::DOUBLE");
    check(
        call(
            Operator.CAST,
            SqlType.BIGINT,
            call(Operator.ADD, SqlType.DOUBLE, C, lit(0.0001, SqlType.DOUBLE))),
        "(c + 0.0001)::BIGINT");
    check(call(Operator.CAST, SqlType.BIGINT, D), "d::BIGINT");
    check(call(Operator.CAST, SqlType.INTEGER, A), "a::INTEGER");
    check(call(Operator.CAST, SqlType.VARCHAR, A), "a::VARCHAR");
    check(call(Operator.CAST, SqlType.VARCHAR, D), "d::VARCHAR");
    check(call(Operator.CAST, SqlType.VARCHAR, F), "f::VARCHAR");
    check(
        call(Operator.CAST, SqlType.DATE, call(Operator.CAST, SqlType.VARCHAR, F)),
        "f::VARCHAR::DATE");
    check(call(Operator.CAST, SqlType.TIMESTAMP, F), "f::TIMESTAMP");
    check(call(Operator.CAST, SqlType.DATE, T), "t::DATE");
    check(call(Operator.CAST, SqlType.decimal(20, 2), A), "a::DECIMAL(20,2)");
    check(call(Operator.CAST, SqlType.decimal(14, 4), D), "d::DECIMAL(14,4)");
    check(call(Operator.CAST, SqlType.decimal(11, 1), D), "round(d, 1)::DECIMAL(11,1)");
    check(call(Operator.CAST, SqlType.DOUBLE, D), "d::DOUBLE");
    check(
        call(Operator.CAST, SqlType.BIGINT, call(Operator.CAST, SqlType.VARCHAR, A)),
        "a::VARCHAR::BIGINT");
    check(
        call(Operator.CAST, SqlType.TIMESTAMP, lit("2001-02-03 04:05:06.789", SqlType.VARCHAR)),
        "TIMESTAMP '2001-02-03 04:05:06.789'");
  }

  @Test
  void selectKeepsOnlyTrueRows() {
    try (BufferAllocator allocator = TestMemory.allocator();
        Batch batch = TestBatches.batch(allocator, COLUMNS, rows)) {
      ExpressionEvaluator predicate =
          ExpressionEvaluator.compile(
              bool(Operator.GREATER_THAN, A, lit(0L, SqlType.BIGINT)), COLUMNS);
      int[] selected = predicate.select(batch, allocator);
      List<List<Object>> expected = duck.query("SELECT id FROM t WHERE a > 0 ORDER BY id");
      List<List<Object>> actual = new ArrayList<>();
      for (int row : selected) {
        actual.add(List.of((long) row));
      }
      assertThat(actual).isEqualTo(expected);
    }
  }

  @Test
  void divisionByZeroFailsWithoutLeaking() {
    try (BufferAllocator allocator = TestMemory.allocator();
        Batch batch = TestBatches.batch(allocator, COLUMNS, rows)) {
      ExpressionEvaluator evaluator =
          ExpressionEvaluator.compile(
              call(Operator.DIVIDE, SqlType.BIGINT, A, lit(0L, SqlType.BIGINT)), COLUMNS);
      assertThatThrownBy(() -> evaluator.evaluate(batch, allocator, "x"))
          .isInstanceOfSatisfying(
              TarnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DIVISION_BY_ZERO))
          .hasMessage("division by zero");
      ExpressionEvaluator decimal =
          ExpressionEvaluator.compile(
              call(
                  Operator.DIVIDE,
                  SqlType.decimal(12, 2),
                  D,
                  lit(BigDecimal.ZERO, SqlType.decimal(1, 0))),
              COLUMNS);
      assertThatThrownBy(() -> decimal.evaluate(batch, allocator, "x"))
          .isInstanceOfSatisfying(
              TarnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DIVISION_BY_ZERO));
    }
  }

  @Test
  void badCastNamesTheValue() {
    try (BufferAllocator allocator = TestMemory.allocator();
        Batch batch = TestBatches.batch(allocator, COLUMNS, rows)) {
      ExpressionEvaluator evaluator =
          ExpressionEvaluator.compile(
              call(Operator.CAST, SqlType.BIGINT, lit("12x", SqlType.VARCHAR)), COLUMNS);
      assertThatThrownBy(() -> evaluator.evaluate(batch, allocator, "x"))
          .isInstanceOfSatisfying(
              TarnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
          .hasMessage("cannot cast '12x' to bigint");
    }
  }

  @Test
  void unsupportedCombinationsFailAtCompileTime() {
    assertThatThrownBy(
            () -> ExpressionEvaluator.compile(call(Operator.ADD, SqlType.BIGINT, E, A), COLUMNS))
        .isInstanceOfSatisfying(
            TarnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_SUPPORTED))
        .hasMessageContaining("add(varchar, bigint)");
    assertThatThrownBy(
            () -> ExpressionEvaluator.compile(call(Operator.CAST, SqlType.DATE, G), COLUMNS))
        .isInstanceOfSatisfying(
            TarnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_SUPPORTED))
        .hasMessage("cannot cast boolean to date");
    assertThatThrownBy(() -> ExpressionEvaluator.compile(bool(Operator.LESS_THAN, E, F), COLUMNS))
        .isInstanceOfSatisfying(
            TarnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_SUPPORTED))
        .hasMessage("cannot compare varchar with date");
  }
}
