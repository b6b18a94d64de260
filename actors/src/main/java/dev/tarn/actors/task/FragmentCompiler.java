package dev.tarn.actors.task;

import dev.tarn.actors.exchange.ExchangeInput;
import dev.tarn.core.batch.Batch;
import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.format.FormatReaders;
import dev.tarn.core.stats.OperatorStats;
import dev.tarn.core.storage.LakeStorage;
import dev.tarn.operators.aggregate.HashAggregateStage;
import dev.tarn.operators.filter.FilterStage;
import dev.tarn.operators.join.HashJoinStage;
import dev.tarn.operators.limit.LimitStage;
import dev.tarn.operators.project.ProjectStage;
import dev.tarn.operators.project.ValuesSource;
import dev.tarn.operators.scan.ScanSource;
import dev.tarn.operators.scan.ScanSplit;
import dev.tarn.operators.sort.SortStage;
import dev.tarn.planner.physical.PlanNode;
import dev.tarn.planner.physical.PlanVisitor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.FanInShape2;
import org.apache.pekko.stream.SourceRef;
import org.apache.pekko.stream.SourceShape;
import org.apache.pekko.stream.javadsl.GraphDSL;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Turns a task's plan fragment into a Pekko Streams source of batches: each plan node becomes the
 * operator stage of the same name, a {@link PlanNode.RemoteSource} becomes the merged input of the
 * child stage's stream references. Those references may not exist yet when the task starts: a
 * remote source waits for {@code inputs} to complete, so the graph materializes at once and its
 * exchanges connect once the child stages run. Statistics objects are collected in plan order
 * (pre-order), one per operator.
 */
final class FragmentCompiler implements PlanVisitor<Source<Batch, NotUsed>> {
  /** A compiled fragment: its source and the live statistics of its operators. */
  record Compiled(Source<Batch, NotUsed> source, List<OperatorStats> liveStats) {
    List<OperatorStats.Snapshot> stats() {
      List<OperatorStats.Snapshot> out = new ArrayList<>();
      for (OperatorStats s : liveStats) {
        out.add(s.snapshot());
      }
      return out;
    }
  }

  private final LakeStorage storage;
  private final BufferAllocator allocator;
  private final dev.tarn.core.memory.SpillSpace spill;
  private final CompletionStage<Map<Integer, List<SourceRef<byte[]>>>> inputs;
  private final List<OperatorStats> stats = new ArrayList<>();
  private TaskSpec spec;

  /**
   * @param inputs completes with, for each child stage id, the stream references this task reads
   *     (one per task of the child stage)
   */
  FragmentCompiler(
      LakeStorage storage,
      BufferAllocator allocator,
      dev.tarn.core.memory.SpillSpace spill,
      CompletionStage<Map<Integer, List<SourceRef<byte[]>>>> inputs) {
    this.storage = storage;
    this.allocator = allocator;
    this.spill = spill;
    this.inputs = inputs;
  }

  Compiled compile(TaskSpec taskSpec) {
    this.spec = taskSpec;
    Source<Batch, NotUsed> source = taskSpec.fragment().accept(this);
    return new Compiled(source, List.copyOf(stats));
  }

  private OperatorStats stats(String name) {
    OperatorStats s = new OperatorStats(name);
    stats.add(s);
    return s;
  }

  @Override
  public Source<Batch, NotUsed> visitScan(PlanNode.Scan node) {
    List<ScanSplit> splits = new ArrayList<>();
    for (PlanNode.ScanFile file : node.files()) {
      splits.add(new ScanSplit(file.file(), file.partitionValues()));
    }
    OperatorStats s = stats("Scan");
    return ScanSource.source(
        node.table(),
        splits,
        node.dataColumns(),
        node.partitionColumns(),
        node.predicate(),
        node.limit(),
        FormatReaders.forFormat(node.table().format()),
        storage,
        allocator,
        s);
  }

  @Override
  public Source<Batch, NotUsed> visitFilter(PlanNode.Filter node) {
    OperatorStats s = stats("Filter");
    Source<Batch, NotUsed> input = node.source().accept(this);
    return input.via(
        new FilterStage(node.predicate(), node.source().outputColumns(), allocator, s));
  }

  @Override
  public Source<Batch, NotUsed> visitProject(PlanNode.Project node) {
    OperatorStats s = stats("Project");
    Source<Batch, NotUsed> input = node.source().accept(this);
    return input.via(
        new ProjectStage(
            node.expressions(), node.names(), node.source().outputColumns(), allocator, s));
  }

  @Override
  public Source<Batch, NotUsed> visitAggregate(PlanNode.Aggregate node) {
    OperatorStats s = stats("HashAggregate(" + node.step() + ")");
    Source<Batch, NotUsed> input = node.source().accept(this);
    return input.via(
        new HashAggregateStage(
            node.groupKeys(),
            node.aggregates(),
            node.step(),
            node.source().outputColumns(),
            node.outputColumns(),
            allocator,
            s,
            spill));
  }

  @Override
  public Source<Batch, NotUsed> visitJoin(PlanNode.Join node) {
    OperatorStats s = stats("HashJoin(" + node.type() + ")");
    Source<Batch, NotUsed> probe = node.probe().accept(this);
    Source<Batch, NotUsed> build = node.build().accept(this);
    HashJoinStage join =
        new HashJoinStage(
            node.type(),
            node.probe().outputColumns(),
            node.build().outputColumns(),
            node.probeKeys(),
            node.buildKeys(),
            node.residual(),
            allocator,
            s,
            spill);
    return Source.fromGraph(
        GraphDSL.create(
            builder -> {
              FanInShape2<Batch, Batch, Batch> shape = builder.add(join);
              builder.from(builder.add(probe)).toInlet(shape.in0());
              builder.from(builder.add(build)).toInlet(shape.in1());
              return SourceShape.of(shape.out());
            }));
  }

  @Override
  public Source<Batch, NotUsed> visitSort(PlanNode.Sort node) {
    OperatorStats s = stats(node.limit() >= 0 ? "TopN" : "Sort");
    Source<Batch, NotUsed> input = node.source().accept(this);
    return input.via(
        new SortStage(
            node.keys(), node.limit(), node.source().outputColumns(), allocator, s, spill));
  }

  @Override
  public Source<Batch, NotUsed> visitLimit(PlanNode.Limit node) {
    OperatorStats s = stats("Limit");
    Source<Batch, NotUsed> input = node.source().accept(this);
    return input.via(new LimitStage(node.offset(), node.count(), s));
  }

  @Override
  public Source<Batch, NotUsed> visitRemoteSource(PlanNode.RemoteSource node) {
    String task = spec.name();
    CompletionStage<Source<Batch, NotUsed>> merged =
        inputs.thenApply(
            byStage -> {
              List<SourceRef<byte[]>> refs = byStage.get(node.sourceStage());
              if (refs == null) {
                throw new TarnException(
                    ErrorCode.INTERNAL_ERROR,
                    "task " + task + " has no input for stage " + node.sourceStage());
              }
              return ExchangeInput.source(refs, node.outputColumns(), allocator);
            });
    OperatorStats s = stats("Exchange(stage " + node.sourceStage() + ")");
    return Source.completionStageSource(merged)
        .mapMaterializedValue(ignored -> NotUsed.getInstance())
        .map(
            batch -> {
              s.addOutput(batch.rowCount(), batch.sizeInBytes());
              return batch;
            });
  }

  @Override
  public Source<Batch, NotUsed> visitValues(PlanNode.Values node) {
    return ValuesSource.source(node.outputColumns(), node.rows(), allocator, stats("Values"));
  }

  @Override
  public Source<Batch, NotUsed> visitUnion(PlanNode.Union node) {
    stats("Union");
    List<Source<Batch, NotUsed>> inputs = new ArrayList<>();
    for (PlanNode input : node.inputs()) {
      inputs.add(input.accept(this));
    }
    Source<Batch, NotUsed> merged = inputs.get(0);
    for (int i = 1; i < inputs.size(); i++) {
      merged = merged.merge(inputs.get(i));
    }
    return merged;
  }

  @Override
  public Source<Batch, NotUsed> visitUnnest(PlanNode.Unnest node) {
    OperatorStats s = stats("Unnest");
    Source<Batch, NotUsed> input = node.source().accept(this);
    return input.via(
        new dev.tarn.operators.unnest.UnnestStage(
            node.unnested(),
            node.withOrdinality(),
            node.outer(),
            node.elementColumns(),
            node.source().outputColumns(),
            allocator,
            s));
  }

  @Override
  public Source<Batch, NotUsed> visitWindow(PlanNode.Window node) {
    OperatorStats s = stats("Window");
    Source<Batch, NotUsed> input = node.source().accept(this);
    return input.via(
        new dev.tarn.operators.window.WindowStage(
            node.partitionKeys(),
            node.orderKeys(),
            node.calls(),
            node.source().outputColumns(),
            allocator,
            s));
  }
}
