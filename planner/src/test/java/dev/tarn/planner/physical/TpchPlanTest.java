package dev.tarn.planner.physical;

import static dev.tarn.planner.physical.PlanNodes.collect;
import static dev.tarn.planner.physical.PlanNodes.nodes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tarn.core.plan.JoinType;
import dev.tarn.planner.explain.PlanPrinter;
import dev.tarn.planner.stages.DistributedPlan;
import dev.tarn.planner.stages.StagePlan;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** All 22 TPC-H queries plan, into the shapes a distributed engine wants. */
class TpchPlanTest {
  @TempDir Path folder;
  private TpchFixture tpch;

  @BeforeEach
  void setUp() {
    tpch = new TpchFixture(folder);
  }

  static List<Integer> queries() {
    List<Integer> numbers = new ArrayList<>();
    for (int i = 1; i <= 22; i++) {
      numbers.add(i);
    }
    return numbers;
  }

  private DistributedPlan plan(int query) {
    return tpch.plan(TpchFixture.query(query), PlannerOptions.DEFAULT);
  }

  private static List<PlanNode.Join> joins(DistributedPlan plan) {
    List<PlanNode.Join> out = new ArrayList<>();
    for (PlanNode node : nodes(plan)) {
      if (node instanceof PlanNode.Join join) {
        out.add(join);
      }
    }
    return out;
  }

  @ParameterizedTest(name = "q{0}")
  @MethodSource("queries")
  void plansWithAtMostOneScanPerStage(int query) {
    DistributedPlan plan = plan(query);
    for (StagePlan stage : plan.stages()) {
      long scans = 0;
      List<PlanNode> stageNodes = new ArrayList<>();
      collect(stage.fragment(), stageNodes);
      for (PlanNode node : stageNodes) {
        scans += node instanceof PlanNode.Scan ? 1 : 0;
      }
      assertThat(scans).as("scans in stage %s of q%s", stage.id(), query).isLessThanOrEqualTo(1);
    }
    // Every join the FROM lists imply has a key: join ordering leaves no accidental cross join.
    for (PlanNode.Join join : joins(plan)) {
      if (join.probeKeys().isEmpty()) {
        assertThat(query).as(PlanPrinter.explain(plan)).isIn(11, 15, 22);
      }
    }
  }

  @Test
  void q4ExistsIsASemiJoin() {
    assertThat(joins(plan(4))).extracting(PlanNode.Join::type).containsExactly(JoinType.SEMI);
  }

  @Test
  void q16NotInOverNullableKeysIsANullAwareAntiJoin() {
    assertThat(joins(plan(16)))
        .extracting(PlanNode.Join::type)
        .containsExactlyInAnyOrder(JoinType.INNER, JoinType.NULL_AWARE_ANTI);
  }

  @Test
  void q21ExistsAndNotExistsKeepTheirNonEquiConditionAsResidual() {
    List<PlanNode.Join> joins = joins(plan(21));
    List<PlanNode.Join> semiAndAnti = new ArrayList<>();
    for (PlanNode.Join join : joins) {
      // Either side may be the build side (BuildSideSemiJoinTest).
      if (join.type() == JoinType.SEMI
          || join.type() == JoinType.ANTI
          || join.type() == JoinType.RIGHT_SEMI
          || join.type() == JoinType.RIGHT_ANTI) {
        semiAndAnti.add(join);
      }
    }
    assertThat(semiAndAnti).hasSize(2);
    for (PlanNode.Join join : semiAndAnti) {
      assertThat(join.probeKeys()).hasSize(1);
      assertThat(join.residual()).isNotNull();
    }
  }

  @Test
  void q22UncorrelatedScalarSubqueryIsABroadcastKeylessJoin() {
    DistributedPlan plan = plan(22);
    long keyless = 0;
    for (PlanNode.Join join : joins(plan)) {
      if (join.probeKeys().isEmpty()) {
        keyless++;
        assertThat(join.build()).isInstanceOf(PlanNode.RemoteSource.class);
      }
    }
    assertThat(keyless).isEqualTo(1);
  }
}
