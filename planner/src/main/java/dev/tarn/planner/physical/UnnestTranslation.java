package dev.tarn.planner.physical;

import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.expr.Expr;
import dev.tarn.core.meta.Column;
import dev.tarn.core.type.SqlType;
import dev.tarn.planner.schema.TypeConversion;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Correlate;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.Uncollect;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexCorrelVariable;
import org.apache.calcite.rex.RexFieldAccess;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexUtil;

/**
 * UNNEST as Calcite plans it, translated to {@link PlanNode.Unnest}.
 *
 * <pre>
 *   FROM t CROSS JOIN UNNEST(t.a) AS u(x)
 *
 *   Correlate($cor0, INNER)                       Unnest[unnest=[a], columns=[x]]
 *     TableScan(t)                         ->       Scan[t]
 *     Uncollect
 *       Project($cor0.a)
 * </pre>
 *
 * The correlated project's references to {@code $cor0} become references to the left input's
 * columns. A LEFT correlate ({@code LEFT JOIN UNNEST(...) ON true}) is an outer unnest. An
 * Uncollect without a correlate ({@code FROM UNNEST(ARRAY[1, 2])}) unnests its input's columns and
 * keeps only the element columns.
 */
final class UnnestTranslation {
  private UnnestTranslation() {}

  static PlanNode correlate(
      PlanTranslator translator, ExpressionTranslator expressions, Correlate correlate) {
    RelNode right = correlate.getRight();
    // A predicate on the element columns alone may have been pushed onto the unnest side.
    Filter filter = null;
    if (right instanceof Filter pushed && correlate.getJoinType() == JoinRelType.INNER) {
      filter = pushed;
      right = pushed.getInput();
    }
    if (!(right instanceof Uncollect uncollect)
        || !(uncollect.getInput() instanceof Project project)
        || (correlate.getJoinType() != JoinRelType.INNER
            && correlate.getJoinType() != JoinRelType.LEFT)) {
      throw new TarnException(
          ErrorCode.NOT_SUPPORTED,
          "Correlated sub-queries of this shape are not supported (only UNNEST)");
    }
    PlanNode left = translator.translate(correlate.getLeft());
    RexShuttle uncorrelate =
        new RexShuttle() {
          @Override
          public RexNode visitFieldAccess(RexFieldAccess access) {
            if (access.getReferenceExpr() instanceof RexCorrelVariable variable
                && variable.id.equals(correlate.getCorrelationId())) {
              return new RexInputRef(access.getField().getIndex(), access.getField().getType());
            }
            return super.visitFieldAccess(access);
          }
        };
    List<Expr> unnested = new ArrayList<>();
    for (RexNode node : project.getProjects()) {
      unnested.add(expressions.translate(node.accept(uncorrelate), null));
    }
    PlanNode unnest =
        unnest(left, unnested, uncollect, correlate.getJoinType() == JoinRelType.LEFT);
    if (filter == null) {
      return unnest;
    }
    int leftCount = correlate.getLeft().getRowType().getFieldCount();
    return new PlanNode.Filter(
        unnest, expressions.translate(RexUtil.shift(filter.getCondition(), leftCount), null));
  }

  static PlanNode uncollect(
      PlanTranslator translator, ExpressionTranslator expressions, Uncollect uncollect) {
    PlanNode input = translator.translate(uncollect.getInput());
    List<Column> columns = input.outputColumns();
    List<Expr> unnested = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      unnested.add(new Expr.ColumnRef(i, columns.get(i).type()));
    }
    PlanNode.Unnest unnest = unnest(input, unnested, uncollect, false);
    List<Expr> kept = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<Column> output = unnest.outputColumns();
    for (int i = columns.size(); i < output.size(); i++) {
      kept.add(new Expr.ColumnRef(i, output.get(i).type()));
      names.add(output.get(i).name());
    }
    return new PlanNode.Project(unnest, kept, names);
  }

  private static PlanNode.Unnest unnest(
      PlanNode source, List<Expr> unnested, Uncollect uncollect, boolean outer) {
    List<RelDataTypeField> fields = uncollect.getRowType().getFieldList();
    int expected = uncollect.withOrdinality ? 1 : 0;
    for (Expr e : unnested) {
      SqlType.Kind kind = e.type().kind();
      if (kind != SqlType.Kind.ARRAY && kind != SqlType.Kind.MAP) {
        throw new TarnException(
            ErrorCode.TYPE_MISMATCH, "UNNEST takes arrays and maps, not " + e.type());
      }
      if (kind == SqlType.Kind.MAP) {
        expected += 2;
      } else if (e.type().elementType().kind() == SqlType.Kind.ROW) {
        // Calcite, like Trino, spreads an array of rows over the rows' fields.
        expected += e.type().elementType().children().size();
      } else {
        expected++;
      }
    }
    if (fields.size() != expected) {
      throw new TarnException(
          ErrorCode.NOT_SUPPORTED,
          "UNNEST yielding " + fields.size() + " columns from " + unnested + " is not supported");
    }
    List<Column> columns = new ArrayList<>();
    for (RelDataTypeField field : fields) {
      columns.add(new Column(field.getName(), TypeConversion.toSqlType(field.getType())));
    }
    return new PlanNode.Unnest(source, unnested, uncollect.withOrdinality, outer, columns);
  }
}
