package dev.tarn.operators.join;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.batch.BatchGather;
import dev.tarn.core.batch.BatchRows;
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
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;

/**
 * Hash join of a probe input ({@code in0}) with a build input ({@code in1}) on equi keys, INNER or
 * LEFT (every probe row kept), with an optional residual predicate over the joined row.
 *
 * <pre>
 *   BUILDING --build input done--> PROBING --probe input done, output drained--> done
 *       └── build side empty and INNER: complete at once, cancelling the probe input
 * </pre>
 *
 * <p>Building pulls the whole build side, concatenates it into one batch and indexes it: a {@link
 * GroupTable} maps each distinct key to a group, {@code head[group]} is its first build row and
 * {@code next[row]} chains the rest (rows with a NULL key are never indexed: NULL matches nothing).
 * Probing maps each probe row's key to a group (-1 if absent), lists the (probe row, build row)
 * pairs, filters them by the residual, adds unmatched probe rows for LEFT, and gathers output
 * batches of at most {@link #BATCH_ROWS} rows: probe columns then build columns.
 */
public final class HashJoinStage extends GraphStage<FanInShape2<Batch, Batch, Batch>> {
  /** The most rows one output batch holds. */
  public static final int BATCH_ROWS = 8192;

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
    PROBING
  }

  /**
   * @param residual a boolean expression over probe columns followed by build columns, or null
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
    if (probeKeys.size() != buildKeys.size() || probeKeys.isEmpty()) {
      throw new IllegalArgumentException("join needs equally many probe and build keys, >= 1");
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
    private final List<Batch> buildBatches = new ArrayList<>();
    private final ArrayDeque<Batch> pending = new ArrayDeque<>();
    private Phase phase = Phase.BUILDING;
    private Batch buildSide;
    private GroupTable table;
    private int[] head;
    private int[] next;
    private boolean probeDone;

    Logic() {
      super(shape);
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
              if (type == JoinType.INNER && buildSide.rowCount() == 0) {
                // Nothing can match: stop now and cancel the probe side.
                completeStage();
                return;
              }
              phase = Phase.PROBING;
              if (isAvailable(out)) {
                pull(probeIn);
              }
            }
          });
      setHandler(
          probeIn,
          new AbstractInHandler() {
            @Override
            public void onPush() {
              long start = System.nanoTime();
              try (Batch batch = grab(probeIn)) {
                stats.addInput(batch.rowCount());
                probe(batch);
              } finally {
                stats.addWallNanos(System.nanoTime() - start);
              }
              if (pending.isEmpty()) {
                pull(probeIn);
              } else if (isAvailable(out)) {
                pushPending();
              }
            }

            @Override
            public void onUpstreamFinish() {
              probeDone = true;
              if (pending.isEmpty()) {
                completeStage();
              }
            }
          });
      setHandler(
          out,
          new AbstractOutHandler() {
            @Override
            public void onPull() {
              switch (phase) {
                case BUILDING:
                  // Output waits for the build side to finish.
                  return;
                case PROBING:
                  if (!pending.isEmpty()) {
                    pushPending();
                  } else if (probeDone) {
                    completeStage();
                  } else if (!hasBeenPulled(probeIn)) {
                    pull(probeIn);
                  }
                  return;
              }
            }
          });
    }

    @Override
    public void preStart() {
      pull(buildIn);
    }

    private void pushPending() {
      Batch batch = pending.poll();
      stats.addOutput(batch.rowCount(), batch.sizeInBytes());
      push(out, batch);
      if (pending.isEmpty() && probeDone) {
        completeStage();
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
      int rows = buildSide.rowCount();
      table = new GroupTable(longKeys, Math.max(16, rows));
      int[] ids = table.getOrInsert(keyLanes(buildSide, buildKeys, buildColumns), rows, false);
      head = new int[table.size()];
      Arrays.fill(head, -1);
      next = new int[rows];
      // Chains keep build order: insert back to front.
      for (int r = rows - 1; r >= 0; r--) {
        int g = ids[r];
        if (g >= 0) {
          next[r] = head[g];
          head[g] = r;
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

    private void probe(Batch batch) {
      int rows = batch.rowCount();
      if (rows == 0) {
        return;
      }
      int[] ids = table.find(keyLanes(batch, probeKeys, probeColumns), rows);
      int[] probeRows = new int[Math.max(16, rows)];
      int[] buildRows = new int[probeRows.length];
      int pairs = 0;
      boolean left = type == JoinType.LEFT;
      for (int i = 0; i < rows; i++) {
        int g = ids[i];
        int r = g < 0 ? -1 : head[g];
        if (r < 0) {
          if (left && residual == null) {
            if (pairs == probeRows.length) {
              probeRows = Arrays.copyOf(probeRows, pairs * 2);
              buildRows = Arrays.copyOf(buildRows, pairs * 2);
            }
            probeRows[pairs] = i;
            buildRows[pairs++] = -1;
          }
          continue;
        }
        for (; r >= 0; r = next[r]) {
          if (pairs == probeRows.length) {
            probeRows = Arrays.copyOf(probeRows, pairs * 2);
            buildRows = Arrays.copyOf(buildRows, pairs * 2);
          }
          probeRows[pairs] = i;
          buildRows[pairs++] = r;
        }
      }
      if (residual == null) {
        emitPairs(batch, probeRows, buildRows, pairs);
        return;
      }
      boolean[] matched = left ? new boolean[rows] : null;
      for (int from = 0; from < pairs; from += BATCH_ROWS) {
        int count = Math.min(BATCH_ROWS, pairs - from);
        int[] p = Arrays.copyOfRange(probeRows, from, from + count);
        int[] b = Arrays.copyOfRange(buildRows, from, from + count);
        Batch candidates = joined(batch, p, b, count);
        Batch kept;
        try {
          int[] selected = residual.select(candidates, allocator);
          if (matched != null) {
            for (int s : selected) {
              matched[p[s]] = true;
            }
          }
          if (selected.length == count) {
            kept = candidates;
            candidates = null;
          } else {
            kept =
                selected.length == 0
                    ? null
                    : BatchGather.gather(candidates, selected, selected.length, allocator);
          }
        } finally {
          if (candidates != null) {
            candidates.close();
          }
        }
        if (kept != null) {
          pending.add(kept);
        }
      }
      if (matched != null) {
        int unmatched = 0;
        int[] p = new int[rows];
        for (int i = 0; i < rows; i++) {
          if (!matched[i]) {
            p[unmatched++] = i;
          }
        }
        int[] b = new int[unmatched];
        Arrays.fill(b, -1);
        emitPairs(batch, p, b, unmatched);
      }
    }

    private void emitPairs(Batch batch, int[] probeRows, int[] buildRows, int pairs) {
      for (int from = 0; from < pairs; from += BATCH_ROWS) {
        int count = Math.min(BATCH_ROWS, pairs - from);
        int[] p = from == 0 ? probeRows : Arrays.copyOfRange(probeRows, from, from + count);
        int[] b = from == 0 ? buildRows : Arrays.copyOfRange(buildRows, from, from + count);
        pending.add(joined(batch, p, b, count));
      }
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
    }
  }
}
