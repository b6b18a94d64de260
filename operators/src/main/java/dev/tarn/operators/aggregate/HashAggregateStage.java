package dev.tarn.operators.aggregate;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.batch.BatchGather;
import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.meta.Column;
import dev.tarn.core.plan.AggregateCall;
import dev.tarn.core.plan.AggregateStep;
import dev.tarn.core.stats.OperatorStats;
import dev.tarn.core.type.SqlType;
import dev.tarn.operators.expr.Lane;
import dev.tarn.operators.expr.Lanes;
import dev.tarn.operators.hash.GroupTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.util.TransferPair;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;

/**
 * Hash aggregation, one step of SINGLE / PARTIAL / FINAL (see {@link AggregateStep}).
 *
 * <pre>
 *   AGGREGATING --upstream done--> EMITTING --every group pushed--> done
 * </pre>
 *
 * <p>Aggregating: each batch's group keys are mapped to dense group ids by a {@link GroupTable} (a
 * primitive long table for one integer/date/timestamp key, encoded byte keys otherwise); a group's
 * key values are copied once, when the group appears; each call's {@link Accumulator} then folds
 * the batch in with one loop over primitive arrays. Emitting: keys and results go out in batches of
 * at most {@link #BATCH_ROWS} groups.
 *
 * <p>Output: group keys in {@code groupKeys} order, then one column per call (two for AVG at
 * PARTIAL), typed as {@code outputColumns} says. Without group keys there is exactly one output row
 * even for empty input (COUNT 0, other results NULL). DISTINCT is supported at SINGLE step: a
 * second table over (group, value) lets only a value's first row through.
 */
public final class HashAggregateStage extends GraphStage<FlowShape<Batch, Batch>> {
  /** The most groups one output batch holds. */
  public static final int BATCH_ROWS = 8192;

  private final Inlet<Batch> in = Inlet.create("HashAggregate.in");
  private final Outlet<Batch> out = Outlet.create("HashAggregate.out");
  private final FlowShape<Batch, Batch> shape = FlowShape.of(in, out);
  private final int[] groupKeys;
  private final List<AggregateCall> calls;
  private final AggregateStep step;
  private final List<Column> inputColumns;
  private final List<Column> outputColumns;
  private final int[] layoutColumns;
  private final BufferAllocator allocator;
  private final OperatorStats stats;

  /**
   * @throws TarnException NOT_SUPPORTED for a function/type pair or DISTINCT outside SINGLE
   * @throws IllegalArgumentException if {@code outputColumns} does not match keys and calls
   */
  public HashAggregateStage(
      List<Integer> groupKeys,
      List<AggregateCall> calls,
      AggregateStep step,
      List<Column> inputColumns,
      List<Column> outputColumns,
      BufferAllocator allocator,
      OperatorStats stats) {
    this.groupKeys = new int[groupKeys.size()];
    for (int i = 0; i < this.groupKeys.length; i++) {
      this.groupKeys[i] = groupKeys.get(i);
    }
    this.calls = List.copyOf(calls);
    this.step = Objects.requireNonNull(step, "step");
    this.inputColumns = List.copyOf(inputColumns);
    this.outputColumns = List.copyOf(outputColumns);
    this.allocator = Objects.requireNonNull(allocator, "allocator");
    this.stats = Objects.requireNonNull(stats, "stats");
    int width = groupKeys.size();
    layoutColumns = new int[calls.size()];
    for (int c = 0; c < calls.size(); c++) {
      AggregateCall call = calls.get(c);
      layoutColumns[c] = width;
      width += Accumulator.width(call, step);
      if (call.distinct() && step != AggregateStep.SINGLE) {
        throw new TarnException(
            ErrorCode.NOT_SUPPORTED,
            "DISTINCT aggregates are supported in SINGLE step only, got " + step);
      }
      if (!call.function().hasPartialForm() && step != AggregateStep.SINGLE) {
        throw new TarnException(
            ErrorCode.NOT_SUPPORTED,
            call.function().name().toLowerCase(java.util.Locale.ROOT)
                + " ("
                + call.name()
                + ") has no partial form and runs in SINGLE step only, got "
                + step);
      }
      // Fails early (NOT_SUPPORTED) on a function the accumulators cannot handle.
      Accumulator.create(call, step, inputColumns, layoutColumns[c]);
    }
    if (width != outputColumns.size()) {
      throw new IllegalArgumentException(
          "aggregate output has "
              + outputColumns.size()
              + " columns, keys and calls make "
              + width);
    }
  }

  public static Flow<Batch, Batch, NotUsed> flow(
      List<Integer> groupKeys,
      List<AggregateCall> calls,
      AggregateStep step,
      List<Column> inputColumns,
      List<Column> outputColumns,
      BufferAllocator allocator,
      OperatorStats stats) {
    return Flow.fromGraph(
        new HashAggregateStage(
            groupKeys, calls, step, inputColumns, outputColumns, allocator, stats));
  }

  @Override
  public FlowShape<Batch, Batch> shape() {
    return shape;
  }

  private boolean singleLongKey() {
    if (groupKeys.length != 1) {
      return false;
    }
    switch (inputColumns.get(groupKeys[0]).type().kind()) {
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

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new Logic();
  }

  private final class Logic extends GraphStageLogic {
    private final GroupTable groups = new GroupTable(singleLongKey(), 1024);
    private final Accumulator[] accumulators = new Accumulator[calls.size()];
    private final GroupTable[] distinctTables = new GroupTable[calls.size()];
    private final List<FieldVector> keyVectors = new ArrayList<>();
    private int groupCount;
    private int emitted = -1;

    Logic() {
      super(shape);
      for (int c = 0; c < calls.size(); c++) {
        accumulators[c] = Accumulator.create(calls.get(c), step, inputColumns, layoutColumns[c]);
        if (calls.get(c).distinct()) {
          distinctTables[c] = new GroupTable(false, 1024);
        }
      }
      if (groupKeys.length == 0) {
        // Global aggregation: one group, present even when no row arrives.
        groupCount = 1;
        for (Accumulator a : accumulators) {
          a.ensure(1);
        }
      }
      setHandler(
          in,
          new AbstractInHandler() {
            @Override
            public void onPush() {
              long start = System.nanoTime();
              try (Batch batch = grab(in)) {
                stats.addInput(batch.rowCount());
                aggregate(batch);
              } finally {
                stats.addWallNanos(System.nanoTime() - start);
              }
              pull(in);
            }

            @Override
            public void onUpstreamFinish() {
              emitted = 0;
              for (FieldVector v : keyVectors) {
                v.setValueCount(groupCount);
              }
              if (isAvailable(out)) {
                emitNext();
              }
            }
          });
      setHandler(
          out,
          new AbstractOutHandler() {
            @Override
            public void onPull() {
              if (emitted >= 0) {
                emitNext();
              }
            }
          });
    }

    @Override
    public void preStart() {
      for (int k = 0; k < groupKeys.length; k++) {
        FieldVector v =
            inputColumns
                .get(groupKeys[k])
                .type()
                .toField(outputColumns.get(k).name())
                .createVector(allocator);
        keyVectors.add(v);
        v.allocateNew();
      }
      pull(in);
    }

    private void aggregate(Batch batch) {
      int rows = batch.rowCount();
      if (rows == 0) {
        return;
      }
      int[] ids;
      if (groupKeys.length == 0) {
        ids = new int[rows];
      } else {
        Lane[] keys = new Lane[groupKeys.length];
        for (int k = 0; k < keys.length; k++) {
          keys[k] =
              Lanes.read(batch.vector(groupKeys[k]), inputColumns.get(groupKeys[k]).type(), rows);
        }
        ids = groups.getOrInsert(keys, rows, true);
        int next = groupCount;
        for (int i = 0; i < rows; i++) {
          // Ids are handed out in order, so a new group's first row carries the next id.
          if (ids[i] == next) {
            for (int k = 0; k < groupKeys.length; k++) {
              keyVectors.get(k).copyFromSafe(i, next, batch.vector(groupKeys[k]));
            }
            next++;
          }
        }
        groupCount = next;
        for (Accumulator a : accumulators) {
          a.ensure(groupCount);
        }
      }
      for (int c = 0; c < accumulators.length; c++) {
        int[] callIds = distinctTables[c] == null ? ids : firstOccurrences(c, batch, ids);
        accumulators[c].add(batch, callIds, rows);
      }
    }

    /** Group ids with -1 on rows whose (group, value) pair was already seen. */
    private int[] firstOccurrences(int c, Batch batch, int[] ids) {
      int rows = batch.rowCount();
      int argument = calls.get(c).argument();
      Lane value = Lanes.read(batch.vector(argument), inputColumns.get(argument).type(), rows);
      long[] groupValues = new long[rows];
      for (int i = 0; i < rows; i++) {
        groupValues[i] = ids[i];
      }
      GroupTable seen = distinctTables[c];
      int next = seen.size();
      int[] pairIds =
          seen.getOrInsert(
              new Lane[] {new Lane.Longs(SqlType.BIGINT, groupValues, null), value}, rows, true);
      int[] out = new int[rows];
      for (int i = 0; i < rows; i++) {
        if (pairIds[i] == next) {
          out[i] = ids[i];
          next++;
        } else {
          out[i] = -1;
        }
      }
      return out;
    }

    private void emitNext() {
      if (emitted >= groupCount) {
        completeStage();
        return;
      }
      long start = System.nanoTime();
      int count = Math.min(BATCH_ROWS, groupCount - emitted);
      List<FieldVector> vectors = new ArrayList<>(outputColumns.size());
      Batch batch;
      try {
        for (FieldVector key : keyVectors) {
          TransferPair pair = key.getTransferPair(allocator);
          pair.splitAndTransfer(emitted, count);
          vectors.add((FieldVector) pair.getTo());
        }
        int column = groupKeys.length;
        for (Accumulator a : accumulators) {
          for (Lane lane : a.results(emitted, count)) {
            Column target = outputColumns.get(column++);
            vectors.add(Lanes.write(Lanes.cast(lane, target.type()), target.name(), allocator));
          }
        }
        batch = Batch.of(vectors, count);
      } catch (RuntimeException e) {
        BatchGather.closeAll(vectors);
        throw e;
      } finally {
        stats.addWallNanos(System.nanoTime() - start);
      }
      emitted += count;
      stats.addOutput(batch.rowCount(), batch.sizeInBytes());
      push(out, batch);
      if (emitted >= groupCount) {
        completeStage();
      }
    }

    @Override
    public void postStop() {
      BatchGather.closeAll(keyVectors);
      keyVectors.clear();
    }
  }
}
