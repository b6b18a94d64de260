package dev.tarn.planner.physical;

/**
 * Knobs of distributed planning.
 *
 * @param hashPartitions tasks of each HASH stage (final aggregation, partitioned join), >= 1
 * @param broadcastThresholdBytes a join whose build side is estimated to hold fewer bytes than this
 *     (rows after its filters and joins times their width, or its files' bytes without an estimate)
 *     is a broadcast join (build stage output BROADCAST, join in the probe side's stage); 0 turns
 *     broadcast joins off
 */
public record PlannerOptions(int hashPartitions, int broadcastThresholdBytes) {
  /** Two hash partitions, broadcast joins off. */
  public static final PlannerOptions DEFAULT = new PlannerOptions(2, 0);

  public PlannerOptions {
    if (hashPartitions < 1) {
      throw new IllegalArgumentException("hashPartitions must be >= 1, was " + hashPartitions);
    }
    if (broadcastThresholdBytes < 0) {
      throw new IllegalArgumentException(
          "broadcastThresholdBytes must be >= 0, was " + broadcastThresholdBytes);
    }
  }

  public PlannerOptions withHashPartitions(int partitions) {
    return new PlannerOptions(partitions, broadcastThresholdBytes);
  }

  public PlannerOptions withBroadcastThresholdBytes(int bytes) {
    return new PlannerOptions(hashPartitions, bytes);
  }
}
