package dev.tarn.planner.physical;

import dev.tarn.core.expr.Expr;
import dev.tarn.core.meta.Column;
import dev.tarn.core.meta.TableMetadata;
import dev.tarn.core.plan.AggregateCall;
import dev.tarn.core.plan.AggregateStep;
import dev.tarn.core.plan.JoinType;
import dev.tarn.core.plan.SortKey;
import dev.tarn.core.serde.TarnMessage;
import dev.tarn.core.storage.FileEntry;
import dev.tarn.core.type.SqlType;
import java.util.List;
import java.util.Objects;

/**
 * A node of a physical plan fragment: what one task runs. Nodes are immutable records validated on
 * construction; they travel to task actors inside {@link StagePlan}s. Expressions refer to the
 * columns of the node's (first) source by index.
 */
public sealed interface PlanNode extends TarnMessage
    permits PlanNode.Scan,
        PlanNode.Filter,
        PlanNode.Project,
        PlanNode.Aggregate,
        PlanNode.Join,
        PlanNode.Sort,
        PlanNode.Limit,
        PlanNode.RemoteSource,
        PlanNode.Values,
        PlanNode.Union,
        PlanNode.Window,
        PlanNode.Unnest {

  List<Column> outputColumns();

  List<PlanNode> sources();

  <R> R accept(PlanVisitor<R> visitor);

  /** A file to scan, with the values of the table's partition columns for it. */
  record ScanFile(FileEntry file, List<String> partitionValues) implements TarnMessage {
    public ScanFile {
      Objects.requireNonNull(file, "file");
      partitionValues = List.copyOf(Objects.requireNonNull(partitionValues, "partitionValues"));
    }
  }

  /**
   * Reads files of one table. Output: the chosen data columns, then the chosen partition columns
   * (filled from {@link ScanFile#partitionValues()}).
   *
   * @param files the files that survived partition pruning; a stage's tasks split them
   * @param dataColumns indexes into {@code table.columns()}
   * @param partitionColumns indexes into {@code table.partitionColumns()}
   * @param predicate a filter the scan may use to skip data (row groups); may be null. The scan
   *     need not apply it row by row: a Filter above still does.
   * @param limit at most this many rows per task (a LIMIT right above, pushed down; the LIMIT stays
   *     above it); -1 for all rows
   */
  record Scan(
      TableMetadata table,
      List<ScanFile> files,
      List<Integer> dataColumns,
      List<Integer> partitionColumns,
      Expr predicate,
      List<Column> outputColumns,
      long limit)
      implements PlanNode {
    /** A scan of every row. */
    public Scan(
        TableMetadata table,
        List<ScanFile> files,
        List<Integer> dataColumns,
        List<Integer> partitionColumns,
        Expr predicate,
        List<Column> outputColumns) {
      this(table, files, dataColumns, partitionColumns, predicate, outputColumns, -1);
    }

    public Scan {
      if (limit < -1) {
        throw new IllegalArgumentException("scan limit must be >= 0, or -1 for none: " + limit);
      }
      Objects.requireNonNull(table, "table");
      files = List.copyOf(Objects.requireNonNull(files, "files"));
      dataColumns = List.copyOf(Objects.requireNonNull(dataColumns, "dataColumns"));
      partitionColumns = List.copyOf(Objects.requireNonNull(partitionColumns, "partitionColumns"));
      outputColumns = List.copyOf(Objects.requireNonNull(outputColumns, "outputColumns"));
      if (outputColumns.size() != dataColumns.size() + partitionColumns.size()) {
        throw new IllegalArgumentException("scan output must list data then partition columns");
      }
    }

    /** The same scan over other files (a task's share). */
    public Scan withFiles(List<ScanFile> taskFiles) {
      return new Scan(
          table, taskFiles, dataColumns, partitionColumns, predicate, outputColumns, limit);
    }

    /** The same scan stopping after {@code rows} rows per task. */
    public Scan withLimit(long rows) {
      return new Scan(table, files, dataColumns, partitionColumns, predicate, outputColumns, rows);
    }

    @Override
    public List<PlanNode> sources() {
      return List.of();
    }

    @Override
    public <R> R accept(PlanVisitor<R> visitor) {
      return visitor.visitScan(this);
    }
  }

  /** Keeps rows whose predicate is TRUE. Output = input. */
  record Filter(PlanNode source, Expr predicate) implements PlanNode {
    public Filter {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(predicate, "predicate");
      if (!predicate.type().equals(SqlType.BOOLEAN)) {
        throw new IllegalArgumentException(
            "filter predicate must be boolean, was " + predicate.type());
      }
    }

    @Override
    public List<Column> outputColumns() {
      return source.outputColumns();
    }

    @Override
    public List<PlanNode> sources() {
      return List.of(source);
    }

    @Override
    public <R> R accept(PlanVisitor<R> visitor) {
      return visitor.visitFilter(this);
    }
  }

  /** Computes one output column per expression. */
  record Project(PlanNode source, List<Expr> expressions, List<String> names) implements PlanNode {
    public Project {
      Objects.requireNonNull(source, "source");
      expressions = List.copyOf(Objects.requireNonNull(expressions, "expressions"));
      names = List.copyOf(Objects.requireNonNull(names, "names"));
      if (expressions.size() != names.size()) {
        throw new IllegalArgumentException("project needs one name per expression");
      }
    }

    @Override
    public List<Column> outputColumns() {
      Column[] out = new Column[names.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = new Column(names.get(i), expressions.get(i).type());
      }
      return List.of(out);
    }

    @Override
    public List<PlanNode> sources() {
      return List.of(source);
    }

    @Override
    public <R> R accept(PlanVisitor<R> visitor) {
      return visitor.visitProject(this);
    }
  }

  /**
   * Hash aggregation. Output: group keys (in {@code groupKeys} order), then one column per call
   * (two for AVG in PARTIAL step), as {@code outputColumns} lists. With no group keys it yields
   * exactly one row, even for empty input (SINGLE and FINAL).
   */
  record Aggregate(
      PlanNode source,
      List<Integer> groupKeys,
      List<AggregateCall> aggregates,
      AggregateStep step,
      List<Column> outputColumns)
      implements PlanNode {
    public Aggregate {
      Objects.requireNonNull(source, "source");
      groupKeys = List.copyOf(Objects.requireNonNull(groupKeys, "groupKeys"));
      aggregates = List.copyOf(Objects.requireNonNull(aggregates, "aggregates"));
      Objects.requireNonNull(step, "step");
      outputColumns = List.copyOf(Objects.requireNonNull(outputColumns, "outputColumns"));
    }

    @Override
    public List<PlanNode> sources() {
      return List.of(source);
    }

    @Override
    public <R> R accept(PlanVisitor<R> visitor) {
      return visitor.visitAggregate(this);
    }
  }

  /**
   * Hash join: builds a hash table on {@code build} (right), probes it with {@code probe} (left).
   * Output: probe columns then build columns (or one side's, see {@link #outputColumns}). {@code
   * residual}, if not null, is evaluated over probe columns then build columns and must be TRUE for
   * a match.
   */
  record Join(
      JoinType type,
      PlanNode probe,
      PlanNode build,
      List<Integer> probeKeys,
      List<Integer> buildKeys,
      Expr residual)
      implements PlanNode {
    public Join {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(probe, "probe");
      Objects.requireNonNull(build, "build");
      probeKeys = List.copyOf(Objects.requireNonNull(probeKeys, "probeKeys"));
      buildKeys = List.copyOf(Objects.requireNonNull(buildKeys, "buildKeys"));
      if (probeKeys.size() != buildKeys.size()) {
        throw new IllegalArgumentException("join needs equally many probe and build keys");
      }
    }

    /**
     * Probe columns, then build columns, unless the type keeps one side's columns only (SEMI and
     * ANTI joins: the probe side's, their RIGHT_ variants: the build side's).
     */
    @Override
    public List<Column> outputColumns() {
      if (type.probeColumnsOnly()) {
        return probe.outputColumns();
      }
      if (type.buildColumnsOnly()) {
        return build.outputColumns();
      }
      return java.util.stream.Stream.concat(
              probe.outputColumns().stream(), build.outputColumns().stream())
          .toList();
    }

    @Override
    public List<PlanNode> sources() {
      return List.of(probe, build);
    }

    @Override
    public <R> R accept(PlanVisitor<R> visitor) {
      return visitor.visitJoin(this);
    }
  }

  /** Sorts its whole input; with {@code limit >= 0} keeps only the first {@code limit} rows. */
  record Sort(PlanNode source, List<SortKey> keys, long limit) implements PlanNode {
    public Sort {
      Objects.requireNonNull(source, "source");
      keys = List.copyOf(Objects.requireNonNull(keys, "keys"));
    }

    @Override
    public List<Column> outputColumns() {
      return source.outputColumns();
    }

    @Override
    public List<PlanNode> sources() {
      return List.of(source);
    }

    @Override
    public <R> R accept(PlanVisitor<R> visitor) {
      return visitor.visitSort(this);
    }
  }

  /** Skips {@code offset} rows, then passes at most {@code count} rows. */
  record Limit(PlanNode source, long offset, long count) implements PlanNode {
    public Limit {
      Objects.requireNonNull(source, "source");
      if (offset < 0 || count < 0) {
        throw new IllegalArgumentException("limit offset and count must be >= 0");
      }
    }

    @Override
    public List<Column> outputColumns() {
      return source.outputColumns();
    }

    @Override
    public List<PlanNode> sources() {
      return List.of(source);
    }

    @Override
    public <R> R accept(PlanVisitor<R> visitor) {
      return visitor.visitLimit(this);
    }
  }

  /** Reads what the tasks of another stage send to this task through an exchange. */
  record RemoteSource(int sourceStage, List<Column> outputColumns) implements PlanNode {
    public RemoteSource {
      outputColumns = List.copyOf(Objects.requireNonNull(outputColumns, "outputColumns"));
    }

    @Override
    public List<PlanNode> sources() {
      return List.of();
    }

    @Override
    public <R> R accept(PlanVisitor<R> visitor) {
      return visitor.visitRemoteSource(this);
    }
  }

  /** Constant rows (values use {@link Expr.Literal}'s Java types). */
  record Values(List<Column> outputColumns, List<List<Object>> rows) implements PlanNode {
    public Values {
      outputColumns = List.copyOf(Objects.requireNonNull(outputColumns, "outputColumns"));
      rows =
          Objects.requireNonNull(rows, "rows").stream()
              .map(r -> (List<Object>) new java.util.ArrayList<>(r))
              .toList();
    }

    @Override
    public List<PlanNode> sources() {
      return List.of();
    }

    @Override
    public <R> R accept(PlanVisitor<R> visitor) {
      return visitor.visitValues(this);
    }
  }

  /** UNION ALL: the rows of every source, in no particular order; sources have equal layouts. */
  record Union(List<PlanNode> inputs, List<Column> outputColumns) implements PlanNode {
    public Union {
      inputs = List.copyOf(Objects.requireNonNull(inputs, "inputs"));
      outputColumns = List.copyOf(Objects.requireNonNull(outputColumns, "outputColumns"));
      if (inputs.size() < 2) {
        throw new IllegalArgumentException("union needs at least two inputs");
      }
    }

    @Override
    public List<PlanNode> sources() {
      return inputs;
    }

    @Override
    public <R> R accept(PlanVisitor<R> visitor) {
      return visitor.visitUnion(this);
    }
  }

  /**
   * Window functions: rows grouped by {@code partitionKeys}, ordered by {@code orderKeys} within
   * each partition; output = the input columns, then one column per call.
   */
  record Window(
      PlanNode source,
      List<Integer> partitionKeys,
      List<dev.tarn.core.plan.SortKey> orderKeys,
      List<dev.tarn.core.plan.WindowCall> calls)
      implements PlanNode {
    public Window {
      Objects.requireNonNull(source, "source");
      partitionKeys = List.copyOf(Objects.requireNonNull(partitionKeys, "partitionKeys"));
      orderKeys = List.copyOf(Objects.requireNonNull(orderKeys, "orderKeys"));
      calls = List.copyOf(Objects.requireNonNull(calls, "calls"));
    }

    @Override
    public List<Column> outputColumns() {
      List<Column> out = new java.util.ArrayList<>(source.outputColumns());
      for (dev.tarn.core.plan.WindowCall call : calls) {
        out.add(new Column(call.name(), call.resultType()));
      }
      return List.copyOf(out);
    }

    @Override
    public List<PlanNode> sources() {
      return List.of(source);
    }

    @Override
    public <R> R accept(PlanVisitor<R> visitor) {
      return visitor.visitWindow(this);
    }
  }

  /**
   * UNNEST: each input row is repeated once per element of its arrays (zipped; a shorter array
   * gives NULLs, a map gives key and value columns, an array of rows one column per field), with
   * the element columns appended and, {@code withOrdinality}, the 1-based element number last. A
   * row whose arrays are all empty or NULL yields nothing, or one row of NULL elements when {@code
   * outer} (LEFT JOIN UNNEST ... ON true).
   *
   * <pre>
   *   (id=1, a=[10, 20])  --Unnest[$1] WITH ORDINALITY-->  (1, [10, 20], 10, 1), (1, [10, 20], 20, 2)
   * </pre>
   *
   * @param unnested the array or map expressions over the input's columns
   * @param elementColumns the appended columns, as {@link #elementColumns} lists them
   */
  record Unnest(
      PlanNode source,
      List<Expr> unnested,
      boolean withOrdinality,
      boolean outer,
      List<Column> elementColumns)
      implements PlanNode {
    public Unnest {
      Objects.requireNonNull(source, "source");
      unnested = List.copyOf(Objects.requireNonNull(unnested, "unnested"));
      elementColumns = List.copyOf(Objects.requireNonNull(elementColumns, "elementColumns"));
      int expected = withOrdinality ? 1 : 0;
      for (Expr e : unnested) {
        switch (e.type().kind()) {
          case ARRAY ->
              expected +=
                  e.type().elementType().kind() == SqlType.Kind.ROW
                      ? e.type().elementType().children().size()
                      : 1;
          case MAP -> expected += 2;
          default ->
              throw new IllegalArgumentException("UNNEST takes arrays and maps, not " + e.type());
        }
      }
      if (elementColumns.size() != expected) {
        throw new IllegalArgumentException(
            "UNNEST of " + unnested + " yields " + expected + " columns, " + elementColumns);
      }
    }

    @Override
    public List<Column> outputColumns() {
      List<Column> out = new java.util.ArrayList<>(source.outputColumns());
      out.addAll(elementColumns);
      return List.copyOf(out);
    }

    @Override
    public List<PlanNode> sources() {
      return List.of(source);
    }

    @Override
    public <R> R accept(PlanVisitor<R> visitor) {
      return visitor.visitUnnest(this);
    }
  }
}
