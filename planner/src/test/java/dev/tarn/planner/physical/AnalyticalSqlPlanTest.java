package dev.tarn.planner.physical;

import static dev.tarn.planner.physical.PlanNodes.collect;
import static dev.tarn.planner.physical.PlanNodes.nodes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.plan.AggregateFunction;
import dev.tarn.core.plan.AggregateStep;
import dev.tarn.core.plan.JoinType;
import dev.tarn.core.plan.WindowFrame;
import dev.tarn.core.plan.WindowFunction;
import dev.tarn.core.type.SqlType;
import dev.tarn.planner.stages.DistributedPlan;
import dev.tarn.planner.stages.StagePlan;
import dev.tarn.planner.stages.StagePlan.Distribution;
import dev.tarn.planner.stages.StagePlan.OutputPartitioning;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sub-queries, all join types, set operations, windows and the wider aggregate vocabulary: each
 * translation firing on its shape, and declining (or failing clearly) outside it.
 */
class AnalyticalSqlPlanTest {
  @TempDir Path folder;
  private LakeFixture lake;

  @BeforeEach
  void setUp() {
    lake = new LakeFixture(folder);
  }

  private static PlanNode.Join onlyJoin(DistributedPlan plan) {
    List<PlanNode.Join> joins = nodes(plan, PlanNode.Join.class);
    assertThat(joins).hasSize(1);
    return joins.get(0);
  }

  /** The stage whose fragment contains {@code node}. */
  private static StagePlan stageOf(DistributedPlan plan, PlanNode node) {
    for (StagePlan stage : plan.stages()) {
      List<PlanNode> all = new ArrayList<>();
      collect(stage.fragment(), all);
      for (PlanNode candidate : all) {
        if (candidate == node) {
          return stage;
        }
      }
    }
    throw new AssertionError("node in no stage: " + node);
  }

  private static StagePlan stage(DistributedPlan plan, PlanNode.RemoteSource remote) {
    return plan.stages().get(remote.sourceStage());
  }

  @Test
  void inSubqueryIsASemiJoinOnTheSelectedColumn() {
    PlanNode.Join join =
        onlyJoin(
            lake.plan(
                "SELECT o_orderkey FROM orders WHERE o_custkey IN"
                    + " (SELECT c_custkey FROM customers WHERE c_region = 'eu')"));
    assertThat(join.type()).isEqualTo(JoinType.SEMI);
    assertThat(join.probe().outputColumns().get(join.probeKeys().get(0)).name())
        .isEqualTo("o_custkey");
    assertThat(join.residual()).isNull();
  }

  @Test
  void notInOverNullableColumnsIsANullAwareAntiJoinWithItsBuildSideBroadcast() {
    DistributedPlan plan =
        lake.plan(
            "SELECT o_orderkey FROM orders WHERE o_custkey NOT IN (SELECT c_custkey FROM"
                + " customers)");
    PlanNode.Join join = onlyJoin(plan);
    assertThat(join.type()).isEqualTo(JoinType.NULL_AWARE_ANTI);
    assertThat(join.probeKeys()).hasSize(1);
    // A NULL anywhere in the build side empties the result: every task must see all of it.
    assertThat(stage(plan, (PlanNode.RemoteSource) join.build()).output())
        .isEqualTo(OutputPartitioning.BROADCAST);
  }

  @Test
  void correlatedNotInStaysAnAntiJoinWithTheNullTestsAsResidual() {
    // Null-awareness holds per correlation group here, so the global NULL_AWARE_ANTI would be
    // wrong.
    PlanNode.Join join =
        onlyJoin(
            lake.plan(
                "SELECT c_name FROM customers c WHERE c_custkey NOT IN"
                    + " (SELECT o_custkey FROM orders o WHERE o.o_comment = c.c_name)"));
    // RIGHT_ANTI: the fewer customers are the build side (see BuildSideSemiJoinTest).
    assertThat(join.type()).isEqualTo(JoinType.RIGHT_ANTI);
    assertThat(join.residual()).isNotNull();
  }

  @Test
  void correlatedExistsWithANonEquiConditionIsASemiJoinWithResidual() {
    PlanNode.Join join =
        onlyJoin(
            lake.plan(
                "SELECT c_name FROM customers c WHERE EXISTS (SELECT 1 FROM orders o"
                    + " WHERE o.o_custkey = c.c_custkey AND o.o_comment <> c.c_name)"));
    // RIGHT_SEMI: the fewer customers are the build side (see BuildSideSemiJoinTest).
    assertThat(join.type()).isEqualTo(JoinType.RIGHT_SEMI);
    assertThat(join.probeKeys()).hasSize(1);
    assertThat(join.residual()).isNotNull();
  }

  @Test
  void notExistsIsAnAntiJoin() {
    PlanNode.Join join =
        onlyJoin(
            lake.plan(
                "SELECT c_name FROM customers c WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE"
                    + " o.o_custkey = c.c_custkey)"));
    // RIGHT_ANTI: the fewer customers are the build side (see BuildSideSemiJoinTest).
    assertThat(join.type()).isEqualTo(JoinType.RIGHT_ANTI);
    assertThat(join.probeKeys()).hasSize(1);
  }

  @Test
  void existsUnderOrDeclinesTheSemiJoinAndBecomesAnOuterJoin() {
    PlanNode.Join join =
        onlyJoin(
            lake.plan(
                "SELECT c_name FROM customers c WHERE c_region = 'eu'"
                    + " OR EXISTS (SELECT 1 FROM orders o WHERE o.o_custkey = c.c_custkey)"));
    assertThat(join.type()).isEqualTo(JoinType.LEFT);
  }

  @Test
  void uncorrelatedScalarSubqueryIsAKeylessJoinWithTheOneRowSideBroadcast() {
    DistributedPlan plan =
        lake.plan(
            "SELECT o_orderkey FROM orders WHERE o_total > (SELECT avg(o_total) FROM orders)");
    PlanNode.Join join = onlyJoin(plan);
    assertThat(join.probeKeys()).isEmpty();
    assertThat(join.residual()).isNotNull();
    assertThat(stage(plan, (PlanNode.RemoteSource) join.build()).output())
        .isEqualTo(OutputPartitioning.BROADCAST);
    // The probe side stays in its scan stage.
    assertThat(stageOf(plan, join).distribution()).isEqualTo(Distribution.SOURCE);
  }

  @Test
  void correlatedScalarSubqueryJoinsAnAggregateOnTheCorrelationKey() {
    DistributedPlan plan =
        lake.plan(
            "SELECT o_orderkey, (SELECT c_name FROM customers WHERE c_custkey = o_custkey)"
                + " FROM orders");
    PlanNode.Join join = onlyJoin(plan);
    assertThat(join.type()).isEqualTo(JoinType.LEFT);
    assertThat(join.probeKeys()).hasSize(1);
    // SINGLE_VALUE (the scalar sub-query's value; a second row fails) has no partial form.
    assertThat(nodes(plan, PlanNode.Aggregate.class))
        .flatExtracting(PlanNode.Aggregate::aggregates)
        .extracting(call -> call.function())
        .containsExactly(AggregateFunction.SINGLE_VALUE);
  }

  @Test
  void fullAndRightJoinsStayPartitionedEvenWhenTheBuildSideIsSmall() {
    PlannerOptions broadcast = PlannerOptions.DEFAULT.withBroadcastThresholdBytes(1_000_000);
    for (String type : List.of("FULL", "RIGHT")) {
      DistributedPlan plan =
          lake.plan(
              "SELECT * FROM orders " + type + " JOIN customers ON o_custkey = c_custkey",
              broadcast);
      PlanNode.Join join = onlyJoin(plan);
      assertThat(join.type().name()).isEqualTo(type);
      assertThat(stageOf(plan, join).distribution()).isEqualTo(Distribution.HASH);
      assertThat(stage(plan, (PlanNode.RemoteSource) join.build()).output().kind())
          .isEqualTo(OutputPartitioning.Kind.HASH);
    }
    PlanNode.Join left =
        onlyJoin(
            lake.plan(
                "SELECT * FROM orders LEFT JOIN customers ON o_custkey = c_custkey", broadcast));
    assertThat(left.probe()).isNotInstanceOf(PlanNode.RemoteSource.class);
  }

  @Test
  void crossAndNonEquiJoinsBroadcastTheBuildSide() {
    for (String sql :
        List.of(
            "SELECT * FROM orders CROSS JOIN customers",
            "SELECT * FROM orders LEFT JOIN customers ON o_custkey < c_custkey")) {
      DistributedPlan plan = lake.plan(sql);
      PlanNode.Join join = onlyJoin(plan);
      assertThat(join.probeKeys()).isEmpty();
      assertThat(stage(plan, (PlanNode.RemoteSource) join.build()).output())
          .isEqualTo(OutputPartitioning.BROADCAST);
    }
  }

  @Test
  void keylessFullJoinGathersBothSidesIntoOneTask() {
    DistributedPlan plan =
        lake.plan("SELECT * FROM orders FULL JOIN customers ON o_custkey < c_custkey");
    PlanNode.Join join = onlyJoin(plan);
    assertThat(join.type()).isEqualTo(JoinType.FULL);
    assertThat(join.residual()).isNotNull();
    assertThat(stageOf(plan, join).distribution()).isEqualTo(Distribution.SINGLE);
    assertThat(stage(plan, (PlanNode.RemoteSource) join.probe()).output())
        .isEqualTo(OutputPartitioning.GATHER);
    assertThat(stage(plan, (PlanNode.RemoteSource) join.build()).output())
        .isEqualTo(OutputPartitioning.GATHER);
  }

  @Test
  void fromListIsReorderedSoNoJoinIsACrossProduct() {
    DistributedPlan plan =
        lake.plan(
            "SELECT o_orderkey FROM orders, sales, customers"
                + " WHERE o_custkey = c_custkey AND c_name = item");
    for (PlanNode.Join join : nodes(plan, PlanNode.Join.class)) {
      assertThat(join.probeKeys()).isNotEmpty();
    }
  }

  @Test
  void unionAllReadsEachInputFromAStageOfItsOwn() {
    DistributedPlan plan =
        lake.plan("SELECT o_custkey FROM orders UNION ALL SELECT c_custkey FROM customers");
    List<PlanNode.Union> unions = nodes(plan, PlanNode.Union.class);
    assertThat(unions).hasSize(1);
    for (PlanNode input : unions.get(0).inputs()) {
      assertThat(input).isInstanceOf(PlanNode.RemoteSource.class);
      assertThat(stage(plan, (PlanNode.RemoteSource) input).output())
          .isEqualTo(OutputPartitioning.GATHER);
    }
    assertThat(stageOf(plan, unions.get(0)).distribution()).isEqualTo(Distribution.SINGLE);
  }

  @Test
  void unionIntersectAndExceptAreUnionAllWithAggregates() {
    for (String operator : List.of("UNION", "INTERSECT", "EXCEPT")) {
      DistributedPlan plan =
          lake.plan(
              "SELECT o_custkey FROM orders " + operator + " SELECT c_custkey FROM customers");
      assertThat(nodes(plan, PlanNode.Union.class)).as(operator).hasSize(1);
      assertThat(nodes(plan, PlanNode.Aggregate.class)).as(operator).isNotEmpty();
    }
  }

  @Test
  void windowIsFedByAHashExchangeOnItsPartitionKeys() {
    DistributedPlan plan =
        lake.plan(
            "SELECT o_orderkey, row_number() OVER (PARTITION BY o_custkey ORDER BY o_total DESC)"
                + " FROM orders");
    List<PlanNode.Window> windows = nodes(plan, PlanNode.Window.class);
    assertThat(windows).hasSize(1);
    PlanNode.Window window = windows.get(0);
    assertThat(window.calls().get(0).function()).isEqualTo(WindowFunction.ROW_NUMBER);
    assertThat(window.orderKeys().get(0).ascending()).isFalse();
    assertThat(stageOf(plan, window).distribution()).isEqualTo(Distribution.HASH);
    assertThat(stage(plan, (PlanNode.RemoteSource) window.source()).output())
        .isEqualTo(OutputPartitioning.hash(window.partitionKeys()));
  }

  @Test
  void windowWithoutPartitionRunsInOneTaskWithItsFrameAndOffsets() {
    DistributedPlan plan =
        lake.plan(
            "SELECT o_orderkey, sum(o_total) OVER (ORDER BY o_orderkey ROWS BETWEEN 2 PRECEDING AND"
                + " CURRENT ROW), lag(o_total, 2) OVER (ORDER BY o_orderkey), lead(o_total, 1, 0)"
                + " OVER (ORDER BY o_orderkey) FROM orders");
    List<PlanNode.Window> windows = nodes(plan, PlanNode.Window.class);
    List<dev.tarn.core.plan.WindowCall> calls = new ArrayList<>();
    for (PlanNode.Window window : windows) {
      assertThat(window.partitionKeys()).isEmpty();
      assertThat(stageOf(plan, window).distribution()).isEqualTo(Distribution.SINGLE);
      calls.addAll(window.calls());
    }
    dev.tarn.core.plan.WindowCall sum =
        calls.stream().filter(c -> c.function() == WindowFunction.SUM).findFirst().orElseThrow();
    assertThat(sum.frame())
        .isEqualTo(
            new WindowFrame(
                WindowFrame.Type.ROWS,
                new WindowFrame.Bound(WindowFrame.Bound.Kind.PRECEDING, 2),
                WindowFrame.Bound.CURRENT_ROW));
    dev.tarn.core.plan.WindowCall lag =
        calls.stream().filter(c -> c.function() == WindowFunction.LAG).findFirst().orElseThrow();
    assertThat(lag.offset()).isEqualTo(2);
    // lead's constant default is read from a column added below the window, dropped above it.
    dev.tarn.core.plan.WindowCall lead =
        calls.stream().filter(c -> c.function() == WindowFunction.LEAD).findFirst().orElseThrow();
    assertThat(lead.arguments()).hasSize(2);
    assertThat(
            lake.plan("SELECT lead(o_total, 1, 0) OVER (ORDER BY o_orderkey) FROM orders")
                .columns())
        .hasSize(1);
  }

  @Test
  void trinoAggregatesRunAsPartialThenFinal() {
    DistributedPlan plan =
        lake.plan(
            "SELECT o_custkey, stddev(o_total), count_if(o_total > 5), bool_or(o_total > 5),"
                + " arbitrary(o_comment), var_pop(o_total) FROM orders GROUP BY o_custkey");
    List<PlanNode.Aggregate> aggregates = nodes(plan, PlanNode.Aggregate.class);
    assertThat(aggregates)
        .extracting(PlanNode.Aggregate::step)
        .containsExactlyInAnyOrder(AggregateStep.PARTIAL, AggregateStep.FINAL);
    PlanNode.Aggregate partial =
        aggregates.stream()
            .filter(a -> a.step() == AggregateStep.PARTIAL)
            .findFirst()
            .orElseThrow();
    PlanNode.Aggregate merge =
        aggregates.stream().filter(a -> a.step() == AggregateStep.FINAL).findFirst().orElseThrow();
    assertThat(partial.aggregates())
        .extracting(call -> call.function())
        .containsExactly(
            AggregateFunction.STDDEV,
            AggregateFunction.COUNT_IF,
            AggregateFunction.BOOL_OR,
            AggregateFunction.ARBITRARY,
            AggregateFunction.VAR_POP);
    // count_if's partial counts merge as a count.
    assertThat(merge.aggregates())
        .extracting(call -> call.function())
        .containsExactly(
            AggregateFunction.STDDEV,
            AggregateFunction.COUNT,
            AggregateFunction.BOOL_OR,
            AggregateFunction.ARBITRARY,
            AggregateFunction.VAR_POP);
    // Trino's stddev of a decimal is a double; its partial state is count, mean and squares.
    assertThat(merge.aggregates().get(0).resultType()).isEqualTo(SqlType.DOUBLE);
    assertThat(partial.outputColumns()).hasSize(1 + 3 + 1 + 1 + 1 + 3);
    assertThat(stageOf(plan, merge).distribution()).isEqualTo(Distribution.HASH);
  }

  @Test
  void rollupIsAUnionOfOneAggregationPerGroupingSet() {
    DistributedPlan plan =
        lake.plan(
            "SELECT c_region, c_name, count(*), grouping(c_region, c_name) FROM customers"
                + " GROUP BY ROLLUP (c_region, c_name)");
    List<PlanNode.Union> unions = nodes(plan, PlanNode.Union.class);
    assertThat(unions).hasSize(1);
    assertThat(unions.get(0).inputs()).hasSize(3);
    assertThat(plan.columns()).hasSize(4);
  }

  @Test
  void filteredAggregateReadsAConditionalColumn() {
    DistributedPlan plan =
        lake.plan("SELECT count(*) FILTER (WHERE o_total > 5), sum(o_total) FROM orders");
    assertThat(nodes(plan, PlanNode.Aggregate.class))
        .flatExtracting(PlanNode.Aggregate::aggregates)
        .extracting(call -> call.function())
        .contains(AggregateFunction.COUNT);
  }

  @Test
  void valuesDistinctNullsFirstAndOffset() {
    assertThat(
            nodes(
                lake.plan("SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS t(x, y)"),
                PlanNode.Values.class))
        .hasSize(1);
    DistributedPlan plan =
        lake.plan(
            "SELECT DISTINCT c_region FROM customers ORDER BY c_region DESC NULLS FIRST"
                + " LIMIT 2 OFFSET 1");
    PlanNode.Limit limit = (PlanNode.Limit) plan.stages().get(0).fragment();
    assertThat(limit.offset()).isEqualTo(1);
    PlanNode.Sort sort = (PlanNode.Sort) limit.source();
    assertThat(sort.keys().get(0).nullsFirst()).isTrue();
    assertThat(sort.keys().get(0).ascending()).isFalse();
  }

  @Test
  void windowOffsetMustBeAConstant() {
    assertThatThrownBy(
            () ->
                lake.plan("SELECT lag(o_total, o_orderkey) OVER (ORDER BY o_orderkey) FROM orders"))
        .isInstanceOfSatisfying(
            TarnException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.NOT_SUPPORTED);
              assertThat(e.getMessage()).isEqualTo("The offset of lag must be a constant number");
            });
  }
}
