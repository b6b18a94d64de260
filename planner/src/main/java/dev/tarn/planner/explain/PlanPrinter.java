package dev.tarn.planner.explain;

import dev.tarn.core.expr.Expr;
import dev.tarn.core.meta.Column;
import dev.tarn.core.plan.AggregateCall;
import dev.tarn.core.plan.SortKey;
import dev.tarn.planner.physical.PlanEstimates;
import dev.tarn.planner.physical.PlanNode;
import dev.tarn.planner.physical.PlanVisitor;
import dev.tarn.planner.stages.DistributedPlan;
import dev.tarn.planner.stages.StagePlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * EXPLAIN text for a distributed plan: stages top-down (root first, as the splitter numbers them),
 * each with its distribution and output routing, then its operators, one per line, indented under
 * their consumer. Expressions name the columns they read.
 *
 * <pre>
 * Stage 0 [SINGLE] output=RESULT
 *   RemoteSource[stage=1]
 * Stage 1 [SOURCE] output=GATHER
 *   Project[o_orderkey := o_orderkey]
 *     Filter[predicate=(o_total &gt; 10)]
 *       Scan[table=default.orders, files=3, columns=[o_orderkey, o_total]]
 * </pre>
 */
public final class PlanPrinter {
  private PlanPrinter() {}

  /** The EXPLAIN text of {@code plan}, lines separated by {@code \n}, ending with one. */
  public static String explain(DistributedPlan plan) {
    return explain(plan, PlanEstimates.NONE);
  }

  /**
   * The EXPLAIN text of {@code plan}, with the planner's estimated row count after each scan, scan
   * filter and join it estimated, as Trino prints them: {@code Estimates: {rows: 1500000}}.
   */
  public static String explain(DistributedPlan plan, PlanEstimates estimates) {
    StringBuilder out = new StringBuilder();
    for (StagePlan stage : plan.stages()) {
      out.append("Stage ")
          .append(stage.id())
          .append(" [")
          .append(stage.distribution())
          .append("] output=")
          .append(output(stage.output()))
          .append('\n');
      stage.fragment().accept(new NodePrinter(out, 1, estimates));
    }
    return out.toString();
  }

  private static String output(StagePlan.OutputPartitioning output) {
    return output.kind() == StagePlan.OutputPartitioning.Kind.HASH
        ? "HASH" + output.keys()
        : output.kind().name();
  }

  /** Prints one node line and its sources below it, one level deeper. */
  private static final class NodePrinter implements PlanVisitor<Void> {
    private final StringBuilder out;
    private final int depth;
    private final PlanEstimates estimates;

    NodePrinter(StringBuilder out, int depth, PlanEstimates estimates) {
      this.out = out;
      this.depth = depth;
      this.estimates = estimates;
    }

    private Void line(PlanNode node, String name, String... properties) {
      out.append("  ".repeat(depth)).append(name).append('[');
      out.append(String.join(", ", properties)).append(']');
      PlanEstimates.Estimate estimate = estimates.of(node);
      boolean estimated =
          node instanceof PlanNode.Scan
              || node instanceof PlanNode.Join
              || (node instanceof PlanNode.Filter filter
                  && filter.source() instanceof PlanNode.Scan);
      if (estimate != null && estimated) {
        out.append(" Estimates: {rows: ").append(Math.round(estimate.rows())).append('}');
      }
      out.append('\n');
      for (PlanNode source : node.sources()) {
        source.accept(new NodePrinter(out, depth + 1, estimates));
      }
      return null;
    }

    @Override
    public Void visitScan(PlanNode.Scan node) {
      List<String> columns = new ArrayList<>();
      for (Column column : node.outputColumns()) {
        columns.add(column.name());
      }
      if (node.limit() >= 0) {
        return line(
            node,
            "Scan",
            "table=" + node.table().qualifiedName(),
            "files=" + node.files().size(),
            "columns=" + columns,
            "limit=" + node.limit());
      }
      return line(
          node,
          "Scan",
          "table=" + node.table().qualifiedName(),
          "files=" + node.files().size(),
          "columns=" + columns);
    }

    @Override
    public Void visitFilter(PlanNode.Filter node) {
      return line(
          node, "Filter", "predicate=" + format(node.predicate(), node.source().outputColumns()));
    }

    @Override
    public Void visitProject(PlanNode.Project node) {
      List<Column> input = node.source().outputColumns();
      String[] items = new String[node.names().size()];
      for (int i = 0; i < items.length; i++) {
        items[i] = node.names().get(i) + " := " + format(node.expressions().get(i), input);
      }
      return line(node, "Project", items);
    }

    @Override
    public Void visitAggregate(PlanNode.Aggregate node) {
      List<Column> input = node.source().outputColumns();
      List<String> keys = new ArrayList<>();
      for (int key : node.groupKeys()) {
        keys.add(input.get(key).name());
      }
      List<String> calls = new ArrayList<>();
      for (AggregateCall call : node.aggregates()) {
        String function = call.function().name().toLowerCase(Locale.ROOT);
        String argument =
            call.argument() < 0
                ? "*"
                : (call.distinct() ? "DISTINCT " : "") + input.get(call.argument()).name();
        if (!Double.isNaN(call.parameter())) {
          argument += ", " + call.parameter();
        }
        calls.add(call.name() + " := " + function + "(" + argument + ")");
      }
      return line(node, "Aggregate", "step=" + node.step(), "keys=" + keys, "aggregates=" + calls);
    }

    @Override
    public Void visitJoin(PlanNode.Join node) {
      List<Column> probe = node.probe().outputColumns();
      List<Column> build = node.build().outputColumns();
      List<String> criteria = new ArrayList<>();
      for (int i = 0; i < node.probeKeys().size(); i++) {
        criteria.add(
            probe.get(node.probeKeys().get(i)).name()
                + " = "
                + build.get(node.buildKeys().get(i)).name());
      }
      String residual =
          node.residual() == null
              ? ""
              : ", residual="
                  + format(
                      node.residual(),
                      java.util.stream.Stream.concat(probe.stream(), build.stream()).toList());
      return line(node, "Join", "type=" + node.type(), "criteria=" + criteria + residual);
    }

    @Override
    public Void visitSort(PlanNode.Sort node) {
      List<Column> input = node.source().outputColumns();
      List<String> keys = new ArrayList<>();
      for (SortKey key : node.keys()) {
        keys.add(
            input.get(key.column()).name()
                + (key.ascending() ? " ASC" : " DESC")
                + (key.nullsFirst() ? " NULLS FIRST" : " NULLS LAST"));
      }
      return node.limit() >= 0
          ? line(node, "Sort", "keys=" + keys, "limit=" + node.limit())
          : line(node, "Sort", "keys=" + keys);
    }

    @Override
    public Void visitLimit(PlanNode.Limit node) {
      return line(node, "Limit", "offset=" + node.offset(), "count=" + node.count());
    }

    @Override
    public Void visitRemoteSource(PlanNode.RemoteSource node) {
      return line(node, "RemoteSource", "stage=" + node.sourceStage());
    }

    @Override
    public Void visitValues(PlanNode.Values node) {
      return line(node, "Values", "rows=" + node.rows().size());
    }

    @Override
    public Void visitUnion(PlanNode.Union node) {
      return line(node, "Union", "inputs=" + node.inputs().size());
    }

    @Override
    public Void visitWindow(PlanNode.Window node) {
      List<Column> input = node.source().outputColumns();
      List<String> partition = new ArrayList<>();
      for (int key : node.partitionKeys()) {
        partition.add(input.get(key).name());
      }
      List<String> calls = new ArrayList<>();
      for (var call : node.calls()) {
        calls.add(call.name() + "=" + call.function().name().toLowerCase(java.util.Locale.ROOT));
      }
      return line(node, "Window", "partitionBy=" + partition, "calls=" + calls);
    }

    @Override
    public Void visitUnnest(PlanNode.Unnest node) {
      List<String> unnested = new ArrayList<>();
      for (Expr e : node.unnested()) {
        unnested.add(format(e, node.source().outputColumns()));
      }
      List<String> columns = new ArrayList<>();
      for (Column c : node.elementColumns()) {
        columns.add(c.name());
      }
      return line(
          node,
          node.outer() ? "Unnest(outer)" : "Unnest",
          "unnest=" + unnested,
          "columns=" + columns + (node.withOrdinality() ? ", ordinality" : ""));
    }
  }

  /** An expression in SQL-like text, naming the input columns it reads. */
  static String format(Expr expr, List<Column> input) {
    if (expr instanceof Expr.ColumnRef ref) {
      return ref.index() < input.size() ? input.get(ref.index()).name() : ref.toString();
    }
    if (expr instanceof Expr.Literal literal) {
      if (literal.value() == null) {
        return "null";
      }
      return literal.value() instanceof String text
          ? "'" + text.replace("'", "''") + "'"
          : literal.value().toString();
    }
    Expr.Call call = (Expr.Call) expr;
    List<String> args = new ArrayList<>();
    for (Expr arg : call.args()) {
      args.add(format(arg, input));
    }
    String infix = infix(call.operator());
    if (infix != null && args.size() >= 2) {
      return "(" + String.join(" " + infix + " ", args) + ")";
    }
    if (call.operator() == Expr.Operator.CAST) {
      return "CAST(" + args.get(0) + " AS " + call.type() + ")";
    }
    return call.operator().name().toLowerCase(Locale.ROOT) + "(" + String.join(", ", args) + ")";
  }

  private static String infix(Expr.Operator operator) {
    switch (operator) {
      case ADD:
        return "+";
      case SUBTRACT:
        return "-";
      case MULTIPLY:
        return "*";
      case DIVIDE:
        return "/";
      case MODULO:
        return "%";
      case EQUAL:
        return "=";
      case NOT_EQUAL:
        return "<>";
      case LESS_THAN:
        return "<";
      case LESS_THAN_OR_EQUAL:
        return "<=";
      case GREATER_THAN:
        return ">";
      case GREATER_THAN_OR_EQUAL:
        return ">=";
      case AND:
        return "AND";
      case OR:
        return "OR";
      default:
        return null;
    }
  }
}
