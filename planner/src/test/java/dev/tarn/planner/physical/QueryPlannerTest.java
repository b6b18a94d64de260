package dev.tarn.planner.physical;

import static dev.tarn.planner.physical.PlanNodes.nodes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.expr.Expr;
import dev.tarn.core.meta.Column;
import dev.tarn.core.plan.AggregateFunction;
import dev.tarn.core.plan.AggregateStep;
import dev.tarn.core.plan.JoinType;
import dev.tarn.core.type.SqlType;
import dev.tarn.planner.stages.DistributedPlan;
import dev.tarn.planner.stages.StagePlan;
import dev.tarn.planner.stages.StagePlan.Distribution;
import dev.tarn.planner.stages.StagePlan.OutputPartitioning;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueryPlannerTest {
  @TempDir Path folder;
  private LakeFixture lake;

  @BeforeEach
  void setUp() {
    lake = new LakeFixture(folder);
  }

  private static PlanNode.Scan onlyScan(DistributedPlan plan) {
    List<PlanNode.Scan> scans = nodes(plan, PlanNode.Scan.class);
    assertThat(scans).hasSize(1);
    return scans.get(0);
  }

  private static List<String> names(List<Column> columns) {
    return columns.stream().map(Column::name).toList();
  }

  /** The partition folders (dt, region) a scan's files come from. */
  private static List<List<String>> scannedPartitions(PlanNode.Scan scan) {
    return scan.files().stream().map(PlanNode.ScanFile::partitionValues).distinct().toList();
  }

  private void assertError(String sql, ErrorCode code, int line, int column, String message) {
    assertThatThrownBy(() -> lake.plan(sql))
        .isInstanceOfSatisfying(
            TarnException.class,
            e -> {
              assertThat(e.code()).as(e.toString()).isEqualTo(code);
              assertThat(e.line()).as(e.toString()).isEqualTo(line);
              assertThat(e.column()).as(e.toString()).isEqualTo(column);
              assertThat(e.getMessage()).isEqualTo(message);
            });
  }

  @Test
  void scanReadsOnlyTheColumnsTheQueryUses() {
    DistributedPlan plan = lake.plan("SELECT o_total FROM orders WHERE o_custkey = 5");
    PlanNode.Scan scan = onlyScan(plan);
    assertThat(names(scan.outputColumns())).containsExactly("o_custkey", "o_total");
    assertThat(scan.dataColumns()).containsExactly(1, 2);
    assertThat(scan.files()).hasSize(2);
    assertThat(scan.predicate()).isNotNull();
    assertThat(names(plan.columns())).containsExactly("o_total");
    assertThat(plan.columns().get(0).type()).isEqualTo(SqlType.decimal(12, 2));
  }

  @Test
  void selectStarReadsEveryColumn() {
    PlanNode.Scan scan = onlyScan(lake.plan("SELECT * FROM sales"));
    assertThat(names(scan.outputColumns())).containsExactly("amount", "item", "dt", "region");
    assertThat(scan.dataColumns()).containsExactly(0, 1);
    assertThat(scan.partitionColumns()).containsExactly(0, 1);
    assertThat(scan.predicate()).isNull();
    assertThat(scannedPartitions(scan)).isEqualTo(LakeFixture.SALES_PARTITIONS);
  }

  @Test
  void countStarStillReadsOneColumn() {
    PlanNode.Scan scan = onlyScan(lake.plan("SELECT count(*) FROM orders"));
    assertThat(scan.outputColumns()).hasSize(1);
  }

  @Test
  void partitionPruningWithEquality() {
    PlanNode.Scan scan = onlyScan(lake.plan("SELECT item FROM sales WHERE dt = DATE '2024-01-02'"));
    assertThat(scannedPartitions(scan))
        .containsExactly(List.of("2024-01-02", "eu"), List.of("2024-01-02", "us"));
    // Folders of pruned partitions are never listed: one file per surviving partition.
    assertThat(scan.files()).hasSize(2);
  }

  @Test
  void partitionPruningWithInAndStringComparison() {
    PlanNode.Scan scan =
        onlyScan(lake.plan("SELECT item FROM sales WHERE region IN ('us', 'apac')"));
    assertThat(scannedPartitions(scan)).containsExactly(List.of("2024-01-02", "us"));
  }

  @Test
  void partitionPruningWithRange() {
    PlanNode.Scan scan =
        onlyScan(
            lake.plan(
                "SELECT item FROM sales WHERE dt > DATE '2024-01-01' AND dt <= DATE '2024-01-03'"
                    + " AND region <> 'us'"));
    // region <> 'us' is NULL for the default partition, so it goes too.
    assertThat(scannedPartitions(scan)).containsExactly(List.of("2024-01-02", "eu"));
    PlanNode.Scan between =
        onlyScan(
            lake.plan(
                "SELECT item FROM sales WHERE dt BETWEEN DATE '2024-01-02' AND DATE '2024-01-05'"));
    assertThat(scannedPartitions(between)).hasSize(3);
  }

  @Test
  void partitionPruningWithOr() {
    PlanNode.Scan scan =
        onlyScan(lake.plan("SELECT item FROM sales WHERE dt = DATE '2024-01-01' OR region = 'us'"));
    assertThat(scannedPartitions(scan))
        .containsExactly(List.of("2024-01-01", "eu"), List.of("2024-01-02", "us"));
  }

  @Test
  void nullPartitionMatchesIsNull() {
    PlanNode.Scan scan = onlyScan(lake.plan("SELECT item FROM sales WHERE region IS NULL"));
    assertThat(scannedPartitions(scan))
        .containsExactly(List.of("2024-01-03", "__HIVE_DEFAULT_PARTITION__"));
  }

  @Test
  void noPruningForPredicatesMixingDataColumns() {
    PlanNode.Scan scan =
        onlyScan(lake.plan("SELECT item FROM sales WHERE dt = DATE '2024-01-01' OR amount > 5"));
    assertThat(scannedPartitions(scan)).isEqualTo(LakeFixture.SALES_PARTITIONS);
    // A partition-only conjunct still prunes next to one that reads data.
    PlanNode.Scan mixed =
        onlyScan(lake.plan("SELECT item FROM sales WHERE dt = DATE '2024-01-01' AND amount > 5"));
    assertThat(scannedPartitions(mixed)).containsExactly(List.of("2024-01-01", "eu"));
  }

  @Test
  void aggregationSplitsIntoPartialAndFinalStages() {
    DistributedPlan plan =
        lake.plan(
            "SELECT o_custkey, sum(o_total) AS total, avg(o_total), count(*) AS n\n"
                + "FROM orders GROUP BY o_custkey");
    assertThat(plan.stages()).extracting(StagePlan::id).containsExactly(0, 1, 2);
    StagePlan root = plan.stage(0);
    assertThat(root.distribution()).isEqualTo(Distribution.SINGLE);
    assertThat(root.output()).isEqualTo(OutputPartitioning.RESULT);
    assertThat(root.fragment()).isInstanceOf(PlanNode.RemoteSource.class);
    assertThat(root.children()).containsExactly(1);

    StagePlan finalStage = plan.stage(1);
    assertThat(finalStage.distribution()).isEqualTo(Distribution.HASH);
    assertThat(finalStage.output()).isEqualTo(OutputPartitioning.GATHER);
    PlanNode.Aggregate finalAggregate = nodes(plan, PlanNode.Aggregate.class).get(0);
    assertThat(finalAggregate.step()).isEqualTo(AggregateStep.FINAL);
    assertThat(finalAggregate.groupKeys()).containsExactly(0);
    // Intermediate columns: key, sum, avg's sum and count, count(*).
    assertThat(finalAggregate.aggregates())
        .extracting(call -> call.function(), call -> call.argument())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(AggregateFunction.SUM, 1),
            org.assertj.core.groups.Tuple.tuple(AggregateFunction.AVG, 2),
            org.assertj.core.groups.Tuple.tuple(AggregateFunction.COUNT, 4));
    assertThat(finalAggregate.source())
        .isEqualTo(
            new PlanNode.RemoteSource(
                2, nodes(plan, PlanNode.Aggregate.class).get(1).outputColumns()));

    StagePlan partialStage = plan.stage(2);
    assertThat(partialStage.distribution()).isEqualTo(Distribution.SOURCE);
    assertThat(partialStage.output()).isEqualTo(OutputPartitioning.hash(List.of(0)));
    PlanNode.Aggregate partial = nodes(plan, PlanNode.Aggregate.class).get(1);
    assertThat(partial.step()).isEqualTo(AggregateStep.PARTIAL);
    assertThat(partial.outputColumns())
        .extracting(Column::type)
        .containsExactly(
            SqlType.BIGINT,
            SqlType.decimal(38, 2),
            SqlType.decimal(38, 2),
            SqlType.BIGINT,
            SqlType.BIGINT);
    assertThat(names(plan.columns())).containsExactly("o_custkey", "total", "_col2", "n");
    assertThat(plan.columns())
        .extracting(Column::type)
        .containsExactly(
            SqlType.BIGINT, SqlType.decimal(38, 2), SqlType.decimal(12, 2), SqlType.BIGINT);
  }

  @Test
  void globalAggregationFinishesInTheRootStage() {
    DistributedPlan plan = lake.plan("SELECT count(*), avg(o_orderkey) FROM orders");
    assertThat(plan.stages()).hasSize(2);
    PlanNode.Aggregate root = nodes(plan, PlanNode.Aggregate.class).get(0);
    assertThat(root.step()).isEqualTo(AggregateStep.FINAL);
    assertThat(plan.stage(0).distribution()).isEqualTo(Distribution.SINGLE);
    assertThat(plan.stage(1).output()).isEqualTo(OutputPartitioning.GATHER);
    assertThat(names(plan.columns())).containsExactly("_col0", "_col1");
    assertThat(plan.columns().get(1).type()).isEqualTo(SqlType.DOUBLE);
  }

  @Test
  void countDistinctRunsAsSingleAggregationAboveAGather() {
    DistributedPlan plan =
        lake.plan("SELECT o_custkey, count(DISTINCT o_orderkey) FROM orders GROUP BY o_custkey");
    assertThat(plan.stage(0).distribution()).isEqualTo(Distribution.SINGLE);
    PlanNode.Aggregate aggregate = nodes(plan, PlanNode.Aggregate.class).get(0);
    assertThat(aggregate.step()).isEqualTo(AggregateStep.SINGLE);
    assertThat(aggregate.aggregates().get(0).distinct()).isTrue();
    assertThat(aggregate.source()).isInstanceOf(PlanNode.RemoteSource.class);
    assertThat(plan.stage(1).output()).isEqualTo(OutputPartitioning.GATHER);
  }

  @Test
  void joinRunsInItsOwnHashStage() {
    DistributedPlan plan =
        lake.plan(
            "SELECT c_name, o_total FROM orders o JOIN customers c ON o.o_custkey = c.c_custkey\n"
                + "WHERE c_region = 'eu' AND o_total > 10");
    assertThat(plan.stages()).extracting(StagePlan::id).containsExactly(0, 1, 2, 3);
    StagePlan join = plan.stage(1);
    assertThat(join.distribution()).isEqualTo(Distribution.HASH);
    assertThat(join.output()).isEqualTo(OutputPartitioning.GATHER);
    assertThat(join.children()).containsExactly(2, 3);
    PlanNode.Join node = nodes(plan, PlanNode.Join.class).get(0);
    assertThat(node.type()).isEqualTo(JoinType.INNER);
    assertThat(node.probe()).isInstanceOf(PlanNode.RemoteSource.class);
    assertThat(node.build()).isInstanceOf(PlanNode.RemoteSource.class);

    StagePlan probe = plan.stage(2);
    StagePlan build = plan.stage(3);
    assertThat(probe.distribution()).isEqualTo(Distribution.SOURCE);
    assertThat(build.distribution()).isEqualTo(Distribution.SOURCE);
    assertThat(probe.output()).isEqualTo(OutputPartitioning.hash(node.probeKeys()));
    assertThat(build.output()).isEqualTo(OutputPartitioning.hash(node.buildKeys()));
    List<Column> probeColumns = probe.fragment().outputColumns();
    List<Column> buildColumns = build.fragment().outputColumns();
    assertThat(probeColumns.get(node.probeKeys().get(0)).name()).isEqualTo("o_custkey");
    assertThat(buildColumns.get(node.buildKeys().get(0)).name()).isEqualTo("c_custkey");
    // Both predicates were pushed below the join, into the scans' stages.
    assertThat(probe.fragment().toString()).contains("Filter");
    assertThat(build.fragment().toString()).contains("Filter");
    assertThat(names(plan.columns())).containsExactly("c_name", "o_total");
  }

  @Test
  void smallBuildSideIsBroadcast() {
    DistributedPlan plan =
        lake.plan(
            "SELECT c_name FROM orders JOIN customers ON o_custkey = c_custkey",
            PlannerOptions.DEFAULT.withBroadcastThresholdBytes(1000));
    assertThat(plan.stages()).hasSize(3);
    StagePlan probe = plan.stage(1);
    assertThat(probe.distribution()).isEqualTo(Distribution.SOURCE);
    assertThat(nodes(plan, PlanNode.Join.class).get(0).probe())
        .isNotInstanceOf(PlanNode.RemoteSource.class);
    assertThat(plan.stage(2).output()).isEqualTo(OutputPartitioning.BROADCAST);
    // Declines when the build side is larger than the threshold (100 bytes of files).
    DistributedPlan partitioned =
        lake.plan(
            "SELECT c_name FROM orders JOIN customers ON o_custkey = c_custkey",
            PlannerOptions.DEFAULT.withBroadcastThresholdBytes(100));
    assertThat(partitioned.stages()).hasSize(4);
  }

  @Test
  void orderByLimitRunsTopNOnBothSidesOfTheGather() {
    DistributedPlan plan =
        lake.plan("SELECT o_orderkey FROM orders ORDER BY o_total DESC LIMIT 5 OFFSET 2");
    List<PlanNode.Sort> sorts = nodes(plan, PlanNode.Sort.class);
    assertThat(sorts).hasSize(2);
    assertThat(sorts).allSatisfy(sort -> assertThat(sort.limit()).isEqualTo(7));
    assertThat(sorts.get(0).keys().get(0).ascending()).isFalse();
    assertThat(sorts.get(0).keys().get(0).nullsFirst()).isFalse();
    assertThat(plan.stage(1).output()).isEqualTo(OutputPartitioning.GATHER);
    assertThat(nodes(plan, PlanNode.Limit.class))
        .singleElement()
        .satisfies(limit -> assertThat(limit.offset()).isEqualTo(2));
    assertThat(names(plan.columns())).containsExactly("o_orderkey");
  }

  @Test
  void unknownTableReportsItsPosition() {
    assertError(
        "SELECT *\nFROM orders JOIN nope ON true",
        ErrorCode.TABLE_NOT_FOUND,
        2,
        18,
        "Table 'tarn.default.nope' does not exist");
  }

  @Test
  void unknownColumnSuggestsTheClosestNames() {
    assertError(
        "SELECT o_custky FROM orders",
        ErrorCode.COLUMN_NOT_FOUND,
        1,
        8,
        "Column 'o_custky' cannot be resolved. Did you mean 'o_custkey'?");
  }

  @Test
  void unknownColumnReportsItsPosition() {
    assertError(
        "SELECT o_orderkey,\n  nope\nFROM orders",
        ErrorCode.COLUMN_NOT_FOUND,
        2,
        3,
        "Column 'nope' cannot be resolved");
  }

  @Test
  void typeErrorsReportTheirPosition() {
    assertThatThrownBy(() -> lake.plan("SELECT sum(o_comment) FROM orders"))
        .isInstanceOfSatisfying(
            TarnException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.TYPE_MISMATCH);
              assertThat(e.line()).isEqualTo(1);
              assertThat(e.column()).isEqualTo(8);
            });
  }

  @Test
  void unaliasedExpressionsAreNamedLikeTrino() {
    DistributedPlan plan =
        lake.plan("SELECT o_orderkey, o_orderkey + 1, upper(o_comment) AS c, 2 FROM orders");
    assertThat(names(plan.columns())).containsExactly("o_orderkey", "_col1", "c", "_col3");
    assertThat(names(plan.stage(0).fragment().outputColumns())).isEqualTo(names(plan.columns()));
  }

  @Test
  void decimalArithmeticFollowsTrino() {
    DistributedPlan plan =
        lake.plan(
            "SELECT o_total + o_total, o_total * o_total, o_total + 1, o_total - amount\n"
                + "FROM orders JOIN sales ON o_orderkey = CAST(amount AS BIGINT)");
    assertThat(plan.columns())
        .extracting(Column::type)
        .containsExactly(
            SqlType.decimal(13, 2),
            SqlType.decimal(24, 4),
            SqlType.decimal(13, 2),
            SqlType.decimal(13, 2));
  }

  @Test
  void constantsAreFoldedAndLiteralsUseTarnConventions() {
    DistributedPlan plan =
        lake.plan(
            "SELECT item FROM sales WHERE dt >= DATE '2024-01-03' - INTERVAL '1' DAY"
                + " AND item LIKE 'a%'");
    PlanNode.Scan scan = onlyScan(plan);
    assertThat(scannedPartitions(scan)).hasSize(3);
    PlanNode.Filter filter = nodes(plan, PlanNode.Filter.class).get(0);
    assertThat(filter.predicate().toString()).contains("19724").contains("like");
  }

  @Test
  void valuesNeedNoScan() {
    DistributedPlan plan = lake.plan("VALUES (1, 'a'), (2, 'b')");
    assertThat(plan.stages()).hasSize(1);
    PlanNode.Values values = nodes(plan, PlanNode.Values.class).get(0);
    assertThat(values.rows()).containsExactly(List.of(1L, "a"), List.of(2L, "b"));
  }

  @Test
  void missingTableFolderIsReported() throws Exception {
    java.nio.file.Files.walk(folder.resolve("customers"))
        .sorted(java.util.Comparator.reverseOrder())
        .forEach(path -> path.toFile().delete());
    assertThatThrownBy(() -> lake.plan("SELECT * FROM customers"))
        .isInstanceOfSatisfying(
            TarnException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.PATH_NOT_FOUND);
              assertThat(e.getMessage()).contains("customers");
            });
  }

  @Test
  void unsupportedFunctionsAreNamed() {
    assertThatThrownBy(() -> lake.plan("SELECT soundex(o_comment) FROM orders"))
        .isInstanceOfSatisfying(
            TarnException.class, e -> assertThat(e.getMessage()).containsIgnoringCase("soundex"));
  }

  @Test
  void filterExpressionsReferToScanOutput() {
    DistributedPlan plan = lake.plan("SELECT o_orderkey FROM orders WHERE o_comment = 'x'");
    PlanNode.Filter filter = nodes(plan, PlanNode.Filter.class).get(0);
    Expr.Call equal = (Expr.Call) filter.predicate();
    assertThat(equal.operator()).isEqualTo(Expr.Operator.EQUAL);
    Expr.ColumnRef ref = (Expr.ColumnRef) equal.args().get(0);
    assertThat(filter.source().outputColumns().get(ref.index()).name()).isEqualTo("o_comment");
    assertThat(equal.args().get(1)).isEqualTo(new Expr.Literal("x", SqlType.VARCHAR));
  }

  @Test
  void defaultDatabaseMayBeNamedDespiteBeingAKeyword() {
    assertThat(onlyScan(lake.plan("SELECT o_orderkey FROM default.orders")).table().name())
        .isEqualTo("orders");
    assertThat(onlyScan(lake.plan("SELECT * FROM tarn.default.orders o")).files()).hasSize(2);
    // Positions after the quoted name still point into the text as written.
    assertError(
        "SELECT o_orderkey FROM default.orders WHERE o_custkey = 1 AND bad = 2",
        ErrorCode.COLUMN_NOT_FOUND,
        1,
        63,
        "Column 'bad' cannot be resolved");
    assertError(
        "SELECT o_orderkey FROM default.orders WHERE bad = 2",
        ErrorCode.COLUMN_NOT_FOUND,
        1,
        45,
        "Column 'bad' cannot be resolved");
  }

  @Test
  void comparingTextWithADateIsATypeError() {
    assertThatThrownBy(() -> lake.plan("SELECT item FROM sales WHERE dt = '2024-01-01'"))
        .isInstanceOfSatisfying(
            TarnException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.TYPE_MISMATCH);
              assertThat(e.getMessage()).isEqualTo("Cannot apply operator: date = varchar");
            });
  }

  @Test
  void aggregateResultsCarryUserNames() {
    DistributedPlan plan = lake.plan("SELECT count(*), max(o_total) AS top FROM orders");
    PlanNode.Aggregate finalStep = (PlanNode.Aggregate) plan.stage(0).fragment();
    assertThat(names(finalStep.outputColumns())).containsExactly("_col0", "top");
    assertThat(finalStep.aggregates())
        .extracting(call -> call.name())
        .containsExactly("_col0", "top");
  }
}
