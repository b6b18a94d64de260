package dev.tarn.planner.stages;

import dev.tarn.planner.physical.PlanNode;

/**
 * Pushes a task's row limit into the scan it reads, through projections only:
 *
 * <pre>
 *   Limit(10)                          Limit(10)
 *     Project(a, b + 1)     becomes      Project(a, b + 1)
 *       Scan(t)                            Scan(t, limit=10)
 * </pre>
 *
 * The scan then asks its readers for no more rows than it still needs and stops once it has them,
 * instead of reading whole batches that the limit drops. The Limit stays above, so the pushed limit
 * only needs to be an upper bound. Declines below anything that can drop or multiply rows (a
 * Filter, an aggregate, a join) or reorder them (a sort).
 */
final class LimitIntoScan {
  private LimitIntoScan() {}

  /** {@code node} with its scan limited to {@code rows}, or {@code node} itself. */
  static PlanNode apply(PlanNode node, long rows) {
    if (node instanceof PlanNode.Scan scan) {
      // A tighter limit pushed earlier wins.
      return scan.limit() >= 0 && scan.limit() <= rows ? scan : scan.withLimit(rows);
    }
    if (node instanceof PlanNode.Project project) {
      PlanNode source = apply(project.source(), rows);
      return source == project.source()
          ? project
          : new PlanNode.Project(source, project.expressions(), project.names());
    }
    // Filters, joins, aggregates, sorts, unions, windows and exchanges: the limit stays above.
    return node;
  }
}
