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
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link ExpressionEvaluator#select} evaluates a conjunction conjunct by conjunct over the rows the
 * earlier ones kept, and AND / OR evaluate an argument that may fail only over undecided rows. The
 * kept rows must be exactly DuckDB's for the same WHERE clause (NULLs included), and no error may
 * come from a row an earlier conjunct already dropped.
 */
class ConjunctSelectionTest {
  /** The columns and column references of {@link ExpressionEvaluatorTest}, over other rows. */
  static final List<Column> COLUMNS = ExpressionEvaluatorTest.COLUMNS;

  static final Expr ID = ExpressionEvaluatorTest.ID;
  static final Expr A = ExpressionEvaluatorTest.A;
  static final Expr B = ExpressionEvaluatorTest.B;
  static final Expr C = ExpressionEvaluatorTest.C;
  static final Expr D = ExpressionEvaluatorTest.D;
  static final Expr E = ExpressionEvaluatorTest.E;
  static final Expr F = ExpressionEvaluatorTest.F;
  static final Expr G = ExpressionEvaluatorTest.G;
  static List<List<Object>> rows;
  static DuckDb duck;

  @BeforeAll
  static void load() {
    rows = RandomRows.withIds(COLUMNS, 600, 0.15, 7);
    duck = new DuckDb().load("t", COLUMNS, rows);
  }

  @AfterAll
  static void close() {
    duck.close();
  }

  @Test
  void inPlaceConjunctsOfEveryKindNarrowTheSelection() {
    checkWhere(
        and(
            bool(Operator.GREATER_THAN, A, lit(-500L, SqlType.BIGINT)),
            bool(Operator.LESS_THAN_OR_EQUAL, B, lit(10L, SqlType.INTEGER)),
            bool(Operator.GREATER_THAN_OR_EQUAL, C, lit(-60.0, SqlType.DOUBLE)),
            bool(Operator.NOT_EQUAL, D, lit(new BigDecimal("0.00"), SqlType.decimal(12, 2))),
            bool(Operator.LESS_THAN, F, lit(LocalDate.of(2001, 1, 1), SqlType.DATE)),
            bool(Operator.NOT_EQUAL, E, lit("banana", SqlType.VARCHAR)),
            bool(Operator.GREATER_THAN, A, ID)),
        "a > -500 AND b <= 10 AND c >= -60.0 AND d <> 0.00 AND f < DATE '2001-01-01'"
            + " AND e <> 'banana' AND a > id");
    checkWhere(
        and(
            bool(Operator.GREATER_THAN, B, lit(-15L, SqlType.INTEGER)),
            bool(
                Operator.IN,
                E,
                lit("apple", SqlType.VARCHAR),
                lit("x", SqlType.VARCHAR),
                lit("", SqlType.VARCHAR)),
            bool(Operator.IN, B, lit(1L, SqlType.INTEGER), lit(2L, SqlType.INTEGER))),
        "b > -15 AND e IN ('apple', 'x', '') AND b IN (1, 2)");
    checkWhere(
        and(
            bool(Operator.EQUAL, E, lit("x", SqlType.VARCHAR)),
            bool(Operator.EQUAL, E, lit("apple", SqlType.VARCHAR))),
        "e = 'x' AND e = 'apple'");
  }

  /** Constant arithmetic ({@code 1 + 10}, as the planner leaves Q19's) still compares in place. */
  @Test
  void comparisonsWithConstantArithmetic() {
    Expr eleven =
        call(Operator.ADD, SqlType.INTEGER, lit(1L, SqlType.INTEGER), lit(10L, SqlType.INTEGER));
    checkWhere(
        and(
            bool(Operator.LESS_THAN_OR_EQUAL, B, eleven),
            bool(
                Operator.GREATER_THAN,
                call(
                    Operator.MULTIPLY,
                    SqlType.BIGINT,
                    lit(5L, SqlType.BIGINT),
                    lit(-2L, SqlType.BIGINT)),
                A),
            bool(
                Operator.GREATER_THAN_OR_EQUAL, D, call(Operator.NEGATE, SqlType.INTEGER, eleven))),
        "b <= 1 + 10 AND 5 * -2 > a AND d >= -(1 + 10)");
    checkWhere(
        bool(
            Operator.LESS_THAN,
            D,
            call(
                Operator.SUBTRACT,
                SqlType.decimal(4, 2),
                lit(new BigDecimal("0.50"), SqlType.decimal(3, 2)),
                lit(new BigDecimal("1.25"), SqlType.decimal(3, 2)))),
        "d < 0.50 - 1.25");
    checkWhere(
        bool(
            Operator.LESS_THAN,
            A,
            call(Operator.ADD, SqlType.BIGINT, lit(null, SqlType.BIGINT), lit(1L, SqlType.BIGINT))),
        "a < NULL + 1");
  }

  /** Equality and IN on strings compare in place, eight bytes at a time and the tail by bytes. */
  @Test
  void stringEqualityInPlaceOnLongValues() {
    List<Column> columns = TestBatches.columns("id bigint", "s varchar");
    String[] words = {
      "DELIVER IN PERSON",
      "DELIVER IN PERSOM",
      "DELIVER IN PERSON ",
      "TAKE BACK RETURN",
      "",
      "AIR",
      "AIR REG",
      "REG AIR",
      "12345678",
      "12345679",
      "1234567",
      "ábacoábaco",
      null
    };
    List<List<Object>> table = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      table.add(java.util.Arrays.asList((long) i, words[(i * 7) % words.length]));
    }
    Expr s = col(1, SqlType.VARCHAR);
    try (DuckDb strings = new DuckDb().load("w", columns, table);
        BufferAllocator allocator = TestMemory.allocator();
        Batch batch = TestBatches.batch(allocator, columns, table)) {
      String[][] cases = {
        {"DELIVER IN PERSON"}, {"12345678"}, {"1234567"}, {"ábacoábaco"}, {""}, {"AIR", "AIR REG"}
      };
      for (String[] keys : cases) {
        for (Operator op : new Operator[] {Operator.EQUAL, Operator.NOT_EQUAL, Operator.IN}) {
          if (op != Operator.IN && keys.length > 1) {
            continue;
          }
          Expr predicate;
          String where;
          if (op == Operator.IN) {
            List<Expr> args = new ArrayList<>();
            args.add(s);
            StringBuilder list = new StringBuilder();
            for (String key : keys) {
              args.add(lit(key, SqlType.VARCHAR));
              list.append(list.length() == 0 ? "" : ", ").append("'").append(key).append("'");
            }
            predicate = new Expr.Call(Operator.IN, args, SqlType.BOOLEAN);
            where = "s IN (" + list + ")";
          } else {
            predicate = bool(op, s, lit(keys[0], SqlType.VARCHAR));
            where = "s " + (op == Operator.EQUAL ? "=" : "<>") + " '" + keys[0] + "'";
          }
          // Over a selection too: the id filter runs first.
          Expr selected =
              and(
                  bool(Operator.GREATER_THAN, col(0, SqlType.BIGINT), lit(9L, SqlType.BIGINT)),
                  predicate);
          for (Expr e : new Expr[] {predicate, selected}) {
            List<List<Object>> actual = new ArrayList<>();
            for (int row : ExpressionEvaluator.compile(e, columns).select(batch, allocator)) {
              actual.add(List.of((long) row));
            }
            String sql = e == predicate ? where : "id > 9 AND " + where;
            assertThat(actual)
                .as(sql)
                .isEqualTo(strings.query("SELECT id FROM w WHERE " + sql + " ORDER BY id"));
          }
        }
      }
    }
  }

  @Test
  void nullConjunctsDropTheirRows() {
    checkWhere(and(G, bool(Operator.GREATER_THAN, A, lit(0L, SqlType.BIGINT))), "g AND a > 0");
    checkWhere(
        and(
            bool(Operator.GREATER_THAN, A, lit(0L, SqlType.BIGINT)),
            bool(Operator.NOT, G),
            bool(Operator.LESS_THAN, call(Operator.ADD, SqlType.BIGINT, A, B), ID)),
        "a > 0 AND NOT g AND a + b < id");
    checkWhere(
        and(
            bool(Operator.IS_NULL, D),
            bool(Operator.OR, G, bool(Operator.GREATER_THAN, B, lit(0L, SqlType.INTEGER)))),
        "d IS NULL AND (g OR b > 0)");
    checkWhere(
        and(
            bool(Operator.GREATER_THAN, A, lit(0L, SqlType.BIGINT)),
            and(G, bool(Operator.LESS_THAN, B, lit(5L, SqlType.INTEGER)))),
        "a > 0 AND (g AND b < 5)");
  }

  @Test
  void aConjunctNeverFailsOnARowAnEarlierOneDropped() {
    Expr quotientAboveOne =
        bool(
            Operator.GREATER_THAN,
            call(Operator.DIVIDE, SqlType.BIGINT, A, B),
            lit(1L, SqlType.BIGINT));
    Expr bNotZero = bool(Operator.NOT_EQUAL, B, lit(0L, SqlType.INTEGER));
    checkWhere(and(bNotZero, quotientAboveOne), "b <> 0 AND trunc(a / b) > 1");
    // The in-place comparison runs first even when written second: still no division by zero.
    checkWhere(and(quotientAboveOne, bNotZero), "b <> 0 AND trunc(a / b) > 1");
    // A CASE evaluated over a selection: its branch sees only the kept rows that take it.
    Expr safeQuotient =
        call(
            Operator.CASE,
            SqlType.BIGINT,
            bool(Operator.GREATER_THAN, B, lit(3L, SqlType.INTEGER)),
            call(Operator.DIVIDE, SqlType.BIGINT, A, B),
            lit(0L, SqlType.BIGINT));
    checkWhere(
        and(
            G,
            bool(Operator.LESS_THAN, A, lit(200L, SqlType.BIGINT)),
            bool(Operator.GREATER_THAN, safeQuotient, lit(2L, SqlType.BIGINT))),
        "g AND a < 200 AND (CASE WHEN b > 3 THEN trunc(a / b) ELSE 0 END) > 2");
  }

  @Test
  void andAndOrAsValuesShortCircuitAFailingArgument() {
    Expr quotientAboveOne =
        bool(
            Operator.GREATER_THAN,
            call(Operator.DIVIDE, SqlType.BIGINT, A, B),
            lit(1L, SqlType.BIGINT));
    // DuckDB's integer division by zero is NULL, so its FALSE AND NULL and TRUE OR NULL agree
    // with Trino's short-circuit here.
    checkValues(
        and(bool(Operator.NOT_EQUAL, B, lit(0L, SqlType.INTEGER)), quotientAboveOne),
        "b <> 0 AND trunc(a / b) > 1");
    checkValues(
        bool(Operator.OR, bool(Operator.EQUAL, B, lit(0L, SqlType.INTEGER)), quotientAboveOne),
        "b = 0 OR trunc(a / b) > 1");
    checkValues(
        and(G, bool(Operator.NOT_EQUAL, B, lit(0L, SqlType.INTEGER)), quotientAboveOne),
        "g AND b <> 0 AND trunc(a / b) > 1");
  }

  @Test
  void aFailingConjunctStillFailsOnAKeptRow() {
    Expr divideByZero =
        bool(
            Operator.GREATER_THAN,
            call(Operator.DIVIDE, SqlType.BIGINT, A, lit(0L, SqlType.BIGINT)),
            lit(1L, SqlType.BIGINT));
    try (BufferAllocator allocator = TestMemory.allocator();
        Batch batch = TestBatches.batch(allocator, COLUMNS, rows)) {
      ExpressionEvaluator somePass =
          ExpressionEvaluator.compile(
              and(bool(Operator.GREATER_THAN, A, lit(0L, SqlType.BIGINT)), divideByZero), COLUMNS);
      assertThatThrownBy(() -> somePass.select(batch, allocator))
          .isInstanceOfSatisfying(
              TarnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DIVISION_BY_ZERO))
          .hasMessage("division by zero");
      ExpressionEvaluator nonePass =
          ExpressionEvaluator.compile(
              and(bool(Operator.GREATER_THAN, A, lit(5000L, SqlType.BIGINT)), divideByZero),
              COLUMNS);
      assertThat(nonePass.select(batch, allocator)).isEmpty();
    }
  }

  @Test
  void emptyBatchSelectsNothing() {
    try (BufferAllocator allocator = TestMemory.allocator();
        Batch batch = TestBatches.batch(allocator, COLUMNS, List.of())) {
      ExpressionEvaluator predicate =
          ExpressionEvaluator.compile(
              and(G, bool(Operator.GREATER_THAN, A, lit(0L, SqlType.BIGINT))), COLUMNS);
      assertThat(predicate.select(batch, allocator)).isEmpty();
    }
  }

  private static Expr and(Expr... conjuncts) {
    return call(Operator.AND, SqlType.BOOLEAN, conjuncts);
  }

  /** The ids {@code select} keeps, over batches of 128 rows, equal DuckDB's for {@code where}. */
  private static void checkWhere(Expr predicate, String where) {
    List<List<Object>> actual = new ArrayList<>();
    try (BufferAllocator allocator = TestMemory.allocator()) {
      ExpressionEvaluator evaluator = ExpressionEvaluator.compile(predicate, COLUMNS);
      for (Batch batch : TestBatches.batches(allocator, COLUMNS, rows, 128)) {
        try (batch) {
          List<List<Object>> batchRows = BatchRows.toRows(batch);
          for (int row : evaluator.select(batch, allocator)) {
            actual.add(List.of(batchRows.get(row).get(0)));
          }
        }
      }
    }
    assertThat(actual)
        .as(predicate + " vs WHERE " + where)
        .isEqualTo(duck.query("SELECT id FROM t WHERE " + where + " ORDER BY id"));
  }

  /** The predicate's value per row (TRUE, FALSE or NULL) equals DuckDB's for {@code sql}. */
  private static void checkValues(Expr predicate, String sql) {
    List<List<Object>> actual = new ArrayList<>();
    try (BufferAllocator allocator = TestMemory.allocator()) {
      ExpressionEvaluator evaluator = ExpressionEvaluator.compile(predicate, COLUMNS);
      for (Batch batch : TestBatches.batches(allocator, COLUMNS, rows, 128)) {
        try (batch) {
          FieldVector vector = evaluator.evaluate(batch, allocator, "x");
          try (Batch result = Batch.of(List.of(vector), batch.rowCount())) {
            actual.addAll(BatchRows.toRows(result));
          }
        }
      }
    }
    assertThat(StreamTesting.canonical(actual))
        .as(predicate + " vs " + sql)
        .isEqualTo(StreamTesting.canonical(duck.query("SELECT " + sql + " FROM t ORDER BY id")));
  }
}
