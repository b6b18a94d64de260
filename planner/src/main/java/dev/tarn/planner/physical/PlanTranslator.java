package dev.tarn.planner.physical;

import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.expr.Expr;
import dev.tarn.core.meta.Column;
import dev.tarn.core.meta.Partition;
import dev.tarn.core.meta.TableMetadata;
import dev.tarn.core.meta.TableSnapshot;
import dev.tarn.core.plan.AggregateCall;
import dev.tarn.core.plan.AggregateFunction;
import dev.tarn.core.plan.AggregateStep;
import dev.tarn.core.plan.JoinType;
import dev.tarn.core.plan.SortKey;
import dev.tarn.core.storage.FileEntry;
import dev.tarn.core.storage.LakeStorage;
import dev.tarn.core.type.SqlType;
import dev.tarn.planner.schema.LakeTable;
import dev.tarn.planner.schema.TypeConversion;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinInfo;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.core.Values;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * Turns an optimized Calcite plan into one tree of {@link PlanNode}s, still without exchanges (the
 * {@link dev.tarn.planner.stages.StageSplitter} cuts it into stages).
 *
 * <p>A table scan with a Project and/or Filter right above it becomes a {@link PlanNode.Scan} that
 * reads only the columns they use, and whose files are listed only for the partitions the filter
 * can match:
 *
 * <pre>
 *   Project(o_orderdate)                   Project[$0]
 *     Filter(dt = '2024-01-01')     ->       Filter[$1 = '2024-01-01']
 *       TableScan(orders)                      Scan[orders, columns=[o_orderdate, dt],
 *                                                   files of dt=2024-01-01 only]
 * </pre>
 */
final class PlanTranslator {
  private final LakeStorage storage;
  private final ExpressionTranslator expressions;

  PlanTranslator(LakeStorage storage, ExpressionTranslator expressions) {
    this.storage = storage;
    this.expressions = expressions;
  }

  PlanNode translate(RelNode rel) {
    if (rel instanceof Project project) {
      ScanChain chain = scanChain(project.getInput());
      if (chain != null) {
        ImmutableBitSet.Builder used = ImmutableBitSet.builder();
        used.addAll(RelOptUtil.InputFinder.bits(project.getProjects(), null));
        int[] columnMap = new int[project.getInput().getRowType().getFieldCount()];
        PlanNode scan = scan(chain, used, columnMap);
        List<Expr> projections = new ArrayList<>();
        for (RexNode expression : project.getProjects()) {
          projections.add(expressions.translate(expression, columnMap));
        }
        return new PlanNode.Project(scan, projections, project.getRowType().getFieldNames());
      }
      PlanNode input = translate(project.getInput());
      return new PlanNode.Project(
          input, translateAll(project.getProjects()), project.getRowType().getFieldNames());
    }
    ScanChain chain = scanChain(rel);
    if (chain != null) {
      // Nothing above says which columns matter: read them all.
      ImmutableBitSet.Builder used = ImmutableBitSet.builder();
      used.addAll(ImmutableBitSet.range(rel.getRowType().getFieldCount()));
      return scan(chain, used, new int[rel.getRowType().getFieldCount()]);
    }
    if (rel instanceof Filter filter) {
      return new PlanNode.Filter(
          translate(filter.getInput()), expressions.translate(filter.getCondition(), null));
    }
    if (rel instanceof Aggregate aggregate) {
      return aggregate(aggregate);
    }
    if (rel instanceof Join join) {
      return join(join);
    }
    if (rel instanceof Sort sort) {
      return sort(sort);
    }
    if (rel instanceof Values values) {
      return values(values);
    }
    throw new TarnException(
        ErrorCode.NOT_SUPPORTED,
        "Query shape "
            + rel.getRelTypeName().replace("Logical", "").toUpperCase(Locale.ROOT)
            + " is not supported");
  }

  /** A table scan, possibly under a Filter: what becomes one {@link PlanNode.Scan}. */
  private record ScanChain(Filter filter, TableScan tableScan) {}

  private static ScanChain scanChain(RelNode rel) {
    if (rel instanceof TableScan scan) {
      return new ScanChain(null, scan);
    }
    if (rel instanceof Filter filter && filter.getInput() instanceof TableScan scan) {
      return new ScanChain(filter, scan);
    }
    return null;
  }

  private List<Expr> translateAll(List<RexNode> nodes) {
    List<Expr> out = new ArrayList<>(nodes.size());
    for (RexNode node : nodes) {
      out.add(expressions.translate(node, null));
    }
    return out;
  }

  /**
   * A scan reading the columns in {@code used} plus those the chain's filter reads, with the filter
   * above it.
   *
   * @param columnMap filled with each table column's index in the scan output, -1 if not read
   */
  private PlanNode scan(ScanChain chain, ImmutableBitSet.Builder usedBuilder, int[] columnMap) {
    LakeTable lakeTable = chain.tableScan().getTable().unwrap(LakeTable.class);
    if (lakeTable == null) {
      throw new IllegalStateException("scan of a table that is not a lake table: " + chain);
    }
    TableSnapshot snapshot = lakeTable.snapshot();
    TableMetadata table = snapshot.table();
    List<Column> all = table.allColumns();
    int dataCount = table.columns().size();
    Filter filter = chain.filter();
    if (filter != null) {
      usedBuilder.addAll(RelOptUtil.InputFinder.bits(filter.getCondition()));
    }
    ImmutableBitSet used = usedBuilder.build();
    if (used.isEmpty()) {
      // COUNT(*) reads no column, but a scan still has to produce rows: read the first one.
      used = ImmutableBitSet.of(0);
    }
    Arrays.fill(columnMap, -1);
    List<Integer> dataColumns = new ArrayList<>();
    List<Integer> partitionColumns = new ArrayList<>();
    List<Column> outputColumns = new ArrayList<>();
    for (int field : used) {
      columnMap[field] = outputColumns.size();
      outputColumns.add(all.get(field));
      if (field < dataCount) {
        dataColumns.add(field);
      } else {
        partitionColumns.add(field - dataCount);
      }
    }

    List<Partition> partitions = snapshot.partitions();
    Expr predicate = null;
    if (filter != null) {
      predicate = expressions.translate(filter.getCondition(), columnMap);
      if (table.isPartitioned()) {
        List<Expr> conjuncts = new ArrayList<>();
        for (RexNode conjunct : RelOptUtil.conjunctions(filter.getCondition())) {
          conjuncts.add(expressions.translate(conjunct, null));
        }
        partitions =
            PartitionPruner.prune(partitions, table.partitionColumns(), dataCount, conjuncts);
      }
    }
    List<PlanNode.ScanFile> files = new ArrayList<>();
    if (table.isPartitioned()) {
      for (Partition partition : partitions) {
        for (FileEntry file : storage.listFiles(partition.location())) {
          files.add(new PlanNode.ScanFile(file, partition.values()));
        }
      }
    } else {
      for (FileEntry file : storage.listFiles(table.location())) {
        files.add(new PlanNode.ScanFile(file, List.of()));
      }
    }

    PlanNode node =
        new PlanNode.Scan(table, files, dataColumns, partitionColumns, predicate, outputColumns);
    return predicate == null ? node : new PlanNode.Filter(node, predicate);
  }

  private PlanNode aggregate(Aggregate aggregate) {
    if (aggregate.getGroupType() != Aggregate.Group.SIMPLE) {
      throw new TarnException(
          ErrorCode.NOT_SUPPORTED, "GROUPING SETS, ROLLUP and CUBE are not supported");
    }
    PlanNode input;
    int[] columnMap = null;
    ScanChain chain = scanChain(aggregate.getInput());
    if (chain != null) {
      // An aggregate right on a scan (a Project merged into it) reads only its keys and args.
      ImmutableBitSet.Builder used = ImmutableBitSet.builder();
      used.addAll(aggregate.getGroupSet());
      for (org.apache.calcite.rel.core.AggregateCall call : aggregate.getAggCallList()) {
        used.addAll(call.getArgList());
      }
      columnMap = new int[aggregate.getInput().getRowType().getFieldCount()];
      input = scan(chain, used, columnMap);
    } else {
      input = translate(aggregate.getInput());
    }
    List<Column> output = columns(aggregate.getRowType());
    int keyCount = aggregate.getGroupCount();
    List<AggregateCall> calls = new ArrayList<>();
    List<org.apache.calcite.rel.core.AggregateCall> calciteCalls = aggregate.getAggCallList();
    for (int i = 0; i < calciteCalls.size(); i++) {
      org.apache.calcite.rel.core.AggregateCall call = calciteCalls.get(i);
      String name = call.getAggregation().getName().toLowerCase(Locale.ROOT);
      if (call.filterArg >= 0) {
        throw new TarnException(
            ErrorCode.NOT_SUPPORTED, "FILTER on aggregate " + name + " is not supported");
      }
      AggregateFunction function;
      switch (call.getAggregation().getKind()) {
        case COUNT:
          function =
              call.getArgList().isEmpty() ? AggregateFunction.COUNT_STAR : AggregateFunction.COUNT;
          break;
        case SUM:
          function = AggregateFunction.SUM;
          break;
        case AVG:
          function = AggregateFunction.AVG;
          break;
        case MIN:
          function = AggregateFunction.MIN;
          break;
        case MAX:
          function = AggregateFunction.MAX;
          break;
        default:
          throw new TarnException(
              ErrorCode.NOT_SUPPORTED, "Aggregate function " + name + " is not supported");
      }
      if (call.getArgList().size() > 1) {
        throw new TarnException(
            ErrorCode.NOT_SUPPORTED,
            "Aggregate " + name + " over several arguments is not supported");
      }
      int argument = function == AggregateFunction.COUNT_STAR ? -1 : call.getArgList().get(0);
      if (columnMap != null && argument >= 0) {
        argument = columnMap[argument];
      }
      Column column = output.get(keyCount + i);
      calls.add(
          new AggregateCall(function, argument, call.isDistinct(), column.type(), column.name()));
    }
    List<Integer> keys = new ArrayList<>();
    for (int key : aggregate.getGroupSet()) {
      keys.add(columnMap == null ? key : columnMap[key]);
    }
    return new PlanNode.Aggregate(input, keys, calls, AggregateStep.SINGLE, output);
  }

  private PlanNode join(Join join) {
    JoinInfo info = join.analyzeCondition();
    if (info.leftKeys.isEmpty()) {
      throw new TarnException(
          ErrorCode.NOT_SUPPORTED,
          "Joins need an equality condition between the two sides; cross joins are not supported");
    }
    RexNode residualNode =
        RexUtil.composeConjunction(join.getCluster().getRexBuilder(), info.nonEquiConditions);
    Expr residual = residualNode.isAlwaysTrue() ? null : expressions.translate(residualNode, null);
    switch (join.getJoinType()) {
      case INNER:
        return new PlanNode.Join(
            JoinType.INNER,
            translate(join.getLeft()),
            translate(join.getRight()),
            info.leftKeys,
            info.rightKeys,
            residual);
      case LEFT:
        if (residual != null) {
          throw new TarnException(
              ErrorCode.NOT_SUPPORTED,
              "LEFT JOIN conditions other than ANDed equalities are not supported");
        }
        return new PlanNode.Join(
            JoinType.LEFT,
            translate(join.getLeft()),
            translate(join.getRight()),
            info.leftKeys,
            info.rightKeys,
            null);
      case RIGHT:
        if (residual != null) {
          throw new TarnException(
              ErrorCode.NOT_SUPPORTED,
              "RIGHT JOIN conditions other than ANDed equalities are not supported");
        }
        return rightJoin(join, info);
      default:
        throw new TarnException(
            ErrorCode.NOT_SUPPORTED, join.getJoinType() + " joins are not supported");
    }
  }

  /** A RIGHT join is a LEFT join with the sides swapped, then the columns put back in order. */
  private PlanNode rightJoin(Join join, JoinInfo info) {
    PlanNode left = translate(join.getLeft());
    PlanNode right = translate(join.getRight());
    PlanNode swapped =
        new PlanNode.Join(JoinType.LEFT, right, left, info.rightKeys, info.leftKeys, null);
    int leftCount = left.outputColumns().size();
    int rightCount = right.outputColumns().size();
    List<Column> columns = swapped.outputColumns();
    List<Expr> reorder = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < leftCount; i++) {
      reorder.add(new Expr.ColumnRef(rightCount + i, columns.get(rightCount + i).type()));
      names.add(columns.get(rightCount + i).name());
    }
    for (int i = 0; i < rightCount; i++) {
      reorder.add(new Expr.ColumnRef(i, columns.get(i).type()));
      names.add(columns.get(i).name());
    }
    return new PlanNode.Project(swapped, reorder, names);
  }

  private PlanNode sort(Sort sort) {
    PlanNode input = translate(sort.getInput());
    long offset = sort.offset == null ? 0 : longValue(sort.offset);
    long fetch = sort.fetch == null ? -1 : longValue(sort.fetch);
    List<RelFieldCollation> collations = sort.getCollation().getFieldCollations();
    if (collations.isEmpty()) {
      return new PlanNode.Limit(input, offset, fetch < 0 ? Long.MAX_VALUE : fetch);
    }
    List<SortKey> keys = new ArrayList<>();
    for (RelFieldCollation collation : collations) {
      boolean ascending = !collation.getDirection().isDescending();
      // The validator resolves unspecified NULLS to LAST (Trino's default) before this point.
      boolean nullsFirst = collation.nullDirection == RelFieldCollation.NullDirection.FIRST;
      keys.add(new SortKey(collation.getFieldIndex(), ascending, nullsFirst));
    }
    PlanNode sorted = new PlanNode.Sort(input, keys, fetch < 0 ? -1 : fetch + offset);
    if (offset > 0) {
      return new PlanNode.Limit(sorted, offset, fetch < 0 ? Long.MAX_VALUE : fetch);
    }
    return sorted;
  }

  private static long longValue(RexNode node) {
    if (node instanceof RexLiteral literal) {
      Long value = literal.getValueAs(Long.class);
      if (value != null) {
        return value;
      }
    }
    throw new TarnException(ErrorCode.NOT_SUPPORTED, "LIMIT and OFFSET need constant values");
  }

  private PlanNode values(Values values) {
    List<Column> columns = columns(values.getRowType());
    List<List<Object>> rows = new ArrayList<>();
    for (List<RexLiteral> tuple : values.getTuples()) {
      List<Object> row = new ArrayList<>(tuple.size());
      for (int i = 0; i < tuple.size(); i++) {
        row.add(ExpressionTranslator.value(tuple.get(i), columns.get(i).type()));
      }
      rows.add(row);
    }
    return new PlanNode.Values(columns, rows);
  }

  static List<Column> columns(RelDataType rowType) {
    List<Column> columns = new ArrayList<>();
    for (RelDataTypeField field : rowType.getFieldList()) {
      SqlType type = TypeConversion.toSqlType(field.getType());
      columns.add(new Column(field.getName(), type));
    }
    return columns;
  }
}
