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
import dev.tarn.core.plan.WindowCall;
import dev.tarn.core.plan.WindowFrame;
import dev.tarn.core.plan.WindowFunction;
import dev.tarn.core.storage.FileEntry;
import dev.tarn.core.storage.LakeStorage;
import dev.tarn.core.type.SqlType;
import dev.tarn.planner.cost.Cardinality;
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
import org.apache.calcite.rel.core.Correlate;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinInfo;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.core.Uncollect;
import org.apache.calcite.rel.core.Union;
import org.apache.calcite.rel.core.Values;
import org.apache.calcite.rel.core.Window;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.rex.RexWindowBound;
import org.apache.calcite.sql.SqlAggFunction;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
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
public final class PlanTranslator {
  private final LakeStorage storage;
  private final ExpressionTranslator expressions;
  private final Cardinality cardinality;
  private final PlanEstimates estimates;

  PlanTranslator(LakeStorage storage, ExpressionTranslator expressions) {
    this(storage, expressions, null, PlanEstimates.NONE);
  }

  /**
   * A translator that also records, in {@code estimates}, the estimated size of the node it
   * translates from each Calcite node (null {@code cardinality}: none).
   */
  public PlanTranslator(
      LakeStorage storage,
      ExpressionTranslator expressions,
      Cardinality cardinality,
      PlanEstimates estimates) {
    this.storage = storage;
    this.expressions = expressions;
    this.cardinality = cardinality;
    this.estimates = estimates;
  }

  public PlanNode translate(RelNode rel) {
    PlanNode node = translateNode(rel);
    if (cardinality != null) {
      double rows = cardinality.rows(rel);
      estimates.put(node, new PlanEstimates.Estimate(rows, rows * Cardinality.rowWidth(rel)));
    }
    return node;
  }

  private PlanNode translateNode(RelNode rel) {
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
    if (rel instanceof Union union) {
      return union(union);
    }
    if (rel instanceof Window window) {
      return window(window);
    }
    if (rel instanceof Correlate correlate) {
      return UnnestTranslation.correlate(this, expressions, correlate);
    }
    if (rel instanceof Uncollect uncollect) {
      return UnnestTranslation.uncollect(this, expressions, uncollect);
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
    if (cardinality != null) {
      double rows = cardinality.rows(chain.tableScan());
      estimates.put(
          node, new PlanEstimates.Estimate(rows, rows * Cardinality.rowWidth(chain.tableScan())));
    }
    if (predicate == null) {
      return node;
    }
    PlanNode filtered = new PlanNode.Filter(node, predicate);
    if (cardinality != null) {
      double rows = cardinality.rows(filter);
      estimates.put(
          filtered, new PlanEstimates.Estimate(rows, rows * Cardinality.rowWidth(filter)));
    }
    return filtered;
  }

  private PlanNode aggregate(Aggregate aggregate) {
    if (aggregate.getGroupType() != Aggregate.Group.SIMPLE) {
      return groupingSets(aggregate);
    }
    boolean filtered = false;
    for (org.apache.calcite.rel.core.AggregateCall call : aggregate.getAggCallList()) {
      filtered |= call.filterArg >= 0;
    }
    if (filtered) {
      return filteredAggregate(aggregate);
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
    List<Integer> keys = new ArrayList<>();
    for (int key : aggregate.getGroupSet()) {
      keys.add(columnMap == null ? key : columnMap[key]);
    }
    return simpleAggregate(input, keys, aggregate.getAggCallList(), columnMap, aggregate);
  }

  private PlanNode simpleAggregate(
      PlanNode input,
      List<Integer> keys,
      List<org.apache.calcite.rel.core.AggregateCall> calciteCalls,
      int[] columnMap,
      Aggregate aggregate) {
    List<Column> output = columns(aggregate.getRowType());
    int keyCount = aggregate.getGroupCount();
    List<Column> columns = new ArrayList<>(output.subList(0, keyCount));
    List<AggregateCall> calls = new ArrayList<>();
    for (int i = 0; i < calciteCalls.size(); i++) {
      org.apache.calcite.rel.core.AggregateCall call = calciteCalls.get(i);
      String name = call.getAggregation().getName().toLowerCase(Locale.ROOT);
      if (call.filterArg >= 0) {
        throw new TarnException(
            ErrorCode.NOT_SUPPORTED, "FILTER on aggregate " + name + " is not supported");
      }
      AggregateFunction function = aggregateFunction(call);
      double parameter = Double.NaN;
      if (function == AggregateFunction.APPROX_PERCENTILE) {
        parameter = percentile(call, aggregate);
      } else if (call.getArgList().size() > 1) {
        throw new TarnException(
            ErrorCode.NOT_SUPPORTED,
            "Aggregate " + name + " over several arguments is not supported");
      }
      int argument = function == AggregateFunction.COUNT_STAR ? -1 : call.getArgList().get(0);
      if (columnMap != null && argument >= 0) {
        argument = columnMap[argument];
      }
      Column column = output.get(keyCount + i);
      columns.add(column);
      calls.add(
          new AggregateCall(
              function, argument, call.isDistinct(), column.type(), column.name(), parameter));
    }
    return new PlanNode.Aggregate(input, keys, calls, AggregateStep.SINGLE, columns);
  }

  /**
   * {@code f(x) FILTER (WHERE c)} is {@code f(CASE WHEN c THEN x END)} for functions that skip
   * NULLs, and {@code count(*) FILTER (WHERE c)} is {@code count(CASE WHEN c THEN TRUE END)}: a
   * Project below the aggregate adds one such column per filtered call (EXCEPT becomes this).
   */
  private PlanNode filteredAggregate(Aggregate aggregate) {
    PlanNode input = translate(aggregate.getInput());
    List<Column> inputColumns = input.outputColumns();
    List<Expr> projections = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < inputColumns.size(); i++) {
      projections.add(new Expr.ColumnRef(i, inputColumns.get(i).type()));
      names.add(inputColumns.get(i).name());
    }
    List<org.apache.calcite.rel.core.AggregateCall> calls = new ArrayList<>();
    for (org.apache.calcite.rel.core.AggregateCall call : aggregate.getAggCallList()) {
      if (call.filterArg < 0) {
        calls.add(call);
        continue;
      }
      AggregateFunction function = aggregateFunction(call);
      if (function != AggregateFunction.COUNT_STAR && call.getArgList().size() != 1) {
        throw new TarnException(
            ErrorCode.NOT_SUPPORTED,
            "FILTER on aggregate " + call.getAggregation().getName() + " is not supported");
      }
      Expr value =
          function == AggregateFunction.COUNT_STAR
              ? new Expr.Literal(true, SqlType.BOOLEAN)
              : new Expr.ColumnRef(
                  call.getArgList().get(0), inputColumns.get(call.getArgList().get(0)).type());
      Expr condition = new Expr.ColumnRef(call.filterArg, inputColumns.get(call.filterArg).type());
      projections.add(
          new Expr.Call(
              Expr.Operator.CASE,
              List.of(condition, value, new Expr.Literal(null, value.type())),
              value.type()));
      names.add("$filtered" + calls.size());
      SqlAggFunction aggregation =
          function == AggregateFunction.COUNT_STAR
              ? SqlStdOperatorTable.COUNT
              : call.getAggregation();
      calls.add(
          org.apache.calcite.rel.core.AggregateCall.create(
              aggregation,
              call.isDistinct(),
              call.isApproximate(),
              call.ignoreNulls(),
              call.rexList,
              List.of(projections.size() - 1),
              -1,
              call.distinctKeys,
              call.collation,
              call.type,
              call.name));
    }
    PlanNode project = new PlanNode.Project(input, projections, names);
    return simpleAggregate(project, aggregate.getGroupSet().asList(), calls, null, aggregate);
  }

  /**
   * approx_percentile's percentile: its second argument, which must be a constant (Calcite passes
   * it as a column of the Project below the aggregate).
   */
  private static double percentile(
      org.apache.calcite.rel.core.AggregateCall call, Aggregate aggregate) {
    if (call.getArgList().size() != 2) {
      throw new TarnException(
          ErrorCode.NOT_SUPPORTED,
          "approx_percentile takes a value and a percentile, got "
              + call.getArgList().size()
              + " arguments");
    }
    RelNode input = aggregate.getInput().stripped();
    RexNode argument =
        input instanceof Project project
            ? project.getProjects().get(call.getArgList().get(1))
            : null;
    if (!(argument instanceof RexLiteral literal) || literal.isNull()) {
      throw new TarnException(
          ErrorCode.NOT_SUPPORTED, "approx_percentile: the percentile must be a constant");
    }
    double percentile = literal.getValueAs(Double.class);
    if (!(percentile >= 0 && percentile <= 1)) {
      throw new TarnException(
          ErrorCode.INVALID_ARGUMENT,
          "approx_percentile: the percentile must be between 0 and 1, was " + percentile);
    }
    return percentile;
  }

  /** Tarn's function for a Calcite aggregate call, by kind, then by name for the others. */
  private static AggregateFunction aggregateFunction(
      org.apache.calcite.rel.core.AggregateCall call) {
    String name = call.getAggregation().getName().toLowerCase(Locale.ROOT);
    switch (name) {
      case "count_if":
        return AggregateFunction.COUNT_IF;
      case "bool_and":
      case "every":
        return AggregateFunction.BOOL_AND;
      case "bool_or":
        return AggregateFunction.BOOL_OR;
      case "arbitrary":
      case "any_value":
        return AggregateFunction.ARBITRARY;
      case "stddev":
      case "stddev_samp":
        return AggregateFunction.STDDEV;
      case "stddev_pop":
        return AggregateFunction.STDDEV_POP;
      case "variance":
      case "var_samp":
        return AggregateFunction.VARIANCE;
      case "var_pop":
        return AggregateFunction.VAR_POP;
      case "approx_distinct":
        return AggregateFunction.APPROX_DISTINCT;
      case "approx_percentile":
        return AggregateFunction.APPROX_PERCENTILE;
      case "array_agg":
        if (!call.collation.getFieldCollations().isEmpty()) {
          // The accumulator keeps input order only; a silently unordered result would be wrong.
          throw new TarnException(
              ErrorCode.NOT_SUPPORTED, "array_agg with ORDER BY is not supported yet");
        }
        return AggregateFunction.ARRAY_AGG;
      default:
        break;
    }
    switch (call.getAggregation().getKind()) {
      case COUNT:
        return call.getArgList().isEmpty() ? AggregateFunction.COUNT_STAR : AggregateFunction.COUNT;
      case SUM:
      case SUM0:
        return AggregateFunction.SUM;
      case AVG:
        return AggregateFunction.AVG;
      case MIN:
        return AggregateFunction.MIN;
      case MAX:
        return AggregateFunction.MAX;
      case SINGLE_VALUE:
        // A scalar sub-query's value; a second row fails the query, as in Trino.
        return AggregateFunction.SINGLE_VALUE;
      default:
        throw new TarnException(
            ErrorCode.NOT_SUPPORTED, "Aggregate function " + name + " is not supported");
    }
  }

  /**
   * GROUPING SETS, ROLLUP and CUBE: one aggregation per grouping set over the same input, each
   * padded to the full key layout with NULLs for the keys it does not group by, all UNIONed. {@code
   * GROUPING(...)} and {@code GROUPING_ID(...)} become constants per set.
   *
   * <pre>
   *   GROUP BY ROLLUP(a, b)  =  Union( Project(a, b, aggs) <- Aggregate(a, b),
   *                                   Project(a, NULL, aggs) <- Aggregate(a),
   *                                   Project(NULL, NULL, aggs) <- Aggregate() )
   * </pre>
   */
  private PlanNode groupingSets(Aggregate aggregate) {
    List<Column> output = columns(aggregate.getRowType());
    List<Integer> allKeys = aggregate.getGroupSet().asList();
    int keyCount = allKeys.size();
    List<org.apache.calcite.rel.core.AggregateCall> plainCalls = new ArrayList<>();
    for (org.apache.calcite.rel.core.AggregateCall call : aggregate.getAggCallList()) {
      if (call.filterArg >= 0) {
        throw new TarnException(
            ErrorCode.NOT_SUPPORTED,
            "FILTER on aggregate "
                + call.getAggregation().getName().toLowerCase(Locale.ROOT)
                + " with GROUPING SETS, ROLLUP or CUBE is not supported");
      }
      SqlKind kind = call.getAggregation().getKind();
      if (kind != SqlKind.GROUPING && kind != SqlKind.GROUPING_ID) {
        plainCalls.add(call);
      }
    }
    List<PlanNode> inputs = new ArrayList<>();
    for (ImmutableBitSet set : aggregate.getGroupSets()) {
      PlanNode input = translate(aggregate.getInput());
      List<Integer> setKeys = set.asList();
      List<Column> setColumns = new ArrayList<>();
      for (int key : setKeys) {
        setColumns.add(output.get(allKeys.indexOf(key)));
      }
      List<AggregateCall> calls = new ArrayList<>();
      List<Column> withCalls = new ArrayList<>(setColumns);
      int callIndex = keyCount;
      for (org.apache.calcite.rel.core.AggregateCall call : aggregate.getAggCallList()) {
        Column column = output.get(callIndex++);
        if (!plainCalls.contains(call)) {
          continue;
        }
        AggregateFunction function = aggregateFunction(call);
        int argument = function == AggregateFunction.COUNT_STAR ? -1 : call.getArgList().get(0);
        calls.add(
            new AggregateCall(function, argument, call.isDistinct(), column.type(), column.name()));
        withCalls.add(column);
      }
      PlanNode grouped =
          new PlanNode.Aggregate(input, setKeys, calls, AggregateStep.SINGLE, withCalls);
      List<Expr> padded = new ArrayList<>();
      List<String> names = new ArrayList<>();
      for (int i = 0; i < keyCount; i++) {
        Column column = output.get(i);
        int position = setKeys.indexOf(allKeys.get(i));
        padded.add(
            position >= 0
                ? new Expr.ColumnRef(position, column.type())
                : new Expr.Literal(null, column.type()));
        names.add(column.name());
      }
      int plain = setKeys.size();
      callIndex = keyCount;
      for (org.apache.calcite.rel.core.AggregateCall call : aggregate.getAggCallList()) {
        Column column = output.get(callIndex++);
        names.add(column.name());
        if (plainCalls.contains(call)) {
          padded.add(new Expr.ColumnRef(plain++, column.type()));
          continue;
        }
        // GROUPING(a, b): bit per argument, most significant first, 1 when not grouped by it.
        long bits = 0;
        for (int argument : call.getArgList()) {
          bits = (bits << 1) | (set.get(argument) ? 0 : 1);
        }
        padded.add(new Expr.Literal(bits, column.type()));
      }
      inputs.add(new PlanNode.Project(grouped, padded, names));
    }
    if (inputs.size() == 1) {
      return inputs.get(0);
    }
    return new PlanNode.Union(inputs, output);
  }

  /**
   * A join of any type. Equalities between the sides become keys, everything else the residual; a
   * join with no equality is keyless (every pair is compared). An ANTI join whose condition is
   * {@code x = y OR x IS NULL OR y IS NULL} per key (what NOT IN becomes) is NULL_AWARE_ANTI.
   */
  private PlanNode join(Join join) {
    JoinType type;
    switch (join.getJoinType()) {
      case INNER:
        type = JoinType.INNER;
        break;
      case LEFT:
        type = JoinType.LEFT;
        break;
      case RIGHT:
        type = JoinType.RIGHT;
        break;
      case FULL:
        type = JoinType.FULL;
        break;
      case SEMI:
        type = JoinType.SEMI;
        break;
      case ANTI:
        PlanNode nullAware = nullAwareAnti(join);
        if (nullAware != null) {
          return nullAware;
        }
        type = JoinType.ANTI;
        break;
      default:
        throw new TarnException(
            ErrorCode.NOT_SUPPORTED, join.getJoinType() + " joins are not supported");
    }
    // (a = b AND x) OR (a = b AND y) is a = b AND (x OR y): a key plus a residual (TPC-H Q19).
    RexNode condition = RexUtil.pullFactors(join.getCluster().getRexBuilder(), join.getCondition());
    JoinInfo info = JoinInfo.of(join.getLeft(), join.getRight(), condition);
    RexNode residualNode =
        RexUtil.composeConjunction(join.getCluster().getRexBuilder(), info.nonEquiConditions);
    Expr residual = residualNode.isAlwaysTrue() ? null : expressions.translate(residualNode, null);
    PlanNode left = translate(join.getLeft());
    PlanNode right = translate(join.getRight());
    if (type.probeColumnsOnly()) {
      return narrowedBuild(type, left, right, info.rightKeys, info.leftKeys, residual);
    }
    return new PlanNode.Join(type, left, right, info.leftKeys, info.rightKeys, residual);
  }

  /**
   * A join that outputs its probe columns only, its build side narrowed to the columns the join
   * reads: its keys and the residual's. The others would be carried (across an exchange, often) for
   * nothing: TPC-H Q4's lineitem side kept the two dates its filter compared, half its bytes.
   */
  private PlanNode.Join narrowedBuild(
      JoinType type,
      PlanNode probe,
      PlanNode build,
      List<Integer> buildKeys,
      List<Integer> probeKeys,
      Expr residual) {
    int probeWidth = probe.outputColumns().size();
    List<Column> columns = build.outputColumns();
    java.util.TreeSet<Integer> read = new java.util.TreeSet<>(buildKeys);
    if (residual != null) {
      collectColumns(residual, probeWidth, read);
    }
    if (read.isEmpty()) {
      // Only whether build rows exist matters; a batch still needs a column to count its rows.
      read.add(0);
    }
    if (read.size() == columns.size()) {
      return new PlanNode.Join(type, probe, build, probeKeys, buildKeys, residual);
    }
    int[] position = new int[columns.size()];
    List<Expr> kept = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int column : read) {
      position[column] = kept.size();
      kept.add(new Expr.ColumnRef(column, columns.get(column).type()));
      names.add(columns.get(column).name());
    }
    PlanNode narrowed = new PlanNode.Project(build, kept, names);
    PlanEstimates.Estimate estimate = estimates.of(build);
    if (estimate != null) {
      estimates.put(
          narrowed,
          new PlanEstimates.Estimate(
              estimate.rows(), estimate.bytes() * kept.size() / columns.size()));
    }
    List<Integer> keys = new ArrayList<>();
    for (int key : buildKeys) {
      keys.add(position[key]);
    }
    Expr remapped =
        residual == null
            ? null
            : Expr.mapColumns(
                residual, i -> i < probeWidth ? i : probeWidth + position[i - probeWidth]);
    return new PlanNode.Join(type, probe, narrowed, probeKeys, keys, remapped);
  }

  /** Adds the build columns (joined index minus {@code probeWidth}) {@code expr} reads. */
  private static void collectColumns(Expr expr, int probeWidth, java.util.Set<Integer> out) {
    if (expr instanceof Expr.ColumnRef ref) {
      if (ref.index() >= probeWidth) {
        out.add(ref.index() - probeWidth);
      }
    } else if (expr instanceof Expr.Call call) {
      for (Expr arg : call.args()) {
        collectColumns(arg, probeWidth, out);
      }
    }
  }

  /**
   * The NULL_AWARE_ANTI join for an ANTI join whose condition is exactly one {@code l = r} ORed
   * with {@code l IS NULL} and/or {@code r IS NULL} (an uncorrelated single-column NOT IN); null
   * otherwise.
   */
  private PlanNode nullAwareAnti(Join join) {
    int leftCount = join.getLeft().getRowType().getFieldCount();
    List<Integer> leftKeys = new ArrayList<>();
    List<Integer> rightKeys = new ArrayList<>();
    boolean nullTests = false;
    for (RexNode conjunct : RelOptUtil.conjunctions(join.getCondition())) {
      List<RexNode> disjuncts = RelOptUtil.disjunctions(conjunct);
      int left = -1;
      int right = -1;
      for (RexNode disjunct : disjuncts) {
        if (disjunct.getKind() == SqlKind.EQUALS) {
          List<RexNode> operands = ((RexCall) disjunct).getOperands();
          if (left >= 0
              || !(operands.get(0) instanceof RexInputRef a)
              || !(operands.get(1) instanceof RexInputRef b)) {
            return null;
          }
          int first = Math.min(a.getIndex(), b.getIndex());
          int second = Math.max(a.getIndex(), b.getIndex());
          if (first >= leftCount || second < leftCount) {
            return null;
          }
          left = first;
          right = second - leftCount;
        }
      }
      if (left < 0) {
        return null;
      }
      for (RexNode disjunct : disjuncts) {
        if (disjunct.getKind() == SqlKind.EQUALS) {
          continue;
        }
        if (disjunct.getKind() != SqlKind.IS_NULL
            || !(((RexCall) disjunct).getOperands().get(0) instanceof RexInputRef tested)
            || (tested.getIndex() != left && tested.getIndex() != right + leftCount)) {
          return null;
        }
        nullTests = true;
      }
      leftKeys.add(left);
      rightKeys.add(right);
    }
    if (!nullTests || leftKeys.size() != 1) {
      // Plain equalities (no side can be NULL, or a correlation key, whose NULLs matter only
      // within its group), or several keys: an ANTI join with the NULL tests as its residual.
      return null;
    }
    return narrowedBuild(
        JoinType.NULL_AWARE_ANTI,
        translate(join.getLeft()),
        translate(join.getRight()),
        rightKeys,
        leftKeys,
        null);
  }

  /** UNION ALL (distinct unions, INTERSECT and EXCEPT were rewritten into it before). */
  private PlanNode union(Union union) {
    if (!union.all) {
      throw new IllegalStateException("UNION DISTINCT should have been rewritten: " + union);
    }
    List<PlanNode> inputs = new ArrayList<>();
    for (RelNode input : union.getInputs()) {
      inputs.add(translate(input));
    }
    return new PlanNode.Union(inputs, columns(union.getRowType()));
  }

  /**
   * A Calcite Window holds one group per distinct (PARTITION BY, ORDER BY, frame); each becomes a
   * {@link PlanNode.Window} over the previous one. Every group's calls read only the original input
   * columns, which keep their positions, so the stacked output is Calcite's layout: the input, then
   * each group's calls in order.
   */
  private PlanNode window(Window window) {
    PlanNode current = translate(window.getInput());
    int inputCount = window.getInput().getRowType().getFieldCount();
    List<Column> output = columns(window.getRowType());
    // LAG/LEAD defaults that are constants become extra columns after the input, dropped again
    // at the end: the operator reads a default from a column.
    List<Expr> constantDefaults = new ArrayList<>();
    int[] defaultColumns = new int[window.constants.size()];
    java.util.Arrays.fill(defaultColumns, -1);
    for (Window.Group group : window.groups) {
      for (Window.RexWinAggCall call : group.aggCalls) {
        boolean navigation = call.getKind() == SqlKind.LAG || call.getKind() == SqlKind.LEAD;
        if (navigation
            && call.getOperands().size() > 2
            && call.getOperands().get(2) instanceof RexInputRef ref
            && ref.getIndex() >= inputCount
            && defaultColumns[ref.getIndex() - inputCount] < 0) {
          defaultColumns[ref.getIndex() - inputCount] = inputCount + constantDefaults.size();
          RexLiteral literal = window.constants.get(ref.getIndex() - inputCount);
          SqlType type = TypeConversion.toSqlType(call.getType());
          constantDefaults.add(
              ExpressionTranslator.cast(ExpressionTranslator.literal(literal), type));
        }
      }
    }
    int extra = constantDefaults.size();
    if (extra > 0) {
      List<Column> columns = current.outputColumns();
      List<Expr> projections = new ArrayList<>();
      List<String> names = new ArrayList<>();
      for (int i = 0; i < columns.size(); i++) {
        projections.add(new Expr.ColumnRef(i, columns.get(i).type()));
        names.add(columns.get(i).name());
      }
      for (int i = 0; i < extra; i++) {
        projections.add(constantDefaults.get(i));
        names.add("$default" + i);
      }
      current = new PlanNode.Project(current, projections, names);
    }
    int outputIndex = inputCount;
    for (Window.Group group : window.groups) {
      List<Integer> partitionKeys = group.keys.asList();
      List<SortKey> orderKeys = new ArrayList<>();
      for (RelFieldCollation collation : group.orderKeys.getFieldCollations()) {
        orderKeys.add(
            new SortKey(
                collation.getFieldIndex(),
                !collation.getDirection().isDescending(),
                collation.nullDirection == RelFieldCollation.NullDirection.FIRST));
      }
      WindowFrame frame =
          new WindowFrame(
              group.isRows ? WindowFrame.Type.ROWS : WindowFrame.Type.RANGE,
              bound(group.lowerBound, window, inputCount),
              bound(group.upperBound, window, inputCount));
      List<WindowCall> calls = new ArrayList<>();
      for (Window.RexWinAggCall call : group.aggCalls) {
        Column column = output.get(outputIndex++);
        calls.add(windowCall(call, window, inputCount, defaultColumns, frame, column));
      }
      current = new PlanNode.Window(current, partitionKeys, orderKeys, calls);
    }
    if (extra > 0) {
      List<Column> columns = current.outputColumns();
      List<Expr> projections = new ArrayList<>();
      List<String> names = new ArrayList<>();
      for (int i = 0; i < columns.size(); i++) {
        if (i < inputCount || i >= inputCount + extra) {
          projections.add(new Expr.ColumnRef(i, columns.get(i).type()));
          names.add(columns.get(i).name());
        }
      }
      current = new PlanNode.Project(current, projections, names);
    }
    return current;
  }

  private static WindowCall windowCall(
      Window.RexWinAggCall call,
      Window window,
      int inputCount,
      int[] defaultColumns,
      WindowFrame frame,
      Column column) {
    String name = call.getOperator().getName().toLowerCase(Locale.ROOT);
    if (call.distinct) {
      throw new TarnException(
          ErrorCode.NOT_SUPPORTED, "DISTINCT in window function " + name + " is not supported");
    }
    List<RexNode> operands = call.getOperands();
    WindowFunction function;
    List<Integer> arguments = new ArrayList<>();
    long offset = 0;
    switch (call.getKind()) {
      case ROW_NUMBER:
        function = WindowFunction.ROW_NUMBER;
        break;
      case RANK:
        function = WindowFunction.RANK;
        break;
      case DENSE_RANK:
        function = WindowFunction.DENSE_RANK;
        break;
      case NTILE:
        function = WindowFunction.NTILE;
        offset = constant(operands.get(0), window, inputCount, "The bucket count of ntile");
        break;
      case LAG:
      case LEAD:
        function = call.getKind() == SqlKind.LAG ? WindowFunction.LAG : WindowFunction.LEAD;
        arguments.add(column(operands.get(0), inputCount, name));
        offset =
            operands.size() > 1
                ? constant(operands.get(1), window, inputCount, "The offset of " + name)
                : 1;
        if (operands.size() > 2) {
          RexNode fallback = operands.get(2);
          arguments.add(
              fallback instanceof RexInputRef ref && ref.getIndex() >= inputCount
                  ? defaultColumns[ref.getIndex() - inputCount]
                  : column(fallback, inputCount, name));
        }
        break;
      case FIRST_VALUE:
        function = WindowFunction.FIRST_VALUE;
        arguments.add(column(operands.get(0), inputCount, name));
        break;
      case LAST_VALUE:
        function = WindowFunction.LAST_VALUE;
        arguments.add(column(operands.get(0), inputCount, name));
        break;
      case COUNT:
        function = operands.isEmpty() ? WindowFunction.COUNT_STAR : WindowFunction.COUNT;
        if (!operands.isEmpty()) {
          arguments.add(column(operands.get(0), inputCount, name));
        }
        break;
      case SUM:
      case SUM0:
        // Calcite writes SUM(x) OVER w as CASE WHEN COUNT(x) OVER w > 0 THEN $SUM0(x) OVER w END.
        function = WindowFunction.SUM;
        arguments.add(column(operands.get(0), inputCount, name));
        break;
      case AVG:
        function = WindowFunction.AVG;
        arguments.add(column(operands.get(0), inputCount, name));
        break;
      case MIN:
        function = WindowFunction.MIN;
        arguments.add(column(operands.get(0), inputCount, name));
        break;
      case MAX:
        function = WindowFunction.MAX;
        arguments.add(column(operands.get(0), inputCount, name));
        break;
      default:
        throw new TarnException(
            ErrorCode.NOT_SUPPORTED, "Window function " + name + " is not supported");
    }
    return new WindowCall(function, arguments, offset, frame, column.type(), column.name());
  }

  /** A window call's column argument: an input column, not a constant. */
  private static int column(RexNode operand, int inputCount, String function) {
    if (operand instanceof RexInputRef ref && ref.getIndex() < inputCount) {
      return ref.getIndex();
    }
    throw new TarnException(
        ErrorCode.NOT_SUPPORTED,
        "Window function " + function + " needs a column here, not an expression or constant");
  }

  /** A constant argument of a window call or frame (Calcite refers to the window's constants). */
  private static long constant(RexNode operand, Window window, int inputCount, String what) {
    RexNode value = operand;
    if (operand instanceof RexInputRef ref && ref.getIndex() >= inputCount) {
      value = window.constants.get(ref.getIndex() - inputCount);
    }
    if (value instanceof RexLiteral literal) {
      Long number = literal.getValueAs(Long.class);
      if (number != null) {
        return number;
      }
    }
    throw new TarnException(ErrorCode.NOT_SUPPORTED, what + " must be a constant number");
  }

  private static WindowFrame.Bound bound(RexWindowBound bound, Window window, int inputCount) {
    if (bound.isCurrentRow()) {
      return WindowFrame.Bound.CURRENT_ROW;
    }
    if (bound.isUnbounded()) {
      return bound.isPreceding()
          ? WindowFrame.Bound.UNBOUNDED_PRECEDING
          : WindowFrame.Bound.UNBOUNDED_FOLLOWING;
    }
    long offset = constant(bound.getOffset(), window, inputCount, "A window frame offset");
    return new WindowFrame.Bound(
        bound.isPreceding() ? WindowFrame.Bound.Kind.PRECEDING : WindowFrame.Bound.Kind.FOLLOWING,
        offset);
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
