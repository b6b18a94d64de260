package dev.tarn.core.expr;

import dev.tarn.core.serde.TarnMessage;
import dev.tarn.core.type.SqlType;
import java.util.List;
import java.util.Objects;

/**
 * A scalar expression over the columns of one input batch: what the planner produces and the
 * operators evaluate over whole vectors. Plain data, so it travels inside plan fragments.
 *
 * <p>Literal values use one Java type per SQL kind: {@code Boolean} for boolean; {@code Long} for
 * tinyint..bigint, for date (days since 1970-01-01) and for timestamp (microseconds since
 * 1970-01-01T00:00, no zone); {@code Double} for real and double; {@code BigDecimal} (with the
 * type's scale) for decimal; {@code String} for varchar; {@code byte[]} for varbinary; {@code
 * null} for SQL NULL of any type.
 */
public sealed interface Expr extends TarnMessage permits Expr.ColumnRef, Expr.Literal, Expr.Call {

  /** The SQL type this expression yields. */
  SqlType type();

  /** The input column at {@code index} (0-based, in the input batch's order). */
  record ColumnRef(int index, SqlType type) implements Expr {
    public ColumnRef {
      if (index < 0) {
        throw new IllegalArgumentException("column index must be >= 0, was " + index);
      }
      Objects.requireNonNull(type, "type");
    }

    @Override
    public String toString() {
      return "$" + index;
    }
  }

  /** A constant; {@code value} is null for SQL NULL. */
  record Literal(Object value, SqlType type) implements Expr {
    public Literal {
      Objects.requireNonNull(type, "type");
    }

    @Override
    public String toString() {
      return value == null ? "null:" + type : value instanceof String ? "'" + value + "'" : value.toString();
    }
  }

  /**
   * An operator or function applied to arguments. Argument conventions are given on each
   * {@link Operator}; arguments are already of the types the operator needs (the planner inserts
   * {@link Operator#CAST}s), except that comparisons and arithmetic may mix numeric kinds.
   */
  record Call(Operator operator, List<Expr> args, SqlType type) implements Expr {
    public Call {
      Objects.requireNonNull(operator, "operator");
      args = List.copyOf(Objects.requireNonNull(args, "args"));
      Objects.requireNonNull(type, "type");
    }

    @Override
    public String toString() {
      return operator.name().toLowerCase(java.util.Locale.ROOT) + args;
    }
  }

  /** The operators and functions an expression can apply. */
  enum Operator {
    // arithmetic: two numeric args (NEGATE one); integer division truncates, x/0 is an error
    ADD,
    SUBTRACT,
    MULTIPLY,
    DIVIDE,
    MODULO,
    NEGATE,
    // comparison: two args of comparable types, result boolean, NULL if either is NULL
    EQUAL,
    NOT_EQUAL,
    LESS_THAN,
    LESS_THAN_OR_EQUAL,
    GREATER_THAN,
    GREATER_THAN_OR_EQUAL,
    IS_DISTINCT_FROM,
    IS_NOT_DISTINCT_FROM,
    // logic with SQL three-valued semantics; AND/OR take two or more args
    AND,
    OR,
    NOT,
    IS_NULL,
    IS_NOT_NULL,
    IS_TRUE,
    IS_FALSE,
    /** One arg, converted to the call's type. */
    CAST,
    /** value, pattern (varchar literal) [, escape literal]. */
    LIKE,
    /** value, then one or more candidate values. */
    IN,
    /** when1, then1, when2, then2, ..., else (always present, may be a NULL literal). */
    CASE,
    COALESCE,
    // strings
    LOWER,
    UPPER,
    /** string, start (1-based bigint) [, length]. */
    SUBSTRING,
    CONCAT,
    LENGTH,
    TRIM,
    // dates and timestamps: one date or timestamp arg, bigint result
    EXTRACT_YEAR,
    EXTRACT_MONTH,
    EXTRACT_DAY,
    // math
    ABS,
    /** value [, decimals]. */
    ROUND,
    FLOOR,
    CEIL
  }
}
