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
 * type's scale) for decimal; {@code String} for varchar; {@code byte[]} for varbinary; {@code null}
 * for SQL NULL of any type.
 */
public sealed interface Expr extends TarnMessage permits Expr.ColumnRef, Expr.Literal, Expr.Call {

  /** The SQL type this expression yields. */
  SqlType type();

  /**
   * {@code expr} with each column reference {@code i} replaced by a reference to column {@code
   * mapping.applyAsInt(i)}: for a planner that moves or drops an expression's input columns.
   */
  static Expr mapColumns(Expr expr, java.util.function.IntUnaryOperator mapping) {
    if (expr instanceof ColumnRef ref) {
      return new ColumnRef(mapping.applyAsInt(ref.index()), ref.type());
    }
    if (expr instanceof Call call) {
      List<Expr> args = new java.util.ArrayList<>(call.args().size());
      for (Expr arg : call.args()) {
        args.add(mapColumns(arg, mapping));
      }
      return new Call(call.operator(), args, call.type());
    }
    return expr;
  }

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
      return value == null
          ? "null:" + type
          : value instanceof String ? "'" + value + "'" : value.toString();
    }
  }

  /**
   * An operator or function applied to arguments. Argument conventions are given on each {@link
   * Operator}; arguments are already of the types the operator needs (the planner inserts {@link
   * Operator#CAST}s), except that comparisons and arithmetic may mix numeric kinds.
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
    CEIL,

    // ---- Arrays, maps and rows (Trino semantics; operators.expr.ArrayFunctions evaluates). ----
    /** elements (each of the element type): an array of the call's type. */
    ARRAY_CONSTRUCTOR,
    /** keys array, values array of equal length: a map; a NULL or repeated key is an error. */
    MAP_FROM_ARRAYS,
    /** one value per field: a row of the call's type. */
    ROW_CONSTRUCTOR,
    /**
     * array, index (bigint, 1-based): an error out of bounds; or map, key: an error when the key is
     * absent (Trino's {@code a[i]}).
     */
    SUBSCRIPT,
    /** array, index (bigint; negative counts from the end) or map, key: NULL when absent. */
    ELEMENT_AT,
    /** row, field index (0-based bigint literal): the field's value. */
    FIELD,
    /** array or map: bigint number of elements. */
    CARDINALITY,
    /** array, value: boolean; NULL when absent and the array holds a NULL. */
    CONTAINS,
    /** array, delimiter [, NULL replacement]: varchar; NULL elements are skipped without one. */
    ARRAY_JOIN,
    /** start, stop [, step] (bigint): array(bigint) from start to stop inclusive. */
    SEQUENCE,
    /** string, delimiter [, limit (bigint)]: array(varchar). */
    SPLIT,

    // ---- Functions added for the SQL engine (Trino names and semantics). ----
    // strings: the first argument is the varchar; positions and sizes are bigint, in code points
    LTRIM,
    RTRIM,
    /** string, search [, replacement]: every occurrence; no replacement removes them. */
    REPLACE,
    /** string, delimiter, index (1-based bigint): the field, NULL past the last one. */
    SPLIT_PART,
    /** string, substring: bigint 1-based position of the first occurrence, 0 when absent. */
    STRPOS,
    /** string, size, pad: pads (or cuts) to size characters on the left. */
    LPAD,
    /** string, size, pad: pads (or cuts) to size characters on the right. */
    RPAD,
    REVERSE,
    /** string, prefix: boolean. */
    STARTS_WITH,
    /** string, pattern (varchar literal, java.util.regex): boolean, a match anywhere. */
    REGEXP_LIKE,
    /** string, pattern literal [, group (bigint literal)]: the first match, NULL when none. */
    REGEXP_EXTRACT,
    /** string, pattern literal [, replacement ($n names a group)]: every match replaced. */
    REGEXP_REPLACE,
    // JSON, carried as varchar holding JSON text; paths are varchar literals ($, .key, ["key"],
    // [n])
    /** json, path literal: the value's JSON text, NULL when the path leads nowhere. */
    JSON_EXTRACT,
    /** json, path literal: a scalar's text; NULL for objects, arrays, JSON null, a missing path. */
    JSON_EXTRACT_SCALAR,
    /** json, path literal: bigint members or elements of the value there, 0 for a scalar. */
    JSON_SIZE,
    /** varchar: canonical JSON text (compact, keys sorted); text that is not JSON is an error. */
    JSON_PARSE,
    /** json: its text. */
    JSON_FORMAT,
    /** json: bigint elements of a top-level array, NULL otherwise. */
    JSON_ARRAY_LENGTH,
    /** json, value (boolean, bigint, double or varchar): whether the array has that element. */
    JSON_ARRAY_CONTAINS,
    // dates and timestamps: one date or timestamp arg, bigint result (ISO weeks, Monday = 1)
    EXTRACT_QUARTER,
    EXTRACT_WEEK,
    EXTRACT_DAY_OF_WEEK,
    EXTRACT_DAY_OF_YEAR,
    EXTRACT_HOUR,
    EXTRACT_MINUTE,
    EXTRACT_SECOND,
    /**
     * unit (varchar literal: second, minute, hour, day, week, month, quarter, year), date or
     * timestamp: truncated, of the second argument's type.
     */
    DATE_TRUNC,
    /**
     * unit literal (millisecond..year), amount (bigint), date or timestamp: of the third argument's
     * type; adding months keeps the day, clamped to the month's length.
     */
    DATE_ADD,
    /** unit literal, a, b (both date or both timestamp): bigint whole units from a to b. */
    DATE_DIFF,
    /** date or timestamp, format (varchar literal, MySQL style as Trino's): varchar. */
    DATE_FORMAT,
    /** string, format (varchar literal, MySQL style): timestamp. */
    DATE_PARSE,
    /** string in ISO 8601: timestamp, the local date-time as written (an offset is dropped). */
    FROM_ISO8601_TIMESTAMP,
    /** seconds since 1970-01-01 UTC (double): timestamp in UTC. */
    FROM_UNIXTIME,
    /** timestamp (read as UTC): double seconds since 1970-01-01. */
    TO_UNIXTIME,
    // math: double args and result
    POWER,
    SQRT,
    EXP,
    LN,
    LOG10,
    LOG2,
    /**
     * No argument: a double in [0, 1); one integer argument n: a value in [0, n) of n's type. A new
     * value per row (never folded).
     */
    RANDOM,
    /** numeric: -1, 0 or 1 of the argument's type. */
    SIGN,
    /** numeric [, decimals (bigint)]: rounded toward zero. */
    TRUNCATE,
    /** two or more args of the call's type: NULL if any is NULL (Trino). */
    GREATEST,
    LEAST,
    /** One arg, converted to the call's type; NULL where CAST would fail. */
    TRY_CAST
  }
}
