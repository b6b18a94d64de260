package dev.tarn.planner.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.CorrelationId;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexCorrelVariable;
import org.apache.calcite.rex.RexFieldAccess;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexSubQuery;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;

/**
 * Turns {@code [NOT] EXISTS} and {@code [NOT] IN} sub-queries that are conjuncts of a WHERE clause
 * into semi and anti joins, pulling the sub-query's correlated conditions into the join condition:
 *
 * <pre>
 *   Filter(a AND NOT EXISTS(Filter(l3.k = $cor0.k AND l3.s &lt;&gt; $cor0.s, Scan l3)))
 *     Scan l1
 *   becomes
 *   Join(ANTI, l1.k = l3.k AND l3.s &lt;&gt; l1.s)
 *     Filter(a)                 (other conjuncts stay on the outer side)
 *       Scan l1
 *     Scan l3
 * </pre>
 *
 * {@code x NOT IN (SELECT y ...)} is kept exactly when no {@code y} makes {@code x = y} TRUE or
 * NULL, so it becomes an ANTI join on {@code x = y OR x IS NULL OR y IS NULL} (the NULL tests only
 * for nullable sides); the physical translator recognizes that shape as a null-aware anti join.
 *
 * <p>Declines (leaving the sub-query to Calcite's correlate-and-decorrelate machinery) when the
 * sub-query is not a top-level conjunct, or when its correlation sits anywhere but in one Filter
 * right under its projections (under an aggregate, for instance).
 */
public final class SubQueryToSemiJoin extends RelHomogeneousShuttle {
  private SubQueryToSemiJoin() {}

  /** Rewrites every qualifying sub-query in {@code rel}, including nested ones. */
  public static RelNode rewrite(RelNode rel) {
    return rel.accept(new SubQueryToSemiJoin());
  }

  @Override
  public RelNode visit(RelNode other) {
    RelNode current = other;
    while (current instanceof LogicalFilter filter) {
      RelNode rewritten = rewriteFilter(filter);
      if (rewritten == null) {
        break;
      }
      current = rewritten;
    }
    return super.visit(current);
  }

  /** The filter with its first qualifying conjunct made a join, or null if none qualifies. */
  private static RelNode rewriteFilter(LogicalFilter filter) {
    List<RexNode> conjuncts = RelOptUtil.conjunctions(filter.getCondition());
    for (int i = 0; i < conjuncts.size(); i++) {
      RexNode conjunct = conjuncts.get(i);
      boolean negated = conjunct.getKind() == SqlKind.NOT;
      RexNode operand = negated ? ((RexCall) conjunct).getOperands().get(0) : conjunct;
      if (!(operand instanceof RexSubQuery subQuery)) {
        continue;
      }
      if (subQuery.getKind() != SqlKind.EXISTS && subQuery.getKind() != SqlKind.IN) {
        // SOME, ALL, UNIQUE and scalar sub-queries go to Calcite's rules.
        continue;
      }
      List<RexNode> others = new ArrayList<>(conjuncts);
      others.remove(i);
      RelNode join = semiJoin(filter, subQuery, negated, others);
      if (join != null) {
        return join;
      }
    }
    return null;
  }

  private static RelNode semiJoin(
      LogicalFilter filter, RexSubQuery subQuery, boolean negated, List<RexNode> others) {
    RexBuilder rex = filter.getCluster().getRexBuilder();
    RelNode left = filter.getInput();
    int leftCount = left.getRowType().getFieldCount();
    Set<CorrelationId> variables = filter.getVariablesSet();

    // Peel the sub-query: Project? over Filter? over a body free of our correlation variables.
    RelNode body = subQuery.rel;
    List<RexNode> selected = null;
    if (body instanceof LogicalProject project) {
      selected = project.getProjects();
      body = project.getInput();
    }
    List<RexNode> correlated = new ArrayList<>();
    if (body instanceof LogicalFilter inner && inner.getVariablesSet().isEmpty()) {
      List<RexNode> kept = new ArrayList<>();
      for (RexNode condition : RelOptUtil.conjunctions(inner.getCondition())) {
        if (uses(condition, variables)) {
          correlated.add(condition);
        } else {
          kept.add(condition);
        }
      }
      if (!correlated.isEmpty()) {
        body =
            kept.isEmpty()
                ? inner.getInput()
                : LogicalFilter.create(inner.getInput(), RexUtil.composeConjunction(rex, kept));
      }
    }
    if (uses(body, variables) || (selected != null && usesAny(selected, variables))) {
      // Correlation below the top filter (e.g. under an aggregate): not a plain semi join.
      return null;
    }

    List<RexNode> condition = new ArrayList<>();
    RexShuttle toJoinFields = new JoinFields(rex, variables, leftCount);
    for (RexNode node : correlated) {
      condition.add(node.accept(toJoinFields));
    }
    if (subQuery.getKind() == SqlKind.IN) {
      List<RexNode> keys = subQuery.getOperands();
      if (selected == null) {
        selected = new ArrayList<>();
        for (int i = 0; i < body.getRowType().getFieldCount(); i++) {
          selected.add(rex.makeInputRef(body, i));
        }
      }
      for (int i = 0; i < keys.size(); i++) {
        RexNode outer = keys.get(i);
        RexNode inner = RexUtil.shift(selected.get(i), leftCount);
        RexNode equal = rex.makeCall(SqlStdOperatorTable.EQUALS, outer, inner);
        if (negated && (outer.getType().isNullable() || inner.getType().isNullable())) {
          List<RexNode> unknown = new ArrayList<>();
          unknown.add(equal);
          if (outer.getType().isNullable()) {
            unknown.add(rex.makeCall(SqlStdOperatorTable.IS_NULL, outer));
          }
          if (inner.getType().isNullable()) {
            unknown.add(rex.makeCall(SqlStdOperatorTable.IS_NULL, inner));
          }
          equal = rex.makeCall(SqlStdOperatorTable.OR, unknown);
        }
        condition.add(equal);
      }
    }
    RelNode outer =
        others.isEmpty()
            ? left
            : LogicalFilter.create(
                left,
                RexUtil.composeConjunction(rex, others),
                com.google.common.collect.ImmutableSet.copyOf(variables));
    return LogicalJoin.create(
        outer,
        body,
        List.of(),
        RexUtil.composeConjunction(rex, condition),
        Set.of(),
        negated ? JoinRelType.ANTI : JoinRelType.SEMI);
  }

  /** Whether {@code node} reads one of {@code variables}. */
  private static boolean uses(RexNode node, Set<CorrelationId> variables) {
    boolean[] found = new boolean[1];
    node.accept(correlationFinder(variables, found));
    return found[0];
  }

  private static boolean usesAny(List<RexNode> nodes, Set<CorrelationId> variables) {
    for (RexNode node : nodes) {
      if (uses(node, variables)) {
        return true;
      }
    }
    return false;
  }

  /** Whether any expression in the tree under {@code rel} reads one of {@code variables}. */
  private static boolean uses(RelNode rel, Set<CorrelationId> variables) {
    boolean[] found = new boolean[1];
    RexShuttle finder = correlationFinder(variables, found);
    rel.accept(
        new RelHomogeneousShuttle() {
          @Override
          public RelNode visit(RelNode other) {
            other.accept(finder);
            return super.visit(other);
          }
        });
    return found[0];
  }

  /** Sets {@code found[0]} on meeting one of {@code variables}, also inside sub-queries. */
  private static RexShuttle correlationFinder(Set<CorrelationId> variables, boolean[] found) {
    return new RexShuttle() {
      @Override
      public RexNode visitCorrelVariable(RexCorrelVariable variable) {
        found[0] |= variables.contains(variable.id);
        return variable;
      }

      @Override
      public RexNode visitSubQuery(RexSubQuery subQuery) {
        found[0] |= uses(subQuery.rel, variables);
        return super.visitSubQuery(subQuery);
      }
    };
  }

  /**
   * Rewrites a correlated condition of the sub-query into a join condition: {@code $cor.f} reads
   * the outer (left) field f, the sub-query's own fields move right by the outer field count.
   */
  private static final class JoinFields extends RexShuttle {
    private final RexBuilder rex;
    private final Set<CorrelationId> variables;
    private final int leftCount;

    JoinFields(RexBuilder rex, Set<CorrelationId> variables, int leftCount) {
      this.rex = rex;
      this.variables = variables;
      this.leftCount = leftCount;
    }

    @Override
    public RexNode visitInputRef(RexInputRef ref) {
      return new RexInputRef(ref.getIndex() + leftCount, ref.getType());
    }

    @Override
    public RexNode visitFieldAccess(RexFieldAccess access) {
      if (access.getReferenceExpr() instanceof RexCorrelVariable variable
          && variables.contains(variable.id)) {
        return rex.makeInputRef(access.getType(), access.getField().getIndex());
      }
      return super.visitFieldAccess(access);
    }
  }
}
