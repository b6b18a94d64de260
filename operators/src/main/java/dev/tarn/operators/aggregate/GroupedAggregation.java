package dev.tarn.operators.aggregate;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.batch.BatchGather;
import dev.tarn.core.meta.Column;
import dev.tarn.core.plan.AggregateCall;
import dev.tarn.core.plan.AggregateStep;
import dev.tarn.core.type.SqlType;
import dev.tarn.operators.expr.Lane;
import dev.tarn.operators.expr.Lanes;
import dev.tarn.operators.hash.GroupTable;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.util.TransferPair;

/**
 * The groups of one hash aggregation run: a {@link GroupTable} that maps group keys to dense ids,
 * one copy of each group's key values (Arrow vectors, the only off-heap memory), and one {@link
 * Accumulator} per call. {@link HashAggregateStage} keeps one for its input and, once it spilled, a
 * fresh one per spilled partition.
 *
 * <p>Lifecycle: {@link #add} (or {@link #addKnown} once the run spills) any number of batches, then
 * {@link #seal}, then {@link #results} over consecutive ranges of groups; {@link #close} frees the
 * key vectors at any point.
 */
final class GroupedAggregation implements AutoCloseable {
  /**
   * Bytes a table entry costs beyond its key values: a hash slot, an id, and the slack of a table
   * kept at most half full.
   */
  private static final long TABLE_BYTES_PER_GROUP = 32;

  /** Bytes a (group, value) pair of a DISTINCT call costs: its encoded key and a table entry. */
  private static final long DISTINCT_BYTES_PER_PAIR = 48;

  /** Groups the key vectors have room for before their first growth. */
  private static final int INITIAL_GROUPS = 256;

  private final int[] groupKeys;
  private final List<AggregateCall> calls;
  private final List<Column> inputColumns;
  private final List<Column> outputColumns;
  private final BufferAllocator allocator;
  private final GroupTable groups;
  private final Accumulator[] accumulators;
  private final GroupTable[] distinctTables;
  private final List<FieldVector> keyVectors = new ArrayList<>();
  private int groupCount;

  /**
   * @param layoutColumns where each call's intermediate columns start in a FINAL input
   * @param singleLongKey whether the one group key is read as {@code Lane.Longs}
   */
  GroupedAggregation(
      int[] groupKeys,
      List<AggregateCall> calls,
      AggregateStep step,
      List<Column> inputColumns,
      List<Column> outputColumns,
      int[] layoutColumns,
      boolean singleLongKey,
      BufferAllocator allocator) {
    this.groupKeys = groupKeys;
    this.calls = calls;
    this.inputColumns = inputColumns;
    this.outputColumns = outputColumns;
    this.allocator = allocator;
    this.groups = new GroupTable(singleLongKey, true, 1024);
    this.accumulators = new Accumulator[calls.size()];
    this.distinctTables = new GroupTable[calls.size()];
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
    try {
      for (int k = 0; k < groupKeys.length; k++) {
        FieldVector v =
            inputColumns
                .get(groupKeys[k])
                .type()
                .toField(outputColumns.get(k).name())
                .createVector(allocator);
        keyVectors.add(v);
        // Small at first: a spilled partition may hold few groups, and the vectors' capacity
        // counts toward the spill threshold; copyFromSafe doubles it as groups arrive.
        v.setInitialCapacity(INITIAL_GROUPS);
        v.allocateNew();
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Number of groups so far. */
  int groupCount() {
    return groupCount;
  }

  /**
   * An estimate of the memory the groups hold: the key vectors' buffers, the hash table, the
   * accumulators' arrays and the DISTINCT pair tables.
   */
  long heldBytes() {
    long bytes = 0;
    for (FieldVector v : keyVectors) {
      // Plain getters: getFieldBuffers() would first fill the offsets up to the value count, which
      // is only set at the end, and so corrupt a variable-width vector being filled.
      bytes += v.getValidityBuffer().capacity() + v.getDataBuffer().capacity();
      if (v instanceof BaseVariableWidthVector variable) {
        bytes += variable.getOffsetBuffer().capacity();
      }
    }
    bytes += TABLE_BYTES_PER_GROUP * groupCount;
    for (int c = 0; c < accumulators.length; c++) {
      bytes += accumulators[c].heldBytes(groupCount);
      if (distinctTables[c] != null) {
        bytes += DISTINCT_BYTES_PER_PAIR * distinctTables[c].size();
      }
    }
    return bytes;
  }

  /** Folds every row of {@code batch} in, creating groups as needed. */
  void add(Batch batch) {
    int rows = batch.rowCount();
    if (rows == 0) {
      return;
    }
    int[] ids;
    if (groupKeys.length == 0) {
      ids = new int[rows];
    } else {
      ids = groups.getOrInsert(keyLanes(batch), rows, true);
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
    accumulate(batch, ids);
  }

  /**
   * Folds in the rows of {@code batch} whose group already exists, and the rows with a NULL in
   * their key (creating their groups), without creating any other group: the mode of a run that
   * spills. NULL-keyed rows stay in memory because {@link GroupTable#find} cannot look them up (it
   * serves join probes, where NULL matches nothing); they make few groups.
   *
   * @return which rows were folded in; the caller spills the others
   */
  boolean[] addKnown(Batch batch) {
    int rows = batch.rowCount();
    boolean[] handled = new boolean[rows];
    if (rows == 0) {
      return handled;
    }
    Lane[] keys = keyLanes(batch);
    int[] ids = groups.find(keys, rows);
    int[] nullKeyed = new int[rows];
    int nullKeyedCount = 0;
    for (int i = 0; i < rows; i++) {
      if (ids[i] >= 0) {
        handled[i] = true;
        continue;
      }
      for (Lane key : keys) {
        if (key.isNull(i)) {
          handled[i] = true;
          nullKeyed[nullKeyedCount++] = i;
          break;
        }
      }
    }
    accumulate(batch, ids);
    if (nullKeyedCount > 0) {
      try (Batch nulls = BatchGather.gather(batch, nullKeyed, nullKeyedCount, allocator)) {
        add(nulls);
      }
    }
    return handled;
  }

  private Lane[] keyLanes(Batch batch) {
    Lane[] keys = new Lane[groupKeys.length];
    for (int k = 0; k < keys.length; k++) {
      keys[k] =
          Lanes.read(
              batch.vector(groupKeys[k]), inputColumns.get(groupKeys[k]).type(), batch.rowCount());
    }
    return keys;
  }

  /** Folds each row into group {@code ids[i]}; -1 skips the row. */
  private void accumulate(Batch batch, int[] ids) {
    for (int c = 0; c < accumulators.length; c++) {
      int[] callIds = distinctTables[c] == null ? ids : firstOccurrences(c, batch, ids);
      accumulators[c].add(batch, callIds, batch.rowCount());
    }
  }

  /** Group ids with -1 on rows whose (group, value) pair was already seen or that are skipped. */
  private int[] firstOccurrences(int c, Batch batch, int[] ids) {
    int rows = batch.rowCount();
    int argument = calls.get(c).argument();
    Lane value = Lanes.read(batch.vector(argument), inputColumns.get(argument).type(), rows);
    long[] groupValues = new long[rows];
    // A skipped row (a spilled one) must not leave its pair behind, nor a NULL value (that every
    // aggregate ignores): a NULL in the pair's key makes getOrInsert pass it over with id -1.
    boolean[] skipped = new boolean[rows];
    for (int i = 0; i < rows; i++) {
      groupValues[i] = ids[i];
      skipped[i] = ids[i] < 0;
    }
    GroupTable seen = distinctTables[c];
    int next = seen.size();
    int[] pairIds =
        seen.getOrInsert(
            new Lane[] {new Lane.Longs(SqlType.BIGINT, groupValues, skipped), value}, rows, false);
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

  /** Ends the adding: the key vectors take their final value count. */
  void seal() {
    for (FieldVector v : keyVectors) {
      v.setValueCount(groupCount);
    }
  }

  /**
   * Keys and results of groups {@code [from, from + count)} as a batch the caller owns, with {@code
   * outputColumns}' names and types. Only after {@link #seal}.
   */
  Batch results(int from, int count) {
    List<FieldVector> vectors = new ArrayList<>(outputColumns.size());
    try {
      for (FieldVector key : keyVectors) {
        TransferPair pair = key.getTransferPair(allocator);
        pair.splitAndTransfer(from, count);
        vectors.add((FieldVector) pair.getTo());
      }
      int column = groupKeys.length;
      for (Accumulator a : accumulators) {
        for (Lane lane : a.results(from, count)) {
          Column target = outputColumns.get(column++);
          vectors.add(Lanes.write(Lanes.cast(lane, target.type()), target.name(), allocator));
        }
      }
      return Batch.of(vectors, count);
    } catch (RuntimeException e) {
      BatchGather.closeAll(vectors);
      throw e;
    }
  }

  /** Frees the key vectors; idempotent. */
  @Override
  public void close() {
    BatchGather.closeAll(keyVectors);
    keyVectors.clear();
  }
}
