package dev.tarn.planner.rules;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexOver;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * Makes disjunctive predicates useful to predicate pushdown, as DuckDB and Trino do. Two steps:
 *
 * <ol>
 *   <li>{@link #pullFactors}: a conjunct common to every branch of an OR moves out of it. TPC-H
 *       Q19's {@code (p_partkey = l_partkey AND p_brand = 'Brand#12' AND l_shipmode IN (...) ...)
 *       OR (p_partkey = l_partkey AND ...) OR ...} becomes {@code p_partkey = l_partkey AND
 *       l_shipmode IN (...) AND ... AND (p_brand = 'Brand#12' AND ... OR ...)}: the equality
 *       becomes a join key and the shipmode filter reaches the lineitem scan.
 *   <li>{@link #deriveSideFilters}: for a condition at an inner join that is an OR whose every
 *       branch restricts one input, the OR of those restrictions is implied and is added as a
 *       filter on that input (the original condition stays where it was). Q7's {@code (n1.n_name =
 *       'FRANCE' AND n2.n_name = 'GERMANY') OR (n1.n_name = 'GERMANY' AND n2.n_name = 'FRANCE')}
 *       adds {@code n1.n_name = 'FRANCE' OR n1.n_name = 'GERMANY'} on n1 and the same on n2.
 * </ol>
 *
 * <p>Both walk the whole tree once; derivation runs after predicates were pushed down (so each
 * condition sits at the join that first sees all its columns), and pushdown runs again after it
 * when it derived a filter.
 */
public final class DisjunctionFactoring {
  private DisjunctionFactoring() {}

  /** Pulls common conjuncts out of the ORs in every Filter's and Join's condition. */
  public static RelNode pullFactors(RelNode rel) {
    List<RelNode> inputs = new ArrayList<>();
    boolean changed = false;
    for (RelNode input : rel.getInputs()) {
      RelNode rewritten = pullFactors(input);
      changed |= rewritten != input;
      inputs.add(rewritten);
    }
    RelNode current = changed ? rel.copy(rel.getTraitSet(), inputs) : rel;
    RexBuilder rexBuilder = rel.getCluster().getRexBuilder();
    if (current instanceof Filter filter && containsOr(filter.getCondition())) {
      RexNode factored = RexUtil.pullFactors(rexBuilder, filter.getCondition());
      if (!factored.equals(filter.getCondition())) {
        return filter.copy(filter.getTraitSet(), filter.getInput(), factored);
      }
    }
    if (current instanceof Join join && containsOr(join.getCondition())) {
      RexNode factored = RexUtil.pullFactors(rexBuilder, join.getCondition());
      if (!factored.equals(join.getCondition())) {
        return join.copy(
            join.getTraitSet(),
            factored,
            join.getLeft(),
            join.getRight(),
            join.getJoinType(),
            join.isSemiJoinDone());
      }
    }
    return current;
  }

  /**
   * Adds to each input of an inner join the filters implied by the ORs that span both inputs, and
   * carries single-input predicates so derived on down to the join below that can use them again.
   * Returns {@code rel} itself when nothing was derived, so that the caller can skip pushing down
   * again.
   */
  public static RelNode deriveSideFilters(RelNode rel) {
    return visit(rel, List.of());
  }

  /**
   * Rewrites {@code rel}, placing the {@code pending} predicates (over rel's output, implied by
   * predicates above) as low as the joins below allow.
   */
  private static RelNode visit(RelNode rel, List<RexNode> pending) {
    if (rel instanceof Filter filter
        && filter.getInput() instanceof Join join
        && join.getJoinType() == JoinRelType.INNER) {
      // The filter's own conjuncts stay where they are; they only feed derivation below.
      List<RexNode> known = new ArrayList<>(RelOptUtil.conjunctions(filter.getCondition()));
      RelNode newJoin = visitJoin(join, known, pending);
      return newJoin == join
          ? filter
          : filter.copy(filter.getTraitSet(), newJoin, filter.getCondition());
    }
    if (rel instanceof Join join && join.getJoinType() == JoinRelType.INNER) {
      return visitJoin(join, List.of(), pending);
    }
    if (rel instanceof Project project && !pending.isEmpty() && allDeterministic(project)) {
      List<RexNode> below = new ArrayList<>(pending.size());
      for (RexNode predicate : pending) {
        below.add(RelOptUtil.pushPastProject(predicate, project));
      }
      RelNode input = visit(project.getInput(), below);
      return input == project.getInput()
          ? project
          : project.copy(project.getTraitSet(), List.of(input));
    }
    List<RelNode> inputs = new ArrayList<>();
    boolean changed = false;
    for (RelNode input : rel.getInputs()) {
      RelNode rewritten = visit(input, List.of());
      changed |= rewritten != input;
      inputs.add(rewritten);
    }
    RelNode current = changed ? rel.copy(rel.getTraitSet(), inputs) : rel;
    return withFilter(current, pending);
  }

  /**
   * An inner join whose inputs get the pending predicates that reference only them, plus what the
   * ORs among the join condition, {@code known} and {@code pending} imply for each input; a pending
   * predicate spanning both inputs stays in a filter right above the join.
   */
  private static RelNode visitJoin(Join join, List<RexNode> known, List<RexNode> pending) {
    int leftCount = join.getLeft().getRowType().getFieldCount();
    int total = join.getRowType().getFieldCount();
    ImmutableBitSet leftFields = ImmutableBitSet.range(0, leftCount);
    ImmutableBitSet rightFields = ImmutableBitSet.range(leftCount, total);
    RexBuilder rexBuilder = join.getCluster().getRexBuilder();
    List<RexNode> leftPending = new ArrayList<>();
    List<RexNode> rightPending = new ArrayList<>();
    List<RexNode> stay = new ArrayList<>();
    for (RexNode predicate : pending) {
      ImmutableBitSet used = RelOptUtil.InputFinder.bits(predicate);
      if (leftFields.contains(used)) {
        addOnce(leftPending, predicate);
      } else if (rightFields.contains(used)) {
        addOnce(rightPending, RexUtil.shift(predicate, -leftCount));
      } else {
        stay.add(predicate);
      }
    }
    List<RexNode> conditions = new ArrayList<>(RelOptUtil.conjunctions(join.getCondition()));
    conditions.addAll(known);
    conditions.addAll(stay);
    for (RexNode condition : conditions) {
      if (condition.getKind() != SqlKind.OR) {
        continue;
      }
      ImmutableBitSet used = RelOptUtil.InputFinder.bits(condition);
      if (leftFields.contains(used) || rightFields.contains(used)) {
        // Pushdown moves it whole; nothing to derive.
        continue;
      }
      RexNode left = implied(rexBuilder, condition, leftFields);
      if (left != null) {
        addOnce(leftPending, left);
      }
      RexNode right = implied(rexBuilder, condition, rightFields);
      if (right != null) {
        addOnce(rightPending, RexUtil.shift(right, -leftCount));
      }
    }
    RelNode newLeft = visit(join.getLeft(), leftPending);
    RelNode newRight = visit(join.getRight(), rightPending);
    if (newLeft == join.getLeft() && newRight == join.getRight()) {
      return withFilter(join, stay);
    }
    RelNode newJoin =
        join.copy(
            join.getTraitSet(),
            join.getCondition(),
            newLeft,
            newRight,
            join.getJoinType(),
            join.isSemiJoinDone());
    return withFilter(newJoin, stay);
  }

  /**
   * The OR, over the disjuncts of {@code or}, of each disjunct's conjuncts that read only {@code
   * fields}; null if some disjunct has none (then nothing is implied).
   */
  private static RexNode implied(RexBuilder rexBuilder, RexNode or, ImmutableBitSet fields) {
    List<RexNode> branches = new ArrayList<>();
    for (RexNode disjunct : RelOptUtil.disjunctions(or)) {
      List<RexNode> restricting = new ArrayList<>();
      for (RexNode conjunct : RelOptUtil.conjunctions(disjunct)) {
        if (fields.contains(RelOptUtil.InputFinder.bits(conjunct))
            && RexUtil.isDeterministic(conjunct)
            && !RelOptUtil.InputFinder.bits(conjunct).isEmpty()) {
          restricting.add(conjunct);
        }
      }
      if (restricting.isEmpty()) {
        return null;
      }
      branches.add(RexUtil.composeConjunction(rexBuilder, restricting));
    }
    return RexUtil.composeDisjunction(rexBuilder, branches);
  }

  private static RelNode withFilter(RelNode rel, List<RexNode> predicates) {
    if (predicates.isEmpty()) {
      return rel;
    }
    RexNode condition = RexUtil.composeConjunction(rel.getCluster().getRexBuilder(), predicates);
    return LogicalFilter.create(rel, condition);
  }

  private static void addOnce(List<RexNode> predicates, RexNode predicate) {
    if (!predicates.contains(predicate)) {
      predicates.add(predicate);
    }
  }

  /** Whether a predicate over the project's output may be evaluated below it instead. */
  private static boolean allDeterministic(Project project) {
    if (RexOver.containsOver(project.getProjects(), null)) {
      // A filter below a window function changes the rows the window sees.
      return false;
    }
    for (RexNode expression : project.getProjects()) {
      if (!RexUtil.isDeterministic(expression)) {
        return false;
      }
    }
    return true;
  }

  private static boolean containsOr(RexNode node) {
    for (RexNode conjunct : RelOptUtil.conjunctions(node)) {
      if (conjunct.getKind() == SqlKind.OR) {
        return true;
      }
    }
    return false;
  }
}
