package dev.tarn.operators.aggregate;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.type.SqlType;
import dev.tarn.operators.expr.ArrayFunctions;
import dev.tarn.operators.expr.Lane;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * ARRAY_AGG: the group's values in input order, NULLs included (as Trino); NULL for a group with no
 * rows (a global aggregation over empty input). The values are held boxed per group, as the result
 * is a nested value anyway. SINGLE step only.
 */
final class ArrayAggAccumulator extends Accumulator {
  private final int column;
  private final SqlType type;
  private final SqlType resultType;
  private List<?>[] lists = new List<?>[16];
  private long values;

  ArrayAggAccumulator(int column, SqlType type, SqlType resultType) {
    this.column = column;
    this.type = type;
    this.resultType = resultType;
  }

  @Override
  long heldBytes(int groups) {
    // A list per group and about 32 bytes per boxed value and its slot.
    return 64L * groups + 32L * values;
  }

  @Override
  void ensure(int groups) {
    lists = Arrays.copyOf(lists, grow(lists.length, groups));
  }

  @Override
  @SuppressWarnings("unchecked")
  void add(Batch input, int[] groups, int rows) {
    Lane lane = read(input, column, type);
    for (int i = 0; i < rows; i++) {
      int g = groups[i];
      if (g < 0) {
        continue;
      }
      List<Object> list = (List<Object>) lists[g];
      if (list == null) {
        list = new ArrayList<>();
        lists[g] = list;
      }
      list.add(ArrayFunctions.boxed(lane, i));
      values++;
    }
  }

  @Override
  Lane[] results(int from, int count) {
    Object[] out = new Object[count];
    for (int i = 0; i < count; i++) {
      out[i] = lists[from + i];
    }
    return new Lane[] {ArrayFunctions.unboxed(out, resultType)};
  }
}
