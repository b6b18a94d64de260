package dev.tarn.planner.stages;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tarn.core.expr.Expr;
import dev.tarn.core.meta.Column;
import dev.tarn.core.meta.FileFormat;
import dev.tarn.core.meta.TableMetadata;
import dev.tarn.core.plan.AggregateCall;
import dev.tarn.core.plan.AggregateFunction;
import dev.tarn.core.plan.AggregateStep;
import dev.tarn.core.plan.SortKey;
import dev.tarn.core.storage.FileEntry;
import dev.tarn.core.type.SqlType;
import dev.tarn.planner.physical.PlanNode;
import dev.tarn.planner.physical.PlannerOptions;
import dev.tarn.planner.stages.StagePlan.Distribution;
import dev.tarn.planner.stages.StagePlan.OutputPartitioning;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Stage splitting on hand-built plans: where each exchange goes, and where none is needed. */
class StageSplitterTest {
  private static final List<Column> COLUMNS =
      List.of(new Column("k", SqlType.BIGINT), new Column("v", SqlType.DOUBLE));
  private static final TableMetadata TABLE =
      new TableMetadata("default", "t", COLUMNS, List.of(), FileFormat.PARQUET, "/t", Map.of());

  private static PlanNode.Scan scan(long bytes) {
    return new PlanNode.Scan(
        TABLE,
        List.of(new PlanNode.ScanFile(new FileEntry("/t/a", bytes, 0), List.of())),
        List.of(0, 1),
        List.of(),
        null,
        COLUMNS);
  }

  private static PlanNode.Values values() {
    return new PlanNode.Values(COLUMNS, List.of(List.of(1L, 2.0)));
  }

  private static final List<SortKey> BY_K = List.of(new SortKey(0, true, false));

  @Test
  void plainScanIsGatheredIntoTheRoot() {
    DistributedPlan plan = StageSplitter.split(scan(10), PlannerOptions.DEFAULT);
    assertThat(plan.stages()).hasSize(2);
    assertThat(plan.stage(0).fragment()).isEqualTo(new PlanNode.RemoteSource(1, COLUMNS));
    assertThat(plan.stage(1).distribution()).isEqualTo(Distribution.SOURCE);
    assertThat(plan.stage(1).output()).isEqualTo(OutputPartitioning.GATHER);
    assertThat(plan.columns()).isEqualTo(COLUMNS);
  }

  @Test
  void singleInputNeedsNoExchange() {
    // Declines: VALUES already runs in one task, so the sort joins it in the root stage.
    DistributedPlan plan =
        StageSplitter.split(new PlanNode.Sort(values(), BY_K, -1), PlannerOptions.DEFAULT);
    assertThat(plan.stages()).hasSize(1);
    assertThat(plan.stage(0).fragment()).isInstanceOf(PlanNode.Sort.class);
  }

  @Test
  void limitOverScanLimitsEachTaskToo() {
    DistributedPlan plan =
        StageSplitter.split(new PlanNode.Limit(scan(10), 3, 5), PlannerOptions.DEFAULT);
    assertThat(plan.stage(0).fragment())
        .isEqualTo(new PlanNode.Limit(new PlanNode.RemoteSource(1, COLUMNS), 3, 5));
    // Each task's scan stops after offset + count rows itself (LimitIntoScan).
    assertThat(plan.stage(1).fragment()).isEqualTo(new PlanNode.Limit(scan(10).withLimit(8), 0, 8));
  }

  @Test
  void limitIsPushedThroughProjectionsButNotFilters() {
    PlanNode.Project project =
        new PlanNode.Project(
            scan(10), List.of(new Expr.ColumnRef(0, SqlType.BIGINT)), List.of("k"));
    DistributedPlan projected =
        StageSplitter.split(new PlanNode.Limit(project, 0, 5), PlannerOptions.DEFAULT);
    assertThat(projected.stage(1).fragment())
        .isEqualTo(
            new PlanNode.Limit(
                new PlanNode.Project(scan(10).withLimit(5), project.expressions(), project.names()),
                0,
                5));
    PlanNode.Filter filter = new PlanNode.Filter(scan(10), new Expr.Literal(true, SqlType.BOOLEAN));
    DistributedPlan filtered =
        StageSplitter.split(new PlanNode.Limit(filter, 0, 5), PlannerOptions.DEFAULT);
    assertThat(filtered.stage(1).fragment()).isEqualTo(new PlanNode.Limit(filter, 0, 5));
  }

  @Test
  void sortWithoutLimitSortsOnlyInTheRoot() {
    DistributedPlan plan =
        StageSplitter.split(new PlanNode.Sort(scan(10), BY_K, -1), PlannerOptions.DEFAULT);
    assertThat(plan.stage(1).fragment()).isEqualTo(scan(10));
  }

  @Test
  void aggregateOverAggregateChainsStages() {
    AggregateCall sum = new AggregateCall(AggregateFunction.SUM, 1, false, SqlType.DOUBLE, "s");
    PlanNode.Aggregate inner =
        new PlanNode.Aggregate(scan(10), List.of(0), List.of(sum), AggregateStep.SINGLE, COLUMNS);
    AggregateCall count =
        new AggregateCall(AggregateFunction.COUNT_STAR, -1, false, SqlType.BIGINT, "n");
    PlanNode.Aggregate outer =
        new PlanNode.Aggregate(
            inner,
            List.of(),
            List.of(count),
            AggregateStep.SINGLE,
            List.of(new Column("n", SqlType.BIGINT)));
    DistributedPlan plan = StageSplitter.split(outer, PlannerOptions.DEFAULT);
    assertThat(plan.stages())
        .extracting(StagePlan::distribution)
        .containsExactly(Distribution.SINGLE, Distribution.HASH, Distribution.SOURCE);
    assertThat(plan.stages())
        .extracting(StagePlan::output)
        .containsExactly(
            OutputPartitioning.RESULT,
            OutputPartitioning.GATHER,
            OutputPartitioning.hash(List.of(0)));
    PlanNode.Aggregate finalCount = (PlanNode.Aggregate) plan.stage(0).fragment();
    assertThat(finalCount.step()).isEqualTo(AggregateStep.FINAL);
    // Partial counts are summed: COUNT over the intermediate column.
    assertThat(finalCount.aggregates())
        .containsExactly(new AggregateCall(AggregateFunction.COUNT, 0, false, SqlType.BIGINT, "n"));
    PlanNode.Aggregate partialCount = (PlanNode.Aggregate) plan.stage(1).fragment();
    assertThat(partialCount.step()).isEqualTo(AggregateStep.PARTIAL);
    assertThat(partialCount.source()).isInstanceOf(PlanNode.Aggregate.class);
    assertThat(plan.stage(1).children()).containsExactly(2);
  }

  @Test
  void broadcastJoinKeepsTheProbeSideInPlace() {
    PlanNode.Join join =
        new PlanNode.Join(
            dev.tarn.core.plan.JoinType.INNER,
            scan(1_000_000),
            scan(10),
            List.of(0),
            List.of(0),
            new Expr.Literal(true, SqlType.BOOLEAN));
    DistributedPlan broadcast =
        StageSplitter.split(join, PlannerOptions.DEFAULT.withBroadcastThresholdBytes(100));
    assertThat(broadcast.stages()).hasSize(3);
    assertThat(broadcast.stage(1).distribution()).isEqualTo(Distribution.SOURCE);
    assertThat(broadcast.stage(2).output()).isEqualTo(OutputPartitioning.BROADCAST);
    // Declines: the build side is at the threshold, so the join is partitioned.
    DistributedPlan partitioned =
        StageSplitter.split(join, PlannerOptions.DEFAULT.withBroadcastThresholdBytes(10));
    assertThat(partitioned.stages())
        .extracting(StagePlan::distribution)
        .containsExactly(
            Distribution.SINGLE, Distribution.HASH, Distribution.SOURCE, Distribution.SOURCE);
  }
}
