package dev.tarn.planner.physical;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tarn.core.expr.Expr;
import dev.tarn.core.meta.Column;
import dev.tarn.core.plan.JoinType;
import dev.tarn.planner.explain.PlanPrinter;
import dev.tarn.planner.stages.DistributedPlan;
import dev.tarn.planner.stages.StagePlan;
import dev.tarn.planner.stages.StagePlan.Distribution;
import dev.tarn.planner.stages.StagePlan.OutputPartitioning;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stage splitter turns a SEMI, ANTI or NOT IN join around (RIGHT_SEMI, RIGHT_ANTI,
 * RIGHT_NULL_AWARE_ANTI: the hash table holds the preserved side) when the other side is too big to
 * broadcast and holds more rows, and only then; the RIGHT_ variants never broadcast their build
 * side.
 */
class BuildSideSemiJoinTest {
  /** The node's default broadcast threshold. */
  static final PlannerOptions OPTIONS = new PlannerOptions(4, 10 * 1024 * 1024);

  @TempDir Path folder;

  private static DistributedPlan plan(TpchFixture tpch, String sql) {
    return tpch.plan(sql, OPTIONS);
  }

  /** The plan's only join of the given types, and the stage it runs in. */
  private static Placed onlyJoin(DistributedPlan plan, JoinType... types) {
    List<Placed> found = new ArrayList<>();
    for (StagePlan stage : plan.stages()) {
      collect(stage, stage.fragment(), List.of(types), found);
    }
    assertThat(found).as(PlanPrinter.explain(plan)).hasSize(1);
    return found.get(0);
  }

  private static void collect(
      StagePlan stage, PlanNode node, List<JoinType> types, List<Placed> found) {
    if (node instanceof PlanNode.Join join && types.contains(join.type())) {
      found.add(new Placed(stage, join));
    }
    for (PlanNode source : node.sources()) {
      collect(stage, source, types, found);
    }
  }

  record Placed(StagePlan stage, PlanNode.Join join) {}

  /** How the stage feeding {@code input} (a RemoteSource) sends its rows. */
  private static OutputPartitioning routing(DistributedPlan plan, PlanNode input) {
    assertThat(input).isInstanceOf(PlanNode.RemoteSource.class);
    return plan.stage(((PlanNode.RemoteSource) input).sourceStage()).output();
  }

  @Test
  void q4BuildsOnTheFewOrdersAndProbesWithTheManyLineitems() {
    DistributedPlan plan = plan(new TpchFixture(folder).withSf1Statistics(), TpchFixture.query(4));
    Placed placed = onlyJoin(plan, JoinType.values());
    assertThat(placed.join().type()).isEqualTo(JoinType.RIGHT_SEMI);
    assertThat(placed.stage().distribution()).isEqualTo(Distribution.HASH);
    // Both sides hash-partitioned on the key: every task marks its own orders, and no other task
    // holds them.
    assertThat(routing(plan, placed.join().probe()))
        .isEqualTo(OutputPartitioning.hash(placed.join().probeKeys()));
    assertThat(routing(plan, placed.join().build()))
        .isEqualTo(OutputPartitioning.hash(placed.join().buildKeys()));
    assertThat(placed.join().outputColumns())
        .extracting(Column::name)
        .containsExactly("o_orderkey", "o_orderdate", "o_orderpriority");
    // Lineitem's dates served its filter: only the key crosses the exchange.
    assertThat(placed.join().probe().outputColumns())
        .extracting(Column::name)
        .containsExactly("l_orderkey");
    assertThat(PlanPrinter.explain(plan))
        .contains("Join[type=RIGHT_SEMI, criteria=[l_orderkey = o_orderkey]]");
  }

  @Test
  void q4KeepsTheSemiJoinWhenLineitemIsSmallEnoughToBroadcast() {
    TpchFixture tpch =
        new TpchFixture(folder).withRowCounts(Map.of("orders", 1_500_000L, "lineitem", 1_000L));
    DistributedPlan plan = plan(tpch, TpchFixture.query(4));
    Placed placed = onlyJoin(plan, JoinType.values());
    assertThat(placed.join().type()).isEqualTo(JoinType.SEMI);
    assertThat(routing(plan, placed.join().build())).isEqualTo(OutputPartitioning.BROADCAST);
  }

  @Test
  void keepsTheSemiJoinWhenThePreservedSideIsTheBiggerOne() {
    // Broadcasting off: both sides are partitioned either way, and the sizes alone decide.
    TpchFixture tpch =
        new TpchFixture(folder).withRowCounts(Map.of("orders", 1_500_000L, "lineitem", 1_000L));
    DistributedPlan plan = tpch.plan(TpchFixture.query(4), new PlannerOptions(4, 0));
    Placed placed = onlyJoin(plan, JoinType.values());
    assertThat(placed.join().type()).isEqualTo(JoinType.SEMI);
    assertThat(routing(plan, placed.join().build()))
        .isEqualTo(OutputPartitioning.hash(placed.join().buildKeys()));
  }

  @Test
  void keepsTheSemiJoinWithoutEstimates() {
    // No statistics: every table is one 100-byte file, nothing says which side is smaller.
    DistributedPlan plan = new TpchFixture(folder).plan(TpchFixture.query(4), OPTIONS);
    assertThat(onlyJoin(plan, JoinType.values()).join().type()).isEqualTo(JoinType.SEMI);
  }

  @Test
  void q21SwapsTheResidualsColumnsWithTheSides() {
    DistributedPlan plan = plan(new TpchFixture(folder).withSf1Statistics(), TpchFixture.query(21));
    Placed anti = onlyJoin(plan, JoinType.ANTI, JoinType.RIGHT_ANTI);
    assertThat(anti.join().type()).isEqualTo(JoinType.RIGHT_ANTI);
    // NOT EXISTS (l3 ... l3.l_suppkey <> l1.l_suppkey): probe l3 (the late lineitems), build l1
    // (beside its supplier's name): the residual compares the probe side's l_suppkey with the
    // build side's, whose joined index follows every probe column.
    List<Column> probe = anti.join().probe().outputColumns();
    List<Column> build = anti.join().build().outputColumns();
    assertThat(build).extracting(Column::name).contains("s_name");
    assertThat(columnRefs(anti.join().residual()))
        .containsExactlyInAnyOrder(suppkey(probe), probe.size() + suppkey(build));
    assertThat(onlyJoin(plan, JoinType.SEMI, JoinType.RIGHT_SEMI).join().type())
        .isEqualTo(JoinType.RIGHT_SEMI);
  }

  private static int suppkey(List<Column> columns) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().equals("l_suppkey")) {
        return i;
      }
    }
    throw new AssertionError("no l_suppkey in " + columns);
  }

  private static List<Integer> columnRefs(Expr expr) {
    List<Integer> out = new ArrayList<>();
    if (expr instanceof Expr.ColumnRef ref) {
      out.add(ref.index());
    } else if (expr instanceof Expr.Call call) {
      for (Expr arg : call.args()) {
        out.addAll(columnRefs(arg));
      }
    }
    return out;
  }

  @Test
  void q22NotExistsBuildsOnTheFewCustomers() {
    DistributedPlan plan = plan(new TpchFixture(folder).withSf1Statistics(), TpchFixture.query(22));
    Placed anti = onlyJoin(plan, JoinType.ANTI, JoinType.RIGHT_ANTI);
    assertThat(anti.join().type()).isEqualTo(JoinType.RIGHT_ANTI);
    assertThat(routing(plan, anti.join().build()))
        .isEqualTo(OutputPartitioning.hash(anti.join().buildKeys()));
  }

  @Test
  void notInAgainstABigSideGathersBothSidesIntoOneTask() {
    // A NULL anywhere in the other side, or its being empty, decides for every row: one task must
    // see all of it, as every task sees all of a broadcast build side.
    DistributedPlan plan =
        plan(
            new TpchFixture(folder).withSf1Statistics(),
            "SELECT s_name FROM supplier WHERE s_suppkey NOT IN (SELECT l_suppkey FROM lineitem)");
    Placed placed = onlyJoin(plan, JoinType.values());
    assertThat(placed.join().type()).isEqualTo(JoinType.RIGHT_NULL_AWARE_ANTI);
    assertThat(placed.stage().distribution()).isEqualTo(Distribution.SINGLE);
    assertThat(routing(plan, placed.join().probe())).isEqualTo(OutputPartitioning.GATHER);
    assertThat(routing(plan, placed.join().build())).isEqualTo(OutputPartitioning.GATHER);
    assertThat(placed.join().probeKeys()).hasSize(1);
  }

  @Test
  void notInAgainstASmallSideStillBroadcastsIt() {
    DistributedPlan plan =
        plan(
            new TpchFixture(folder).withSf1Statistics(),
            "SELECT l_orderkey FROM lineitem WHERE l_suppkey NOT IN (SELECT s_suppkey FROM supplier)");
    Placed placed = onlyJoin(plan, JoinType.values());
    assertThat(placed.join().type()).isEqualTo(JoinType.NULL_AWARE_ANTI);
    assertThat(routing(plan, placed.join().build())).isEqualTo(OutputPartitioning.BROADCAST);
  }
}
