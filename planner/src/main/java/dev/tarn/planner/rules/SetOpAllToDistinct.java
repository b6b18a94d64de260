package dev.tarn.planner.rules;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rel.core.SetOp;
import org.apache.calcite.rel.logical.LogicalIntersect;
import org.apache.calcite.rel.logical.LogicalMinus;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.tools.RelBuilder;

/**
 * Rewrites {@code INTERSECT ALL} and {@code EXCEPT ALL} into their DISTINCT forms by numbering the
 * copies of each row: a row that occurs m times on one side becomes (row, 1) .. (row, m), so that
 * the distinct set operation over (row, copy number) keeps exactly min(m, n) copies for INTERSECT
 * and max(m - n, 0) for EXCEPT, the multiset semantics of the ALL forms.
 *
 * <pre>
 *   A INTERSECT ALL B
 *   becomes
 *   Project(columns)
 *     Intersect(distinct)
 *       Project(columns, row_number() OVER (PARTITION BY columns))   over A
 *       Project(columns, row_number() OVER (PARTITION BY columns))   over B
 * </pre>
 *
 * EXCEPT ALL over more than two inputs is applied left to right, as SQL reads it, renumbering the
 * copies after each step. The DISTINCT forms are then planned as before (Calcite's rules into
 * aggregates).
 */
public final class SetOpAllToDistinct extends RelHomogeneousShuttle {
  private SetOpAllToDistinct() {}

  /** {@code rel} with every INTERSECT ALL and EXCEPT ALL rewritten. */
  public static RelNode rewrite(RelNode rel) {
    return rel.accept(new SetOpAllToDistinct());
  }

  @Override
  public RelNode visit(RelNode other) {
    RelNode visited = super.visit(other);
    if (!(visited instanceof LogicalIntersect || visited instanceof LogicalMinus)) {
      return visited;
    }
    SetOp setOp = (SetOp) visited;
    if (!setOp.all) {
      return visited;
    }
    boolean intersect = setOp instanceof LogicalIntersect;
    RelBuilder builder = RelFactories.LOGICAL_BUILDER.create(setOp.getCluster(), null);
    int columns = setOp.getRowType().getFieldCount();
    List<RelNode> inputs = setOp.getInputs();
    if (intersect) {
      for (RelNode input : inputs) {
        numbered(builder, input);
      }
      builder.intersect(false, inputs.size());
      keepColumns(builder, setOp, columns);
    } else {
      // Copies are renumbered after each step: A - B - C keeps m - n - k copies.
      builder.push(inputs.get(0));
      for (int i = 1; i < inputs.size(); i++) {
        numbered(builder, builder.build());
        numbered(builder, inputs.get(i));
        builder.minus(false, 2);
        keepColumns(builder, setOp, columns);
      }
    }
    return builder.build();
  }

  private static void keepColumns(RelBuilder builder, SetOp setOp, int columns) {
    List<RexNode> kept = new ArrayList<>(columns);
    for (int c = 0; c < columns; c++) {
      kept.add(builder.field(c));
    }
    builder.project(kept, setOp.getRowType().getFieldNames());
  }

  /** Pushes {@code input} with a copy number per row appended. */
  private static void numbered(RelBuilder builder, RelNode input) {
    builder.push(input);
    List<RexNode> fields = new ArrayList<>(builder.fields());
    RexNode copy =
        builder
            .aggregateCall(SqlStdOperatorTable.ROW_NUMBER)
            .over()
            .partitionBy(fields)
            .orderBy(fields)
            .toRex();
    List<RexNode> projected = new ArrayList<>(fields);
    projected.add(copy);
    builder.project(projected);
  }
}
