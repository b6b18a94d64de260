package dev.tarn.operators.unnest;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.batch.BatchGather;
import dev.tarn.core.expr.Expr;
import dev.tarn.core.meta.Column;
import dev.tarn.core.stats.OperatorStats;
import dev.tarn.core.type.SqlType;
import dev.tarn.operators.expr.ArrayFunctions;
import dev.tarn.operators.expr.ExpressionEvaluator;
import dev.tarn.operators.expr.Lane;
import dev.tarn.operators.expr.Lanes;
import dev.tarn.operators.project.BatchMapStage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;

/**
 * UNNEST: repeats each input row once per element of its arrays and maps and appends the element
 * columns (see {@code PlanNode.Unnest} for the shape).
 *
 * <pre>
 *   input  (id=1, a=[10, 20], b=[x])    UNNEST(a, b) WITH ORDINALITY
 *   output (1, [10, 20], [x], 10, x, 1)
 *          (1, [10, 20], [x], 20, NULL, 2)   -- b is shorter: NULL
 * </pre>
 *
 * <p>An array of rows yields one column per field, a map its key and value columns.
 *
 * <p>Per batch: the arrays are evaluated, each row's output count is the longest array's size (zero
 * for empty or NULL arrays, one when {@code outer}), the input columns are gathered with the row
 * index repeated that many times, and the element columns are built from the elements. One output
 * batch per input batch; the input batch is closed once the output exists.
 */
public final class UnnestStage extends BatchMapStage {
  private final List<ExpressionEvaluator> unnested;
  private final boolean withOrdinality;
  private final boolean outer;
  private final List<Column> elementColumns;
  private final BufferAllocator allocator;

  public UnnestStage(
      List<Expr> unnested,
      boolean withOrdinality,
      boolean outer,
      List<Column> elementColumns,
      List<Column> inputColumns,
      BufferAllocator allocator,
      OperatorStats stats) {
    super("Unnest", stats);
    List<ExpressionEvaluator> compiled = new ArrayList<>();
    for (Expr e : unnested) {
      compiled.add(ExpressionEvaluator.compile(e, inputColumns));
    }
    this.unnested = List.copyOf(compiled);
    this.withOrdinality = withOrdinality;
    this.outer = outer;
    this.elementColumns = List.copyOf(elementColumns);
    this.allocator = Objects.requireNonNull(allocator, "allocator");
  }

  /** The unnested rows of one input batch (which stays owned by the caller). */
  Batch unnest(Batch input) {
    int rows = input.rowCount();
    Lane[] lanes = new Lane[unnested.size()];
    for (int k = 0; k < lanes.length; k++) {
      lanes[k] = unnested.get(k).evaluateLane(input, allocator);
    }
    int[] counts = new int[rows];
    int total = 0;
    for (int r = 0; r < rows; r++) {
      int count = outer ? 1 : 0;
      for (Lane lane : lanes) {
        count = Math.max(count, size(ArrayFunctions.boxed(lane, r)));
      }
      counts[r] = count;
      total = Math.addExact(total, count);
    }
    int[] sourceRows = new int[total];
    int at = 0;
    for (int r = 0; r < rows; r++) {
      for (int i = 0; i < counts[r]; i++) {
        sourceRows[at++] = r;
      }
    }
    List<Object[]> elements = new ArrayList<>();
    for (Lane lane : lanes) {
      boolean map = lane.type.kind() == SqlType.Kind.MAP;
      Object[] values = new Object[total];
      Object[] mapValues = map ? new Object[total] : null;
      at = 0;
      for (int r = 0; r < rows; r++) {
        Object container = ArrayFunctions.boxed(lane, r);
        if (container instanceof Map<?, ?> entries) {
          int i = at;
          for (Map.Entry<?, ?> entry : entries.entrySet()) {
            values[i] = entry.getKey();
            mapValues[i] = entry.getValue();
            i++;
          }
        } else if (container != null) {
          List<?> list = (List<?>) container;
          for (int i = 0; i < list.size(); i++) {
            values[at + i] = list.get(i);
          }
        }
        at += counts[r];
      }
      SqlType element = map ? null : lane.type.elementType();
      if (element != null && element.kind() == SqlType.Kind.ROW) {
        // An array of rows: one column per field, as Trino unnests it.
        for (int f = 0; f < element.children().size(); f++) {
          Object[] field = new Object[total];
          for (int i = 0; i < total; i++) {
            field[i] = values[i] == null ? null : ((List<?>) values[i]).get(f);
          }
          elements.add(field);
        }
      } else {
        elements.add(values);
      }
      if (map) {
        elements.add(mapValues);
      }
    }
    if (withOrdinality) {
      Object[] ordinals = new Object[total];
      at = 0;
      for (int r = 0; r < rows; r++) {
        int present = 0;
        for (Lane lane : lanes) {
          present = Math.max(present, size(ArrayFunctions.boxed(lane, r)));
        }
        for (int i = 0; i < counts[r]; i++) {
          // An outer row without elements has a NULL ordinality, as in Trino.
          ordinals[at + i] = i < present ? (Object) (long) (i + 1) : null;
        }
        at += counts[r];
      }
      elements.add(ordinals);
    }
    List<FieldVector> vectors = new ArrayList<>();
    try {
      for (int c = 0; c < input.columnCount(); c++) {
        vectors.add(BatchGather.gather(input.vector(c), sourceRows, total, allocator));
      }
      for (int k = 0; k < elements.size(); k++) {
        Column column = elementColumns.get(k);
        Lane lane = ArrayFunctions.unboxed(elements.get(k), column.type());
        vectors.add(Lanes.write(lane, column.name(), allocator));
      }
      return Batch.of(vectors, total);
    } catch (RuntimeException e) {
      BatchGather.closeAll(vectors);
      throw e;
    }
  }

  private static int size(Object container) {
    if (container == null) {
      return 0;
    }
    return container instanceof Map<?, ?> map ? map.size() : ((List<?>) container).size();
  }

  /** The unnested rows, or null when no row has an element. */
  @Override
  protected Batch map(Batch input) {
    Batch result = unnest(input);
    if (result.rowCount() == 0) {
      result.close();
      return null;
    }
    return result;
  }
}
