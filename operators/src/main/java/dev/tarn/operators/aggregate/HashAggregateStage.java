package dev.tarn.operators.aggregate;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.memory.SpillSpace;
import dev.tarn.core.meta.Column;
import dev.tarn.core.plan.AggregateCall;
import dev.tarn.core.plan.AggregateStep;
import dev.tarn.core.stats.OperatorStats;
import dev.tarn.operators.exchange.PartitionFiles;
import dev.tarn.operators.exchange.SpillFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
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
 *   AGGREGATING --upstream done--> EMITTING --in-memory groups, then each partition--> done
 *     |  \
 *     |   over the spill threshold, PARTIAL: FLUSHING --groups pushed--> AGGREGATING (fresh table)
 *     over the spill threshold, SINGLE / FINAL: SPILLING --upstream done--> EMITTING
 * </pre>
 *
 * <p>Aggregating: each batch's group keys are mapped to dense group ids by a {@link
 * dev.tarn.operators.hash.GroupTable} (a primitive long table for one integer/date/timestamp key,
 * encoded byte keys otherwise); a group's key values are copied once, when the group appears; each
 * call's {@link Accumulator} then folds the batch in with one loop over primitive arrays (see
 * {@link GroupedAggregation}). Emitting: keys and results go out in batches of at most {@link
 * #BATCH_ROWS} groups.
 *
 * <p>Spilling, for grouped aggregations only (a global aggregate holds one group): once the groups'
 * estimated memory passes the {@link SpillSpace} threshold,
 *
 * <ul>
 *   <li>PARTIAL flushes: it pushes its groups downstream and starts a fresh table. A group may so
 *       leave the stage more than once; FINAL merges its partial rows, as in Trino and DataFusion.
 *   <li>SINGLE and FINAL stop creating groups: a row of a group already in memory (or with a NULL
 *       key) goes on aggregating there, any other row is written as is to one of 16 spill files
 *       chosen by its key hash ({@link PartitionFiles}). So each group lives either in memory or in
 *       exactly one file, and is emitted once. At the end each file is aggregated on its own with a
 *       fresh table, the same way, splitting again by other hash bits while it is over the
 *       threshold (up to {@link #MAX_SPLIT_LEVEL}). Because files hold input rows, not states,
 *       DISTINCT and the single-step functions need nothing special.
 * </ul>
 *
 * <p>Output: group keys in {@code groupKeys} order, then one column per call (two for AVG at
 * PARTIAL), typed as {@code outputColumns} says. Without group keys there is exactly one output row
 * even for empty input (COUNT 0, other results NULL). DISTINCT is supported at SINGLE step: a
 * second table over (group, value) lets only a value's first row through.
 */
public final class HashAggregateStage extends GraphStage<FlowShape<Batch, Batch>> {
  /** The aggregation's seed for {@link PartitionFiles} (the join uses another). */
  private static final int AGGREGATE_SEED = 101;

  /** The most groups one output batch holds. */
  public static final int BATCH_ROWS = 8192;

  /**
   * The deepest level a spilled partition is split at: 16^3 partitions spread any key set that
   * hashes well; a partition still too big past that is one heavy group mix, aggregated anyway.
   */
  private static final int MAX_SPLIT_LEVEL = 2;

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
  private final SpillSpace spill;

  /**
   * An aggregation that keeps every group in memory (the query memory limit still applies).
   *
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
    this(
        groupKeys,
        calls,
        step,
        inputColumns,
        outputColumns,
        allocator,
        stats,
        SpillSpace.disabled());
  }

  /**
   * An aggregation that bounds the memory of its groups by {@code spill}'s threshold (see the class
   * comment): PARTIAL flushes its groups downstream, SINGLE and FINAL spill input rows to partition
   * files.
   *
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
      OperatorStats stats,
      SpillSpace spill) {
    this.spill = Objects.requireNonNull(spill, "spill");
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

  /** The aggregation as a flow, spilling as {@code spill} allows. */
  public static Flow<Batch, Batch, NotUsed> flow(
      List<Integer> groupKeys,
      List<AggregateCall> calls,
      AggregateStep step,
      List<Column> inputColumns,
      List<Column> outputColumns,
      BufferAllocator allocator,
      OperatorStats stats,
      SpillSpace spill) {
    return Flow.fromGraph(
        new HashAggregateStage(
            groupKeys, calls, step, inputColumns, outputColumns, allocator, stats, spill));
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

  /** Where the stage is: see the class comment. */
  private enum Phase {
    /** Folding input rows in; every group is in memory. */
    AGGREGATING,
    /** Over the threshold at SINGLE or FINAL: known groups in memory, other rows to files. */
    SPILLING,
    /** Over the threshold at PARTIAL: pushing the partial groups, then starting afresh. */
    FLUSHING,
    /** Input done: pushing the groups in memory, then each spilled partition's groups. */
    EMITTING
  }

  /** A spilled partition's file and the level its rows were partitioned at. */
  private record SpilledPartition(Path file, int level) {}

  private final class Logic extends GraphStageLogic {
    private final ArrayDeque<SpilledPartition> partitions = new ArrayDeque<>();
    private GroupedAggregation table;
    // The partition files of the input or of the partition being read, while they are written.
    private PartitionFiles files;
    private Phase phase = Phase.AGGREGATING;
    private boolean upstreamDone;
    private int emitted;

    Logic() {
      super(shape);
      setHandler(
          in,
          new AbstractInHandler() {
            @Override
            public void onPush() {
              long start = System.nanoTime();
              long cpuStart = OperatorStats.threadCpuNanos();
              try (Batch batch = grab(in)) {
                stats.addInput(batch.rowCount());
                aggregate(batch);
              } finally {
                stats.addTime(System.nanoTime() - start, OperatorStats.threadCpuNanos() - cpuStart);
              }
              switch (phase) {
                case AGGREGATING, SPILLING -> pull(in);
                case FLUSHING -> {
                  if (isAvailable(out)) {
                    emitNext();
                  }
                }
                case EMITTING -> throw new IllegalStateException("input after upstream finished");
              }
            }

            @Override
            public void onUpstreamFinish() {
              upstreamDone = true;
              switch (phase) {
                case AGGREGATING, SPILLING -> {
                  finishInput();
                  if (isAvailable(out)) {
                    emitNext();
                  }
                }
                case FLUSHING -> {
                  // The flush in progress ends with the final groups (see emitNext).
                }
                case EMITTING -> throw new IllegalStateException("upstream finished twice");
              }
            }
          });
      setHandler(
          out,
          new AbstractOutHandler() {
            @Override
            public void onPull() {
              switch (phase) {
                case FLUSHING, EMITTING -> emitNext();
                case AGGREGATING, SPILLING -> {
                  // Nothing to push before the input is done; preStart already pulled.
                }
              }
            }
          });
    }

    @Override
    public void preStart() {
      table = newTable();
      pull(in);
    }

    private GroupedAggregation newTable() {
      return new GroupedAggregation(
          groupKeys,
          calls,
          step,
          inputColumns,
          outputColumns,
          layoutColumns,
          singleLongKey(),
          allocator);
    }

    private void aggregate(Batch batch) {
      switch (phase) {
        case AGGREGATING -> {
          table.add(batch);
          // A global aggregate holds one group: it never needs to spill.
          if (groupKeys.length > 0 && spill.shouldSpill(table.heldBytes())) {
            overThreshold();
          }
        }
        case SPILLING -> files.write(batch, table.addKnown(batch));
        case FLUSHING, EMITTING -> throw new IllegalStateException("input in phase " + phase);
      }
    }

    private void overThreshold() {
      switch (step) {
        case PARTIAL -> {
          // FINAL merges a group's partial rows however many there are, so emitting the groups
          // now and starting afresh bounds memory without any file.
          table.seal();
          emitted = 0;
          phase = Phase.FLUSHING;
        }
        case SINGLE, FINAL -> {
          files =
              new PartitionFiles(
                  "aggregate", AGGREGATE_SEED, spill, stats, groupKeys, 0, allocator);
          phase = Phase.SPILLING;
        }
      }
    }

    /** Input done: queues the spilled partitions, and emits the groups in memory first. */
    private void finishInput() {
      if (files != null) {
        queue(files.finish(), files.level());
        files = null;
      }
      table.seal();
      emitted = 0;
      phase = Phase.EMITTING;
    }

    private void queue(Path[] paths, int level) {
      for (Path path : paths) {
        if (path != null) {
          partitions.add(new SpilledPartition(path, level));
        }
      }
    }

    /**
     * Aggregates one spilled partition into a fresh table. A partition still over the threshold
     * splits again by other hash bits, up to {@link #MAX_SPLIT_LEVEL}; past that it is aggregated
     * in memory anyway (the query memory limit still applies).
     */
    private void loadPartition(SpilledPartition partition) {
      table = newTable();
      try (SpillFile.Reader reader =
          new SpillFile.Reader(partition.file(), inputColumns, allocator)) {
        for (Batch next = reader.next(); next != null; next = reader.next()) {
          try (Batch batch = next) {
            if (files != null) {
              files.write(batch, table.addKnown(batch));
            } else {
              table.add(batch);
              if (partition.level() < MAX_SPLIT_LEVEL && spill.shouldSpill(table.heldBytes())) {
                files =
                    new PartitionFiles(
                        "aggregate",
                        AGGREGATE_SEED,
                        spill,
                        stats,
                        groupKeys,
                        partition.level() + 1,
                        allocator);
              }
            }
          }
        }
      }
      if (files != null) {
        queue(files.finish(), files.level());
        files = null;
      }
      deleteQuietly(partition.file());
      table.seal();
      emitted = 0;
    }

    private void emitNext() {
      long start = System.nanoTime();
      long cpuStart = OperatorStats.threadCpuNanos();
      Batch batch;
      try {
        while (emitted >= table.groupCount()) {
          table.close();
          switch (phase) {
            case FLUSHING -> {
              table = newTable();
              phase = Phase.AGGREGATING;
              if (!upstreamDone) {
                pull(in);
                return;
              }
              finishInput();
            }
            case EMITTING -> {
              if (partitions.isEmpty()) {
                completeStage();
                return;
              }
              loadPartition(partitions.poll());
            }
            case AGGREGATING, SPILLING ->
                throw new IllegalStateException("emitting in phase " + phase);
          }
        }
        int count = Math.min(BATCH_ROWS, table.groupCount() - emitted);
        batch = table.results(emitted, count);
        emitted += count;
      } finally {
        stats.addTime(System.nanoTime() - start, OperatorStats.threadCpuNanos() - cpuStart);
      }
      stats.addOutput(batch.rowCount(), batch.sizeInBytes());
      push(out, batch);
      if (phase == Phase.EMITTING && emitted >= table.groupCount() && partitions.isEmpty()) {
        completeStage();
      }
    }

    @Override
    public void postStop() {
      if (table != null) {
        table.close();
      }
      if (files != null) {
        // Files left open by a failure or a cancellation; the task deletes the spill folder.
        files.close();
      }
    }
  }

  /** Deletes a partition file once read; the task's cleanup of the spill folder is the backstop. */
  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // Not fatal: the file is no longer needed and the task deletes the whole folder at its end.
    }
  }
}
