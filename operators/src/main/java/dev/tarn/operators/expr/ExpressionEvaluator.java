package dev.tarn.operators.expr;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.expr.Expr;
import dev.tarn.core.expr.Expr.Operator;
import dev.tarn.core.meta.Column;
import dev.tarn.core.type.SqlType;
import dev.tarn.core.type.SqlType.Kind;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.util.TransferPair;

/**
 * An {@link Expr} compiled for vectorized evaluation over whole batches.
 *
 * <p>Compilation checks every operator against its argument types once (unsupported combinations
 * are NOT_SUPPORTED errors here, not at run time) and builds a tree of nodes. Evaluation walks the
 * tree once per batch, node by node: each node turns its children's {@link Lane}s into its own lane
 * with one type-specialized loop. Nothing dispatches per row.
 *
 * <pre>
 *   price * (1 - discount) > 100
 *     GREATER_THAN ── MULTIPLY ── $0 (read once into a lane)
 *          │              └── SUBTRACT ── 1, $1
 *          └── 100
 * </pre>
 *
 * <p>Ownership: {@link #evaluate} returns a new vector the caller owns and must close; the input
 * batch stays owned by the caller. Intermediate lanes are plain Java arrays, so an error part way
 * (division by zero) leaves no Arrow memory behind.
 *
 * <p>Nodes evaluate over a batch's rows or over a selection of them (ascending row numbers): only
 * the leaves read the batch, at the selected rows, and every lane above holds one value per
 * selected row. Selections are how evaluation skips rows:
 *
 * <ul>
 *   <li>CASE evaluates a branch only over the rows that take it (so {@code CASE WHEN b <> 0 THEN a
 *       / b END} never divides by zero);
 *   <li>AND and OR evaluate an argument that may fail only over the rows still undecided, and
 *       {@link #select} evaluates a filter's conjuncts one after the other over the rows still
 *       kept, as Trino short-circuits ({@code x <> 0 AND 10 / x > 1} never divides by zero);
 *   <li>COALESCE evaluates all its arguments over all rows.
 * </ul>
 */
public final class ExpressionEvaluator {
  private final Expr expr;
  private final Node root;

  /** What {@link #select} evaluates in turn; empty unless the expression is boolean. */
  private final Node[] conjuncts;

  private ExpressionEvaluator(Expr expr, Node root) {
    this.expr = expr;
    this.root = root;
    this.conjuncts = root.type.kind() == Kind.BOOLEAN ? conjuncts(root) : new Node[0];
  }

  /**
   * Compiles {@code expr} over input batches with {@code inputColumns}.
   *
   * @throws TarnException NOT_SUPPORTED naming the operator and types it cannot evaluate
   */
  public static ExpressionEvaluator compile(Expr expr, List<Column> inputColumns) {
    Objects.requireNonNull(expr, "expr");
    Objects.requireNonNull(inputColumns, "inputColumns");
    return new ExpressionEvaluator(expr, new Compiler(inputColumns).compile(expr));
  }

  public Expr expr() {
    return expr;
  }

  public SqlType type() {
    return root.type;
  }

  /**
   * The expression's value for every row of {@code input}, as a new vector (allocated from {@code
   * allocator}, owned by the caller). A bare column reference is a zero-copy slice of the input
   * vector.
   */
  public FieldVector evaluate(Batch input, BufferAllocator allocator, String name) {
    if (root instanceof ColumnNode column) {
      FieldVector source = input.vector(column.index);
      TransferPair pair = source.getTransferPair(name, allocator);
      pair.splitAndTransfer(0, input.rowCount());
      return (FieldVector) pair.getTo();
    }
    return Lanes.write(root.eval(Rows.all(input), allocator), name, allocator);
  }

  /** The expression's value as a lane (no Arrow memory is retained). */
  public Lane evaluateLane(Batch input, BufferAllocator allocator) {
    return root.eval(Rows.all(input), allocator);
  }

  /**
   * The rows (ascending) for which a boolean expression is TRUE; NULL and FALSE rows are left out.
   * {@code allocator} serves nothing that outlives the call.
   *
   * <p>A conjunction is evaluated conjunct by conjunct, each over the rows the previous ones kept
   * (a NULL conjunct drops its row as a FALSE one does): later conjuncts read fewer rows, and a
   * conjunct never fails on a row already dropped ({@code x <> 0 AND 10 / x > 1} is no division by
   * zero), as Trino's AND short-circuits. In-place column comparisons, which cannot fail, run
   * first; the others keep their written order.
   */
  public int[] select(Batch input, BufferAllocator allocator) {
    if (root.type.kind() != Kind.BOOLEAN) {
      throw new IllegalStateException("select needs a boolean expression, got " + root.type);
    }
    int n = input.rowCount();
    int[] rows = null;
    int count = n;
    for (Node conjunct : conjuncts) {
      if (count == 0) {
        break;
      }
      int[] out = rows == null ? new int[n] : rows;
      count = conjunct.select(new Rows(input, rows, count), out, allocator);
      rows = out;
    }
    if (rows == null) {
      // Only an empty batch gets here: every conjunct was skipped.
      return new int[0];
    }
    return count == rows.length ? rows : Arrays.copyOf(rows, count);
  }

  /**
   * The conjuncts of the root (itself when it is no AND), nested ANDs flattened, the in-place
   * column comparisons first: moving a conjunct that cannot fail ahead of others only spares the
   * others rows, it never makes an error appear.
   */
  private static Node[] conjuncts(Node root) {
    List<Node> all = new ArrayList<>();
    flattenAnd(root, all);
    List<Node> ordered = new ArrayList<>(all.size());
    List<Node> others = new ArrayList<>();
    for (Node node : all) {
      if (node instanceof ColumnPredicateNode || node instanceof ColumnPairNode) {
        ordered.add(node);
      } else {
        others.add(node);
      }
    }
    ordered.addAll(others);
    return ordered.toArray(new Node[0]);
  }

  private static void flattenAnd(Node node, List<Node> out) {
    if (node instanceof CallNode call && call.op == Operator.AND) {
      for (Node arg : call.args) {
        flattenAnd(arg, out);
      }
    } else {
      out.add(node);
    }
  }

  @Override
  public String toString() {
    return expr.toString();
  }

  /** A compiled expression node. */
  private abstract static class Node {
    final SqlType type;

    Node(SqlType type) {
      this.type = type;
    }

    abstract Lane eval(Rows input, BufferAllocator allocator);

    /**
     * For a boolean node: the rows of {@code input} (batch row numbers, ascending) where the value
     * is TRUE, written to {@code out} (which may be {@code input.rows}); returns how many.
     */
    int select(Rows input, int[] out, BufferAllocator allocator) {
      Lane.Bools lane = (Lane.Bools) eval(input, allocator);
      boolean[] values = lane.values;
      boolean[] nulls = lane.nulls;
      int[] rows = input.rows;
      int count = 0;
      for (int i = 0; i < input.count; i++) {
        // Written unconditionally, kept by advancing: no branch to mispredict per row.
        out[count] = rows == null ? i : rows[i];
        count += values[i] && (nulls == null || !nulls[i]) ? 1 : 0;
      }
      return count;
    }

    /** Whether evaluating may raise an error for some row values (to decide CASE laziness). */
    abstract boolean mayFail();
  }

  /**
   * The rows a node evaluates over: all rows of a batch ({@code rows} null), or the batch rows
   * {@code rows[0..count)}, ascending. Every lane a node returns holds one value per row evaluated,
   * in this order; only the leaves (column reads and in-place comparisons) look at the batch.
   */
  private static final class Rows {
    final Batch batch;
    final int[] rows;
    final int count;

    Rows(Batch batch, int[] rows, int count) {
      this.batch = batch;
      this.rows = rows;
      this.count = count;
    }

    static Rows all(Batch batch) {
      return new Rows(batch, null, batch.rowCount());
    }

    /** The rows at positions {@code positions[0..size)} of these rows (ascending positions). */
    Rows pick(int[] positions, int size) {
      if (rows != null) {
        int[] picked = new int[size];
        for (int i = 0; i < size; i++) {
          picked[i] = rows[positions[i]];
        }
        return new Rows(batch, picked, size);
      }
      return new Rows(batch, positions, size);
    }
  }

  private static final class ColumnNode extends Node {
    final int index;

    ColumnNode(int index, SqlType type) {
      super(type);
      this.index = index;
    }

    @Override
    Lane eval(Rows input, BufferAllocator allocator) {
      FieldVector vector = input.batch.vector(index);
      return Lanes.read(vector, type, input.rows, input.count);
    }

    @Override
    boolean mayFail() {
      return false;
    }
  }

  /** Two columns of one type compared in place ({@link ColumnPredicates#compareColumns}). */
  private static final class ColumnPairNode extends Node {
    final ColumnNode left;
    final ColumnNode right;
    final Operator op;

    ColumnPairNode(ColumnNode left, ColumnNode right, Operator op) {
      super(SqlType.BOOLEAN);
      this.left = left;
      this.right = right;
      this.op = op;
    }

    @Override
    Lane eval(Rows input, BufferAllocator allocator) {
      return ColumnPredicates.compareColumns(
          input.batch.vector(left.index),
          input.batch.vector(right.index),
          left.type,
          input.rows,
          input.count,
          op);
    }

    @Override
    boolean mayFail() {
      return false;
    }
  }

  /** A column compared with constants in place ({@link ColumnPredicates}). */
  private static final class ColumnPredicateNode extends Node {
    final ColumnNode column;
    final Operator op;
    final ColumnPredicates.Key[] keys;

    ColumnPredicateNode(ColumnNode column, Operator op, ColumnPredicates.Key[] keys) {
      super(SqlType.BOOLEAN);
      this.column = column;
      this.op = op;
      this.keys = keys;
    }

    @Override
    Lane eval(Rows input, BufferAllocator allocator) {
      FieldVector vector = input.batch.vector(column.index);
      return op == Operator.IN
          ? ColumnPredicates.in(vector, column.type, input.rows, input.count, keys)
          : ColumnPredicates.compare(vector, column.type, input.rows, input.count, op, keys[0]);
    }

    @Override
    int select(Rows input, int[] out, BufferAllocator allocator) {
      if (op == Operator.IN) {
        return super.select(input, out, allocator);
      }
      return ColumnPredicates.select(
          input.batch.vector(column.index), column.type, input.rows, input.count, op, keys[0], out);
    }

    @Override
    boolean mayFail() {
      return false;
    }
  }

  private static final class LiteralNode extends Node {
    final Object value;

    LiteralNode(Object value, SqlType type) {
      super(type);
      this.value = value;
    }

    @Override
    Lane eval(Rows input, BufferAllocator allocator) {
      return Lanes.constant(value, type, input.count);
    }

    @Override
    boolean mayFail() {
      return false;
    }
  }

  /** An array, map or row function, evaluated by {@link ArrayFunctions}. */
  private static final class NestedCallNode extends Node {
    final Expr.Call call;
    final Node[] args;

    NestedCallNode(Expr.Call call, Node[] args) {
      super(call.type());
      this.call = call;
      this.args = args;
    }

    @Override
    Lane eval(Rows input, BufferAllocator allocator) {
      Lane[] lanes = new Lane[args.length];
      for (int i = 0; i < args.length; i++) {
        lanes[i] = args[i].eval(input, allocator);
      }
      return ArrayFunctions.eval(call, lanes, input.count);
    }

    @Override
    boolean mayFail() {
      if (ArrayFunctions.mayFail(call.operator())) {
        return true;
      }
      for (Node arg : args) {
        if (arg.mayFail()) {
          return true;
        }
      }
      return false;
    }
  }

  private static final class CallNode extends Node {
    final Operator op;
    final Node[] args;
    final LikeMatcher like;

    /** What compilation prepared from constant arguments: a Pattern, a unit, a format. */
    final Object state;

    CallNode(Operator op, Node[] args, SqlType type, LikeMatcher like) {
      this(op, args, type, like, null);
    }

    CallNode(Operator op, Node[] args, SqlType type, LikeMatcher like, Object state) {
      super(type);
      this.op = op;
      this.args = args;
      this.like = like;
      this.state = state;
    }

    @Override
    boolean mayFail() {
      switch (op) {
        case DIVIDE:
        case MODULO:
        case CAST:
        case SPLIT_PART:
        case LPAD:
        case RPAD:
        case DATE_ADD:
        case DATE_PARSE:
        case FROM_ISO8601_TIMESTAMP:
        case REGEXP_REPLACE:
        case JSON_PARSE:
        case RANDOM:
          return true;
        default:
          break;
      }
      for (Node arg : args) {
        if (arg.mayFail()) {
          return true;
        }
      }
      return false;
    }

    @Override
    Lane eval(Rows input, BufferAllocator allocator) {
      switch (op) {
        case ADD:
        case SUBTRACT:
        case MULTIPLY:
        case DIVIDE:
        case MODULO:
          return Arithmetic.binary(
              op, args[0].eval(input, allocator), args[1].eval(input, allocator), type);
        case NEGATE:
          return Arithmetic.negate(args[0].eval(input, allocator), type);
        case EQUAL:
        case NOT_EQUAL:
        case LESS_THAN:
        case LESS_THAN_OR_EQUAL:
        case GREATER_THAN:
        case GREATER_THAN_OR_EQUAL:
        case IS_DISTINCT_FROM:
        case IS_NOT_DISTINCT_FROM:
          return Comparison.compare(
              op, args[0].eval(input, allocator), args[1].eval(input, allocator));
        case AND:
        case OR:
          return logic(op == Operator.AND, input, allocator);
        case NOT:
          {
            Lane.Bools in = (Lane.Bools) args[0].eval(input, allocator);
            boolean[] out = new boolean[in.size];
            for (int i = 0; i < out.length; i++) {
              out[i] = !in.values[i];
            }
            return new Lane.Bools(out, in.nulls);
          }
        case IS_NULL:
        case IS_NOT_NULL:
          {
            Lane in = args[0].eval(input, allocator);
            boolean[] out = new boolean[in.size];
            boolean want = op == Operator.IS_NULL;
            for (int i = 0; i < out.length; i++) {
              out[i] = in.isNull(i) == want;
            }
            return new Lane.Bools(out, null);
          }
        case IS_TRUE:
        case IS_FALSE:
          {
            Lane.Bools in = (Lane.Bools) args[0].eval(input, allocator);
            boolean[] out = new boolean[in.size];
            boolean want = op == Operator.IS_TRUE;
            for (int i = 0; i < out.length; i++) {
              out[i] = !in.isNull(i) && in.values[i] == want;
            }
            return new Lane.Bools(out, null);
          }
        case CAST:
          return Casts.cast(args[0].eval(input, allocator), type);
        case LIKE:
          return like.match((Lane.Strings) args[0].eval(input, allocator));
        case IN:
          throw new AssertionError("IN is rewritten to OR at compile time");
        case CASE:
          return caseWhen(input, allocator);
        case COALESCE:
          {
            Lane[] lanes = new Lane[args.length];
            for (int k = 0; k < args.length; k++) {
              lanes[k] = args[k].eval(input, allocator);
            }
            int n = input.count;
            int[] choice = new int[n];
            for (int i = 0; i < n; i++) {
              choice[i] = -1;
              for (int k = 0; k < lanes.length; k++) {
                if (!lanes[k].isNull(i)) {
                  choice[i] = k;
                  break;
                }
              }
            }
            return Lanes.choose(type, lanes, choice, null);
          }
        case LOWER:
        case UPPER:
          return Functions.changeCase(
              (Lane.Strings) args[0].eval(input, allocator), op == Operator.UPPER);
        case SUBSTRING:
          return Functions.substring(
              (Lane.Strings) args[0].eval(input, allocator),
              (Lane.Longs) args[1].eval(input, allocator),
              args.length > 2 ? (Lane.Longs) args[2].eval(input, allocator) : null);
        case CONCAT:
          {
            Lane.Strings[] lanes = new Lane.Strings[args.length];
            for (int k = 0; k < args.length; k++) {
              lanes[k] = (Lane.Strings) args[k].eval(input, allocator);
            }
            return Functions.concat(lanes, type);
          }
        case LENGTH:
          return Casts.cast(Functions.length((Lane.Strings) args[0].eval(input, allocator)), type);
        case TRIM:
          return Functions.trim((Lane.Strings) args[0].eval(input, allocator));
        case EXTRACT_YEAR:
        case EXTRACT_MONTH:
        case EXTRACT_DAY:
          return Casts.cast(
              Functions.extract(op, (Lane.Longs) args[0].eval(input, allocator)), type);
        case LTRIM:
        case RTRIM:
          return TextFunctions.trimSide(
              (Lane.Strings) args[0].eval(input, allocator), op == Operator.LTRIM);
        case REPLACE:
          return TextFunctions.replace(
              (Lane.Strings) args[0].eval(input, allocator),
              (Lane.Strings) args[1].eval(input, allocator),
              args.length > 2 ? (Lane.Strings) args[2].eval(input, allocator) : null);
        case SPLIT_PART:
          return TextFunctions.splitPart(
              (Lane.Strings) args[0].eval(input, allocator),
              (Lane.Strings) args[1].eval(input, allocator),
              (Lane.Longs) args[2].eval(input, allocator));
        case STRPOS:
          return Casts.cast(
              TextFunctions.strpos(
                  (Lane.Strings) args[0].eval(input, allocator),
                  (Lane.Strings) args[1].eval(input, allocator)),
              type);
        case LPAD:
        case RPAD:
          return TextFunctions.pad(
              (Lane.Strings) args[0].eval(input, allocator),
              (Lane.Longs) args[1].eval(input, allocator),
              (Lane.Strings) args[2].eval(input, allocator),
              op == Operator.LPAD);
        case REVERSE:
          return TextFunctions.reverse((Lane.Strings) args[0].eval(input, allocator));
        case STARTS_WITH:
          return TextFunctions.startsWith(
              (Lane.Strings) args[0].eval(input, allocator),
              (Lane.Strings) args[1].eval(input, allocator));
        case REGEXP_LIKE:
          return TextFunctions.regexpLike(
              (Lane.Strings) args[0].eval(input, allocator), (Pattern) state);
        case REGEXP_EXTRACT:
          {
            Object[] extract = (Object[]) state;
            return TextFunctions.regexpExtract(
                (Lane.Strings) args[0].eval(input, allocator),
                (Pattern) extract[0],
                (Integer) extract[1]);
          }
        case REGEXP_REPLACE:
          return TextFunctions.regexpReplace(
              (Lane.Strings) args[0].eval(input, allocator),
              (Pattern) state,
              args.length > 2 ? (Lane.Strings) args[2].eval(input, allocator) : null);
        case JSON_EXTRACT:
        case JSON_EXTRACT_SCALAR:
        case JSON_SIZE:
          return Casts.cast(
              JsonFunctions.extract(
                  (Lane.Strings) args[0].eval(input, allocator),
                  (JsonFunctions.Path) state,
                  op == Operator.JSON_EXTRACT
                      ? JsonFunctions.Result.JSON
                      : op == Operator.JSON_SIZE
                          ? JsonFunctions.Result.SIZE
                          : JsonFunctions.Result.SCALAR),
              type);
        case JSON_PARSE:
          return JsonFunctions.parse((Lane.Strings) args[0].eval(input, allocator));
        case JSON_FORMAT:
          return args[0].eval(input, allocator);
        case JSON_ARRAY_LENGTH:
          return Casts.cast(
              JsonFunctions.arrayLength((Lane.Strings) args[0].eval(input, allocator)), type);
        case JSON_ARRAY_CONTAINS:
          return JsonFunctions.arrayContains(
              (Lane.Strings) args[0].eval(input, allocator), args[1].eval(input, allocator));
        case EXTRACT_QUARTER:
        case EXTRACT_WEEK:
        case EXTRACT_DAY_OF_WEEK:
        case EXTRACT_DAY_OF_YEAR:
        case EXTRACT_HOUR:
        case EXTRACT_MINUTE:
        case EXTRACT_SECOND:
          return Casts.cast(
              TimeFunctions.extract(op, (Lane.Longs) args[0].eval(input, allocator)), type);
        case DATE_TRUNC:
          return TimeFunctions.truncate(
              (TimeFunctions.Unit) state, (Lane.Longs) args[1].eval(input, allocator));
        case DATE_ADD:
          return TimeFunctions.add(
              (TimeFunctions.Unit) state,
              (Lane.Longs) args[1].eval(input, allocator),
              (Lane.Longs) args[2].eval(input, allocator));
        case DATE_DIFF:
          return Casts.cast(
              TimeFunctions.diff(
                  (TimeFunctions.Unit) state,
                  (Lane.Longs) args[1].eval(input, allocator),
                  (Lane.Longs) args[2].eval(input, allocator)),
              type);
        case DATE_FORMAT:
          return Casts.cast(
              TimeFunctions.format((Lane.Longs) args[0].eval(input, allocator), (String) state),
              type);
        case DATE_PARSE:
          return TimeFunctions.parse(
              (Lane.Strings) args[0].eval(input, allocator),
              (java.time.format.DateTimeFormatter) ((Object[]) state)[0],
              (String) ((Object[]) state)[1]);
        case FROM_ISO8601_TIMESTAMP:
          return TimeFunctions.fromIso8601((Lane.Strings) args[0].eval(input, allocator));
        case FROM_UNIXTIME:
          return TimeFunctions.fromUnixtime((Lane.Doubles) args[0].eval(input, allocator));
        case TO_UNIXTIME:
          return TimeFunctions.toUnixtime((Lane.Longs) args[0].eval(input, allocator));
        case SQRT:
        case EXP:
        case LN:
        case LOG10:
        case LOG2:
          return MathFunctions.unary(op, (Lane.Doubles) args[0].eval(input, allocator));
        case POWER:
          return MathFunctions.power(
              (Lane.Doubles) args[0].eval(input, allocator),
              (Lane.Doubles) args[1].eval(input, allocator));
        case RANDOM:
          return args.length == 0
              ? MathFunctions.random(input.count)
              : Casts.cast(MathFunctions.random((Lane.Longs) args[0].eval(input, allocator)), type);
        case SIGN:
          return MathFunctions.sign(args[0].eval(input, allocator), type);
        case GREATEST:
        case LEAST:
          {
            Lane[] lanes = new Lane[args.length];
            for (int k = 0; k < args.length; k++) {
              lanes[k] = args[k].eval(input, allocator);
            }
            return MathFunctions.extreme(lanes, op == Operator.GREATEST, type);
          }
        case TRY_CAST:
          return tryCast(args[0].eval(input, allocator));
        case ABS:
        case ROUND:
        case FLOOR:
        case CEIL:
        case TRUNCATE:
          return Functions.math(
              op,
              args[0].eval(input, allocator),
              args.length > 1 ? (Lane.Longs) args[1].eval(input, allocator) : null,
              type);
      }
      throw new AssertionError(op);
    }

    /**
     * TRY_CAST: the whole lane at once, and only when that fails row by row, each failing row
     * becoming NULL.
     */
    private Lane tryCast(Lane in) {
      try {
        return Casts.cast(in, type);
      } catch (TarnException whole) {
        int n = in.size;
        Lane[] rows = new Lane[n];
        int[] choice = new int[n];
        int[] sourceRows = new int[n];
        Lane[] one = {in};
        for (int i = 0; i < n; i++) {
          try {
            rows[i] = Casts.cast(Lanes.choose(in.type, one, new int[] {0}, new int[] {i}), type);
            choice[i] = i;
          } catch (TarnException e) {
            rows[i] = Lanes.constant(null, type, 1);
            choice[i] = i;
          }
        }
        return Lanes.choose(type, rows, choice, sourceRows);
      }
    }

    /**
     * AND / OR with SQL three-valued logic. An argument that may fail is evaluated only over the
     * rows the earlier arguments left undecided (not yet FALSE for AND, not yet TRUE for OR), as
     * Trino's short-circuit evaluation would: {@code x <> 0 AND 10 / x > 1} is FALSE where x is 0.
     * Arguments that cannot fail run over all rows, which keeps their loops plain.
     */
    private Lane logic(boolean and, Rows input, BufferAllocator allocator) {
      int n = input.count;
      boolean[] out = new boolean[n];
      boolean[] nulls = new boolean[n];
      // AND starts TRUE and is decided by any FALSE; OR starts FALSE and is decided by any TRUE.
      Arrays.fill(out, and);
      int decided = 0;
      for (Node arg : args) {
        if (decided == n) {
          break;
        }
        if (decided > 0 && arg.mayFail()) {
          int[] open = new int[n - decided];
          int m = 0;
          for (int i = 0; i < n; i++) {
            if (out[i] == and) {
              open[m++] = i;
            }
          }
          Lane.Bools lane = (Lane.Bools) arg.eval(input.pick(open, m), allocator);
          boolean[] v = lane.values;
          boolean[] vn = lane.nulls;
          for (int k = 0; k < m; k++) {
            int i = open[k];
            if (vn != null && vn[k]) {
              nulls[i] = true;
            } else if (v[k] != and) {
              out[i] = !and;
              decided++;
            }
          }
          continue;
        }
        Lane.Bools lane = (Lane.Bools) arg.eval(input, allocator);
        boolean[] v = lane.values;
        boolean[] vn = lane.nulls;
        for (int i = 0; i < n; i++) {
          if (vn != null && vn[i]) {
            nulls[i] = true;
          } else if (v[i] != and && out[i] == and) {
            out[i] = !and;
            decided++;
          }
        }
      }
      boolean anyNull = false;
      for (int i = 0; i < n; i++) {
        // A decided row (FALSE for AND, TRUE for OR) is not NULL even if another argument was.
        if (nulls[i] && out[i] != and) {
          nulls[i] = false;
        }
        anyNull |= nulls[i];
      }
      return new Lane.Bools(out, anyNull ? nulls : null);
    }

    /** CASE: conditions over all rows in order, each branch only over the rows that take it. */
    private Lane caseWhen(Rows input, BufferAllocator allocator) {
      int n = input.count;
      int branches = args.length / 2;
      int[] choice = new int[n];
      Arrays.fill(choice, -1);
      int undecided = n;
      for (int b = 0; b < branches && undecided > 0; b++) {
        Lane.Bools when = (Lane.Bools) args[2 * b].eval(input, allocator);
        for (int i = 0; i < n; i++) {
          if (choice[i] < 0 && when.values[i] && !when.isNull(i)) {
            choice[i] = b;
            undecided--;
          }
        }
      }
      for (int i = 0; i < n; i++) {
        if (choice[i] < 0) {
          choice[i] = branches;
        }
      }
      Lane[] lanes = new Lane[branches + 1];
      int[] sourceRows = null;
      int[] counts = new int[branches + 1];
      for (int i = 0; i < n; i++) {
        counts[choice[i]]++;
      }
      for (int b = 0; b <= branches; b++) {
        Node value = args[b == branches ? args.length - 1 : 2 * b + 1];
        if (counts[b] == 0) {
          lanes[b] = Lanes.constant(null, value.type, n);
          continue;
        }
        if (counts[b] == n || !value.mayFail()) {
          lanes[b] = value.eval(input, allocator);
          continue;
        }
        if (sourceRows == null) {
          // Rows of branches evaluated over the whole batch are read at their own index.
          sourceRows = new int[n];
          for (int i = 0; i < n; i++) {
            sourceRows[i] = i;
          }
        }
        int[] rows = new int[counts[b]];
        int k = 0;
        for (int i = 0; i < n; i++) {
          if (choice[i] == b) {
            sourceRows[i] = k;
            rows[k++] = i;
          }
        }
        lanes[b] = value.eval(input.pick(rows, k), allocator);
      }
      return Lanes.choose(type, lanes, choice, sourceRows);
    }
  }

  /** Turns Expr trees into nodes, checking types. */
  private static final class Compiler {
    private final List<Column> columns;

    Compiler(List<Column> columns) {
      this.columns = columns;
    }

    Node compile(Expr expr) {
      if (expr instanceof Expr.ColumnRef ref) {
        if (ref.index() >= columns.size()) {
          throw new TarnException(
              ErrorCode.INTERNAL_ERROR,
              "column $" + ref.index() + " is outside the input's " + columns.size() + " columns");
        }
        SqlType actual = columns.get(ref.index()).type();
        if (!actual.equals(ref.type())) {
          throw new TarnException(
              ErrorCode.INTERNAL_ERROR,
              "column $"
                  + ref.index()
                  + " is "
                  + actual
                  + ", the expression expects "
                  + ref.type());
        }
        return new ColumnNode(ref.index(), ref.type());
      }
      if (expr instanceof Expr.Literal literal) {
        return new LiteralNode(literal.value(), literal.type());
      }
      Expr.Call call = (Expr.Call) expr;
      Operator op = call.operator();
      Node inPlace = columnPredicate(call);
      if (inPlace != null) {
        return inPlace;
      }
      if (op == Operator.IN) {
        return compile(rewriteIn(call));
      }
      List<Expr> argExprs = call.args();
      Node[] args = new Node[argExprs.size()];
      for (int i = 0; i < args.length; i++) {
        args[i] = compile(argExprs.get(i));
      }
      SqlType type = call.type();
      if (ArrayFunctions.handles(call)) {
        SqlType[] argTypes = new SqlType[args.length];
        for (int i = 0; i < args.length; i++) {
          argTypes[i] = args[i].type;
        }
        ArrayFunctions.check(call, argTypes);
        return new NestedCallNode(call, args);
      }
      LikeMatcher like = null;
      switch (op) {
        case ADD:
        case SUBTRACT:
        case MULTIPLY:
        case DIVIDE:
        case MODULO:
          arity(call, 2, 2);
          requireNumeric(call, args[0].type, args[1].type, type);
          if (type.kind() != Kind.DECIMAL
              && !isFloating(type)
              && (isFloating(args[0].type)
                  || isFloating(args[1].type)
                  || args[0].type.kind() == Kind.DECIMAL
                  || args[1].type.kind() == Kind.DECIMAL)) {
            throw unsupported(call);
          }
          if (type.kind() == Kind.DECIMAL
              && (isFloating(args[0].type) || isFloating(args[1].type))) {
            throw unsupported(call);
          }
          if (type.kind() == Kind.DECIMAL && (op == Operator.ADD || op == Operator.SUBTRACT)) {
            for (int i = 0; i < 2; i++) {
              args[i] = atScale(args[i], type.scale());
            }
          }
          break;
        case NEGATE:
          arity(call, 1, 1);
          requireNumeric(call, args[0].type, args[0].type, type);
          break;
        case EQUAL:
        case NOT_EQUAL:
        case LESS_THAN:
        case LESS_THAN_OR_EQUAL:
        case GREATER_THAN:
        case GREATER_THAN_OR_EQUAL:
        case IS_DISTINCT_FROM:
        case IS_NOT_DISTINCT_FROM:
          arity(call, 2, 2);
          Comparison.domain(args[0].type, args[1].type);
          requireBoolean(call, type);
          break;
        case AND:
        case OR:
          arity(call, 2, Integer.MAX_VALUE);
          for (Node arg : args) {
            requireBoolean(call, arg.type);
          }
          break;
        case NOT:
        case IS_TRUE:
        case IS_FALSE:
          arity(call, 1, 1);
          requireBoolean(call, args[0].type);
          break;
        case IS_NULL:
        case IS_NOT_NULL:
          arity(call, 1, 1);
          break;
        case CAST:
          arity(call, 1, 1);
          Casts.check(args[0].type, type);
          break;
        case LIKE:
          {
            arity(call, 2, 3);
            requireString(call, args[0].type);
            if (!(argExprs.get(1) instanceof Expr.Literal pattern)
                || (args.length > 2 && !(argExprs.get(2) instanceof Expr.Literal))) {
              throw new TarnException(
                  ErrorCode.NOT_SUPPORTED, "LIKE needs a constant pattern and escape: " + call);
            }
            if (pattern.value() == null) {
              return new LiteralNode(null, SqlType.BOOLEAN);
            }
            Object escape = args.length > 2 ? ((Expr.Literal) argExprs.get(2)).value() : null;
            like =
                LikeMatcher.compile(
                    pattern.value().toString(), escape == null ? null : escape.toString());
            break;
          }
        case CASE:
          if (args.length % 2 != 1) {
            throw new TarnException(
                ErrorCode.INTERNAL_ERROR, "CASE needs when/then pairs and an else: " + call);
          }
          for (int i = 0; i + 1 < args.length; i += 2) {
            requireBoolean(call, args[i].type);
            Casts.check(args[i + 1].type, type);
          }
          Casts.check(args[args.length - 1].type, type);
          break;
        case COALESCE:
          arity(call, 1, Integer.MAX_VALUE);
          for (Node arg : args) {
            Casts.check(arg.type, type);
          }
          break;
        case LOWER:
        case UPPER:
        case TRIM:
          arity(call, 1, 1);
          requireString(call, args[0].type);
          break;
        case LENGTH:
          arity(call, 1, 1);
          requireString(call, args[0].type);
          requireInteger(call, type);
          break;
        case SUBSTRING:
          arity(call, 2, 3);
          requireString(call, args[0].type);
          for (int i = 1; i < args.length; i++) {
            if (args[i].type.kind() != Kind.BIGINT) {
              args[i] = new CallNode(Operator.CAST, new Node[] {args[i]}, SqlType.BIGINT, null);
              Casts.check(argExprs.get(i).type(), SqlType.BIGINT);
            }
          }
          break;
        case CONCAT:
          arity(call, 1, Integer.MAX_VALUE);
          for (int i = 0; i < args.length; i++) {
            if (args[i].type.kind() != Kind.VARCHAR) {
              Casts.check(args[i].type, SqlType.VARCHAR);
              args[i] = new CallNode(Operator.CAST, new Node[] {args[i]}, SqlType.VARCHAR, null);
            }
          }
          break;
        case EXTRACT_YEAR:
        case EXTRACT_MONTH:
        case EXTRACT_DAY:
          arity(call, 1, 1);
          if (args[0].type.kind() != Kind.DATE && args[0].type.kind() != Kind.TIMESTAMP) {
            throw unsupported(call);
          }
          requireInteger(call, type);
          break;
        case LTRIM:
        case RTRIM:
        case REVERSE:
          arity(call, 1, 1);
          requireString(call, args[0].type);
          break;
        case REPLACE:
        case STRPOS:
        case STARTS_WITH:
          arity(call, 2, op == Operator.REPLACE ? 3 : 2);
          for (Node arg : args) {
            requireString(call, arg.type);
          }
          break;
        case SPLIT_PART:
        case LPAD:
        case RPAD:
          {
            arity(call, 3, 3);
            int number = op == Operator.SPLIT_PART ? 2 : 1;
            for (int i = 0; i < 3; i++) {
              if (i != number) {
                requireString(call, args[i].type);
              }
            }
            args[number] = toType(args[number], SqlType.BIGINT);
            break;
          }
        case REGEXP_LIKE:
        case REGEXP_EXTRACT:
        case REGEXP_REPLACE:
          {
            arity(call, 2, op == Operator.REGEXP_LIKE ? 2 : 3);
            requireString(call, args[0].type);
            Object pattern = constant(call, 1);
            if (pattern == null) {
              return new LiteralNode(null, type);
            }
            Pattern compiled = TextFunctions.compile(pattern);
            if (op == Operator.REGEXP_EXTRACT) {
              Object group = args.length > 2 ? constant(call, 2) : Long.valueOf(0);
              if (group == null) {
                return new LiteralNode(null, type);
              }
              int g = ((Number) group).intValue();
              if (g < 0 || g > compiled.matcher("").groupCount()) {
                throw new TarnException(
                    ErrorCode.INVALID_ARGUMENT,
                    "regexp_extract: pattern '" + pattern + "' has no group " + g);
              }
              return new CallNode(op, args, type, null, new Object[] {compiled, g});
            }
            if (args.length > 2) {
              requireString(call, args[2].type);
            }
            return new CallNode(op, args, type, null, compiled);
          }
        case JSON_EXTRACT:
        case JSON_EXTRACT_SCALAR:
        case JSON_SIZE:
          {
            arity(call, 2, 2);
            requireString(call, args[0].type);
            Object path = constant(call, 1);
            if (path == null) {
              return new LiteralNode(null, type);
            }
            if (op == Operator.JSON_SIZE) {
              requireInteger(call, type);
            } else {
              requireString(call, type);
            }
            return new CallNode(
                op,
                args,
                type,
                null,
                JsonFunctions.Path.parse(path.toString(), op.name().toLowerCase(Locale.ROOT)));
          }
        case JSON_PARSE:
        case JSON_FORMAT:
          arity(call, 1, 1);
          requireString(call, args[0].type);
          requireString(call, type);
          break;
        case JSON_ARRAY_LENGTH:
          arity(call, 1, 1);
          requireString(call, args[0].type);
          requireInteger(call, type);
          break;
        case JSON_ARRAY_CONTAINS:
          arity(call, 2, 2);
          requireString(call, args[0].type);
          requireBoolean(call, type);
          switch (args[1].type.kind()) {
            case BOOLEAN:
            case VARCHAR:
            case DOUBLE:
            case BIGINT:
              break;
            case TINYINT:
            case SMALLINT:
            case INTEGER:
              args[1] = toType(args[1], SqlType.BIGINT);
              break;
            case REAL:
            case DECIMAL:
              args[1] = toType(args[1], SqlType.DOUBLE);
              break;
            default:
              throw unsupported(call);
          }
          break;
        case EXTRACT_QUARTER:
        case EXTRACT_WEEK:
        case EXTRACT_DAY_OF_WEEK:
        case EXTRACT_DAY_OF_YEAR:
        case EXTRACT_HOUR:
        case EXTRACT_MINUTE:
        case EXTRACT_SECOND:
          arity(call, 1, 1);
          requireDateTime(call, args[0].type);
          requireInteger(call, type);
          break;
        case DATE_TRUNC:
        case DATE_ADD:
        case DATE_DIFF:
          {
            arity(call, op == Operator.DATE_TRUNC ? 2 : 3, op == Operator.DATE_TRUNC ? 2 : 3);
            TimeFunctions.Unit unit =
                TimeFunctions.Unit.parse(constant(call, 0), op.name().toLowerCase(Locale.ROOT));
            int value = op == Operator.DATE_TRUNC ? 1 : 2;
            requireDateTime(call, args[value].type);
            if (op == Operator.DATE_ADD) {
              args[1] = toType(args[1], SqlType.BIGINT);
              if (!type.equals(args[2].type)) {
                throw unsupported(call);
              }
            } else if (op == Operator.DATE_DIFF) {
              if (!args[1].type.equals(args[2].type)) {
                throw unsupported(call);
              }
              requireInteger(call, type);
            } else if (!type.equals(args[1].type)) {
              throw unsupported(call);
            }
            if (args[value].type.kind() == Kind.DATE
                && unit.micros > 0
                && unit.micros < TimeFunctions.MICROS_PER_DAY) {
              throw new TarnException(
                  ErrorCode.INVALID_ARGUMENT,
                  "'"
                      + unit.name().toLowerCase(Locale.ROOT)
                      + "' is not a valid unit for "
                      + op.name().toLowerCase(Locale.ROOT)
                      + " of a date");
            }
            return new CallNode(op, args, type, null, unit);
          }
        case DATE_FORMAT:
          {
            arity(call, 2, 2);
            requireDateTime(call, args[0].type);
            requireString(call, type);
            return new CallNode(op, args, type, null, TimeFunctions.checkFormat(constant(call, 1)));
          }
        case DATE_PARSE:
          {
            arity(call, 2, 2);
            requireString(call, args[0].type);
            String format = TimeFunctions.checkFormat(constant(call, 1));
            if (type.kind() != Kind.TIMESTAMP) {
              throw unsupported(call);
            }
            return new CallNode(
                op, args, type, null, new Object[] {TimeFunctions.parser(format), format});
          }
        case FROM_ISO8601_TIMESTAMP:
          arity(call, 1, 1);
          requireString(call, args[0].type);
          if (type.kind() != Kind.TIMESTAMP) {
            throw unsupported(call);
          }
          break;
        case FROM_UNIXTIME:
          arity(call, 1, 1);
          requireNumeric(call, args[0].type, args[0].type, args[0].type);
          args[0] = toType(args[0], SqlType.DOUBLE);
          if (type.kind() != Kind.TIMESTAMP) {
            throw unsupported(call);
          }
          break;
        case TO_UNIXTIME:
          arity(call, 1, 1);
          requireDateTime(call, args[0].type);
          if (type.kind() != Kind.DOUBLE) {
            throw unsupported(call);
          }
          break;
        case SQRT:
        case EXP:
        case LN:
        case LOG10:
        case LOG2:
        case POWER:
          arity(call, op == Operator.POWER ? 2 : 1, op == Operator.POWER ? 2 : 1);
          for (int i = 0; i < args.length; i++) {
            requireNumeric(call, args[i].type, args[i].type, args[i].type);
            args[i] = toType(args[i], SqlType.DOUBLE);
          }
          if (type.kind() != Kind.DOUBLE) {
            throw unsupported(call);
          }
          break;
        case RANDOM:
          arity(call, 0, 1);
          if (args.length == 0) {
            if (type.kind() != Kind.DOUBLE) {
              throw unsupported(call);
            }
          } else {
            requireInteger(call, args[0].type);
            requireInteger(call, type);
            args[0] = toType(args[0], SqlType.BIGINT);
          }
          break;
        case SIGN:
          arity(call, 1, 1);
          requireNumeric(call, args[0].type, args[0].type, type);
          break;
        case GREATEST:
        case LEAST:
          arity(call, 1, Integer.MAX_VALUE);
          for (int i = 0; i < args.length; i++) {
            if (!args[i].type.equals(type)) {
              Casts.check(args[i].type, type);
              args[i] = toType(args[i], type);
            }
          }
          break;
        case TRY_CAST:
          arity(call, 1, 1);
          Casts.check(args[0].type, type);
          break;
        case ABS:
        case FLOOR:
        case CEIL:
        case ROUND:
        case TRUNCATE:
          arity(call, 1, op == Operator.ROUND || op == Operator.TRUNCATE ? 2 : 1);
          requireNumeric(call, args[0].type, args[0].type, type);
          if (args.length > 1 && args[1].type.kind() != Kind.BIGINT) {
            Casts.check(args[1].type, SqlType.BIGINT);
            args[1] = new CallNode(Operator.CAST, new Node[] {args[1]}, SqlType.BIGINT, null);
          }
          break;
        case IN:
          throw new AssertionError(op);
      }
      return new CallNode(op, args, type, like);
    }

    /** {@code x IN (a, b)} is {@code x = a OR x = b}, which has IN's three-valued semantics. */
    /**
     * A {@link ColumnPredicates} node for {@code col <op> literal}, {@code literal <op> col},
     * {@code col IN (literals)} and {@code col = a OR col = b ...}; null for anything else.
     */
    private Node columnPredicate(Expr.Call call) {
      Operator op = call.operator();
      List<Expr> args = call.args();
      if (ColumnPredicates.isComparison(op)
          && args.size() == 2
          && args.get(0) instanceof Expr.ColumnRef left
          && args.get(1) instanceof Expr.ColumnRef right
          && ColumnPredicates.comparableColumns(left.type(), right.type())) {
        return new ColumnPairNode((ColumnNode) compile(left), (ColumnNode) compile(right), op);
      }
      if (ColumnPredicates.isComparison(op) && args.size() == 2) {
        boolean flipped = !(args.get(0) instanceof Expr.ColumnRef);
        Expr column = args.get(flipped ? 1 : 0);
        Expr.Literal literal = constantValue(args.get(flipped ? 0 : 1));
        if (column instanceof Expr.ColumnRef ref && literal != null) {
          ColumnPredicates.Key key =
              ColumnPredicates.key(ref.type(), literal.value(), literal.type());
          if (key != null) {
            ColumnNode node = (ColumnNode) compile(ref);
            return new ColumnPredicateNode(
                node, flipped ? ColumnPredicates.flip(op) : op, new ColumnPredicates.Key[] {key});
          }
        }
        return null;
      }
      List<Expr> candidates = new ArrayList<>();
      Expr.ColumnRef ref = null;
      if (op == Operator.IN && args.size() >= 2 && args.get(0) instanceof Expr.ColumnRef value) {
        ref = value;
        candidates.addAll(args.subList(1, args.size()));
      } else if (op == Operator.OR) {
        for (Expr arg : args) {
          if (!(arg instanceof Expr.Call equal)
              || equal.operator() != Operator.EQUAL
              || equal.args().size() != 2
              || !(equal.args().get(0) instanceof Expr.ColumnRef value)
              || (ref != null && !ref.equals(value))) {
            return null;
          }
          ref = value;
          candidates.add(equal.args().get(1));
        }
      }
      if (ref == null) {
        return null;
      }
      ColumnPredicates.Key[] keys = new ColumnPredicates.Key[candidates.size()];
      for (int i = 0; i < keys.length; i++) {
        if (!(candidates.get(i) instanceof Expr.Literal literal)) {
          return null;
        }
        keys[i] = ColumnPredicates.key(ref.type(), literal.value(), literal.type());
        if (keys[i] == null) {
          return null;
        }
      }
      return new ColumnPredicateNode((ColumnNode) compile(ref), Operator.IN, keys);
    }

    /**
     * A constant operand as a literal: a literal itself, or arithmetic over literals ({@code 1 +
     * 10}, which reaches here unfolded from TPC-H Q19's {@code l_quantity <= 1 + 10}) computed once
     * now, so that the comparison runs in place. Null for anything else, for a NULL result, and
     * when computing fails (the error then comes at run time, and only if a row needs the value).
     */
    private Expr.Literal constantValue(Expr expr) {
      if (expr instanceof Expr.Literal literal) {
        return literal;
      }
      if (!(expr instanceof Expr.Call call)) {
        return null;
      }
      switch (call.operator()) {
        case ADD:
        case SUBTRACT:
        case MULTIPLY:
        case NEGATE:
          break;
        default:
          return null;
      }
      for (Expr arg : call.args()) {
        if (constantValue(arg) == null) {
          return null;
        }
      }
      Lane lane;
      try {
        lane = compile(call).eval(new Rows(null, null, 1), null);
      } catch (TarnException e) {
        return null;
      }
      if (lane.isNull(0)) {
        return null;
      }
      Object value;
      if (lane instanceof Lane.Longs longs && call.type().kind() != Kind.DATE) {
        value = longs.values[0];
      } else if (lane instanceof Lane.Decimals decimals) {
        value = decimals.get(0);
      } else if (lane instanceof Lane.Doubles doubles) {
        value = doubles.values[0];
      } else {
        return null;
      }
      return new Expr.Literal(value, call.type());
    }

    private static Expr rewriteIn(Expr.Call call) {
      if (call.args().size() < 2) {
        throw new TarnException(
            ErrorCode.INTERNAL_ERROR, "IN needs a value and candidates: " + call);
      }
      Expr value = call.args().get(0);
      List<Expr> equals = new ArrayList<>();
      for (int i = 1; i < call.args().size(); i++) {
        equals.add(
            new Expr.Call(Operator.EQUAL, List.of(value, call.args().get(i)), SqlType.BOOLEAN));
      }
      return equals.size() == 1
          ? equals.get(0)
          : new Expr.Call(Operator.OR, equals, SqlType.BOOLEAN);
    }

    /**
     * A decimal or integer literal restated at {@code scale} when that is exact (Q1's {@code 1 -
     * l_discount}: 1 becomes 1.00), so that adding it to a lane of that scale needs no rescaling
     * pass per batch; any other node as it is.
     */
    private static Node atScale(Node node, int scale) {
      if (!(node instanceof LiteralNode literal)
          || literal.value == null
          || !(literal.value instanceof BigDecimal || literal.value instanceof Long)
          || (literal.type.kind() != Kind.DECIMAL && !literal.type.isNumeric())
          || isFloating(literal.type)) {
        return node;
      }
      BigDecimal value =
          literal.value instanceof BigDecimal decimal
              ? decimal
              : BigDecimal.valueOf((Long) literal.value);
      try {
        BigDecimal scaled = value.setScale(scale, RoundingMode.UNNECESSARY);
        int precision = Math.max(scaled.precision(), scale + 1);
        if (precision > 38) {
          return node;
        }
        return new LiteralNode(scaled, SqlType.decimal(precision, scale));
      } catch (ArithmeticException inexact) {
        return node;
      }
    }

    /** {@code node} converted to {@code type} (itself when it already is). */
    private static Node toType(Node node, SqlType type) {
      if (node.type.equals(type)) {
        return node;
      }
      Casts.check(node.type, type);
      return new CallNode(Operator.CAST, new Node[] {node}, type, null);
    }

    /** The value of a literal argument; other arguments are NOT_SUPPORTED here. */
    private static Object constant(Expr.Call call, int index) {
      if (!(call.args().get(index) instanceof Expr.Literal literal)) {
        throw new TarnException(
            ErrorCode.NOT_SUPPORTED,
            call.operator().name().toLowerCase(Locale.ROOT)
                + " needs a constant argument "
                + (index + 1)
                + ", got "
                + call.args().get(index));
      }
      return literal.value();
    }

    private static void requireDateTime(Expr.Call call, SqlType t) {
      if (t.kind() != Kind.DATE && t.kind() != Kind.TIMESTAMP) {
        throw unsupported(call);
      }
    }

    private static boolean isFloating(SqlType t) {
      return t.kind() == Kind.REAL || t.kind() == Kind.DOUBLE;
    }

    private static void arity(Expr.Call call, int min, int max) {
      int n = call.args().size();
      if (n < min || n > max) {
        throw new TarnException(
            ErrorCode.INTERNAL_ERROR,
            call.operator() + " takes " + min + ".." + max + " arguments, got " + n);
      }
    }

    private static void requireNumeric(Expr.Call call, SqlType a, SqlType b, SqlType result) {
      if (!a.isNumeric() || !b.isNumeric() || !result.isNumeric()) {
        throw unsupported(call);
      }
    }

    private static void requireBoolean(Expr.Call call, SqlType t) {
      if (t.kind() != Kind.BOOLEAN) {
        throw unsupported(call);
      }
    }

    private static void requireString(Expr.Call call, SqlType t) {
      if (t.kind() != Kind.VARCHAR) {
        throw unsupported(call);
      }
    }

    private static void requireInteger(Expr.Call call, SqlType t) {
      switch (t.kind()) {
        case TINYINT:
        case SMALLINT:
        case INTEGER:
        case BIGINT:
          return;
        default:
          throw unsupported(call);
      }
    }

    private static TarnException unsupported(Expr.Call call) {
      StringBuilder types = new StringBuilder();
      for (Expr arg : call.args()) {
        types.append(types.length() == 0 ? "" : ", ").append(arg.type());
      }
      return new TarnException(
          ErrorCode.NOT_SUPPORTED,
          call.operator().name().toLowerCase(java.util.Locale.ROOT)
              + "("
              + types
              + ") returning "
              + call.type()
              + " is not supported");
    }
  }
}
