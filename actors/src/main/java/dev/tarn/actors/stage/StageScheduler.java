package dev.tarn.actors.stage;

import dev.tarn.actors.task.TaskSpec;
import dev.tarn.planner.physical.PlanNode;
import dev.tarn.planner.stages.DistributedPlan;
import dev.tarn.planner.stages.StagePlan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.stream.SourceRef;

/**
 * Decides how many tasks each stage runs and what each task gets.
 *
 * <pre>
 *   SINGLE stage : 1 task
 *   HASH stage   : the planner's hash partition count
 *   SOURCE stage : min(scan files, scan parallelism), at least 1; files are dealt to tasks
 *                  largest first, each to the task with the fewest bytes so far
 * </pre>
 *
 * A stage's output partition count is its consumer's task count (1 for the root). Every stage
 * starts at once; once all children of a stage run, its tasks get their inputs: the stream
 * references its producers offered for their index.
 */
public final class StageScheduler {
  private final DistributedPlan plan;
  private final Map<Integer, Integer> taskCounts = new HashMap<>();
  private final Map<Integer, Integer> consumerOf = new HashMap<>();

  public StageScheduler(DistributedPlan plan, int scanParallelism, int hashPartitions) {
    this.plan = plan;
    for (StagePlan stage : plan.stages()) {
      for (int child : stage.children()) {
        consumerOf.put(child, stage.id());
      }
      int count;
      switch (stage.distribution()) {
        case SINGLE:
          count = 1;
          break;
        case HASH:
          count = hashPartitions;
          break;
        case SOURCE:
          count = Math.max(1, Math.min(scanParallelism, scanFiles(stage.fragment()).size()));
          break;
        default:
          throw new AssertionError(stage.distribution());
      }
      taskCounts.put(stage.id(), count);
    }
  }

  public int taskCount(int stageId) {
    return taskCounts.get(stageId);
  }

  /** Stage ids in an order where every stage comes after all of its children. */
  public List<Integer> startOrder() {
    List<Integer> order = new ArrayList<>();
    visit(0, order);
    return order;
  }

  private void visit(int stageId, List<Integer> order) {
    for (int child : plan.stage(stageId).children()) {
      visit(child, order);
    }
    order.add(stageId);
  }

  /** The task specs of a stage. */
  public List<TaskSpec> tasks(String queryId, int stageId) {
    StagePlan stage = plan.stage(stageId);
    int count = taskCount(stageId);
    int outputPartitions = stageId == 0 ? 1 : taskCount(consumerOf.get(stageId));
    if (stage.output().kind() == StagePlan.OutputPartitioning.Kind.GATHER) {
      outputPartitions = 1;
    }
    List<List<PlanNode.ScanFile>> shares = shareFiles(scanFiles(stage.fragment()), count);
    List<TaskSpec> specs = new ArrayList<>();
    for (int task = 0; task < count; task++) {
      PlanNode fragment = withScanFiles(stage.fragment(), shares.get(task));
      specs.add(new TaskSpec(queryId, stageId, task, fragment, stage.output(), outputPartitions));
    }
    return specs;
  }

  /**
   * What each task of a stage reads, once all of its children run: for each child stage, one
   * reference per producer task, the producer's partition for this task (its only one when the
   * child gathers or broadcasts into a single reference).
   *
   * @param childOutputs per child stage id, {@code outputs.get(producer).get(partition)}
   */
  public List<Map<Integer, List<SourceRef<byte[]>>>> inputs(
      int stageId, Map<Integer, List<List<SourceRef<byte[]>>>> childOutputs) {
    StagePlan stage = plan.stage(stageId);
    List<Map<Integer, List<SourceRef<byte[]>>>> byTask = new ArrayList<>();
    for (int task = 0; task < taskCount(stageId); task++) {
      Map<Integer, List<SourceRef<byte[]>>> inputs = new HashMap<>();
      for (int child : stage.children()) {
        List<SourceRef<byte[]>> refs = new ArrayList<>();
        boolean gathered =
            plan.stage(child).output().kind() == StagePlan.OutputPartitioning.Kind.GATHER;
        for (List<SourceRef<byte[]>> producer : childOutputs.get(child)) {
          refs.add(gathered ? producer.get(0) : producer.get(task));
        }
        inputs.put(child, refs);
      }
      byTask.add(inputs);
    }
    return byTask;
  }

  /** Every file of every scan in the fragment. */
  public static List<PlanNode.ScanFile> scanFiles(PlanNode node) {
    List<PlanNode.ScanFile> files = new ArrayList<>();
    collect(node, files);
    return files;
  }

  private static void collect(PlanNode node, List<PlanNode.ScanFile> files) {
    if (node instanceof PlanNode.Scan scan) {
      files.addAll(scan.files());
    }
    for (PlanNode source : node.sources()) {
      collect(source, files);
    }
  }

  private static List<List<PlanNode.ScanFile>> shareFiles(
      List<PlanNode.ScanFile> files, int tasks) {
    List<List<PlanNode.ScanFile>> shares = new ArrayList<>();
    long[] bytes = new long[tasks];
    for (int i = 0; i < tasks; i++) {
      shares.add(new ArrayList<>());
    }
    List<PlanNode.ScanFile> sorted = new ArrayList<>(files);
    sorted.sort((a, b) -> Long.compare(b.file().size(), a.file().size()));
    for (PlanNode.ScanFile file : sorted) {
      int least = 0;
      for (int i = 1; i < tasks; i++) {
        if (bytes[i] < bytes[least]) {
          least = i;
        }
      }
      shares.get(least).add(file);
      bytes[least] += file.file().size();
    }
    return shares;
  }

  /** The fragment with its scan reading only {@code files} (a fragment has at most one scan). */
  private static PlanNode withScanFiles(PlanNode node, List<PlanNode.ScanFile> files) {
    if (node instanceof PlanNode.Scan scan) {
      return scan.withFiles(files);
    } else if (node instanceof PlanNode.Filter f) {
      return new PlanNode.Filter(withScanFiles(f.source(), files), f.predicate());
    } else if (node instanceof PlanNode.Project p) {
      return new PlanNode.Project(withScanFiles(p.source(), files), p.expressions(), p.names());
    } else if (node instanceof PlanNode.Aggregate a) {
      return new PlanNode.Aggregate(
          withScanFiles(a.source(), files),
          a.groupKeys(),
          a.aggregates(),
          a.step(),
          a.outputColumns());
    } else if (node instanceof PlanNode.Join j) {
      return new PlanNode.Join(
          j.type(),
          withScanFiles(j.probe(), files),
          withScanFiles(j.build(), files),
          j.probeKeys(),
          j.buildKeys(),
          j.residual());
    } else if (node instanceof PlanNode.Sort s) {
      return new PlanNode.Sort(withScanFiles(s.source(), files), s.keys(), s.limit());
    } else if (node instanceof PlanNode.Limit l) {
      return new PlanNode.Limit(withScanFiles(l.source(), files), l.offset(), l.count());
    } else if (node instanceof PlanNode.Window w) {
      return new PlanNode.Window(
          withScanFiles(w.source(), files), w.partitionKeys(), w.orderKeys(), w.calls());
    } else if (node instanceof PlanNode.Unnest u) {
      return new PlanNode.Unnest(
          withScanFiles(u.source(), files),
          u.unnested(),
          u.withOrdinality(),
          u.outer(),
          u.elementColumns());
    } else if (node instanceof PlanNode.Union u) {
      List<PlanNode> inputs = new ArrayList<>();
      for (PlanNode input : u.inputs()) {
        inputs.add(withScanFiles(input, files));
      }
      return new PlanNode.Union(inputs, u.outputColumns());
    }
    return node;
  }
}
