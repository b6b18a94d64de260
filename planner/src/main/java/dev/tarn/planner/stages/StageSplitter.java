package dev.tarn.planner.stages;

import dev.tarn.core.expr.Expr;
import dev.tarn.core.meta.Column;
import dev.tarn.core.plan.AggregateCall;
import dev.tarn.core.plan.AggregateFunction;
import dev.tarn.core.plan.AggregateStep;
import dev.tarn.core.plan.JoinType;
import dev.tarn.core.type.SqlType;
import dev.tarn.planner.physical.PlanEstimates;
import dev.tarn.planner.physical.PlanNode;
import dev.tarn.planner.physical.PlannerOptions;
import dev.tarn.planner.stages.StagePlan.Distribution;
import dev.tarn.planner.stages.StagePlan.OutputPartitioning;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a physical plan into stages at its exchanges. Take
 *
 * <pre>
 *   SELECT c.region, sum(o.total) AS revenue
 *   FROM orders o JOIN customers c ON o.customer = c.id
 *   GROUP BY c.region ORDER BY revenue DESC LIMIT 10
 * </pre>
 *
 * planned as {@code Sort(limit 10) <- Aggregate(region; sum) <- Join(customer = id) <- Scan, Scan}.
 * Walking down from the top:
 *
 * <ol>
 *   <li>The Sort needs all rows in one place: it stays in the root stage, which is SINGLE and sends
 *       the RESULT to the coordinator, and reads a RemoteSource; below it a new stage starts that
 *       GATHERs into the root, running a partial top-10 itself.
 *   <li>The Aggregate splits in two: FINAL stays above the exchange, in a HASH stage of {@code
 *       hashPartitions} tasks that each own some regions; PARTIAL runs in a new stage below whose
 *       output is HASH-partitioned on the group key. (Without group keys the FINAL step is one
 *       task: SINGLE, fed by GATHER. With COUNT(DISTINCT ...) or a function without a partial form,
 *       such as stddev, the aggregation is not split: its input is HASHed on the group keys, or
 *       GATHERed without keys, into one SINGLE step.)
 *   <li>The Join reads two RemoteSources: the probe stage (orders) sends rows HASH-partitioned on
 *       {@code customer}, the build stage (customers) on {@code id}, so matching rows meet in the
 *       same join task. The partial aggregation runs in the join's stage, right above it. If the
 *       build side is estimated to hold fewer bytes than {@code broadcastThresholdBytes} (rows
 *       after its filters times their width; the bytes of its files when there is no estimate), the
 *       build stage BROADCASTs instead and the join runs in the probe side's stage.
 *   <li>Stages whose leaf is a Scan are SOURCE stages: their files are split between tasks.
 * </ol>
 *
 * <pre>
 *   Stage 0 SINGLE -> RESULT     Sort(limit 10) <- RemoteSource(1)
 *   Stage 1 HASH   -> GATHER     Sort(limit 10) <- Aggregate FINAL <- RemoteSource(2)
 *   Stage 2 HASH   -> HASH[0]    Aggregate PARTIAL <- Join <- RemoteSource(3), RemoteSource(4)
 *   Stage 3 SOURCE -> HASH[1]    Scan orders
 *   Stage 4 SOURCE -> HASH[0]    Scan customers
 * </pre>
 *
 * Stage ids are given depth-first from the root (0), probe side before build side.
 *
 * <p>An {@code EXISTS}, {@code NOT EXISTS} or {@code NOT IN} join keeps rows of its probe side
 * only. When its build side is too big to broadcast and estimated to hold more rows than its probe
 * side, the hash table goes on the probe side instead: {@code WHERE EXISTS (SELECT * FROM lineitem
 * WHERE l_orderkey = o_orderkey)} over a few orders becomes a RIGHT_SEMI join probed by lineitem,
 * both sides HASHed on the key, and each task emits the orders its lineitems marked.
 *
 * <p>The other exchanges: a join without keys (a cross join, or a non-equi condition) BROADCASTs
 * its build side into the probe side's stage, except RIGHT and FULL, whose two sides are GATHERed
 * into a SINGLE stage; a NULL_AWARE_ANTI join always broadcasts, and its turned-around form,
 * RIGHT_NULL_AWARE_ANTI, GATHERs both sides into a SINGLE stage. Each input of a UNION ALL is a
 * stage of its own that GATHERs into the union's SINGLE stage. A window's input is HASHed on its
 * PARTITION BY keys into a HASH stage, or GATHERed into a SINGLE one without them.
 */
public final class StageSplitter {
  private final PlannerOptions options;
  private final PlanEstimates estimates;

  /** Registered stages by provisional id; final ids are assigned depth-first at the end. */
  private final List<Piece> stages = new ArrayList<>();

  private StageSplitter(PlannerOptions options, PlanEstimates estimates) {
    this.options = options;
    this.estimates = estimates;
  }

  /** Splits a plan without exchanges (as the planner's translator produces it) into stages. */
  public static DistributedPlan split(PlanNode plan, PlannerOptions options) {
    return split(plan, options, PlanEstimates.NONE);
  }

  /**
   * Splits a plan, deciding broadcast joins by the estimated size of their build side where {@code
   * estimates} has one, by the bytes of the files it scans otherwise.
   */
  public static DistributedPlan split(
      PlanNode plan, PlannerOptions options, PlanEstimates estimates) {
    return new StageSplitter(options, estimates).run(plan);
  }

  /**
   * A fragment being built for one stage: its plan, its distribution (decided by its leaves), the
   * stages it reads and, once registered, its output partitioning.
   */
  private static final class Piece {
    PlanNode fragment;
    Distribution distribution;
    OutputPartitioning output;
    final List<Integer> children = new ArrayList<>();

    void distribute(Distribution required) {
      if (distribution != null && distribution != required) {
        throw new IllegalStateException(
            "stage fragment mixes " + distribution + " and " + required + " inputs");
      }
      distribution = required;
    }
  }

  private DistributedPlan run(PlanNode plan) {
    Piece root = detached(plan);
    if (root.distribution != Distribution.SINGLE) {
      int child = register(root, OutputPartitioning.GATHER);
      Piece gather = new Piece();
      gather.fragment = new PlanNode.RemoteSource(child, plan.outputColumns());
      gather.distribution = Distribution.SINGLE;
      gather.children.add(child);
      root = gather;
    }
    root.output = OutputPartitioning.RESULT;
    int rootId = stages.size();
    stages.add(root);

    int[] finalIds = new int[stages.size()];
    List<Integer> order = new ArrayList<>();
    number(rootId, finalIds, order);
    List<StagePlan> plans = new ArrayList<>();
    for (int provisional : order) {
      Piece piece = stages.get(provisional);
      List<Integer> children = new ArrayList<>();
      for (int child : piece.children) {
        children.add(finalIds[child]);
      }
      plans.add(
          new StagePlan(
              finalIds[provisional],
              renumber(piece.fragment, finalIds),
              piece.distribution,
              piece.output,
              children));
    }
    return new DistributedPlan(plans, plan.outputColumns());
  }

  private void number(int provisional, int[] finalIds, List<Integer> order) {
    finalIds[provisional] = order.size();
    order.add(provisional);
    for (int child : stages.get(provisional).children) {
      number(child, finalIds, order);
    }
  }

  /** Builds {@code node} as the top of a stage of its own (not yet registered). */
  private Piece detached(PlanNode node) {
    Piece piece = new Piece();
    piece.fragment = visit(node, piece);
    if (piece.distribution == null) {
      piece.distribution = Distribution.SINGLE;
    }
    return piece;
  }

  private int register(Piece piece, OutputPartitioning output) {
    piece.output = output;
    stages.add(piece);
    return stages.size() - 1;
  }

  /** A child stage computing {@code node}, read in {@code parent} through a RemoteSource. */
  private PlanNode.RemoteSource exchange(PlanNode node, OutputPartitioning output, Piece parent) {
    return remote(detached(node), output, parent);
  }

  private PlanNode.RemoteSource remote(Piece child, OutputPartitioning output, Piece parent) {
    int id = register(child, output);
    parent.children.add(id);
    return new PlanNode.RemoteSource(id, child.fragment.outputColumns());
  }

  /** Rewrites {@code node} for the stage {@code piece}, cutting new stages below exchanges. */
  private PlanNode visit(PlanNode node, Piece piece) {
    if (node instanceof PlanNode.Scan) {
      piece.distribute(Distribution.SOURCE);
      return node;
    }
    if (node instanceof PlanNode.Values) {
      piece.distribute(Distribution.SINGLE);
      return node;
    }
    if (node instanceof PlanNode.Filter filter) {
      PlanNode copy = new PlanNode.Filter(visit(filter.source(), piece), filter.predicate());
      estimates.carry(filter, copy);
      return copy;
    }
    if (node instanceof PlanNode.Project project) {
      PlanNode copy =
          new PlanNode.Project(
              visit(project.source(), piece), project.expressions(), project.names());
      estimates.carry(project, copy);
      return copy;
    }
    if (node instanceof PlanNode.Aggregate aggregate) {
      return aggregate(aggregate, piece);
    }
    if (node instanceof PlanNode.Join join) {
      PlanNode copy = join(join, piece);
      estimates.carry(join, copy);
      return copy;
    }
    if (node instanceof PlanNode.Sort sort) {
      return sort(sort, piece);
    }
    if (node instanceof PlanNode.Limit limit) {
      return limit(limit, piece);
    }
    if (node instanceof PlanNode.Union union) {
      return union(union, piece);
    }
    if (node instanceof PlanNode.Window window) {
      return window(window, piece);
    }
    if (node instanceof PlanNode.Unnest unnest) {
      return new PlanNode.Unnest(
          visit(unnest.source(), piece),
          unnest.unnested(),
          unnest.withOrdinality(),
          unnest.outer(),
          unnest.elementColumns());
    }
    throw new IllegalArgumentException("unexpected node before stage splitting: " + node);
  }

  private PlanNode aggregate(PlanNode.Aggregate aggregate, Piece piece) {
    if (aggregate.step() != AggregateStep.SINGLE) {
      throw new IllegalArgumentException("expected a SINGLE aggregation, got " + aggregate.step());
    }
    boolean single = false;
    for (AggregateCall call : aggregate.aggregates()) {
      single |= call.distinct() || !call.function().hasPartialForm();
    }
    if (single) {
      // A DISTINCT aggregate or a scalar sub-query's single value cannot be merged from partial
      // results: each group's rows must all reach one task. HASH on the group keys does that;
      // without keys, everything is GATHERed into one.
      List<Integer> keys = aggregate.groupKeys();
      PlanNode.RemoteSource input =
          exchange(
              aggregate.source(),
              keys.isEmpty() ? OutputPartitioning.GATHER : OutputPartitioning.hash(keys),
              piece);
      piece.distribute(keys.isEmpty() ? Distribution.SINGLE : Distribution.HASH);
      return new PlanNode.Aggregate(
          input, keys, aggregate.aggregates(), AggregateStep.SINGLE, aggregate.outputColumns());
    }

    int keyCount = aggregate.groupKeys().size();
    List<Column> sourceColumns = aggregate.source().outputColumns();
    List<Column> partialColumns = new ArrayList<>(aggregate.outputColumns().subList(0, keyCount));
    List<AggregateCall> finalCalls = new ArrayList<>();
    List<Integer> finalKeys = new ArrayList<>();
    for (int i = 0; i < keyCount; i++) {
      finalKeys.add(i);
    }
    for (AggregateCall call : aggregate.aggregates()) {
      int first = partialColumns.size();
      SqlType argumentType = call.argument() < 0 ? null : sourceColumns.get(call.argument()).type();
      List<SqlType> intermediate =
          call.function().intermediateTypes(argumentType, call.resultType());
      for (int k = 0; k < intermediate.size(); k++) {
        partialColumns.add(
            new Column(intermediateName(call, k, intermediate.size()), intermediate.get(k)));
      }
      // FINAL adds up partial counts alike for COUNT, COUNT(*) and COUNT_IF: all merge as COUNT.
      AggregateFunction merge = call.function().mergeFunction();
      finalCalls.add(
          new AggregateCall(merge, first, false, call.resultType(), call.name(), call.parameter()));
    }
    Piece input = detached(aggregate.source());
    input.fragment =
        new PlanNode.Aggregate(
            input.fragment,
            aggregate.groupKeys(),
            aggregate.aggregates(),
            AggregateStep.PARTIAL,
            partialColumns);
    OutputPartitioning output =
        keyCount == 0 ? OutputPartitioning.GATHER : OutputPartitioning.hash(finalKeys);
    PlanNode.RemoteSource partials = remote(input, output, piece);
    piece.distribute(keyCount == 0 ? Distribution.SINGLE : Distribution.HASH);
    return new PlanNode.Aggregate(
        partials, finalKeys, finalCalls, AggregateStep.FINAL, aggregate.outputColumns());
  }

  /** The name of a call's intermediate column {@code index} of {@code width}. */
  private static String intermediateName(AggregateCall call, int index, int width) {
    if (width == 1) {
      return call.name();
    }
    if (call.function() == AggregateFunction.AVG) {
      return call.name() + (index == 0 ? "$sum" : "$count");
    }
    return call.name() + "$" + index;
  }

  /**
   * Places a join. With keys, both sides are HASH-partitioned on them into a HASH stage, unless the
   * build side is small and the type keeps unmatched build rows out of the output (INNER, LEFT,
   * SEMI, ANTI): then it is BROADCAST into the probe side's stage. NULL_AWARE_ANTI must see the
   * whole build side in every task (a NULL anywhere in it empties the result), so its build side is
   * always broadcast. Without keys, any pair may match: the build side is broadcast, except for
   * RIGHT and FULL, whose unmatched build rows can only be known in one place: both sides are
   * gathered into a SINGLE stage.
   *
   * <p>A keyed SEMI, ANTI or NULL_AWARE_ANTI join whose build side is too big to broadcast and
   * estimated to hold more rows than its probe side is turned around first (see {@link
   * #buildOnPreserved}): RIGHT_SEMI and RIGHT_ANTI, both sides HASH-partitioned;
   * RIGHT_NULL_AWARE_ANTI, both sides GATHERed into a SINGLE stage.
   */
  private PlanNode join(PlanNode.Join original, Piece piece) {
    PlanNode.Join join = buildOnPreserved(original);
    JoinType type = join.type();
    boolean keepsUnmatchedBuild =
        type == JoinType.RIGHT || type == JoinType.FULL || type.buildColumnsOnly();
    boolean broadcast;
    if (join.probeKeys().isEmpty()) {
      broadcast = !keepsUnmatchedBuild;
    } else if (type == JoinType.NULL_AWARE_ANTI) {
      broadcast = true;
    } else {
      broadcast =
          !keepsUnmatchedBuild
              && options.broadcastThresholdBytes() > 0
              && buildBytes(join.build()) < options.broadcastThresholdBytes();
    }
    if (broadcast) {
      PlanNode probe = visit(join.probe(), piece);
      PlanNode.RemoteSource build = exchange(join.build(), OutputPartitioning.BROADCAST, piece);
      return new PlanNode.Join(
          type, probe, build, join.probeKeys(), join.buildKeys(), join.residual());
    }
    if (join.probeKeys().isEmpty() || type == JoinType.RIGHT_NULL_AWARE_ANTI) {
      // RIGHT_NULL_AWARE_ANTI keeps nothing if the probe side has a NULL key anywhere, and keeps
      // NULL build keys only if the probe side is empty everywhere: one task must see all of it.
      PlanNode.RemoteSource probe = exchange(join.probe(), OutputPartitioning.GATHER, piece);
      PlanNode.RemoteSource build = exchange(join.build(), OutputPartitioning.GATHER, piece);
      piece.distribute(Distribution.SINGLE);
      return new PlanNode.Join(
          type, probe, build, join.probeKeys(), join.buildKeys(), join.residual());
    }
    PlanNode.RemoteSource probe =
        exchange(join.probe(), OutputPartitioning.hash(join.probeKeys()), piece);
    PlanNode.RemoteSource build =
        exchange(join.build(), OutputPartitioning.hash(join.buildKeys()), piece);
    piece.distribute(Distribution.HASH);
    return new PlanNode.Join(
        type, probe, build, join.probeKeys(), join.buildKeys(), join.residual());
  }

  /**
   * The join to place for {@code join}: the same join, or for a SEMI, ANTI or NULL_AWARE_ANTI join
   * better built on its preserved (probe) side, its RIGHT_ variant with the sides swapped. The hash
   * table then holds the preserved rows and the other side streams past it marking them (TPC-H Q4
   * keeps 52 k of 57 k orders tested against 3.8 M lineitems: the table holds the orders).
   *
   * <p>Only when the other side is too big to broadcast: a broadcast build side costs no exchange
   * of the probe side, and the marks of a RIGHT_ join must be global, so its build side (the
   * preserved one) can never be the broadcast one. And only when the estimates say the preserved
   * side has fewer rows; without estimates nothing changes.
   */
  private PlanNode.Join buildOnPreserved(PlanNode.Join join) {
    JoinType swapped =
        switch (join.type()) {
          case SEMI -> JoinType.RIGHT_SEMI;
          case ANTI -> JoinType.RIGHT_ANTI;
          case NULL_AWARE_ANTI -> JoinType.RIGHT_NULL_AWARE_ANTI;
          // Only the types that keep one side's columns can swap without reordering the output.
          case INNER, LEFT, RIGHT, FULL, RIGHT_SEMI, RIGHT_ANTI, RIGHT_NULL_AWARE_ANTI -> null;
        };
    if (swapped == null) {
      return join;
    }
    if (join.probeKeys().isEmpty()) {
      // A keyless join compares every pair in one place or against a broadcast side anyway.
      return join;
    }
    PlanEstimates.Estimate preserved = estimates.of(join.probe());
    PlanEstimates.Estimate other = estimates.of(join.build());
    if (preserved == null || other == null || !(preserved.rows() < other.rows())) {
      return join;
    }
    if (options.broadcastThresholdBytes() > 0
        && other.bytes() < options.broadcastThresholdBytes()) {
      return join;
    }
    int probeWidth = join.probe().outputColumns().size();
    int buildWidth = join.build().outputColumns().size();
    // The residual reads (probe columns, build columns); the sides trade places.
    Expr residual =
        join.residual() == null
            ? null
            : Expr.mapColumns(
                join.residual(), i -> i < probeWidth ? i + buildWidth : i - probeWidth);
    return new PlanNode.Join(
        swapped, join.build(), join.probe(), join.buildKeys(), join.probeKeys(), residual);
  }

  /**
   * A sort runs in one task. If its input is not already there, the input's stage GATHERs into this
   * one, keeping only its own first {@code limit} rows first when there is a limit.
   */
  private PlanNode sort(PlanNode.Sort sort, Piece piece) {
    Piece input = detached(sort.source());
    PlanNode source;
    if (input.distribution == Distribution.SINGLE) {
      source = absorb(input, piece);
    } else {
      if (sort.limit() >= 0) {
        input.fragment = new PlanNode.Sort(input.fragment, sort.keys(), sort.limit());
      }
      source = remote(input, OutputPartitioning.GATHER, piece);
    }
    piece.distribute(Distribution.SINGLE);
    return new PlanNode.Sort(source, sort.keys(), sort.limit());
  }

  /** Like {@link #sort}: the input's tasks each pass on at most {@code offset + count} rows. */
  private PlanNode limit(PlanNode.Limit limit, Piece piece) {
    Piece input = detached(limit.source());
    PlanNode source;
    long rows =
        limit.count() > Long.MAX_VALUE - limit.offset()
            ? Long.MAX_VALUE
            : limit.offset() + limit.count();
    // Each task's scan needs at most offset + count rows (see LimitIntoScan).
    input.fragment = LimitIntoScan.apply(input.fragment, rows);
    if (input.distribution == Distribution.SINGLE) {
      source = absorb(input, piece);
    } else {
      input.fragment = new PlanNode.Limit(input.fragment, 0, rows);
      source = remote(input, OutputPartitioning.GATHER, piece);
    }
    piece.distribute(Distribution.SINGLE);
    return new PlanNode.Limit(source, limit.offset(), limit.count());
  }

  /**
   * UNION ALL: every input runs in a stage of its own (a fragment holds at most one scan) that
   * GATHERs into the union's SINGLE stage. Simple, and enough for the sizes that reach a union
   * (aggregates above it still split into PARTIAL here and FINAL in a HASH stage).
   */
  private PlanNode union(PlanNode.Union union, Piece piece) {
    List<PlanNode> inputs = new ArrayList<>();
    for (PlanNode input : union.inputs()) {
      inputs.add(exchange(input, OutputPartitioning.GATHER, piece));
    }
    piece.distribute(Distribution.SINGLE);
    return new PlanNode.Union(inputs, union.outputColumns());
  }

  /**
   * Window functions see every row of a window partition in one task: the input is HASHed on the
   * PARTITION BY keys into a HASH stage, or, without them, GATHERed into a SINGLE one (absorbed if
   * the input is already single).
   */
  private PlanNode window(PlanNode.Window window, Piece piece) {
    PlanNode source;
    if (window.partitionKeys().isEmpty()) {
      Piece input = detached(window.source());
      source =
          input.distribution == Distribution.SINGLE
              ? absorb(input, piece)
              : remote(input, OutputPartitioning.GATHER, piece);
      piece.distribute(Distribution.SINGLE);
    } else {
      source = exchange(window.source(), OutputPartitioning.hash(window.partitionKeys()), piece);
      piece.distribute(Distribution.HASH);
    }
    return new PlanNode.Window(source, window.partitionKeys(), window.orderKeys(), window.calls());
  }

  /** Makes a SINGLE fragment part of {@code piece} instead of a stage of its own. */
  private static PlanNode absorb(Piece input, Piece piece) {
    piece.children.addAll(input.children);
    return input.fragment;
  }

  /**
   * The bytes a build side holds: the planner's estimate after its filters and joins, or else the
   * bytes of the files it scans.
   */
  private double buildBytes(PlanNode build) {
    PlanEstimates.Estimate estimate = estimates.of(build);
    return estimate != null ? estimate.bytes() : scannedBytes(build);
  }

  private static long scannedBytes(PlanNode node) {
    if (node instanceof PlanNode.Scan scan) {
      long bytes = 0;
      for (PlanNode.ScanFile file : scan.files()) {
        bytes += file.file().size();
      }
      return bytes;
    }
    long bytes = 0;
    for (PlanNode source : node.sources()) {
      bytes += scannedBytes(source);
    }
    return bytes;
  }

  /** Replaces provisional stage ids in RemoteSources by final ones; estimates follow the copies. */
  private PlanNode renumber(PlanNode node, int[] finalIds) {
    PlanNode copy = renumberNode(node, finalIds);
    estimates.carry(node, copy);
    return copy;
  }

  private PlanNode renumberNode(PlanNode node, int[] finalIds) {
    if (node instanceof PlanNode.RemoteSource remote) {
      return new PlanNode.RemoteSource(finalIds[remote.sourceStage()], remote.outputColumns());
    }
    if (node instanceof PlanNode.Filter filter) {
      return new PlanNode.Filter(renumber(filter.source(), finalIds), filter.predicate());
    }
    if (node instanceof PlanNode.Project project) {
      return new PlanNode.Project(
          renumber(project.source(), finalIds), project.expressions(), project.names());
    }
    if (node instanceof PlanNode.Aggregate aggregate) {
      return new PlanNode.Aggregate(
          renumber(aggregate.source(), finalIds),
          aggregate.groupKeys(),
          aggregate.aggregates(),
          aggregate.step(),
          aggregate.outputColumns());
    }
    if (node instanceof PlanNode.Join join) {
      return new PlanNode.Join(
          join.type(),
          renumber(join.probe(), finalIds),
          renumber(join.build(), finalIds),
          join.probeKeys(),
          join.buildKeys(),
          join.residual());
    }
    if (node instanceof PlanNode.Sort sort) {
      return new PlanNode.Sort(renumber(sort.source(), finalIds), sort.keys(), sort.limit());
    }
    if (node instanceof PlanNode.Limit limit) {
      return new PlanNode.Limit(renumber(limit.source(), finalIds), limit.offset(), limit.count());
    }
    if (node instanceof PlanNode.Union union) {
      List<PlanNode> inputs = new ArrayList<>();
      for (PlanNode input : union.inputs()) {
        inputs.add(renumber(input, finalIds));
      }
      return new PlanNode.Union(inputs, union.outputColumns());
    }
    if (node instanceof PlanNode.Unnest unnest) {
      return new PlanNode.Unnest(
          renumber(unnest.source(), finalIds),
          unnest.unnested(),
          unnest.withOrdinality(),
          unnest.outer(),
          unnest.elementColumns());
    }
    if (node instanceof PlanNode.Window window) {
      return new PlanNode.Window(
          renumber(window.source(), finalIds),
          window.partitionKeys(),
          window.orderKeys(),
          window.calls());
    }
    return node;
  }
}
