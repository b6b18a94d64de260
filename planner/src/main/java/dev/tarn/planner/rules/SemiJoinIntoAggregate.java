package dev.tarn.planner.rules;

import dev.tarn.planner.cost.Cardinality;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinInfo;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.tools.RelBuilder;

/**
 * Filters an aggregate's input by the keys its result is joined with: in {@code part JOIN (SELECT
 * l_partkey, avg(l_quantity) FROM lineitem GROUP BY l_partkey) ON p_partkey = l_partkey} only the
 * groups of the parts kept survive the join, so the aggregate needs only the lineitem rows {@code
 * l_partkey IN (SELECT p_partkey FROM part ...)}: a semi join on the aggregate's input. A
 * decorrelated sub-query has this shape (TPC-H Q2, Q17, Q20): the aggregate over every part's
 * lineitems shrinks to the aggregate over the few hundred parts asked about. It is what Trino's
 * dynamic filters through an aggregation and DuckDB's delim joins achieve, decided here from
 * estimates at planning time.
 *
 * <pre>
 *   Join(INNER, k = g)                     Join(INNER, k = g)
 *     other                                  other
 *     Aggregate(group by g)        ==>       Aggregate(group by g)
 *       input                                  SemiJoin(g = k)
 *                                                input
 *                                                other
 * </pre>
 *
 * <p>Correct because an inner join (or a semi join whose right input is the aggregate) drops every
 * group whose key no row of the other input equals, and a semi join never duplicates rows, so the
 * groups kept see exactly the rows they saw before. Applied only when the other input is estimated
 * at most half as many rows as the aggregate's groups: it is computed twice, and a semi join that
 * keeps most rows would be pure cost.
 */
public final class SemiJoinIntoAggregate {
  private SemiJoinIntoAggregate() {}

  /** The plan with its aggregates' inputs reduced where that pays, else {@code rel} itself. */
  public static RelNode apply(RelNode rel, Cardinality cardinality) {
    return rel.accept(
        new RelHomogeneousShuttle() {
          @Override
          public RelNode visit(RelNode other) {
            RelNode visited = super.visit(other);
            return visited instanceof Join join ? reduce(join, cardinality) : visited;
          }
        });
  }

  private static RelNode reduce(Join join, Cardinality cardinality) {
    JoinRelType type = join.getJoinType();
    if (type != JoinRelType.INNER && type != JoinRelType.SEMI) {
      // Outer joins keep unmatched groups (or pad them), and an anti join needs the others.
      return join;
    }
    JoinInfo info = join.analyzeCondition();
    if (info.leftKeys.isEmpty()) {
      return join;
    }
    RelNode left = join.getLeft();
    RelNode right = join.getRight();
    RelNode newRight =
        reduced(right, info.rightKeys.toIntArray(), left, info.leftKeys.toIntArray(), cardinality);
    RelNode newLeft = left;
    if (newRight == right && type == JoinRelType.INNER) {
      // A semi join's left rows are its output: its left aggregate cannot be reduced by the right.
      newLeft =
          reduced(
              left, info.leftKeys.toIntArray(), right, info.rightKeys.toIntArray(), cardinality);
    }
    if (newLeft == left && newRight == right) {
      return join;
    }
    return join.copy(join.getTraitSet(), List.of(newLeft, newRight));
  }

  /**
   * {@code side} with its aggregate's input semi-joined with {@code other} on the keys that are
   * group keys, or {@code side} itself when it is not an aggregate (or a projection of one), no
   * join key is a group key, or the reduction is not estimated to pay.
   */
  private static RelNode reduced(
      RelNode side, int[] sideKeys, RelNode other, int[] otherKeys, Cardinality cardinality) {
    Project project = side instanceof Project p ? p : null;
    RelNode below = project == null ? side : project.getInput();
    if (!(below instanceof Aggregate aggregate)
        || aggregate.getGroupType() != Aggregate.Group.SIMPLE) {
      return side;
    }
    int[] groupKeys = aggregate.getGroupSet().toArray();
    List<Integer> inputKeys = new ArrayList<>();
    List<Integer> matchedOther = new ArrayList<>();
    for (int i = 0; i < sideKeys.length; i++) {
      int field = sideKeys[i];
      if (project != null) {
        // Trace the key through the projection; a computed key is not a group key.
        if (!(project.getProjects().get(field) instanceof RexInputRef ref)) {
          continue;
        }
        field = ref.getIndex();
      }
      if (field >= groupKeys.length) {
        continue;
      }
      int inputField = groupKeys[field];
      RelDataType inputType =
          aggregate.getInput().getRowType().getFieldList().get(inputField).getType();
      RelDataType otherType = other.getRowType().getFieldList().get(otherKeys[i]).getType();
      if (inputType.getSqlTypeName() != otherType.getSqlTypeName()) {
        // The join compares after an implicit widening; keep the semi join a plain equi-join.
        continue;
      }
      inputKeys.add(inputField);
      matchedOther.add(otherKeys[i]);
    }
    if (inputKeys.isEmpty()) {
      return side;
    }
    if (cardinality.rows(other) * 2 > cardinality.rows(aggregate)) {
      // Most groups would survive: the second evaluation of the other input would not pay.
      return side;
    }
    RelBuilder builder = RelFactories.LOGICAL_BUILDER.create(side.getCluster(), null);
    builder.push(aggregate.getInput()).push(other);
    List<RexNode> equalities = new ArrayList<>();
    for (int i = 0; i < inputKeys.size(); i++) {
      equalities.add(
          builder.equals(
              builder.field(2, 0, inputKeys.get(i)), builder.field(2, 1, matchedOther.get(i))));
    }
    RelNode reducedInput = builder.semiJoin(equalities).build();
    RelNode newAggregate =
        aggregate.copy(
            aggregate.getTraitSet(),
            reducedInput,
            aggregate.getGroupSet(),
            aggregate.getGroupSets(),
            aggregate.getAggCallList());
    return project == null
        ? newAggregate
        : project.copy(project.getTraitSet(), List.of(newAggregate));
  }
}
