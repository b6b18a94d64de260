package dev.tarn.planner.physical;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tarn.core.plan.JoinType;
import dev.tarn.planner.explain.PlanPrinter;
import dev.tarn.planner.stages.DistributedPlan;
import dev.tarn.planner.stages.StagePlan;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An aggregate joined on its group keys with a much smaller input reads only the rows of the groups
 * that join: TPC-H's decorrelated sub-queries aggregate the few parts asked about, not all of them.
 * Results are checked against DuckDB by the TPC-H and SQL tests; this test checks the plans.
 */
class SemiJoinIntoAggregateTest {
  @TempDir Path folder;

  /** The plan's stages read as one tree, a RemoteSource standing for its stage's fragment. */
  private static final class Tree {
    final Map<Integer, PlanNode> fragments = new HashMap<>();

    Tree(DistributedPlan plan) {
      for (StagePlan stage : plan.stages()) {
        fragments.put(stage.id(), stage.fragment());
      }
    }

    Iterable<PlanNode> sources(PlanNode node) {
      if (node instanceof PlanNode.RemoteSource remote) {
        return java.util.List.of(fragments.get(remote.sourceStage()));
      }
      return node.sources();
    }

    Set<String> tables(PlanNode node) {
      Set<String> out = new TreeSet<>();
      if (node instanceof PlanNode.Scan scan) {
        out.add(scan.table().name());
      }
      for (PlanNode source : sources(node)) {
        out.addAll(tables(source));
      }
      return out;
    }

    /** Whether some grouped aggregate reads a semi join whose build side reads {@code table}. */
    boolean aggregateReducedBy(PlanNode node, String table, boolean underAggregate) {
      if (node instanceof PlanNode.Aggregate aggregate && !aggregate.groupKeys().isEmpty()) {
        underAggregate = true;
      }
      if (underAggregate
          && node instanceof PlanNode.Join join
          && join.type() == JoinType.SEMI
          && tables(join.build()).contains(table)) {
        return true;
      }
      for (PlanNode source : sources(node)) {
        if (aggregateReducedBy(source, table, underAggregate)) {
          return true;
        }
      }
      return false;
    }

    boolean aggregateReducedBy(String table) {
      return aggregateReducedBy(fragments.get(0), table, false);
    }
  }

  @Test
  void decorrelatedSubQueriesAggregateOnlyTheGroupsAskedAbout() {
    TpchFixture tpch = new TpchFixture(folder).withSf1Statistics();
    for (int query : new int[] {2, 17}) {
      DistributedPlan plan = tpch.plan(TpchFixture.query(query), PlannerOptions.DEFAULT);
      assertThat(new Tree(plan).aggregateReducedBy("part"))
          .as("q%s:%n%s", query, PlanPrinter.explain(plan))
          .isTrue();
    }
    DistributedPlan q20 = tpch.plan(TpchFixture.query(20), PlannerOptions.DEFAULT);
    assertThat(new Tree(q20).aggregateReducedBy("partsupp"))
        .as("q20:%n%s", PlanPrinter.explain(q20))
        .isTrue();
  }

  @Test
  void anAggregateJoinedWithAsManyRowsAsItHasGroupsIsLeftAlone() {
    TpchFixture tpch = new TpchFixture(folder).withSf1Statistics();
    DistributedPlan plan =
        tpch.plan(
            "SELECT o_orderdate, t.q FROM orders JOIN (SELECT l_orderkey, sum(l_quantity) AS q"
                + " FROM lineitem GROUP BY l_orderkey) t ON o_orderkey = t.l_orderkey",
            PlannerOptions.DEFAULT);
    assertThat(new Tree(plan).aggregateReducedBy("orders")).as(PlanPrinter.explain(plan)).isFalse();
  }

  @Test
  void anOuterJoinKeepsEveryGroup() {
    TpchFixture tpch = new TpchFixture(folder).withSf1Statistics();
    DistributedPlan plan =
        tpch.plan(
            "SELECT p_name, t.q FROM (SELECT l_partkey, sum(l_quantity) AS q FROM lineitem"
                + " GROUP BY l_partkey) t LEFT JOIN part ON p_partkey = t.l_partkey"
                + " AND p_brand = 'Brand#23'",
            PlannerOptions.DEFAULT);
    assertThat(new Tree(plan).aggregateReducedBy("part")).as(PlanPrinter.explain(plan)).isFalse();
  }
}
