package dev.tarn.planner.physical;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tarn.core.plan.JoinType;
import dev.tarn.planner.explain.PlanPrinter;
import dev.tarn.planner.stages.DistributedPlan;
import dev.tarn.planner.stages.StagePlan;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inner joins are ordered by estimated sizes: with TPC-H's SF 1 statistics the filtered small
 * tables are joined first, lineitem is probed by its first join, and the smaller input of each join
 * builds.
 */
class JoinOrderTest {
  @TempDir Path folder;

  private static final PlannerOptions PARTITIONED = PlannerOptions.DEFAULT;

  private DistributedPlan plan(TpchFixture tpch, String sql) {
    return tpch.plan(sql, PARTITIONED);
  }

  /** A plan's stages read as one tree: a RemoteSource stands for its stage's fragment. */
  private static final class Tree {
    final Map<Integer, PlanNode> fragments = new HashMap<>();
    final PlanNode root;

    Tree(DistributedPlan plan) {
      for (StagePlan stage : plan.stages()) {
        fragments.put(stage.id(), stage.fragment());
      }
      root = fragments.get(0);
    }

    List<PlanNode> sources(PlanNode node) {
      if (node instanceof PlanNode.RemoteSource remote) {
        return List.of(fragments.get(remote.sourceStage()));
      }
      return node.sources();
    }

    Set<String> tables(PlanNode node) {
      Set<String> out = new TreeSet<>();
      collectTables(node, out);
      return out;
    }

    private void collectTables(PlanNode node, Set<String> out) {
      if (node instanceof PlanNode.Scan scan) {
        out.add(scan.table().name());
      }
      for (PlanNode source : sources(node)) {
        collectTables(source, out);
      }
    }

    List<PlanNode.Join> innerJoins() {
      List<PlanNode.Join> out = new ArrayList<>();
      collectJoins(root, out);
      return out;
    }

    private void collectJoins(PlanNode node, List<PlanNode.Join> out) {
      if (node instanceof PlanNode.Join join && join.type() == JoinType.INNER) {
        out.add(join);
      }
      for (PlanNode source : sources(node)) {
        collectJoins(source, out);
      }
    }

    /** The inner join over the fewest tables: the first one run. */
    PlanNode.Join firstJoin() {
      List<PlanNode.Join> joins = innerJoins();
      PlanNode.Join first = joins.get(0);
      for (PlanNode.Join join : joins) {
        if (tables(join).size() < tables(first).size()) {
          first = join;
        }
      }
      return first;
    }

    /** The inner join over the fewest tables that joins {@code table}. */
    PlanNode.Join firstJoinOf(String table) {
      PlanNode.Join first = null;
      for (PlanNode.Join join : innerJoins()) {
        if (tables(join).contains(table)
            && (first == null || tables(join).size() < tables(first).size())) {
          first = join;
        }
      }
      return first;
    }
  }

  @Test
  void q5StartsFromRegionAndNationAndProbesLineitem() {
    TpchFixture tpch = new TpchFixture(folder).withSf1Statistics();
    DistributedPlan plan = plan(tpch, TpchFixture.query(5));
    Tree tree = new Tree(plan);
    String explain = PlanPrinter.explain(plan);
    List<Set<String>> joined = new ArrayList<>();
    for (PlanNode.Join join : tree.innerJoins()) {
      joined.add(tree.tables(join));
    }
    assertThat(joined).as(explain).contains(new TreeSet<>(List.of("nation", "region")));
    PlanNode.Join lineitemFirst = tree.firstJoinOf("lineitem");
    assertThat(tree.tables(lineitemFirst.probe())).as(explain).containsExactly("lineitem");
    assertThat(tree.tables(lineitemFirst.build())).as(explain).containsExactly("orders");
  }

  @Test
  void q7StartsFromTheFilteredNations() {
    TpchFixture tpch = new TpchFixture(folder).withSf1Statistics();
    DistributedPlan plan = plan(tpch, TpchFixture.query(7));
    Tree tree = new Tree(plan);
    String explain = PlanPrinter.explain(plan);
    for (PlanNode.Join join : tree.innerJoins()) {
      if (tree.tables(join).contains("nation") && tree.tables(join).size() == 2) {
        assertThat(tree.tables(join.build())).as(explain).containsExactly("nation");
      }
    }
    assertThat(tree.tables(tree.firstJoin())).as(explain).contains("nation").hasSize(2);
  }

  @Test
  void q9JoinsPartBeforePartsupp() {
    TpchFixture tpch = new TpchFixture(folder).withSf1Statistics();
    DistributedPlan plan = plan(tpch, TpchFixture.query(9));
    Tree tree = new Tree(plan);
    String explain = PlanPrinter.explain(plan);
    // The filtered part (p_name LIKE '%green%') meets lineitem before the 800 thousand partsupp.
    PlanNode.Join lineitemFirst = tree.firstJoinOf("lineitem");
    assertThat(tree.tables(lineitemFirst)).as(explain).containsExactly("lineitem", "part");
    assertThat(tree.tables(lineitemFirst.build())).as(explain).containsExactly("part");
  }

  /** Not Q12: its filters keep half a percent of lineitem, which rightly builds against orders. */
  @Test
  void lineitemIsProbedByItsFirstJoin() {
    TpchFixture tpch = new TpchFixture(folder).withSf1Statistics();
    for (int query : List.of(3, 5, 7, 8, 9, 10, 14, 21)) {
      DistributedPlan plan = plan(tpch, TpchFixture.query(query));
      Tree tree = new Tree(plan);
      PlanNode.Join join = tree.firstJoinOf("lineitem");
      assertThat(tree.tables(join.probe()))
          .as("q%s:%n%s", query, PlanPrinter.explain(plan))
          .contains("lineitem");
    }
  }

  @Test
  void statisticsDecideWhichSideBuilds() {
    String sql =
        "SELECT count(*) FROM orders JOIN customer ON o_custkey = c_custkey"
            + " WHERE c_mktsegment = 'BUILDING'";
    TpchFixture usual = new TpchFixture(folder.resolve("usual")).withSf1Statistics();
    Tree tree = new Tree(plan(usual, sql));
    assertThat(tree.tables(tree.innerJoins().get(0).build())).containsExactly("customer");

    Map<String, Long> inverted = new HashMap<>(TpchFixture.SF1_ROWS);
    inverted.put("orders", 1_000L);
    inverted.put("customer", 50_000_000L);
    TpchFixture skewed = new TpchFixture(folder.resolve("skewed")).withRowCounts(inverted);
    tree = new Tree(plan(skewed, sql));
    assertThat(tree.tables(tree.innerJoins().get(0).build())).containsExactly("orders");
  }

  @Test
  void broadcastIsDecidedByTheEstimatedBuildSize() {
    TpchFixture tpch = new TpchFixture(folder).withSf1Statistics();
    // A 1 MB threshold: region and nation (tiny estimates) broadcast although file sizes are not
    // known to be small; lineitem never reaches a build side.
    DistributedPlan plan =
        tpch.plan(
            TpchFixture.query(5), PlannerOptions.DEFAULT.withBroadcastThresholdBytes(1 << 20));
    String explain = PlanPrinter.explain(plan);
    Tree tree = new Tree(plan);
    long broadcasts = 0;
    for (StagePlan stage : plan.stages()) {
      if (stage.output().kind() == StagePlan.OutputPartitioning.Kind.BROADCAST) {
        broadcasts++;
        assertThat(tree.tables(stage.fragment())).as(explain).doesNotContain("lineitem", "orders");
      }
    }
    assertThat(broadcasts).as(explain).isGreaterThanOrEqualTo(2);
  }
}
