package dev.tarn.planner.stages;

import dev.tarn.core.serde.TarnMessage;
import dev.tarn.planner.physical.PlanNode;
import java.util.List;
import java.util.Objects;

/**
 * One stage of a distributed plan: a fragment that several tasks run alike, each on its share of
 * the input, and how the stage's output is sent on to its consumer stage.
 *
 * @param id stage id; the root stage is 0, children have higher ids
 * @param fragment the plan fragment; its {@link PlanNode.RemoteSource}s name child stages
 * @param distribution how many tasks run the stage and what each gets
 * @param output how each task's output rows are routed to the consumer stage's tasks
 * @param children ids of the stages this one reads from
 */
public record StagePlan(
    int id,
    PlanNode fragment,
    Distribution distribution,
    OutputPartitioning output,
    List<Integer> children)
    implements TarnMessage {
  public StagePlan {
    Objects.requireNonNull(fragment, "fragment");
    Objects.requireNonNull(distribution, "distribution");
    Objects.requireNonNull(output, "output");
    children = List.copyOf(Objects.requireNonNull(children, "children"));
  }

  /** How a stage's work is divided between its tasks. */
  public enum Distribution {
    /** One task (the root, or a final sort/limit). */
    SINGLE,
    /** The stage's scan files are split between up to the cluster's scan parallelism tasks. */
    SOURCE,
    /** A fixed number of tasks (the query's hash partition count), each reading one partition. */
    HASH
  }

  /**
   * Routing of output rows.
   *
   * @param kind GATHER to the single consumer task, HASH on {@code keys} to the consumer's tasks,
   *     or BROADCAST to every consumer task; RESULT for the root stage (to the coordinator)
   */
  public record OutputPartitioning(Kind kind, List<Integer> keys) implements TarnMessage {
    public OutputPartitioning {
      Objects.requireNonNull(kind, "kind");
      keys = List.copyOf(Objects.requireNonNull(keys, "keys"));
      if ((kind == Kind.HASH) == keys.isEmpty()) {
        throw new IllegalArgumentException("HASH output needs keys, other kinds none");
      }
    }

    public static final OutputPartitioning RESULT = new OutputPartitioning(Kind.RESULT, List.of());
    public static final OutputPartitioning GATHER = new OutputPartitioning(Kind.GATHER, List.of());
    public static final OutputPartitioning BROADCAST =
        new OutputPartitioning(Kind.BROADCAST, List.of());

    public static OutputPartitioning hash(List<Integer> keys) {
      return new OutputPartitioning(Kind.HASH, keys);
    }

    /** Output routing kinds. */
    public enum Kind {
      RESULT,
      GATHER,
      HASH,
      BROADCAST
    }
  }
}
