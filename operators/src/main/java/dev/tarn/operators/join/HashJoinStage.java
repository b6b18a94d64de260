package dev.tarn.operators.join;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.batch.BatchGather;
import dev.tarn.core.batch.BatchRows;
import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.expr.Expr;
import dev.tarn.core.meta.Column;
import dev.tarn.core.plan.JoinType;
import dev.tarn.core.stats.OperatorStats;
import dev.tarn.core.type.SqlType;
import dev.tarn.operators.expr.ExpressionEvaluator;
import dev.tarn.operators.expr.Lane;
import dev.tarn.operators.expr.Lanes;
import dev.tarn.operators.hash.GroupTable;
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
 * columns then build columns, or probe columns only for SEMI, ANTI and NULL_AWARE_ANTI.
 *
 * <pre>
 *   BUILDING ──build done──▶ PROBING ──probe done──▶ UNMATCHED_BUILD ──▶ complete
 *      │                        │                    (RIGHT, FULL only)
 *      │                        └── probe done, not RIGHT/FULL ──▶ complete
 *      ├── probe done first and not RIGHT/FULL: complete, cancelling the build input
 *      └── nothing can come out (empty build side and INNER/SEMI/RIGHT, or NOT IN over a build
 *          side with a NULL key): complete, cancelling the probe input
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
 * residual is TRUE (or there is none); matches mark their probe row, and for RIGHT/FULL their build
 * row in a bitset. When the batch's candidates are exhausted its probe-only rows follow: unmatched
 * rows padded with NULLs (LEFT, FULL), matched rows (SEMI) or unmatched rows (ANTI). After the
 * probe side, RIGHT and FULL emit the build rows no pair matched, padded with NULL probe columns.
 *
 * <p>NULL_AWARE_ANTI is {@code NOT IN}: an empty build side keeps every probe row, a build side
 * with a NULL key keeps none, otherwise the probe rows whose key is not NULL and has no match. It
 * supports one key and no residual; anything else fails with {@link ErrorCode#NOT_SUPPORTED}.
 */
public final class HashJoinStage extends GraphStage<FanInShape2<Batch, Batch, Batch>> {
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

  private enum Phase {
    BUILDING,
    PROBING,
    UNMATCHED_BUILD
  }

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
    if (type == JoinType.NULL_AWARE_ANTI && residual != null) {
      // A residual makes NOT IN depend on which NULL comparisons the residual would have let
      // through; rather than guess, refuse.
      throw new TarnException(
          ErrorCode.NOT_SUPPORTED,
          "NOT IN with a condition besides the equality of its values is not supported: "
              + residual);
    }
    if (type == JoinType.NULL_AWARE_ANTI && probeKeys.size() > 1) {
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
    private final boolean emitsPairs = !type.probeColumnsOnly();
    private final boolean tracksBuild = type == JoinType.RIGHT || type == JoinType.FULL;
    // SEMI and ANTI only ask whether a probe row has a match: once it has, skip its other pairs.
    private final boolean skipMatched = type.probeColumnsOnly();
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

    // The probe batch being joined and the cursor over its candidate pairs.
    private Batch current;
    private int[] currentGroups;
    private boolean[] currentNullKeys;
    private boolean[] probeMatched;
    private int cursorRow;
    private int cursorBuild;
    private boolean probeDone;

    // RIGHT and FULL after the probe side: the next build row to consider, and NULL probe columns.
    private int unmatchedCursor;
    private Batch emptyProbe;

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
              } else {
                buildBatches.add(batch);
              }
              pull(buildIn);
            }

            @Override
            public void onUpstreamFinish() {
              long start = System.nanoTime();
              try {
                buildTable();
              } finally {
                stats.addWallNanos(System.nanoTime() - start);
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
              current = batch;
              long start = System.nanoTime();
              try {
                startProbeBatch();
              } finally {
                stats.addWallNanos(System.nanoTime() - start);
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
                  if (!tracksBuild) {
                    // No probe rows: only RIGHT and FULL have anything to say about build rows.
                    if (isAvailable(buildIn)) {
                      // A batch pushed but not yet grabbed would be dropped unclosed by cancel.
                      grab(buildIn).close();
                    }
                    completeStage();
                  }
                  return;
                case PROBING:
                case UNMATCHED_BUILD:
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
      return buildRows == 0
          && (type == JoinType.INNER || type == JoinType.SEMI || type == JoinType.RIGHT);
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
            // Output waits for the build side.
            return;
          case PROBING:
            if (current != null) {
              if (++steps > STEPS_PER_TURN) {
                resume.invoke(null);
                return;
              }
              long start = System.nanoTime();
              try {
                step();
              } finally {
                stats.addWallNanos(System.nanoTime() - start);
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
            phase = Phase.UNMATCHED_BUILD;
            continue;
          case UNMATCHED_BUILD:
            if (!emitUnmatchedBuild()) {
              completeStage();
              return;
            }
            continue;
        }
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
      table = new GroupTable(longKeys, Math.max(16, buildRows));
      int[] ids = table.getOrInsert(keyLanes(buildSide, buildKeys, buildColumns), buildRows, false);
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

    private void startProbeBatch() {
      int rows = current.rowCount();
      if (!keyless) {
        Lane[] lanes = keyLanes(current, probeKeys, probeColumns);
        currentGroups = table.find(lanes, rows);
        // NULL_AWARE_ANTI has exactly one key (checked on construction).
        currentNullKeys = type == JoinType.NULL_AWARE_ANTI ? lanes[0].nulls : null;
      }
      probeMatched = new boolean[rows];
      cursorRow = 0;
      cursorBuild = NOT_STARTED;
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
          pairProbe[count] = i;
          pairBuild[count++] = r;
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
        if (emitsPairs) {
          int[] none = new int[Math.min(kept, BATCH_ROWS)];
          Arrays.fill(none, -1);
          for (int from = 0; from < kept; from += BATCH_ROWS) {
            int n = Math.min(BATCH_ROWS, kept - from);
            int[] p = from == 0 ? keep : Arrays.copyOfRange(keep, from, from + n);
            pending.add(joined(current, p, none, n));
          }
        } else if (kept == rows && rows <= BATCH_ROWS) {
          // Every row survives: hand the batch over instead of copying it.
          pending.add(current);
          current = null;
        } else {
          for (int from = 0; from < kept; from += BATCH_ROWS) {
            int n = Math.min(BATCH_ROWS, kept - from);
            int[] p = from == 0 ? keep : Arrays.copyOfRange(keep, from, from + n);
            pending.add(BatchGather.gather(current, p, n, allocator));
          }
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

    /** Queues the next batch of build rows no pair matched; false when there are none left. */
    private boolean emitUnmatchedBuild() {
      int[] rows = new int[BATCH_ROWS];
      int count = 0;
      while (unmatchedCursor < buildRows && count < BATCH_ROWS) {
        int b = unmatchedCursor++;
        if ((buildMatched[b >>> 6] & (1L << b)) == 0) {
          rows[count++] = b;
        }
      }
      if (count == 0) {
        return false;
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
    }
  }
}
