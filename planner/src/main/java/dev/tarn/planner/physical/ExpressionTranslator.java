package dev.tarn.planner.physical;

import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.expr.Expr;
import dev.tarn.core.expr.Expr.Operator;
import dev.tarn.core.type.SqlType;
import dev.tarn.planner.schema.TypeConversion;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.calcite.avatica.util.TimeUnitRange;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexFieldAccess;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.fun.SqlLibraryOperators;
import org.apache.calcite.sql.fun.SqlLikeOperator;
import org.apache.calcite.sql.fun.SqlTrimFunction;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlOperandTypeChecker;
import org.apache.calcite.sql.type.SqlReturnTypeInference;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.apache.calcite.sql.util.SqlOperatorTables;
import org.apache.calcite.util.TimestampString;

/**
 * Translates Calcite row expressions ({@link RexNode}) into Tarn's {@link Expr}. Input references
 * are renumbered through a column map, because a scan reads only some of a table's columns. {@code
 * SEARCH} (Calcite's range sets) is expanded into comparisons first.
 *
 * <pre>
 *   =($1, 'x')  with columnMap {1 -> 0}   becomes   equal[$0, 'x']
 * </pre>
 */
public final class ExpressionTranslator {
  private static final long MILLIS_PER_DAY = 86_400_000L;
  private static final LocalDateTime EPOCH = LocalDateTime.of(1970, 1, 1, 0, 0);

  private static SqlFunction function(
      String name,
      SqlReturnTypeInference returnType,
      SqlOperandTypeChecker operands,
      SqlFunctionCategory category) {
    return new SqlFunction(name, SqlKind.OTHER_FUNCTION, returnType, null, operands, category);
  }

  private static SqlFunction datePart(String name) {
    return function(
        name, ReturnTypes.BIGINT_NULLABLE, OperandTypes.DATETIME, SqlFunctionCategory.TIMEDATE);
  }

  private static final SqlOperandTypeChecker STRING_STRING_OPTIONAL_INTEGER =
      OperandTypes.or(
          OperandTypes.STRING_STRING,
          OperandTypes.family(SqlTypeFamily.STRING, SqlTypeFamily.STRING, SqlTypeFamily.INTEGER));
  private static final SqlOperandTypeChecker STRING_STRING_OPTIONAL_STRING =
      OperandTypes.or(OperandTypes.STRING_STRING, OperandTypes.STRING_STRING_STRING);

  /**
   * Trino's scalar functions that Calcite's standard table lacks, with Trino's argument order and
   * types; {@link #function(RexCall, int[], SqlType)} maps them by name. The query planner chains
   * this table before the standard one, so Trino's {@code replace(s, search)} and {@code
   * split_part} (NULL past the last field) win over Calcite's.
   */
  public static final SqlOperatorTable FUNCTIONS =
      SqlOperatorTables.of(
          List.of(
              SqlLibraryOperators.LTRIM,
              SqlLibraryOperators.RTRIM,
              SqlLibraryOperators.STRPOS,
              SqlLibraryOperators.LPAD,
              SqlLibraryOperators.RPAD,
              SqlLibraryOperators.REVERSE,
              SqlLibraryOperators.STARTS_WITH,
              SqlLibraryOperators.REGEXP_LIKE,
              SqlLibraryOperators.GREATEST,
              SqlLibraryOperators.LEAST,
              SqlLibraryOperators.LOG2,
              SqlLibraryOperators.IF,
              SqlLibraryOperators.TRY_CAST,
              function(
                  "REPLACE",
                  ReturnTypes.VARCHAR_NULLABLE,
                  STRING_STRING_OPTIONAL_STRING,
                  SqlFunctionCategory.STRING),
              function(
                  "SPLIT_PART",
                  ReturnTypes.VARCHAR_FORCE_NULLABLE,
                  OperandTypes.STRING_STRING_INTEGER,
                  SqlFunctionCategory.STRING),
              function(
                  "REGEXP_EXTRACT",
                  ReturnTypes.VARCHAR_FORCE_NULLABLE,
                  STRING_STRING_OPTIONAL_INTEGER,
                  SqlFunctionCategory.STRING),
              function(
                  "REGEXP_REPLACE",
                  ReturnTypes.VARCHAR_NULLABLE,
                  STRING_STRING_OPTIONAL_STRING,
                  SqlFunctionCategory.STRING),
              function(
                  "DATE_TRUNC",
                  ReturnTypes.ARG1_NULLABLE,
                  OperandTypes.family(SqlTypeFamily.STRING, SqlTypeFamily.DATETIME),
                  SqlFunctionCategory.TIMEDATE),
              function(
                  "DATE_ADD",
                  ReturnTypes.ARG2_NULLABLE,
                  OperandTypes.family(
                      SqlTypeFamily.STRING, SqlTypeFamily.INTEGER, SqlTypeFamily.DATETIME),
                  SqlFunctionCategory.TIMEDATE),
              function(
                  "DATE_DIFF",
                  ReturnTypes.BIGINT_NULLABLE,
                  OperandTypes.family(
                      SqlTypeFamily.STRING, SqlTypeFamily.DATETIME, SqlTypeFamily.DATETIME),
                  SqlFunctionCategory.TIMEDATE),
              function(
                  "DATE_FORMAT",
                  ReturnTypes.VARCHAR_NULLABLE,
                  OperandTypes.family(SqlTypeFamily.DATETIME, SqlTypeFamily.STRING),
                  SqlFunctionCategory.TIMEDATE),
              function(
                  "DATE_PARSE",
                  ReturnTypes.TIMESTAMP_NULLABLE,
                  OperandTypes.STRING_STRING,
                  SqlFunctionCategory.TIMEDATE),
              function(
                  "FROM_ISO8601_TIMESTAMP",
                  ReturnTypes.TIMESTAMP_NULLABLE,
                  OperandTypes.STRING,
                  SqlFunctionCategory.TIMEDATE),
              function(
                  "FROM_UNIXTIME",
                  ReturnTypes.TIMESTAMP_NULLABLE,
                  OperandTypes.NUMERIC,
                  SqlFunctionCategory.TIMEDATE),
              function(
                  "TO_UNIXTIME",
                  ReturnTypes.DOUBLE_NULLABLE,
                  OperandTypes.DATETIME,
                  SqlFunctionCategory.TIMEDATE),
              datePart("DAY_OF_WEEK"),
              datePart("DOW"),
              datePart("DAY_OF_YEAR"),
              datePart("DOY"),
              datePart("DAY_OF_MONTH"),
              datePart("WEEK_OF_YEAR"),
              datePart("YEAR_OF_WEEK"),
              function(
                  "POW",
                  ReturnTypes.DOUBLE_NULLABLE,
                  OperandTypes.NUMERIC_NUMERIC,
                  SqlFunctionCategory.NUMERIC),
              function(
                  "E", ReturnTypes.DOUBLE, OperandTypes.NILADIC, SqlFunctionCategory.NUMERIC)));

  private final RexBuilder rexBuilder;

  public ExpressionTranslator(RexBuilder rexBuilder) {
    this.rexBuilder = rexBuilder;
  }

  /**
   * Translates {@code node}.
   *
   * @param columnMap input field index to output column index; null for the identity
   * @throws TarnException NOT_SUPPORTED naming a function or type Tarn cannot evaluate
   */
  Expr translate(RexNode node, int[] columnMap) {
    return expression(RexUtil.expandSearch(rexBuilder, null, node), columnMap);
  }

  private Expr expression(RexNode node, int[] columnMap) {
    if (node instanceof RexInputRef ref) {
      int index = columnMap == null ? ref.getIndex() : columnMap[ref.getIndex()];
      if (index < 0) {
        throw new IllegalStateException("input column " + ref.getIndex() + " is not read");
      }
      return new Expr.ColumnRef(index, TypeConversion.toSqlType(ref.getType()));
    }
    if (node instanceof RexLiteral literal) {
      return literal(literal);
    }
    if (node instanceof RexCall call) {
      return call(call, columnMap);
    }
    if (node instanceof RexFieldAccess access) {
      return fieldAccess(access, columnMap);
    }
    throw new TarnException(ErrorCode.NOT_SUPPORTED, "Expression " + node + " is not supported");
  }

  static Expr.Literal literal(RexLiteral literal) {
    SqlType type = TypeConversion.toSqlType(literal.getType());
    return new Expr.Literal(value(literal, type), type);
  }

  /** A literal's value in {@link Expr.Literal}'s Java conventions. */
  static Object value(RexLiteral literal, SqlType type) {
    if (literal.isNull()) {
      return null;
    }
    switch (type.kind()) {
      case BOOLEAN:
        return literal.getValueAs(Boolean.class);
      case TINYINT:
      case SMALLINT:
      case INTEGER:
      case BIGINT:
        return literal.getValueAs(Long.class);
      case REAL:
      case DOUBLE:
        return literal.getValueAs(Double.class);
      case DECIMAL:
        return literal.getValueAs(BigDecimal.class).setScale(type.scale(), RoundingMode.HALF_UP);
      case VARCHAR:
        return literal.getValueAs(String.class);
      case VARBINARY:
        return literal.getValueAs(byte[].class);
      case DATE:
        return (long) literal.getValueAs(Integer.class);
      case TIMESTAMP:
        return epochMicros(literal.getValueAs(TimestampString.class));
    }
    throw new AssertionError(type.kind());
  }

  private static long epochMicros(TimestampString timestamp) {
    LocalDateTime dateTime = LocalDateTime.parse(timestamp.toString().replace(' ', 'T'));
    return ChronoUnit.MICROS.between(EPOCH, dateTime);
  }

  private Expr call(RexCall call, int[] columnMap) {
    SqlType type = TypeConversion.toSqlType(call.getType());
    List<RexNode> operands = call.getOperands();
    switch (call.getKind()) {
      case PLUS:
        return binary(Operator.ADD, call, columnMap, type);
      case MINUS:
        return binary(Operator.SUBTRACT, call, columnMap, type);
      case TIMES:
        return binary(Operator.MULTIPLY, call, columnMap, type);
      case DIVIDE:
        return binary(Operator.DIVIDE, call, columnMap, type);
      case MOD:
        return binary(Operator.MODULO, call, columnMap, type);
      case MINUS_PREFIX:
        return simple(Operator.NEGATE, call, columnMap, type);
      case PLUS_PREFIX:
        return expression(operands.get(0), columnMap);
      case EQUALS:
        return comparison(Operator.EQUAL, call, columnMap, type);
      case NOT_EQUALS:
        return comparison(Operator.NOT_EQUAL, call, columnMap, type);
      case LESS_THAN:
        return comparison(Operator.LESS_THAN, call, columnMap, type);
      case LESS_THAN_OR_EQUAL:
        return comparison(Operator.LESS_THAN_OR_EQUAL, call, columnMap, type);
      case GREATER_THAN:
        return comparison(Operator.GREATER_THAN, call, columnMap, type);
      case GREATER_THAN_OR_EQUAL:
        return comparison(Operator.GREATER_THAN_OR_EQUAL, call, columnMap, type);
      case IS_DISTINCT_FROM:
        return comparison(Operator.IS_DISTINCT_FROM, call, columnMap, type);
      case IS_NOT_DISTINCT_FROM:
        return comparison(Operator.IS_NOT_DISTINCT_FROM, call, columnMap, type);
      case AND:
        return simple(Operator.AND, call, columnMap, type);
      case OR:
        return simple(Operator.OR, call, columnMap, type);
      case NOT:
        return simple(Operator.NOT, call, columnMap, type);
      case IS_NULL:
        return simple(Operator.IS_NULL, call, columnMap, type);
      case IS_NOT_NULL:
        return simple(Operator.IS_NOT_NULL, call, columnMap, type);
      case IS_TRUE:
        return simple(Operator.IS_TRUE, call, columnMap, type);
      case IS_FALSE:
        return simple(Operator.IS_FALSE, call, columnMap, type);
      case IS_NOT_TRUE:
        return not(simple(Operator.IS_TRUE, call, columnMap, type));
      case IS_NOT_FALSE:
        return not(simple(Operator.IS_FALSE, call, columnMap, type));
      case CAST:
        return cast(expression(operands.get(0), columnMap), type);
      case CASE:
        return caseExpression(call, columnMap, type);
      case COALESCE:
        return simple(Operator.COALESCE, call, columnMap, type);
      case LIKE:
        return like(call, columnMap, type);
      case IN:
        return simple(Operator.IN, call, columnMap, type);
      case EXTRACT:
        return extract(call, columnMap, type);
      case TRIM:
        return trim(call, columnMap, type);
      case SAFE_CAST:
        return new Expr.Call(
            Operator.TRY_CAST, List.of(expression(operands.get(0), columnMap)), type);
      case IF:
        {
          // if(c, a) is CASE WHEN c THEN a END; if(c, a, b) adds ELSE b.
          List<Expr> args = arguments(call, columnMap);
          for (int i = 1; i < args.size(); i++) {
            args.set(i, cast(args.get(i), type));
          }
          if (args.size() == 2) {
            args.add(new Expr.Literal(null, type));
          }
          return new Expr.Call(Operator.CASE, args, type);
        }
      case GREATEST:
      case LEAST:
        {
          List<Expr> args = arguments(call, columnMap);
          for (int i = 0; i < args.size(); i++) {
            args.set(i, cast(args.get(i), type));
          }
          return new Expr.Call(
              call.getKind() == SqlKind.GREATEST ? Operator.GREATEST : Operator.LEAST, args, type);
        }
      case POSITION:
        if (operands.size() != 2) {
          throw unsupported(call);
        }
        // position(sub IN s) is strpos(s, sub).
        return new Expr.Call(
            Operator.STRPOS,
            List.of(expression(operands.get(1), columnMap), expression(operands.get(0), columnMap)),
            type);
      case ITEM:
      case ARRAY_VALUE_CONSTRUCTOR:
      case MAP_VALUE_CONSTRUCTOR:
      case ROW:
        return nested(call, columnMap, type);
      case FLOOR:
      case CEIL:
        if (operands.size() != 1) {
          throw unsupported(call);
        }
        return simple(
            call.getKind() == SqlKind.FLOOR ? Operator.FLOOR : Operator.CEIL,
            call,
            columnMap,
            type);
      default:
        return function(call, columnMap, type);
    }
  }

  /** Functions Calcite does not give a kind of their own, matched by name. */
  private Expr function(RexCall call, int[] columnMap, SqlType type) {
    String name = call.getOperator().getName().toUpperCase(Locale.ROOT);
    if (NESTED_FUNCTIONS.contains(name)) {
      return nested(call, columnMap, type);
    }
    switch (name) {
      case "LOWER":
        return simple(Operator.LOWER, call, columnMap, type);
      case "UPPER":
        return simple(Operator.UPPER, call, columnMap, type);
      case "||":
      case "CONCAT":
        return simple(Operator.CONCAT, call, columnMap, type);
      case "CHAR_LENGTH":
      case "CHARACTER_LENGTH":
      case "LENGTH":
        return simple(Operator.LENGTH, call, columnMap, type);
      case "SUBSTRING":
      case "SUBSTR":
        List<Expr> args = arguments(call, columnMap);
        for (int i = 1; i < args.size(); i++) {
          args.set(i, cast(args.get(i), SqlType.BIGINT));
        }
        return new Expr.Call(Operator.SUBSTRING, args, type);
      case "ABS":
        return simple(Operator.ABS, call, columnMap, type);
      case "ROUND":
        return simple(Operator.ROUND, call, columnMap, type);
      case "LTRIM":
        return simple(Operator.LTRIM, call, columnMap, type);
      case "RTRIM":
        return simple(Operator.RTRIM, call, columnMap, type);
      case "REPLACE":
        return simple(Operator.REPLACE, call, columnMap, type);
      case "SPLIT_PART":
        return simple(Operator.SPLIT_PART, call, columnMap, type);
      case "STRPOS":
        return simple(Operator.STRPOS, call, columnMap, type);
      case "LPAD":
        return simple(Operator.LPAD, call, columnMap, type);
      case "RPAD":
        return simple(Operator.RPAD, call, columnMap, type);
      case "REVERSE":
        return simple(Operator.REVERSE, call, columnMap, type);
      case "STARTS_WITH":
        return simple(Operator.STARTS_WITH, call, columnMap, type);
      case "REGEXP_LIKE":
        return simple(Operator.REGEXP_LIKE, call, columnMap, type);
      case "REGEXP_EXTRACT":
        return simple(Operator.REGEXP_EXTRACT, call, columnMap, type);
      case "REGEXP_REPLACE":
        return simple(Operator.REGEXP_REPLACE, call, columnMap, type);
      case "DATE_TRUNC":
        return simple(Operator.DATE_TRUNC, call, columnMap, type);
      case "DATE_ADD":
        return simple(Operator.DATE_ADD, call, columnMap, type);
      case "DATE_DIFF":
        return simple(Operator.DATE_DIFF, call, columnMap, type);
      case "DATE_FORMAT":
        return simple(Operator.DATE_FORMAT, call, columnMap, type);
      case "DATE_PARSE":
        return simple(Operator.DATE_PARSE, call, columnMap, type);
      case "FROM_ISO8601_TIMESTAMP":
        return simple(Operator.FROM_ISO8601_TIMESTAMP, call, columnMap, type);
      case "FROM_UNIXTIME":
        return simple(Operator.FROM_UNIXTIME, call, columnMap, type);
      case "TO_UNIXTIME":
        return simple(Operator.TO_UNIXTIME, call, columnMap, type);
      case "RANDOM":
      case "RAND":
        return simple(Operator.RANDOM, call, columnMap, type);
      case "JSON_EXTRACT":
        return simple(Operator.JSON_EXTRACT, call, columnMap, type);
      case "JSON_EXTRACT_SCALAR":
        return simple(Operator.JSON_EXTRACT_SCALAR, call, columnMap, type);
      case "JSON_SIZE":
        return simple(Operator.JSON_SIZE, call, columnMap, type);
      case "JSON_PARSE":
        return simple(Operator.JSON_PARSE, call, columnMap, type);
      case "JSON_FORMAT":
        return simple(Operator.JSON_FORMAT, call, columnMap, type);
      case "JSON_ARRAY_LENGTH":
        return simple(Operator.JSON_ARRAY_LENGTH, call, columnMap, type);
      case "JSON_ARRAY_CONTAINS":
        return simple(Operator.JSON_ARRAY_CONTAINS, call, columnMap, type);
      case "DAY_OF_WEEK":
      case "DOW":
        return simple(Operator.EXTRACT_DAY_OF_WEEK, call, columnMap, type);
      case "DAY_OF_YEAR":
      case "DOY":
        return simple(Operator.EXTRACT_DAY_OF_YEAR, call, columnMap, type);
      case "DAY_OF_MONTH":
        return simple(Operator.EXTRACT_DAY, call, columnMap, type);
      case "WEEK_OF_YEAR":
        return simple(Operator.EXTRACT_WEEK, call, columnMap, type);
      case "POWER":
      case "POW":
        return simple(Operator.POWER, call, columnMap, type);
      case "SQRT":
        return simple(Operator.SQRT, call, columnMap, type);
      case "EXP":
        return simple(Operator.EXP, call, columnMap, type);
      case "LN":
        return simple(Operator.LN, call, columnMap, type);
      case "LOG10":
        return simple(Operator.LOG10, call, columnMap, type);
      case "LOG2":
        return simple(Operator.LOG2, call, columnMap, type);
      case "SIGN":
        return simple(Operator.SIGN, call, columnMap, type);
      case "TRUNCATE":
        return simple(Operator.TRUNCATE, call, columnMap, type);
      case "PI":
        return new Expr.Literal(Math.PI, SqlType.DOUBLE);
      case "E":
        return new Expr.Literal(Math.E, SqlType.DOUBLE);
      case "CURRENT_DATE":
        // Fixed when the query is planned, so every task sees the same date (session zone).
        return new Expr.Literal(LocalDate.now().toEpochDay(), SqlType.DATE);
      default:
        throw unsupported(call);
    }
  }

  // ---- Arrays, maps and rows ----

  private static final java.util.Set<String> NESTED_FUNCTIONS =
      java.util.Set.of(
          "CARDINALITY", "ELEMENT_AT", "CONTAINS", "ARRAY_JOIN", "SEQUENCE", "SPLIT", "MAP");

  /** {@code row.field}: the field by position. */
  private Expr fieldAccess(RexFieldAccess access, int[] columnMap) {
    Expr row = expression(access.getReferenceExpr(), columnMap);
    SqlType type = TypeConversion.toSqlType(access.getType());
    return new Expr.Call(
        Operator.FIELD,
        List.of(row, new Expr.Literal((long) access.getField().getIndex(), SqlType.BIGINT)),
        type);
  }

  /**
   * Subscripts, constructors and Trino's array functions. Arguments are cast to what the operator
   * needs (bigint indexes, elements of the array's element type), as Calcite leaves them as
   * written.
   */
  private Expr nested(RexCall call, int[] columnMap, SqlType type) {
    List<Expr> args = arguments(call, columnMap);
    switch (call.getKind()) {
      case ITEM:
        {
          Expr container = args.get(0);
          if (container.type().kind() == SqlType.Kind.ARRAY) {
            return new Expr.Call(
                Operator.SUBSCRIPT,
                List.of(container, castTo(args.get(1), SqlType.BIGINT)),
                container.type().elementType());
          }
          if (container.type().kind() == SqlType.Kind.MAP) {
            return new Expr.Call(
                Operator.SUBSCRIPT,
                List.of(container, castTo(args.get(1), container.type().keyType())),
                container.type().valueType());
          }
          throw unsupported(call);
        }
      case ARRAY_VALUE_CONSTRUCTOR:
        {
          List<Expr> elements = new ArrayList<>();
          for (Expr arg : args) {
            elements.add(castTo(arg, type.elementType()));
          }
          return new Expr.Call(Operator.ARRAY_CONSTRUCTOR, elements, type);
        }
      case MAP_VALUE_CONSTRUCTOR:
        {
          // MAP[k1, v1, k2, v2]: as map(ARRAY[k1, k2], ARRAY[v1, v2]).
          List<Expr> keys = new ArrayList<>();
          List<Expr> values = new ArrayList<>();
          for (int i = 0; i + 1 < args.size(); i += 2) {
            keys.add(castTo(args.get(i), type.keyType()));
            values.add(castTo(args.get(i + 1), type.valueType()));
          }
          return new Expr.Call(
              Operator.MAP_FROM_ARRAYS,
              List.of(
                  new Expr.Call(Operator.ARRAY_CONSTRUCTOR, keys, SqlType.array(type.keyType())),
                  new Expr.Call(
                      Operator.ARRAY_CONSTRUCTOR, values, SqlType.array(type.valueType()))),
              type);
        }
      case ROW:
        {
          Expr whole = wholeRow(args);
          if (whole != null && whole.type().equals(type)) {
            return whole;
          }
          List<Expr> fields = new ArrayList<>();
          for (int i = 0; i < args.size(); i++) {
            fields.add(castTo(args.get(i), type.children().get(i)));
          }
          return new Expr.Call(Operator.ROW_CONSTRUCTOR, fields, type);
        }
      default:
        break;
    }
    String name = call.getOperator().getName().toUpperCase(Locale.ROOT);
    switch (name) {
      case "CARDINALITY":
        return new Expr.Call(Operator.CARDINALITY, args, SqlType.BIGINT);
      case "MAP":
        return new Expr.Call(
            Operator.MAP_FROM_ARRAYS,
            List.of(
                castTo(args.get(0), SqlType.array(type.keyType())),
                castTo(args.get(1), SqlType.array(type.valueType()))),
            type);
      case "ELEMENT_AT":
        {
          Expr container = args.get(0);
          SqlType key =
              container.type().kind() == SqlType.Kind.MAP
                  ? container.type().keyType()
                  : SqlType.BIGINT;
          return new Expr.Call(
              Operator.ELEMENT_AT, List.of(container, castTo(args.get(1), key)), type);
        }
      case "CONTAINS":
        return new Expr.Call(
            Operator.CONTAINS,
            List.of(args.get(0), castTo(args.get(1), args.get(0).type().elementType())),
            type);
      case "ARRAY_JOIN":
        return new Expr.Call(Operator.ARRAY_JOIN, args, type);
      case "SEQUENCE":
        {
          List<Expr> bigints = new ArrayList<>();
          for (Expr arg : args) {
            bigints.add(castTo(arg, SqlType.BIGINT));
          }
          return new Expr.Call(Operator.SEQUENCE, bigints, type);
        }
      case "SPLIT":
        return new Expr.Call(
            Operator.SPLIT,
            args.size() > 2
                ? List.of(args.get(0), args.get(1), castTo(args.get(2), SqlType.BIGINT))
                : args,
            type);
      default:
        throw unsupported(call);
    }
  }

  /**
   * The row {@code r} when {@code args} are {@code r.f0, r.f1, ...} over all its fields in order.
   * Calcite flattens row columns into their fields and rebuilds them with {@code ROW(...)} at the
   * top of the plan; taking the column itself back keeps a NULL row NULL (a rebuilt one would be a
   * row of NULLs).
   */
  private static Expr wholeRow(List<Expr> args) {
    if (args.isEmpty()
        || !(args.get(0) instanceof Expr.Call first)
        || first.operator() != Operator.FIELD) {
      return null;
    }
    Expr row = first.args().get(0);
    if (row.type().children().size() != args.size()) {
      return null;
    }
    for (int i = 0; i < args.size(); i++) {
      if (!(args.get(i) instanceof Expr.Call field)
          || field.operator() != Operator.FIELD
          || !field.args().get(0).equals(row)
          || !field.args().get(1).equals(new Expr.Literal((long) i, SqlType.BIGINT))) {
        return null;
      }
    }
    return row;
  }

  private static Expr castTo(Expr expr, SqlType type) {
    return expr.type().equals(type) ? expr : new Expr.Call(Operator.CAST, List.of(expr), type);
  }

  /**
   * {@code x +/- INTERVAL} over a column: a DATE_ADD in months (year-month intervals) or in
   * milliseconds (day-time intervals; whole days for a date).
   */
  private static Expr intervalAdd(
      Operator operator, Expr value, RexLiteral interval, SqlType type) {
    long amount = interval.getValueAs(BigDecimal.class).longValueExact();
    if (operator == Operator.SUBTRACT) {
      amount = -amount;
    }
    String unit;
    if (interval.getType().getSqlTypeName().getFamily() == SqlTypeFamily.INTERVAL_YEAR_MONTH) {
      unit = "month";
    } else if (value.type().kind() == SqlType.Kind.DATE) {
      if (amount % MILLIS_PER_DAY != 0) {
        throw new TarnException(
            ErrorCode.TYPE_MISMATCH, "Cannot add an interval of hours or less to a date: " + value);
      }
      unit = "day";
      amount /= MILLIS_PER_DAY;
    } else {
      unit = "millisecond";
    }
    return new Expr.Call(
        Operator.DATE_ADD,
        List.of(
            new Expr.Literal(unit, SqlType.VARCHAR),
            new Expr.Literal(amount, SqlType.BIGINT),
            cast(value, type)),
        type);
  }

  private Expr binary(Operator operator, RexCall call, int[] columnMap, SqlType type) {
    for (RexNode operand : call.getOperands()) {
      if (SqlTypeUtil.isInterval(operand.getType())) {
        return dateArithmetic(operator, call, columnMap, type);
      }
    }
    return simple(operator, call, columnMap, type);
  }

  /**
   * {@code DATE 'd' +/- INTERVAL 'n' DAY|MONTH|YEAR} with constants, folded here into a date: Tarn
   * has no interval type, and these are the constants reports filter on.
   */
  private Expr dateArithmetic(Operator operator, RexCall call, int[] columnMap, SqlType type) {
    List<RexNode> operands = call.getOperands();
    RexNode date = operands.get(0);
    RexNode interval = operands.get(1);
    if (operator == Operator.ADD && SqlTypeUtil.isInterval(date.getType())) {
      date = operands.get(1);
      interval = operands.get(0);
    }
    if ((type.kind() != SqlType.Kind.DATE && type.kind() != SqlType.Kind.TIMESTAMP)
        || !(interval instanceof RexLiteral intervalLiteral)
        || intervalLiteral.isNull()
        || (operator != Operator.ADD && operator != Operator.SUBTRACT)) {
      throw new TarnException(
          ErrorCode.NOT_SUPPORTED,
          "Interval arithmetic is supported only as a date or timestamp +/- INTERVAL 'n' "
              + "YEAR|MONTH|DAY|HOUR|MINUTE|SECOND: "
              + call);
    }
    if (!(date instanceof RexLiteral dateLiteral)
        || dateLiteral.isNull()
        || type.kind() != SqlType.Kind.DATE) {
      return intervalAdd(operator, expression(date, columnMap), intervalLiteral, type);
    }
    LocalDate start = LocalDate.ofEpochDay(dateLiteral.getValueAs(Integer.class));
    long amount = intervalLiteral.getValueAs(BigDecimal.class).longValue();
    if (operator == Operator.SUBTRACT) {
      amount = -amount;
    }
    LocalDate result;
    if (interval.getType().getSqlTypeName().getFamily() == SqlTypeFamily.INTERVAL_YEAR_MONTH) {
      // Year-month intervals are kept as months.
      result = start.plusMonths(amount);
    } else {
      // Day-time intervals are kept as milliseconds; only whole days make sense for a date.
      result = start.plusDays(amount / MILLIS_PER_DAY);
    }
    return new Expr.Literal(result.toEpochDay(), SqlType.DATE);
  }

  private Expr simple(Operator operator, RexCall call, int[] columnMap, SqlType type) {
    return new Expr.Call(operator, arguments(call, columnMap), type);
  }

  /**
   * A comparison. Calcite lets a string meet a number or a date here; Trino does not, and neither
   * can the operators, so this is a type error.
   */
  private Expr comparison(Operator operator, RexCall call, int[] columnMap, SqlType type) {
    List<Expr> args = arguments(call, columnMap);
    SqlType left = args.get(0).type();
    SqlType right = args.get(1).type();
    boolean leftText = left.kind() == SqlType.Kind.VARCHAR;
    boolean rightText = right.kind() == SqlType.Kind.VARCHAR;
    boolean bothNumeric = left.isNumeric() && right.isNumeric();
    if (leftText != rightText || (!bothNumeric && !left.kind().equals(right.kind()))) {
      throw new TarnException(
          ErrorCode.TYPE_MISMATCH,
          "Cannot apply operator: " + left + " " + call.getOperator().getName() + " " + right);
    }
    return new Expr.Call(operator, args, type);
  }

  private List<Expr> arguments(RexCall call, int[] columnMap) {
    List<Expr> args = new ArrayList<>(call.getOperands().size());
    for (RexNode operand : call.getOperands()) {
      args.add(expression(operand, columnMap));
    }
    return args;
  }

  private static Expr not(Expr operand) {
    return new Expr.Call(Operator.NOT, List.of(operand), SqlType.BOOLEAN);
  }

  /** A cast to the type the expression already has (char(3) to varchar, say) is dropped. */
  static Expr cast(Expr operand, SqlType type) {
    if (operand.type().equals(type)) {
      return operand;
    }
    return new Expr.Call(Operator.CAST, List.of(operand), type);
  }

  /** Calcite's CASE operands are already Tarn's: when, then, ..., else. */
  private Expr caseExpression(RexCall call, int[] columnMap, SqlType type) {
    List<Expr> args = arguments(call, columnMap);
    if (args.size() % 2 == 0) {
      args.add(new Expr.Literal(null, type));
    }
    for (int i = 1; i < args.size(); i += 2) {
      args.set(i, cast(args.get(i), type));
    }
    args.set(args.size() - 1, cast(args.get(args.size() - 1), type));
    return new Expr.Call(Operator.CASE, args, type);
  }

  private Expr like(RexCall call, int[] columnMap, SqlType type) {
    if (!(call.getOperator() instanceof SqlLikeOperator likeOperator)
        || call.getOperator().getName().toUpperCase(Locale.ROOT).contains("ILIKE")) {
      throw unsupported(call);
    }
    Expr like = simple(Operator.LIKE, call, columnMap, type);
    return likeOperator.isNegated() ? not(like) : like;
  }

  private Expr extract(RexCall call, int[] columnMap, SqlType type) {
    TimeUnitRange unit = ((RexLiteral) call.getOperands().get(0)).getValueAs(TimeUnitRange.class);
    Operator operator;
    switch (unit) {
      case YEAR:
        operator = Operator.EXTRACT_YEAR;
        break;
      case MONTH:
        operator = Operator.EXTRACT_MONTH;
        break;
      case DAY:
        operator = Operator.EXTRACT_DAY;
        break;
      case QUARTER:
        operator = Operator.EXTRACT_QUARTER;
        break;
      case WEEK:
        operator = Operator.EXTRACT_WEEK;
        break;
      case DOW:
      case ISODOW:
        // Trino's day_of_week (and dow) is ISO: Monday = 1 .. Sunday = 7.
        operator = Operator.EXTRACT_DAY_OF_WEEK;
        break;
      case DOY:
        operator = Operator.EXTRACT_DAY_OF_YEAR;
        break;
      case HOUR:
        operator = Operator.EXTRACT_HOUR;
        break;
      case MINUTE:
        operator = Operator.EXTRACT_MINUTE;
        break;
      case SECOND:
        operator = Operator.EXTRACT_SECOND;
        break;
      default:
        throw new TarnException(
            ErrorCode.NOT_SUPPORTED, "EXTRACT(" + unit + " FROM ...) is not supported");
    }
    Expr value = expression(call.getOperands().get(1), columnMap);
    return new Expr.Call(operator, List.of(value), type);
  }

  /** TRIM of spaces: both ends, LEADING (ltrim) or TRAILING (rtrim). */
  private Expr trim(RexCall call, int[] columnMap, SqlType type) {
    SqlTrimFunction.Flag flag =
        ((RexLiteral) call.getOperands().get(0)).getValueAs(SqlTrimFunction.Flag.class);
    RexNode characters = call.getOperands().get(1);
    boolean spaces =
        characters instanceof RexLiteral literal && " ".equals(literal.getValueAs(String.class));
    if (!spaces) {
      throw new TarnException(
          ErrorCode.NOT_SUPPORTED, "TRIM is supported only for spaces: " + call);
    }
    Expr value = expression(call.getOperands().get(2), columnMap);
    Operator operator =
        switch (flag) {
          case BOTH -> Operator.TRIM;
          case LEADING -> Operator.LTRIM;
          case TRAILING -> Operator.RTRIM;
        };
    return new Expr.Call(operator, List.of(value), type);
  }

  private static TarnException unsupported(RexCall call) {
    return new TarnException(
        ErrorCode.NOT_SUPPORTED,
        "Function " + call.getOperator().getName().toLowerCase(Locale.ROOT) + " is not supported");
  }
}
