package dev.tarn.operators.join;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.batch.BatchGather;
import dev.tarn.core.batch.BatchRows;
import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.expr.Expr;
import dev.tarn.core.memory.SpillSpace;
import dev.tarn.core.meta.Column;
import dev.tarn.core.plan.JoinType;
import dev.tarn.core.stats.OperatorStats;
import dev.tarn.core.type.SqlType;
import dev.tarn.operators.exchange.PartitionFiles;
import dev.tarn.operators.exchange.SpillFile;
import dev.tarn.operators.expr.ExpressionEvaluator;
import dev.tarn.operators.expr.Lane;
import dev.tarn.operators.expr.Lanes;
import dev.tarn.operators.hash.GroupTable;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FanInShape2;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;

/**
 * Join of a probe input ({@code in0}) with a build input ({@code in1}), of every {@link JoinType},
 * on equi keys or on none (a cross join, or a non-equi condition only: every pair is a candidate),
 * with an optional residual predicate over probe columns followed by build columns. Output: probe
 * columns then build columns, probe columns only for SEMI, ANTI and NULL_AWARE_ANTI, build columns
 * only for RIGHT_SEMI, RIGHT_ANTI and RIGHT_NULL_AWARE_ANTI.
 *
 * <pre>
 *   BUILDING ──build done──▶ PROBING ──probe done──▶ BUILD_ROWS ──▶ complete
 *      │                        │                    (RIGHT, FULL, RIGHT_*)
 *      │                        └── probe done, not RIGHT/FULL/RIGHT_* ──▶ complete
 *      ├── probe done first and not RIGHT/FULL/RIGHT_ANTI/RIGHT_NULL_AWARE_ANTI: complete,
 *      │   cancelling the build input
 *      └── nothing can come out (empty build side and INNER/SEMI/RIGHT/RIGHT_*, or NOT IN over a
 *          build side with a NULL key): complete, cancelling the probe input
 *   PROBING ── RIGHT_NULL_AWARE_ANTI reads a NULL probe key ──▶ complete
 * </pre>
 *
 * <p>Building pulls the whole build side, concatenates it into one batch and indexes it: a {@link
 * GroupTable} maps each distinct key to a group, {@code head[group]} is its first build row and
 * {@code next[row]} chains the rest (rows with a NULL key are never indexed: NULL matches nothing).
 * A keyless join indexes nothing: every build row is a candidate of every probe row.
 *
 * <p>Probing walks the candidates of one probe batch with a cursor (probe row, next build row) and
 * stops after {@link #BATCH_ROWS} candidate pairs, so that the work and the memory per output batch
 * stay bounded however many rows a key or a cross join multiplies. A pair is a match when the
 * residual is TRUE (or there is none); matches mark their probe row, and for RIGHT, FULL and
 * RIGHT_* their build row in a bitset. When the batch's candidates are exhausted its probe-only
 * rows follow: unmatched rows padded with NULLs (LEFT, FULL), matched rows (SEMI) or unmatched rows
 * (ANTI). After the probe side, RIGHT and FULL emit the build rows no pair matched, padded with
 * NULL probe columns; RIGHT_SEMI emits the marked build rows, RIGHT_ANTI the unmarked ones.
 *
 * <p>The RIGHT_ joins build on the side whose rows they keep, so they only ask whether a build row
 * has a match: a pair whose build row is marked already is not evaluated again, and without a
 * residual the first probe row of a key marks all of that key's build rows at once. The marks are
 * per task: the planner must send each key's rows of both sides to one task (hash partitioning, or
 * one task for all), never broadcast the build side.
 *
 * <p>A keyed join whose retained build batches pass the {@link SpillSpace} threshold becomes a
 * grace hash join:
 *
 * <pre>
 *   BUILDING ──over threshold──▶ SPILLING_BUILD ──build done──▶ SPILLING_PROBE ──probe done──┐
 *                                                                                          ▼
 *        ┌──────────── per partition: PROBING (its probe file) ──▶ BUILD_ROWS ◀──────┘
 *        └──▶ next partition … ──▶ complete
 * </pre>
 *
 * Both sides are hash-partitioned on their keys into 16 spill files (with other hash bits than the
 * exchange that fed this task, see {@link PartitionFiles}); equal keys share a partition, so
 * joining partition by partition (load its build rows, index them, stream its probe rows, then
 * RIGHT/FULL/RIGHT_* emit its build rows) applies the same semantics as the in-memory join. Rows
 * with a NULL key match nothing: probe ones are settled while they are read (emitted for LEFT, FULL
 * and ANTI, dropped otherwise), build ones are dropped unless RIGHT/FULL/RIGHT_* may owe them as
 * unmatched rows. NOT IN needs two global facts, known once the build side is written: it is not
 * empty, and whether it holds a NULL (then nothing comes out). RIGHT_NULL_AWARE_ANTI needs the same
 * two about the probe side: a NULL probe key ends the join while the probe side is written, and
 * whether any probe row came decides, partition by partition, if NULL build keys are kept. A
 * partition whose build rows are still over the threshold is split again with the next level's hash
 * bits, up to {@code MAX_LEVEL} levels; a partition a split cannot divide (one key) is joined in
 * memory anyway, under the query's memory limit. A keyless join cannot be partitioned and always
 * builds in memory.
 *
 * <p>NULL_AWARE_ANTI is {@code NOT IN}: an empty build side keeps every probe row, a build side
 * with a NULL key keeps none, otherwise the probe rows whose key is not NULL and has no match.
 * RIGHT_NULL_AWARE_ANTI is the same with the sides swapped. Both support one key and no residual;
 * anything else fails with {@link ErrorCode#NOT_SUPPORTED}.
 */
public final class HashJoinStage extends GraphStage<FanInShape2<Batch, Batch, Batch>> {
  /** The join's seed for {@link PartitionFiles} (the aggregation uses another). */
  private static final int JOIN_SEED = 1;

  /** The most rows one output batch holds, and the most candidate pairs one step evaluates. */
  public static final int BATCH_ROWS = 8192;

  /**
   * Steps one turn may take without producing output (a residual that rejects everything) before it
   * yields to other stages and resumes through an asynchronous callback.
   */
  private static final int STEPS_PER_TURN = 16;

  /** Cursor value: the probe row's candidates have not been looked up yet. */
  private static final int NOT_STARTED = -2;

  private final FanInShape2<Batch, Batch, Batch> shape = new FanInShape2<>("HashJoin");
  private final JoinType type;
  private final List<Column> probeColumns;
  private final List<Column> buildColumns;
  private final int[] probeKeys;
  private final int[] buildKeys;
  private final ExpressionEvaluator residual;
  private final boolean longKeys;
  private final BufferAllocator allocator;
  private final OperatorStats stats;
  private final SpillSpace spill;

  private enum Phase {
    /** Retaining build batches in memory. */
    BUILDING,
    /** Over the spill threshold: writing build rows to partition files. */
    SPILLING_BUILD,
    /** Writing probe rows to partition files, emitting the NULL-key rows that stay unmatched. */
    SPILLING_PROBE,
    /** Joining probe batches (from the input, or from the current partition's file). */
    PROBING,
    /**
     * RIGHT, FULL and RIGHT_*: emitting the (current partition's) build rows the type keeps once
     * the probe side is over.
     */
    BUILD_ROWS
  }

  /** Partitions that spilled build rows pass before the join splits them no further. */
  private static final int MAX_LEVEL = 3;

  /**
   * One partition of a spilled join: its build rows and their size in the file, its probe rows (a
   * null file has none), the level whose hash bits put them together, and whether splitting it
   * further can still help.
   */
  private record SpilledPartition(
      Path build, long buildBytes, Path probe, int level, boolean splittable) {}

  /**
   * @param probeKeys key columns of the probe side; empty for a keyless join
   * @param buildKeys key columns of the build side, as many as {@code probeKeys}
   * @param residual a boolean expression over probe columns followed by build columns, or null
   * @throws TarnException NOT_SUPPORTED for NULL_AWARE_ANTI with a residual or several keys
   */
  public HashJoinStage(
      JoinType type,
      List<Column> probeColumns,
      List<Column> buildColumns,
      List<Integer> probeKeys,
      List<Integer> buildKeys,
      Expr residual,
      BufferAllocator allocator,
      OperatorStats stats) {
    this(
        type,
        probeColumns,
        buildColumns,
        probeKeys,
        buildKeys,
        residual,
        allocator,
        stats,
        SpillSpace.disabled());
  }

  /**
   * A join that, keyed and holding more build bytes than {@code spill} allows, partitions both
   * sides to spill files and joins them partition by partition (see the class comment).
   *
   * @param probeKeys key columns of the probe side; empty for a keyless join
   * @param buildKeys key columns of the build side, as many as {@code probeKeys}
   * @param residual a boolean expression over probe columns followed by build columns, or null
   * @throws TarnException NOT_SUPPORTED for NULL_AWARE_ANTI with a residual or several keys
   */
  public HashJoinStage(
      JoinType type,
      List<Column> probeColumns,
      List<Column> buildColumns,
      List<Integer> probeKeys,
      List<Integer> buildKeys,
      Expr residual,
      BufferAllocator allocator,
      OperatorStats stats,
      SpillSpace spill) {
    this.type = Objects.requireNonNull(type, "type");
    this.probeColumns = List.copyOf(probeColumns);
    this.buildColumns = List.copyOf(buildColumns);
    if (probeKeys.size() != buildKeys.size()) {
      throw new IllegalArgumentException(
          "join needs equally many probe and build keys, got "
              + probeKeys.size()
              + " and "
              + buildKeys.size());
    }
    if (type.nullAware() && residual != null) {
      // A residual makes NOT IN depend on which NULL comparisons the residual would have let
      // through; rather than guess, refuse.
      throw new TarnException(
          ErrorCode.NOT_SUPPORTED,
          "NOT IN with a condition besides the equality of its values is not supported: "
              + residual);
    }
    if (type.nullAware() && probeKeys.size() > 1) {
      // (a, b) NOT IN (...) with a partly NULL row compares column by column; one key only.
      throw new TarnException(
          ErrorCode.NOT_SUPPORTED,
          "NOT IN over " + probeKeys.size() + " columns is not supported; use NOT EXISTS");
    }
    this.probeKeys = toArray(probeKeys);
    this.buildKeys = toArray(buildKeys);
    List<Column> joined = new ArrayList<>(probeColumns);
    joined.addAll(buildColumns);
    this.residual = residual == null ? null : ExpressionEvaluator.compile(residual, joined);
    this.longKeys =
        this.probeKeys.length == 1
            && isLongKind(probeColumns.get(this.probeKeys[0]).type())
            && isLongKind(buildColumns.get(this.buildKeys[0]).type());
    this.allocator = Objects.requireNonNull(allocator, "allocator");
    this.stats = Objects.requireNonNull(stats, "stats");
    this.spill = Objects.requireNonNull(spill, "spill");
  }

  private static int[] toArray(List<Integer> list) {
    int[] out = new int[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = list.get(i);
    }
    return out;
  }

  private static boolean isLongKind(SqlType type) {
    switch (type.kind()) {
      case TINYINT:
      case SMALLINT:
      case INTEGER:
      case BIGINT:
      case DATE:
      case TIMESTAMP:
        return true;
      default:
        return false;
    }
  }

  /** The probe input. */
  public Inlet<Batch> probe() {
    return shape.in0();
  }

  /** The build input. */
  public Inlet<Batch> build() {
    return shape.in1();
  }

  @Override
  public FanInShape2<Batch, Batch, Batch> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new Logic();
  }

  private final class Logic extends GraphStageLogic {
    private final Inlet<Batch> probeIn = shape.in0();
    private final Inlet<Batch> buildIn = shape.in1();
    private final Outlet<Batch> out = shape.out();
    private final boolean keyless = probeKeys.length == 0;
    private final boolean emitsPairs = !type.probeColumnsOnly() && !type.buildColumnsOnly();
    // RIGHT and FULL emit unmatched build rows, the RIGHT_ semi and anti joins marked or unmarked
    // ones: all of them mark the build rows that pairs match.
    private final boolean tracksBuild =
        type == JoinType.RIGHT || type == JoinType.FULL || type.buildColumnsOnly();
    // SEMI and ANTI only ask whether a probe row has a match: once it has, skip its other pairs.
    private final boolean skipMatched = type.probeColumnsOnly();
    // The RIGHT_ semi and anti joins only ask whether a build row has a match: once it has, skip
    // the pairs that would mark it again.
    private final boolean skipMarkedBuild = type.buildColumnsOnly();
    // Without probe rows, only these have build rows to emit.
    private final boolean emitsBuildWithoutProbe =
        type == JoinType.RIGHT
            || type == JoinType.FULL
            || type == JoinType.RIGHT_ANTI
            || type == JoinType.RIGHT_NULL_AWARE_ANTI;
    private final List<Batch> buildBatches = new ArrayList<>();
    private final ArrayDeque<Batch> pending = new ArrayDeque<>();
    private final int[] pairProbe = new int[BATCH_ROWS];
    private final int[] pairBuild = new int[BATCH_ROWS];
    private final AsyncCallback<Void> resume;
    private Phase phase = Phase.BUILDING;

    // The build side, once built.
    private Batch buildSide;
    private int buildRows;
    private int[] head;
    private int[] next;
    private GroupTable table;
    private boolean buildHasNullKey;
    private long[] buildMatched;
    // RIGHT_ joins without a residual: the groups whose build rows are all marked already.
    private boolean[] groupMarked;
    // RIGHT_NULL_AWARE_ANTI: each build row's group, -1 for a NULL key.
    private int[] buildGroups;
    // Whether any probe row arrived (RIGHT_NULL_AWARE_ANTI keeps NULL build keys only without).
    private boolean probeSeen;

    // The probe batch being joined and the cursor over its candidate pairs.
    private Batch current;
    private int[] currentGroups;
    private boolean[] currentNullKeys;
    private boolean[] probeMatched;
    private int cursorRow;
    private int cursorBuild;
    private boolean probeDone;

    // BUILD_ROWS: the next build row to consider, and NULL probe columns (RIGHT and FULL).
    private int buildCursor;
    private Batch emptyProbe;

    // Spilling: the bytes of the retained build batches, the partition files being written, and
    // once both sides are written, the partitions still to join and the current one's probe rows.
    private long retainedBytes;
    private PartitionFiles buildFiles;
    private PartitionFiles probeFiles;
    private Path[] buildPaths;
    private long[] buildPathBytes;
    private boolean spilledBuildHasNullKey;
    private boolean partitioned;
    private final ArrayDeque<SpilledPartition> partitions = new ArrayDeque<>();
    private SpillFile.Reader probeReader;

    Logic() {
      super(shape);
      resume =
          createAsyncCallback(
              ignored -> {
                if (isAvailable(out)) {
                  drive();
                }
              });
      setHandler(
          buildIn,
          new AbstractInHandler() {
            @Override
            public void onPush() {
              Batch batch = grab(buildIn);
              stats.addInput(batch.rowCount());
              if (batch.rowCount() == 0) {
                batch.close();
              } else if (phase == Phase.SPILLING_BUILD) {
                long start = System.nanoTime();
                long cpuStart = OperatorStats.threadCpuNanos();
                try {
                  spillBuild(batch);
                } finally {
                  stats.addTime(
                      System.nanoTime() - start, OperatorStats.threadCpuNanos() - cpuStart);
                }
              } else {
                buildBatches.add(batch);
                retainedBytes += batch.sizeInBytes();
                // A keyless join has nothing to partition on: it stays in memory, under the
                // query's memory limit.
                if (!keyless && spill.shouldSpill(retainedBytes)) {
                  long start = System.nanoTime();
                  long cpuStart = OperatorStats.threadCpuNanos();
                  try {
                    startSpilling();
                  } finally {
                    stats.addTime(
                        System.nanoTime() - start, OperatorStats.threadCpuNanos() - cpuStart);
                  }
                }
              }
              pull(buildIn);
            }

            @Override
            public void onUpstreamFinish() {
              if (phase == Phase.SPILLING_BUILD) {
                finishBuildSpill();
                return;
              }
              long start = System.nanoTime();
              long cpuStart = OperatorStats.threadCpuNanos();
              try {
                buildTable();
              } finally {
                stats.addTime(System.nanoTime() - start, OperatorStats.threadCpuNanos() - cpuStart);
              }
              if (nothingCanMatch()) {
                completeStage();
                return;
              }
              phase = Phase.PROBING;
              if (isAvailable(out)) {
                drive();
              }
            }
          });
      setHandler(
          probeIn,
          new AbstractInHandler() {
            @Override
            public void onPush() {
              Batch batch = grab(probeIn);
              stats.addInput(batch.rowCount());
              if (batch.rowCount() == 0) {
                batch.close();
                pull(probeIn);
                return;
              }
              probeSeen = true;
              if (phase == Phase.SPILLING_PROBE) {
                long start = System.nanoTime();
                long cpuStart = OperatorStats.threadCpuNanos();
                boolean nullKey;
                try {
                  nullKey = spillProbe(batch);
                } finally {
                  stats.addTime(
                      System.nanoTime() - start, OperatorStats.threadCpuNanos() - cpuStart);
                }
                if (nullKey && type == JoinType.RIGHT_NULL_AWARE_ANTI) {
                  // NOT IN against a NULL: no build row can be kept.
                  completeStage();
                  return;
                }
                if (isAvailable(out)) {
                  drive();
                } else if (pending.isEmpty()) {
                  pull(probeIn);
                }
                return;
              }
              current = batch;
              long start = System.nanoTime();
              long cpuStart = OperatorStats.threadCpuNanos();
              boolean nullKey;
              try {
                nullKey = startProbeBatch();
              } finally {
                stats.addTime(System.nanoTime() - start, OperatorStats.threadCpuNanos() - cpuStart);
              }
              if (nullKey && type == JoinType.RIGHT_NULL_AWARE_ANTI) {
                // NOT IN against a NULL: no build row can be kept.
                completeStage();
                return;
              }
              if (isAvailable(out)) {
                drive();
              }
            }

            @Override
            public void onUpstreamFinish() {
              probeDone = true;
              switch (phase) {
                case BUILDING:
                case SPILLING_BUILD:
                  if (!emitsBuildWithoutProbe) {
                    // No probe rows: only RIGHT, FULL and the RIGHT_ anti joins have anything to
                    // say about build rows.
                    if (isAvailable(buildIn)) {
                      // A batch pushed but not yet grabbed would be dropped unclosed by cancel.
                      grab(buildIn).close();
                    }
                    completeStage();
                  }
                  return;
                case SPILLING_PROBE:
                  if (isAvailable(out)) {
                    drive();
                  }
                  return;
                case PROBING:
                case BUILD_ROWS:
                  if (current == null && isAvailable(out)) {
                    drive();
                  }
                  return;
              }
            }
          });
      setHandler(
          out,
          new AbstractOutHandler() {
            @Override
            public void onPull() {
              drive();
            }
          });
    }

    @Override
    public void preStart() {
      pull(buildIn);
    }

    /** Whether the built side already decides that the output is empty. */
    private boolean nothingCanMatch() {
      if (keyless && residual == null && buildRows > 0) {
        // Every probe row matches every build row: ANTI and NOT IN keep nothing.
        if (type == JoinType.ANTI || type == JoinType.NULL_AWARE_ANTI) {
          return true;
        }
      }
      if (type == JoinType.NULL_AWARE_ANTI) {
        return buildRows > 0 && buildHasNullKey;
      }
      return buildRows == 0 && emptyBuildEndsJoin();
    }

    /** Whether an empty build side (or partition of it) makes the output empty. */
    private boolean emptyBuildEndsJoin() {
      return type == JoinType.INNER
          || type == JoinType.SEMI
          || type == JoinType.RIGHT
          || type.buildColumnsOnly();
    }

    /** Pushes one batch if there is output to be had, doing as much work as that takes. */
    private void drive() {
      int steps = 0;
      while (true) {
        if (!pending.isEmpty()) {
          Batch batch = pending.poll();
          stats.addOutput(batch.rowCount(), batch.sizeInBytes());
          push(out, batch);
          return;
        }
        switch (phase) {
          case BUILDING:
          case SPILLING_BUILD:
            // Output waits for the build side.
            return;
          case SPILLING_PROBE:
            if (!probeDone) {
              if (!hasBeenPulled(probeIn)) {
                pull(probeIn);
              }
              return;
            }
            startPartitions();
            if (!timedNextPartition()) {
              completeStage();
              return;
            }
            continue;
          case PROBING:
            if (current != null) {
              if (++steps > STEPS_PER_TURN) {
                resume.invoke(null);
                return;
              }
              long start = System.nanoTime();
              long cpuStart = OperatorStats.threadCpuNanos();
              try {
                step();
              } finally {
                stats.addTime(System.nanoTime() - start, OperatorStats.threadCpuNanos() - cpuStart);
              }
              continue;
            }
            if (partitioned) {
              if (++steps > STEPS_PER_TURN) {
                resume.invoke(null);
                return;
              }
              if (nextSpilledProbeBatch()) {
                continue;
              }
              if (tracksBuild) {
                phase = Phase.BUILD_ROWS;
                continue;
              }
              if (!timedNextPartition()) {
                completeStage();
                return;
              }
              continue;
            }
            if (!probeDone) {
              if (!hasBeenPulled(probeIn)) {
                pull(probeIn);
              }
              return;
            }
            if (!tracksBuild) {
              completeStage();
              return;
            }
            phase = Phase.BUILD_ROWS;
            continue;
          case BUILD_ROWS:
            if (!emitBuildRows()) {
              if (partitioned && timedNextPartition()) {
                continue;
              }
              completeStage();
              return;
            }
            continue;
        }
      }
    }

    /**
     * Switches to partitioned mode: every build row retained so far, and every one still to come,
     * goes to a partition file.
     */
    private void startSpilling() {
      phase = Phase.SPILLING_BUILD;
      buildFiles = new PartitionFiles("join", JOIN_SEED, spill, stats, buildKeys, 0, allocator);
      while (!buildBatches.isEmpty()) {
        spillBuild(buildBatches.remove(0));
      }
      retainedBytes = 0;
    }

    /**
     * Writes a build batch to the partition files and closes it. A build row with a NULL key
     * matches nothing: RIGHT and FULL still owe it as an unmatched row, so it goes to whichever
     * partition its hash names (never indexed there, it comes out unmatched); the other types drop
     * it, NOT IN after noting that the build side has a NULL.
     */
    private void spillBuild(Batch batch) {
      try {
        boolean[] nullKeys = nullKeyRows(batch, buildKeys);
        if (nullKeys != null && type == JoinType.NULL_AWARE_ANTI) {
          spilledBuildHasNullKey = true;
        }
        buildFiles.write(batch, tracksBuild ? null : nullKeys);
      } finally {
        batch.close();
      }
    }

    /** The build side is written: decide what NOT IN can already tell, then read the probe side. */
    private void finishBuildSpill() {
      buildPaths = buildFiles.finish();
      buildPathBytes = buildFiles.bytes();
      buildFiles = null;
      // The build side spilled, so it is not empty: NOT IN over a NULL keeps nothing.
      if (type == JoinType.NULL_AWARE_ANTI && spilledBuildHasNullKey) {
        completeStage();
        return;
      }
      // Padding for probe rows that stay unmatched while no partition is loaded.
      buildSide = BatchRows.fromRows(buildColumns, List.of(), allocator);
      probeFiles = new PartitionFiles("join", JOIN_SEED, spill, stats, probeKeys, 0, allocator);
      phase = Phase.SPILLING_PROBE;
      if (!probeDone) {
        pull(probeIn);
      } else if (isAvailable(out)) {
        drive();
      }
    }

    /**
     * Writes a probe batch to the partition files and closes it; true when a row has a NULL key. A
     * probe row with a NULL key matches nothing, so it is settled here instead of spilled: LEFT,
     * FULL and ANTI emit it unmatched; INNER, RIGHT, SEMI and the RIGHT_ joins drop it, and so does
     * NOT IN, whose (spilled, hence not empty) build side makes a NULL probe value unknown (the
     * caller ends RIGHT_NULL_AWARE_ANTI, which a NULL probe key empties).
     */
    private boolean spillProbe(Batch batch) {
      boolean[] nullKeys = null;
      try {
        nullKeys = nullKeyRows(batch, probeKeys);
        if (nullKeys != null) {
          switch (type) {
            case LEFT:
            case FULL:
            case ANTI:
              int[] keep = new int[batch.rowCount()];
              int kept = 0;
              for (int i = 0; i < nullKeys.length; i++) {
                if (nullKeys[i]) {
                  keep[kept++] = i;
                }
              }
              queueProbeRows(batch, keep, kept);
              break;
            case INNER:
            case RIGHT:
            case SEMI:
            case NULL_AWARE_ANTI:
            case RIGHT_SEMI:
            case RIGHT_ANTI:
            case RIGHT_NULL_AWARE_ANTI:
              break;
          }
        }
        probeFiles.write(batch, nullKeys);
      } finally {
        batch.close();
      }
      return nullKeys != null;
    }

    /** Rows with a NULL in any key column, or null when there are none. */
    private boolean[] nullKeyRows(Batch batch, int[] keys) {
      boolean[] nulls = null;
      int rows = batch.rowCount();
      for (int key : keys) {
        FieldVector vector = batch.vector(key);
        if (vector.getNullCount() == 0) {
          continue;
        }
        if (nulls == null) {
          nulls = new boolean[rows];
        }
        for (int i = 0; i < rows; i++) {
          if (vector.isNull(i)) {
            nulls[i] = true;
          }
        }
      }
      return nulls;
    }

    /** Both sides are written: queue their partitions for joining one by one. */
    private void startPartitions() {
      Path[] probePaths = probeFiles.finish();
      probeFiles = null;
      for (int p = 0; p < PartitionFiles.FANOUT; p++) {
        partitions.add(
            new SpilledPartition(buildPaths[p], buildPathBytes[p], probePaths[p], 0, true));
      }
      buildPaths = null;
      buildPathBytes = null;
      partitioned = true;
      phase = Phase.PROBING;
    }

    private boolean timedNextPartition() {
      long start = System.nanoTime();
      long cpuStart = OperatorStats.threadCpuNanos();
      try {
        return nextPartition();
      } finally {
        stats.addTime(System.nanoTime() - start, OperatorStats.threadCpuNanos() - cpuStart);
      }
    }

    /**
     * Lets go of the current partition and loads the next one that can produce output: builds its
     * hash table and opens its probe file. False when no partition is left.
     */
    private boolean nextPartition() {
      if (buildSide != null) {
        buildSide.close();
        buildSide = null;
      }
      table = null;
      head = null;
      next = null;
      buildMatched = null;
      groupMarked = null;
      buildGroups = null;
      buildHasNullKey = false;
      buildRows = 0;
      buildCursor = 0;
      while (!partitions.isEmpty()) {
        SpilledPartition partition = partitions.poll();
        if (partition.probe() == null && !emitsBuildWithoutProbe) {
          continue;
        }
        if (partition.build() == null && emptyBuildEndsJoin()) {
          continue;
        }
        if (!loadBuild(partition)) {
          continue;
        }
        buildTable();
        if (partition.probe() != null) {
          probeReader = new SpillFile.Reader(partition.probe(), probeColumns, allocator);
        }
        phase = Phase.PROBING;
        return true;
      }
      return false;
    }

    /**
     * Reads a partition's build rows into {@link #buildBatches}; true when they are there. A
     * partition still over the threshold is split one level deeper instead (false): its parts go to
     * the front of the queue. A part that kept most of its parent's build bytes is (mostly) one
     * key, which no split can divide, and a part at {@code MAX_LEVEL} has been split enough: they
     * are joined in memory whatever their size, under the query's memory limit, like a keyless
     * join.
     */
    private boolean loadBuild(SpilledPartition partition) {
      if (partition.build() == null) {
        return true;
      }
      long bytes = 0;
      try (SpillFile.Reader reader =
          new SpillFile.Reader(partition.build(), buildColumns, allocator)) {
        for (Batch batch = reader.next(); batch != null; batch = reader.next()) {
          buildBatches.add(batch);
          bytes += batch.sizeInBytes();
          if (partition.splittable() && spill.shouldSpill(bytes)) {
            for (Batch b : buildBatches) {
              b.close();
            }
            buildBatches.clear();
            split(partition);
            return false;
          }
        }
      }
      return true;
    }

    /** Splits a partition one level deeper and queues its parts first. */
    private void split(SpilledPartition partition) {
      int level = partition.level() + 1;
      PartitionFiles build = splitFile(partition.build(), buildColumns, buildKeys, level);
      Path[] buildParts = build.finish();
      long[] buildBytes = build.bytes();
      Path[] probeParts =
          partition.probe() == null
              ? new Path[PartitionFiles.FANOUT]
              : splitFile(partition.probe(), probeColumns, probeKeys, level).finish();
      for (int p = PartitionFiles.FANOUT - 1; p >= 0; p--) {
        boolean splittable = level < MAX_LEVEL && buildBytes[p] < partition.buildBytes() / 4 * 3;
        partitions.push(
            new SpilledPartition(buildParts[p], buildBytes[p], probeParts[p], level, splittable));
      }
    }

    /** The rows of {@code file} split into partition files at {@code level}, all closed. */
    private PartitionFiles splitFile(Path file, List<Column> columns, int[] keys, int level) {
      PartitionFiles files =
          new PartitionFiles("join", JOIN_SEED, spill, stats, keys, level, allocator);
      try (SpillFile.Reader reader = new SpillFile.Reader(file, columns, allocator)) {
        for (Batch batch = reader.next(); batch != null; batch = reader.next()) {
          try {
            files.write(batch, null);
          } finally {
            batch.close();
          }
        }
      } finally {
        files.close();
      }
      return files;
    }

    /** Makes the current partition's next probe batch current; false at the end of its file. */
    private boolean nextSpilledProbeBatch() {
      if (probeReader == null) {
        return false;
      }
      long start = System.nanoTime();
      long cpuStart = OperatorStats.threadCpuNanos();
      try {
        Batch batch = probeReader.next();
        if (batch == null) {
          probeReader.close();
          probeReader = null;
          return false;
        }
        current = batch;
        startProbeBatch();
        return true;
      } finally {
        stats.addTime(System.nanoTime() - start, OperatorStats.threadCpuNanos() - cpuStart);
      }
    }

    private void buildTable() {
      if (buildBatches.isEmpty()) {
        buildSide = BatchRows.fromRows(buildColumns, List.of(), allocator);
      } else if (buildBatches.size() == 1) {
        buildSide = buildBatches.remove(0);
      } else {
        buildSide = BatchGather.concat(buildBatches, allocator);
        for (Batch b : buildBatches) {
          b.close();
        }
        buildBatches.clear();
      }
      buildRows = buildSide.rowCount();
      if (tracksBuild) {
        buildMatched = new long[(buildRows + 63) >>> 6];
      }
      if (keyless) {
        return;
      }
      table = new GroupTable(longKeys, true, Math.max(16, buildRows));
      int[] ids = table.getOrInsert(keyLanes(buildSide, buildKeys, buildColumns), buildRows, false);
      if (type == JoinType.RIGHT_NULL_AWARE_ANTI) {
        buildGroups = ids;
      }
      if (skipMarkedBuild && residual == null) {
        groupMarked = new boolean[table.size()];
      }
      head = new int[table.size()];
      Arrays.fill(head, -1);
      next = new int[buildRows];
      // Chains keep build order: insert back to front.
      for (int r = buildRows - 1; r >= 0; r--) {
        int g = ids[r];
        if (g >= 0) {
          next[r] = head[g];
          head[g] = r;
        } else {
          buildHasNullKey = true;
        }
      }
    }

    private Lane[] keyLanes(Batch batch, int[] keys, List<Column> columns) {
      Lane[] lanes = new Lane[keys.length];
      for (int k = 0; k < keys.length; k++) {
        // Integer keys of different widths read into the same long lanes, so they match by value.
        lanes[k] = Lanes.read(batch.vector(keys[k]), columns.get(keys[k]).type(), batch.rowCount());
      }
      return lanes;
    }

    /** Looks up the current probe batch's candidates; true when a row has a NULL NOT IN key. */
    private boolean startProbeBatch() {
      int rows = current.rowCount();
      boolean nullKey = false;
      if (!keyless) {
        Lane[] lanes = keyLanes(current, probeKeys, probeColumns);
        currentGroups = table.find(lanes, rows);
        // The NOT IN joins have exactly one key (checked on construction).
        currentNullKeys = type.nullAware() ? lanes[0].nulls : null;
        if (currentNullKeys != null) {
          for (int i = 0; i < rows && !nullKey; i++) {
            nullKey = currentNullKeys[i];
          }
        }
      }
      probeMatched = new boolean[rows];
      cursorRow = 0;
      cursorBuild = NOT_STARTED;
      return nullKey;
    }

    /** The first candidate build row of probe row {@code row}, or -1. */
    private int firstCandidate(int row) {
      if (keyless) {
        return buildRows > 0 ? 0 : -1;
      }
      int group = currentGroups[row];
      return group < 0 ? -1 : head[group];
    }

    /** Joins at most {@link #BATCH_ROWS} more candidate pairs of the current probe batch. */
    private void step() {
      int rows = current.rowCount();
      if (skipMarkedBuild && residual == null) {
        markCandidates(rows);
        finishProbeBatch();
        return;
      }
      if (!emitsPairs && residual == null) {
        // Every candidate is a match: a probe row matches when it has one.
        for (int i = 0; i < rows; i++) {
          probeMatched[i] = firstCandidate(i) >= 0;
        }
        finishProbeBatch();
        return;
      }
      int count = 0;
      while (count < BATCH_ROWS && cursorRow < rows) {
        int i = cursorRow;
        int r = cursorBuild == NOT_STARTED ? firstCandidate(i) : cursorBuild;
        if (skipMatched && probeMatched[i]) {
          r = -1;
        }
        while (r >= 0 && count < BATCH_ROWS) {
          if (!skipMarkedBuild || (buildMatched[r >>> 6] & (1L << r)) == 0) {
            pairProbe[count] = i;
            pairBuild[count++] = r;
          }
          if (keyless) {
            r = r + 1 < buildRows ? r + 1 : -1;
          } else {
            r = next[r];
          }
        }
        if (r < 0) {
          cursorRow++;
          cursorBuild = NOT_STARTED;
        } else {
          cursorBuild = r;
        }
      }
      if (count > 0) {
        joinPairs(count);
      }
      if (cursorRow == rows) {
        finishProbeBatch();
      }
    }

    /**
     * RIGHT_ joins without a residual: every candidate is a match, so each probe row marks every
     * build row of its key. A key's rows are marked all at once, the first time a probe row has it.
     */
    private void markCandidates(int rows) {
      if (keyless) {
        // Every build row is a candidate of every probe row, and there is one.
        Arrays.fill(buildMatched, -1L);
        return;
      }
      for (int i = 0; i < rows; i++) {
        int group = currentGroups[i];
        if (group >= 0 && !groupMarked[group]) {
          groupMarked[group] = true;
          for (int r = head[group]; r >= 0; r = next[r]) {
            buildMatched[r >>> 6] |= 1L << r;
          }
        }
      }
    }

    /** Keeps the candidate pairs {@code [0, count)} that match, marking their rows. */
    private void joinPairs(int count) {
      if (residual == null) {
        for (int k = 0; k < count; k++) {
          probeMatched[pairProbe[k]] = true;
        }
        if (tracksBuild) {
          for (int k = 0; k < count; k++) {
            int b = pairBuild[k];
            buildMatched[b >>> 6] |= 1L << b;
          }
        }
        pending.add(joined(current, pairProbe, pairBuild, count));
        return;
      }
      Batch candidates = joined(current, pairProbe, pairBuild, count);
      try {
        int[] selected = residual.select(candidates, allocator);
        for (int s : selected) {
          probeMatched[pairProbe[s]] = true;
        }
        if (tracksBuild) {
          for (int s : selected) {
            int b = pairBuild[s];
            buildMatched[b >>> 6] |= 1L << b;
          }
        }
        if (emitsPairs && selected.length > 0) {
          if (selected.length == count) {
            pending.add(candidates);
            candidates = null;
          } else {
            pending.add(BatchGather.gather(candidates, selected, selected.length, allocator));
          }
        }
      } finally {
        if (candidates != null) {
          candidates.close();
        }
      }
    }

    /** Emits the current probe batch's probe-only rows, then lets go of it. */
    private void finishProbeBatch() {
      int rows = current.rowCount();
      int[] keep = new int[rows];
      int kept = 0;
      switch (type) {
        case INNER:
        case RIGHT:
        case RIGHT_SEMI:
        case RIGHT_ANTI:
        case RIGHT_NULL_AWARE_ANTI:
          break;
        case LEFT:
        case FULL:
        case ANTI:
          for (int i = 0; i < rows; i++) {
            if (!probeMatched[i]) {
              keep[kept++] = i;
            }
          }
          break;
        case SEMI:
          for (int i = 0; i < rows; i++) {
            if (probeMatched[i]) {
              keep[kept++] = i;
            }
          }
          break;
        case NULL_AWARE_ANTI:
          // A NULL probe key is unknown against any build row, so it survives only when there is
          // none; a build side with a NULL key completed the stage before probing.
          boolean[] nulls = buildRows == 0 ? null : currentNullKeys;
          for (int i = 0; i < rows; i++) {
            if (!probeMatched[i] && (nulls == null || !nulls[i])) {
              keep[kept++] = i;
            }
          }
          break;
      }
      if (kept > 0) {
        if (!emitsPairs && kept == rows && rows <= BATCH_ROWS) {
          // Every row survives: hand the batch over instead of copying it.
          pending.add(current);
          current = null;
        } else {
          queueProbeRows(current, keep, kept);
        }
      }
      if (current != null) {
        current.close();
        current = null;
      }
      currentGroups = null;
      currentNullKeys = null;
      probeMatched = null;
    }

    /**
     * Queues the probe rows {@code keep[0, kept)} of {@code probe} as output: padded with NULL
     * build columns when the join emits pairs, alone otherwise. The caller keeps the probe batch.
     */
    private void queueProbeRows(Batch probe, int[] keep, int kept) {
      int[] none = emitsPairs ? new int[Math.min(kept, BATCH_ROWS)] : null;
      if (none != null) {
        Arrays.fill(none, -1);
      }
      for (int from = 0; from < kept; from += BATCH_ROWS) {
        int n = Math.min(BATCH_ROWS, kept - from);
        int[] p = from == 0 ? keep : Arrays.copyOfRange(keep, from, from + n);
        pending.add(
            emitsPairs ? joined(probe, p, none, n) : BatchGather.gather(probe, p, n, allocator));
      }
    }

    /**
     * Queues the next batch of build rows the type emits after the probe side; false when there are
     * none left. RIGHT and FULL: the rows no pair matched, padded with NULL probe columns. The
     * RIGHT_ joins, build columns only: RIGHT_SEMI the marked rows, RIGHT_ANTI the unmarked ones,
     * RIGHT_NULL_AWARE_ANTI the unmarked ones whose key is not NULL, or all of them when there was
     * no probe row (a probe side with a NULL key completed the stage before).
     */
    private boolean emitBuildRows() {
      int[] rows = new int[BATCH_ROWS];
      int count = 0;
      long wanted = type == JoinType.RIGHT_SEMI ? 1 : 0;
      boolean dropNullKeys = type == JoinType.RIGHT_NULL_AWARE_ANTI && probeSeen && !keyless;
      while (buildCursor < buildRows && count < BATCH_ROWS) {
        int b = buildCursor++;
        if (((buildMatched[b >>> 6] >>> b) & 1L) == wanted
            && !(dropNullKeys && buildGroups[b] < 0)) {
          rows[count++] = b;
        }
      }
      if (count == 0) {
        return false;
      }
      if (!emitsPairs) {
        pending.add(BatchGather.gather(buildSide, rows, count, allocator));
        return true;
      }
      if (emptyProbe == null) {
        emptyProbe = BatchRows.fromRows(probeColumns, List.of(), allocator);
      }
      int[] none = new int[count];
      Arrays.fill(none, -1);
      pending.add(joined(emptyProbe, none, rows, count));
      return true;
    }

    /** Probe rows {@code p} side by side with build rows {@code b} (-1: NULLs). */
    private Batch joined(Batch probe, int[] p, int[] b, int count) {
      List<FieldVector> vectors = new ArrayList<>(probe.columnCount() + buildSide.columnCount());
      try {
        for (int c = 0; c < probe.columnCount(); c++) {
          vectors.add(BatchGather.gather(probe.vector(c), p, count, allocator));
        }
        for (int c = 0; c < buildSide.columnCount(); c++) {
          vectors.add(BatchGather.gather(buildSide.vector(c), b, count, allocator));
        }
      } catch (RuntimeException e) {
        BatchGather.closeAll(vectors);
        throw e;
      }
      return Batch.of(vectors, count);
    }

    @Override
    public void postStop() {
      for (Batch b : buildBatches) {
        b.close();
      }
      buildBatches.clear();
      for (Batch b : pending) {
        b.close();
      }
      pending.clear();
      if (buildSide != null) {
        buildSide.close();
        buildSide = null;
      }
      if (current != null) {
        current.close();
        current = null;
      }
      if (emptyProbe != null) {
        emptyProbe.close();
        emptyProbe = null;
      }
      // Files left open by a failure or a cancellation; the task deletes the spill folder.
      if (buildFiles != null) {
        buildFiles.close();
        buildFiles = null;
      }
      if (probeFiles != null) {
        probeFiles.close();
        probeFiles = null;
      }
      if (probeReader != null) {
        probeReader.close();
        probeReader = null;
      }
    }
  }
}
