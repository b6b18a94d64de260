package dev.tarn.planner.cost;

import dev.tarn.core.error.TarnException;
import dev.tarn.planner.schema.LakeTable;
import dev.tarn.planner.schema.TypeConversion;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.core.Union;
import org.apache.calcite.rel.core.Values;
import org.apache.calcite.rel.core.Window;
import org.apache.calcite.rel.metadata.RelColumnOrigin;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.util.Sarg;

/**
 * Estimates how many rows a Calcite plan produces, the classic System R way: table sizes from
 * {@link TableEstimator}, a filter multiplies by its selectivity (an equality by one over the
 * column's distinct values, a range by a third), an equi-join of {@code a = b} yields {@code |L| *
 * |R| / distinct}, where distinct is the larger of the two columns' distinct counts when {@code
 * ANALYZE} counted them and the smaller of their upper bounds otherwise. (The bounds come from row
 * counts and value ranges; for a foreign key such as {@code l_orderkey}, whose range is four times
 * the number of orders, the smaller bound is the primary key's and the estimate stays right.)
 *
 * <p>Distinct counts are those of the base table column a field comes from (through projections,
 * filters and joins), not reduced by filters: joining lineitem with a third of the orders keeps a
 * third of lineitem. One instance serves one query and remembers each node's estimate.
 */
public final class Cardinality {
  /** Selectivity of a comparison whose distinct values are unknown, and of a range bound. */
  private static final double RANGE = 1.0 / 3;

  private static final double EQUALITY_UNKNOWN = 0.1;
  private static final double OTHER = 0.5;

  private final TableEstimator tables;
  private final IdentityHashMap<RelNode, Double> rows = new IdentityHashMap<>();

  public Cardinality(TableEstimator tables) {
    this.tables = tables;
  }

  /** The tables' estimator this one reads. */
  public TableEstimator tables() {
    return tables;
  }

  /** Estimated rows {@code rel} produces, at least 1. */
  public double rows(RelNode rel) {
    Double known = rows.get(rel);
    if (known == null) {
      known = Math.max(1, compute(rel));
      rows.put(rel, known);
    }
    return known;
  }

  /** Estimated bytes of one output row of {@code rel}, from its column types. */
  public static double rowWidth(RelNode rel) {
    double width = 0;
    for (RelDataTypeField field : rel.getRowType().getFieldList()) {
      width += fieldWidth(field);
    }
    return Math.max(1, width);
  }

  /** The width {@link TableEstimator#typeWidth} gives a column of the field's Tarn type. */
  private static double fieldWidth(RelDataTypeField field) {
    try {
      return TableEstimator.typeWidth(TypeConversion.toSqlType(field.getType()));
    } catch (TarnException notATableType) {
      // Intervals and other planner-only types: a long's width.
      return 8;
    }
  }

  private double compute(RelNode rel) {
    if (rel instanceof TableScan scan) {
      LakeTable table = scan.getTable().unwrap(LakeTable.class);
      return table == null
          ? scan.estimateRowCount(mq(rel))
          : tables.estimate(table.snapshot()).rowCount();
    }
    if (rel instanceof Filter filter) {
      return rows(filter.getInput()) * selectivity(filter.getCondition(), filter.getInput());
    }
    if (rel instanceof Project || rel instanceof Window) {
      return rows(rel.getInput(0));
    }
    if (rel instanceof Join join) {
      return join(join);
    }
    if (rel instanceof Aggregate aggregate) {
      return aggregate(aggregate);
    }
    if (rel instanceof Sort sort) {
      double input = rows(sort.getInput());
      if (sort.fetch instanceof RexLiteral fetch) {
        Long limit = fetch.getValueAs(Long.class);
        return limit == null ? input : Math.min(input, limit);
      }
      return input;
    }
    if (rel instanceof Union union) {
      double sum = 0;
      for (RelNode input : union.getInputs()) {
        sum += rows(input);
      }
      return union.all ? sum : sum * OTHER;
    }
    if (rel instanceof Values values) {
      return values.getTuples().size();
    }
    Double fallback = mq(rel).getRowCount(rel);
    return fallback == null ? 1 : fallback;
  }

  private double join(Join join) {
    double left = rows(join.getLeft());
    double right = rows(join.getRight());
    int leftCount = join.getLeft().getRowType().getFieldCount();
    List<Integer> leftKeys = new ArrayList<>();
    List<Integer> rightKeys = new ArrayList<>();
    double selectivity = 1;
    for (RexNode conjunct : RelOptUtil.conjunctions(join.getCondition())) {
      int a =
          conjunct.getKind() == SqlKind.EQUALS
              ? field(((RexCall) conjunct).getOperands().get(0))
              : -1;
      int b =
          conjunct.getKind() == SqlKind.EQUALS
              ? field(((RexCall) conjunct).getOperands().get(1))
              : -1;
      if (a >= 0 && b >= 0 && (a < leftCount) != (b < leftCount)) {
        leftKeys.add(Math.min(a, b));
        rightKeys.add(Math.max(a, b) - leftCount);
      } else {
        selectivity *= selectivity(conjunct, join);
      }
    }
    if (!leftKeys.isEmpty()) {
      selectivity /= equiJoinDivisor(join.getLeft(), leftKeys, join.getRight(), rightKeys);
    }
    double inner = left * right * selectivity;
    switch (join.getJoinType()) {
      case INNER:
        return inner;
      case LEFT:
        return Math.max(inner, left);
      case RIGHT:
        return Math.max(inner, right);
      case FULL:
        return Math.max(inner, left + right);
      case SEMI:
        return Math.min(left, inner);
      case ANTI:
        return Math.max(left - Math.min(left, inner), left * 0.1);
      default:
        return inner;
    }
  }

  private double aggregate(Aggregate aggregate) {
    double input = rows(aggregate.getInput());
    if (aggregate.getGroupSet().isEmpty()) {
      return aggregate.getGroupSets().size();
    }
    double groups = 1;
    for (int key : aggregate.getGroupSet()) {
      TableEstimate.Distinct distinct = distinct(aggregate.getInput(), key);
      groups *= distinct == null ? input : distinct.count();
      if (groups >= input) {
        break;
      }
    }
    return Math.min(groups, input) * aggregate.getGroupSets().size();
  }

  /**
   * The fraction of {@code input}'s rows (for a join: of the pairs of its inputs' rows) that {@code
   * condition} keeps.
   */
  public double selectivity(RexNode condition, RelNode input) {
    switch (condition.getKind()) {
      case LITERAL:
        return Boolean.FALSE.equals(((RexLiteral) condition).getValueAs(Boolean.class)) ? 0 : 1;
      case AND:
        {
          double product = 1;
          for (RexNode operand : ((RexCall) condition).getOperands()) {
            product *= selectivity(operand, input);
          }
          return product;
        }
      case OR:
        {
          double none = 1;
          for (RexNode operand : ((RexCall) condition).getOperands()) {
            none *= 1 - selectivity(operand, input);
          }
          return 1 - none;
        }
      case NOT:
        return 1 - selectivity(((RexCall) condition).getOperands().get(0), input);
      case EQUALS:
        return equality((RexCall) condition, input);
      case NOT_EQUALS:
        return 1 - equality((RexCall) condition, input);
      case LESS_THAN:
      case LESS_THAN_OR_EQUAL:
      case GREATER_THAN:
      case GREATER_THAN_OR_EQUAL:
        return RANGE;
      case SEARCH:
        return search((RexCall) condition, input);
      case IS_NULL:
        return 0.05;
      case IS_NOT_NULL:
        return 0.95;
      case LIKE:
        // Mostly '%word%' searches in analytical queries, which keep few rows.
        return 0.1;
      default:
        return OTHER;
    }
  }

  private double equality(RexCall call, RelNode input) {
    int left = field(call.getOperands().get(0));
    int right = field(call.getOperands().get(1));
    if (left >= 0 && right >= 0) {
      return 1 / joinDistinct(joinKeyDistinct(input, left), joinKeyDistinct(input, right));
    }
    int column = left >= 0 ? left : right;
    if (column < 0) {
      return EQUALITY_UNKNOWN;
    }
    TableEstimate.Distinct distinct = distinct(input, column);
    return distinct == null ? EQUALITY_UNKNOWN : 1 / distinct.count();
  }

  /**
   * The divisor of the cross product of {@code left} and {@code right} joined on {@code leftKeys[i]
   * = rightKeys[i]}: per side, the product of the keys' distinct counts, at most the rows of the
   * table they come from (partsupp's {@code (ps_partkey, ps_suppkey)} has 800 thousand values at SF
   * 1, not 200 thousand times 10 thousand); of the two sides the larger when both were counted, the
   * smaller bound otherwise.
   */
  public double equiJoinDivisor(
      RelNode left, List<Integer> leftKeys, RelNode right, List<Integer> rightKeys) {
    if (leftKeys.size() == 1) {
      return joinDistinct(
          joinKeyDistinct(left, leftKeys.get(0)), joinKeyDistinct(right, rightKeys.get(0)));
    }
    TableEstimate.Distinct leftDistinct = compositeDistinct(left, leftKeys);
    TableEstimate.Distinct rightDistinct = compositeDistinct(right, rightKeys);
    return joinDistinct(leftDistinct, rightDistinct);
  }

  private TableEstimate.Distinct compositeDistinct(RelNode rel, List<Integer> keys) {
    double product = 1;
    double bound = 1;
    for (int key : keys) {
      TableEstimate.Distinct distinct = joinKeyDistinct(rel, key);
      product *= distinct.count();
      RelColumnOrigin origin = origin(rel, key);
      LakeTable lakeTable = origin == null ? null : lakeTable(origin);
      bound =
          Math.max(
              bound,
              lakeTable != null ? tables.estimate(lakeTable.snapshot()).rowCount() : rows(rel));
    }
    // A product of counted columns is only a bound on the pairs that occur together.
    return new TableEstimate.Distinct(Math.max(1, Math.min(product, bound)), false);
  }

  /**
   * The divisor of an equi-join's cross product: the larger distinct count when both were counted,
   * the smaller bound otherwise (see the class comment).
   */
  public static double joinDistinct(TableEstimate.Distinct left, TableEstimate.Distinct right) {
    if (left == null && right == null) {
      return 1 / EQUALITY_UNKNOWN;
    }
    if (left == null || right == null) {
      return (left == null ? right : left).count();
    }
    if (left.exact() && right.exact()) {
      return Math.max(left.count(), right.count());
    }
    return Math.min(left.count(), right.count());
  }

  private double search(RexCall call, RelNode input) {
    if (!(call.getOperands().get(1) instanceof RexLiteral literal)) {
      return OTHER;
    }
    Sarg<?> sarg = literal.getValueAs(Sarg.class);
    if (sarg == null) {
      return OTHER;
    }
    int column = field(call.getOperands().get(0));
    TableEstimate.Distinct distinct = column < 0 ? null : distinct(input, column);
    if (sarg.isPoints()) {
      int points = sarg.rangeSet.asRanges().size();
      return Math.min(1, points * (distinct == null ? EQUALITY_UNKNOWN : 1 / distinct.count()));
    }
    if (sarg.isComplementedPoints()) {
      return OTHER * 1.8;
    }
    return Math.min(1, sarg.rangeSet.asRanges().size() * RANGE * 0.75);
  }

  /** The input field {@code node} reads, looking through casts; -1 for anything else. */
  private static int field(RexNode node) {
    RexNode current = node;
    while (current.getKind() == SqlKind.CAST) {
      current = ((RexCall) current).getOperands().get(0);
    }
    return current instanceof RexInputRef ref ? ref.getIndex() : -1;
  }

  /**
   * Distinct values of {@code rel}'s field, as its base table column has them; null when they are
   * unknown (no statistics, no value range) or the field is computed.
   */
  public TableEstimate.Distinct distinct(RelNode rel, int field) {
    RelColumnOrigin origin = origin(rel, field);
    LakeTable lakeTable = origin == null ? null : lakeTable(origin);
    if (lakeTable == null) {
      return null;
    }
    List<dev.tarn.core.meta.Column> columns = lakeTable.snapshot().table().allColumns();
    TableEstimate estimate = tables.estimate(lakeTable.snapshot());
    TableEstimate.Distinct distinct =
        estimate.distinct().get(columns.get(origin.getOriginColumnOrdinal()).name());
    return distinct;
  }

  /**
   * Distinct values of a join key: as {@link #distinct} knows them, else bounded by the rows of the
   * base table it comes from, else by the rows of {@code rel}. (A filter on an unknown column is
   * guessed instead; a key is most often unique on one side, which the row bound models.)
   */
  public TableEstimate.Distinct joinKeyDistinct(RelNode rel, int field) {
    TableEstimate.Distinct distinct = distinct(rel, field);
    if (distinct != null) {
      return distinct;
    }
    RelColumnOrigin origin = origin(rel, field);
    LakeTable lakeTable = origin == null ? null : lakeTable(origin);
    double bound = lakeTable != null ? tables.estimate(lakeTable.snapshot()).rowCount() : rows(rel);
    return new TableEstimate.Distinct(Math.max(1, bound), false);
  }

  private static RelColumnOrigin origin(RelNode rel, int field) {
    try {
      RelColumnOrigin origin = mq(rel).getColumnOrigin(rel, field);
      return origin == null || origin.isDerived() ? null : origin;
    } catch (RuntimeException e) {
      // Metadata of an unusual node: the estimate just knows less.
      return null;
    }
  }

  private static LakeTable lakeTable(RelColumnOrigin origin) {
    RelOptTable table = origin.getOriginTable();
    return table == null ? null : table.unwrap(LakeTable.class);
  }

  private static RelMetadataQuery mq(RelNode rel) {
    return rel.getCluster().getMetadataQuery();
  }
}
