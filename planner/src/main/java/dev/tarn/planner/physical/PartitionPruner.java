package dev.tarn.planner.physical;

import dev.tarn.core.expr.Expr;
import dev.tarn.core.format.TextValues;
import dev.tarn.core.meta.Column;
import dev.tarn.core.meta.Partition;
import dev.tarn.core.type.SqlType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides, from catalog metadata alone, which partitions of a table a filter can match, so that the
 * folders of the others are never listed.
 *
 * <p>The filter's conjuncts that read only partition columns are evaluated against each partition's
 * values (folder text converted to the column type; {@value Partition#DEFAULT_PARTITION} is NULL).
 * A partition is dropped only when some conjunct is certainly FALSE or NULL for it; whatever this
 * evaluator does not understand (a function, a value that does not convert) keeps the partition.
 *
 * <pre>
 *   table sales(amount, ...) PARTITIONED BY (dt date, region varchar)
 *   WHERE dt >= DATE '2024-01-02' AND amount > 10
 *     dt >= DATE '2024-01-02'   partition columns only: evaluated per partition
 *     amount > 10               reads a data column: left to the Filter above the scan
 * </pre>
 */
final class PartitionPruner {
  /** The result of an expression this evaluator cannot decide. */
  private static final Object UNKNOWN = new Object();

  private PartitionPruner() {}

  /**
   * The partitions some row of which may pass {@code conjuncts}.
   *
   * @param conjuncts predicates over the table's row (data columns, then partition columns)
   * @param dataColumnCount the number of data columns, where partition column indexes start
   */
  static List<Partition> prune(
      List<Partition> partitions,
      List<Column> partitionColumns,
      int dataColumnCount,
      List<Expr> conjuncts) {
    List<Expr> partitionOnly = new ArrayList<>();
    for (Expr conjunct : conjuncts) {
      if (readsOnlyFrom(conjunct, dataColumnCount)) {
        partitionOnly.add(conjunct);
      }
    }
    if (partitionOnly.isEmpty()) {
      return partitions;
    }
    List<Partition> kept = new ArrayList<>();
    for (Partition partition : partitions) {
      Object[] row = new Object[dataColumnCount + partitionColumns.size()];
      for (int i = 0; i < partitionColumns.size(); i++) {
        row[dataColumnCount + i] =
            partitionValue(partition.values().get(i), partitionColumns.get(i).type());
      }
      if (mayMatch(partitionOnly, row)) {
        kept.add(partition);
      }
    }
    return kept;
  }

  /** Whether an expression reads columns, all of them at or after {@code firstColumn}. */
  static boolean readsOnlyFrom(Expr expr, int firstColumn) {
    if (expr instanceof Expr.ColumnRef ref) {
      return ref.index() >= firstColumn;
    }
    if (expr instanceof Expr.Call call) {
      boolean readsAny = false;
      for (Expr arg : call.args()) {
        if (arg instanceof Expr.Literal) {
          continue;
        }
        if (!readsOnlyFrom(arg, firstColumn)) {
          return false;
        }
        readsAny = true;
      }
      return readsAny;
    }
    return false;
  }

  private static boolean mayMatch(List<Expr> conjuncts, Object[] row) {
    for (Expr conjunct : conjuncts) {
      Object result = evaluate(conjunct, row);
      if (result == null || Boolean.FALSE.equals(result)) {
        return false;
      }
    }
    return true;
  }

  /**
   * A partition folder's text as the Java value of the column's type, or {@link #UNKNOWN} if the
   * text does not convert (the partition is then kept).
   */
  static Object partitionValue(String text, SqlType type) {
    if (text == null || Partition.DEFAULT_PARTITION.equals(text)) {
      return null;
    }
    if (type.kind() == SqlType.Kind.VARBINARY) {
      return UNKNOWN;
    }
    Object value;
    try {
      value = TextValues.parse(text, type);
    } catch (IllegalArgumentException e) {
      return UNKNOWN;
    }
    // Predicates compare decimals at the column's scale.
    return value instanceof BigDecimal decimal
        ? decimal.setScale(type.scale(), RoundingMode.HALF_UP)
        : value;
  }

  /** Boolean, a value, null for SQL NULL, or {@link #UNKNOWN}. */
  private static Object evaluate(Expr expr, Object[] row) {
    if (expr instanceof Expr.ColumnRef ref) {
      return row[ref.index()];
    }
    if (expr instanceof Expr.Literal literal) {
      return literal.value();
    }
    Expr.Call call = (Expr.Call) expr;
    List<Expr> args = call.args();
    switch (call.operator()) {
      case AND:
        return and(args, row);
      case OR:
        return or(args, row);
      case NOT:
        Object value = evaluate(args.get(0), row);
        return value instanceof Boolean b ? (Object) !b : value;
      case IS_NULL:
      case IS_NOT_NULL:
        Object operand = evaluate(args.get(0), row);
        if (operand == UNKNOWN) {
          return UNKNOWN;
        }
        return (operand == null) == (call.operator() == Expr.Operator.IS_NULL);
      case EQUAL:
      case NOT_EQUAL:
      case LESS_THAN:
      case LESS_THAN_OR_EQUAL:
      case GREATER_THAN:
      case GREATER_THAN_OR_EQUAL:
        return compare(call.operator(), evaluate(args.get(0), row), evaluate(args.get(1), row));
      case IN:
        return in(args, row);
      case CAST:
        return cast(evaluate(args.get(0), row), call.type());
      default:
        return UNKNOWN;
    }
  }

  private static Object and(List<Expr> args, Object[] row) {
    boolean sawNull = false;
    boolean sawUnknown = false;
    for (Expr arg : args) {
      Object value = evaluate(arg, row);
      if (Boolean.FALSE.equals(value)) {
        return false;
      }
      sawNull |= value == null;
      sawUnknown |= value == UNKNOWN;
    }
    return sawUnknown ? UNKNOWN : sawNull ? null : Boolean.TRUE;
  }

  private static Object or(List<Expr> args, Object[] row) {
    boolean sawNull = false;
    boolean sawUnknown = false;
    for (Expr arg : args) {
      Object value = evaluate(arg, row);
      if (Boolean.TRUE.equals(value)) {
        return true;
      }
      sawNull |= value == null;
      sawUnknown |= value == UNKNOWN;
    }
    return sawUnknown ? UNKNOWN : sawNull ? null : Boolean.FALSE;
  }

  private static Object in(List<Expr> args, Object[] row) {
    Object value = evaluate(args.get(0), row);
    boolean sawNull = false;
    for (int i = 1; i < args.size(); i++) {
      Object result = compare(Expr.Operator.EQUAL, value, evaluate(args.get(i), row));
      if (result == UNKNOWN || Boolean.TRUE.equals(result)) {
        return result;
      }
      sawNull |= result == null;
    }
    return sawNull ? null : Boolean.FALSE;
  }

  private static Object compare(Expr.Operator operator, Object left, Object right) {
    if (left == UNKNOWN || right == UNKNOWN) {
      return UNKNOWN;
    }
    if (left == null || right == null) {
      return null;
    }
    int order;
    if (left instanceof Number l && right instanceof Number r) {
      order = toBigDecimal(l).compareTo(toBigDecimal(r));
    } else if (left instanceof String l && right instanceof String r) {
      order = l.compareTo(r);
    } else if (left instanceof Boolean l && right instanceof Boolean r) {
      order = Boolean.compare(l, r);
    } else {
      return UNKNOWN;
    }
    switch (operator) {
      case EQUAL:
        return order == 0;
      case NOT_EQUAL:
        return order != 0;
      case LESS_THAN:
        return order < 0;
      case LESS_THAN_OR_EQUAL:
        return order <= 0;
      case GREATER_THAN:
        return order > 0;
      case GREATER_THAN_OR_EQUAL:
        return order >= 0;
      default:
        return UNKNOWN;
    }
  }

  /** Casts between numbers, and from text to numbers and dates, as partition filters use them. */
  private static Object cast(Object value, SqlType type) {
    if (value == null || value == UNKNOWN) {
      return value;
    }
    if (type.kind() == SqlType.Kind.VARCHAR) {
      return value instanceof String ? value : UNKNOWN;
    }
    if (value instanceof String text) {
      return partitionValue(text, type);
    }
    if (value instanceof Number number && type.isNumeric()) {
      switch (type.kind()) {
        case DOUBLE:
        case REAL:
          return number.doubleValue();
        case DECIMAL:
          return toBigDecimal(number).setScale(type.scale(), RoundingMode.HALF_UP);
        default:
          return number instanceof Long ? number : UNKNOWN;
      }
    }
    return UNKNOWN;
  }

  private static BigDecimal toBigDecimal(Number number) {
    if (number instanceof BigDecimal decimal) {
      return decimal;
    }
    if (number instanceof Double || number instanceof Float) {
      return BigDecimal.valueOf(number.doubleValue());
    }
    return BigDecimal.valueOf(number.longValue());
  }
}
