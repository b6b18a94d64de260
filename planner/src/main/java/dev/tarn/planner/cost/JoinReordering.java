package dev.tarn.planner.cost;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.tools.RelBuilder;

/**
 * Orders each tree of inner joins by estimated size ({@link Cardinality}), whatever order the query
 * wrote. The tree is flattened into its inputs ("relations": whatever is not an inner join) and the
 * conjuncts of its conditions; dynamic programming over the subsets of relations then finds the
 * bushy join tree with the smallest sum of intermediate result sizes (the C_out cost), joining only
 * relations linked by an equality unless the query leaves no other way. In each join the larger
 * input is the probe (left) side and the smaller the build (right) side, since the hash join builds
 * its table from the right. A Project on top restores the column order the query expects.
 *
 * <p>TPC-H Q5, for example, is written {@code customer, orders, lineitem, supplier, nation,
 * region}; with region filtered to one row the best tree starts from region, nation and the
 * filtered orders, and lineitem is probed last against small builds.
 *
 * <p>Trees of more than {@value #MAX_RELATIONS} relations keep their order (the subsets grow as
 * 2^n).
 */
public final class JoinReordering {
  static final int MAX_RELATIONS = 12;

  /** Selectivity of a condition across relations that is not a column equality. */
  private static final double NON_EQUI = 0.25;

  private final Cardinality cardinality;

  private JoinReordering(Cardinality cardinality) {
    this.cardinality = cardinality;
  }

  /** {@code rel} with every tree of inner joins in it reordered. */
  public static RelNode reorder(RelNode rel, Cardinality cardinality) {
    return new JoinReordering(cardinality).visit(rel);
  }

  private RelNode visit(RelNode rel) {
    if (rel instanceof Join join && join.getJoinType() == JoinRelType.INNER) {
      List<RelNode> relations = new ArrayList<>();
      List<RexNode> conjuncts = new ArrayList<>();
      flatten(join, 0, relations, conjuncts);
      for (int i = 0; i < relations.size(); i++) {
        relations.set(i, visit(relations.get(i)));
      }
      if (relations.size() > MAX_RELATIONS) {
        return rebuildAsWritten(join);
      }
      return new Graph(join, relations, conjuncts).best();
    }
    List<RelNode> inputs = new ArrayList<>();
    boolean changed = false;
    for (RelNode input : rel.getInputs()) {
      RelNode rewritten = visit(input);
      changed |= rewritten != input;
      inputs.add(rewritten);
    }
    return changed ? rel.copy(rel.getTraitSet(), inputs) : rel;
  }

  private RelNode rebuildAsWritten(Join join) {
    List<RelNode> inputs = new ArrayList<>();
    for (RelNode input : join.getInputs()) {
      inputs.add(
          input instanceof Join inner && inner.getJoinType() == JoinRelType.INNER
              ? rebuildAsWritten(inner)
              : visit(input));
    }
    return join.copy(join.getTraitSet(), inputs);
  }

  /**
   * Collects the relations under a tree of inner joins, and the conditions over all their fields.
   */
  private static void flatten(
      RelNode rel, int offset, List<RelNode> relations, List<RexNode> conjuncts) {
    if (rel instanceof Join join && join.getJoinType() == JoinRelType.INNER) {
      flatten(join.getLeft(), offset, relations, conjuncts);
      flatten(
          join.getRight(),
          offset + join.getLeft().getRowType().getFieldCount(),
          relations,
          conjuncts);
      for (RexNode conjunct : RelOptUtil.conjunctions(join.getCondition())) {
        if (!conjunct.isAlwaysTrue()) {
          conjuncts.add(RexUtil.shift(conjunct, offset));
        }
      }
      return;
    }
    relations.add(rel);
  }

  /** The join graph of one flattened tree, and the search over it. */
  private final class Graph {
    private final Join original;
    private final RexBuilder rexBuilder;
    private final int count;
    private final RelNode[] relations;
    private final int[] offsets;
    private final List<RexNode> conjuncts = new ArrayList<>();
    private final List<Integer> masks = new ArrayList<>();
    private final List<Double> selectivities = new ArrayList<>();
    private final List<Boolean> equalities = new ArrayList<>();
    private final List<RexNode> constant = new ArrayList<>();
    private final double[] rows;
    private double[] card;
    private double[] cost;
    private int[] split;

    Graph(Join original, List<RelNode> relations, List<RexNode> allConjuncts) {
      this.original = original;
      this.rexBuilder = original.getCluster().getRexBuilder();
      this.count = relations.size();
      this.relations = relations.toArray(new RelNode[0]);
      this.offsets = new int[count + 1];
      for (int i = 0; i < count; i++) {
        offsets[i + 1] = offsets[i] + this.relations[i].getRowType().getFieldCount();
      }
      List<List<RexNode>> local = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        local.add(new ArrayList<>());
      }
      for (RexNode conjunct : allConjuncts) {
        int mask = mask(conjunct);
        if (mask == 0) {
          constant.add(conjunct);
        } else if (Integer.bitCount(mask) == 1) {
          int relation = Integer.numberOfTrailingZeros(mask);
          local.get(relation).add(RexUtil.shift(conjunct, -offsets[relation]));
        } else {
          conjuncts.add(conjunct);
          masks.add(mask);
        }
      }
      for (int i = 0; i < count; i++) {
        if (!local.get(i).isEmpty()) {
          // Pushdown left a condition on one relation at the join (a non-deterministic one, say).
          this.relations[i] =
              LogicalFilter.create(
                  this.relations[i], RexUtil.composeConjunction(rexBuilder, local.get(i)));
        }
      }
      rows = new double[count];
      for (int i = 0; i < count; i++) {
        rows[i] = cardinality.rows(this.relations[i]);
      }
      // Equalities between the same two relations form one composite key: their selectivity is
      // computed together, and carried by the first of them.
      Map<Integer, Integer> firstOfPair = new HashMap<>();
      for (int c = 0; c < conjuncts.size(); c++) {
        RexNode conjunct = conjuncts.get(c);
        int left = -1;
        int right = -1;
        if (conjunct.getKind() == SqlKind.EQUALS) {
          left = field(((RexCall) conjunct).getOperands().get(0));
          right = field(((RexCall) conjunct).getOperands().get(1));
        }
        if (left < 0 || right < 0) {
          selectivities.add(NON_EQUI);
          equalities.add(false);
          continue;
        }
        equalities.add(true);
        int pair = masks.get(c);
        Integer first = firstOfPair.putIfAbsent(pair, c);
        selectivities.add(1.0);
        if (first == null) {
          first = c;
        }
        selectivities.set(first, 1 / pairDivisor(pair));
      }
    }

    /** The divisor of the equalities between the two relations of {@code pair}. */
    private double pairDivisor(int pair) {
      int a = Integer.numberOfTrailingZeros(pair);
      int b = Integer.numberOfTrailingZeros(pair & ~(1 << a));
      List<Integer> aKeys = new ArrayList<>();
      List<Integer> bKeys = new ArrayList<>();
      for (int c = 0; c < conjuncts.size(); c++) {
        if (masks.get(c) != pair || conjuncts.get(c).getKind() != SqlKind.EQUALS) {
          continue;
        }
        int left = field(((RexCall) conjuncts.get(c)).getOperands().get(0));
        int right = field(((RexCall) conjuncts.get(c)).getOperands().get(1));
        if (left < 0 || right < 0) {
          continue;
        }
        int aField = relationOf(left) == a ? left : right;
        int bField = aField == left ? right : left;
        aKeys.add(aField - offsets[a]);
        bKeys.add(bField - offsets[b]);
      }
      return cardinality.equiJoinDivisor(relations[a], aKeys, relations[b], bKeys);
    }

    private int relationOf(int field) {
      for (int i = 0; i < count; i++) {
        if (field < offsets[i + 1]) {
          return i;
        }
      }
      throw new IllegalArgumentException("field " + field + " beyond the join's inputs");
    }

    private int mask(RexNode conjunct) {
      int mask = 0;
      for (int field : RelOptUtil.InputFinder.bits(conjunct)) {
        mask |= 1 << relationOf(field);
      }
      return mask;
    }

    RelNode best() {
      int full = (1 << count) - 1;
      card = new double[full + 1];
      for (int set = 1; set <= full; set++) {
        double size = 1;
        for (int i = 0; i < count; i++) {
          if ((set & (1 << i)) != 0) {
            size *= rows[i];
          }
        }
        for (int c = 0; c < conjuncts.size(); c++) {
          if ((masks.get(c) & ~set) == 0) {
            size *= selectivities.get(c);
          }
        }
        card[set] = Math.max(1, size);
      }
      search(false);
      if (Double.isInfinite(cost[full])) {
        // The relations are not all linked by equalities: cross products are unavoidable.
        search(true);
      }
      Built built = build(full);
      List<RexNode> projects = new ArrayList<>(offsets[count]);
      for (int field = 0; field < offsets[count]; field++) {
        projects.add(
            rexBuilder.makeInputRef(
                built.rel().getRowType().getFieldList().get(built.position()[field]).getType(),
                built.position()[field]));
      }
      RelNode top = built.rel();
      if (!constant.isEmpty()) {
        top = LogicalFilter.create(top, RexUtil.composeConjunction(rexBuilder, constant));
      }
      RelBuilder relBuilder = RelFactories.LOGICAL_BUILDER.create(original.getCluster(), null);
      return relBuilder
          .push(top)
          .project(projects, original.getRowType().getFieldNames(), false)
          .build();
    }

    private void search(boolean allowCrossProducts) {
      int full = (1 << count) - 1;
      cost = new double[full + 1];
      split = new int[full + 1];
      Arrays.fill(cost, Double.POSITIVE_INFINITY);
      for (int i = 0; i < count; i++) {
        cost[1 << i] = 0;
      }
      for (int set = 1; set <= full; set++) {
        if (Integer.bitCount(set) < 2) {
          continue;
        }
        int lowest = set & -set;
        // Each unordered split once: the part holding the lowest relation is named first.
        for (int left = (set - 1) & set; left > 0; left = (left - 1) & set) {
          if ((left & lowest) == 0) {
            continue;
          }
          int right = set ^ left;
          if (Double.isInfinite(cost[left]) || Double.isInfinite(cost[right])) {
            continue;
          }
          if (!allowCrossProducts && !linked(left, right)) {
            continue;
          }
          double total = cost[left] + cost[right] + card[set];
          if (total < cost[set]) {
            cost[set] = total;
            split[set] = left;
          }
        }
      }
    }

    private boolean linked(int left, int right) {
      for (int c = 0; c < conjuncts.size(); c++) {
        int mask = masks.get(c);
        if (equalities.get(c)
            && (mask & left) != 0
            && (mask & right) != 0
            && (mask & ~(left | right)) == 0) {
          return true;
        }
      }
      return false;
    }

    /**
     * A built subtree and where each field of the flattened tree sits in its output (-1: absent).
     */
    private static final class Built {
      private final RelNode rel;
      private final int[] position;

      Built(RelNode rel, int[] position) {
        this.rel = rel;
        this.position = position;
      }

      RelNode rel() {
        return rel;
      }

      int[] position() {
        return position;
      }
    }

    private Built build(int set) {
      int[] position = new int[offsets[count]];
      Arrays.fill(position, -1);
      if (Integer.bitCount(set) == 1) {
        int relation = Integer.numberOfTrailingZeros(set);
        for (int field = offsets[relation]; field < offsets[relation + 1]; field++) {
          position[field] = field - offsets[relation];
        }
        return new Built(relations[relation], position);
      }
      int first = split[set];
      int second = set ^ first;
      // The smaller estimate is built into the hash table: it goes right.
      int probeSet = card[first] >= card[second] ? first : second;
      int buildSet = set ^ probeSet;
      Built probe = build(probeSet);
      Built build = build(buildSet);
      int probeWidth = probe.rel().getRowType().getFieldCount();
      for (int field = 0; field < position.length; field++) {
        if (probe.position()[field] >= 0) {
          position[field] = probe.position()[field];
        } else if (build.position()[field] >= 0) {
          position[field] = probeWidth + build.position()[field];
        }
      }
      List<RexNode> conditions = new ArrayList<>();
      for (int c = 0; c < conjuncts.size(); c++) {
        int mask = masks.get(c);
        if ((mask & ~set) == 0 && (mask & ~probeSet) != 0 && (mask & ~buildSet) != 0) {
          conditions.add(remap(conjuncts.get(c), position));
        }
      }
      RelNode join =
          LogicalJoin.create(
              probe.rel(),
              build.rel(),
              List.of(),
              RexUtil.composeConjunction(rexBuilder, conditions),
              Set.of(),
              JoinRelType.INNER);
      return new Built(join, position);
    }

    private RexNode remap(RexNode conjunct, int[] position) {
      return conjunct.accept(
          new RexShuttle() {
            @Override
            public RexNode visitInputRef(RexInputRef ref) {
              return new RexInputRef(position[ref.getIndex()], ref.getType());
            }
          });
    }
  }

  /** The input field {@code node} reads, looking through casts; -1 for anything else. */
  private static int field(RexNode node) {
    RexNode current = node;
    while (current.getKind() == SqlKind.CAST) {
      current = ((RexCall) current).getOperands().get(0);
    }
    return current instanceof RexInputRef ref ? ref.getIndex() : -1;
  }
}
