package dev.tarn.planner.physical;

/** Visits physical plan nodes. */
public interface PlanVisitor<R> {
  R visitScan(PlanNode.Scan node);

  R visitFilter(PlanNode.Filter node);

  R visitProject(PlanNode.Project node);

  R visitAggregate(PlanNode.Aggregate node);

  R visitJoin(PlanNode.Join node);

  R visitSort(PlanNode.Sort node);

  R visitLimit(PlanNode.Limit node);

  R visitRemoteSource(PlanNode.RemoteSource node);

  R visitValues(PlanNode.Values node);

  R visitUnion(PlanNode.Union node);

  R visitWindow(PlanNode.Window node);

  R visitUnnest(PlanNode.Unnest node);
}
