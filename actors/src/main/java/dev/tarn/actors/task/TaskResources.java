package dev.tarn.actors.task;

import dev.tarn.core.storage.LakeStorage;
import java.nio.file.Path;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;

/**
 * What a worker node lends its tasks: the node's root allocator, lake storage, the most Arrow
 * memory the tasks of one query may hold on this node at once, and where tasks spill.
 *
 * @param spillDirectory root of the node's spill folders (one per task below it)
 * @param spillThreshold bytes an operator that grows with its input (sort, hash aggregation, hash
 *     join) may hold before it spills
 */
public record TaskResources(
    BufferAllocator allocator,
    LakeStorage storage,
    long queryMemoryLimit,
    Path spillDirectory,
    long spillThreshold) {
  /** The default spill threshold: this share of the query memory limit. */
  public static final int SPILL_SHARE_DIVISOR = 4;

  public TaskResources {
    Objects.requireNonNull(allocator, "allocator");
    Objects.requireNonNull(storage, "storage");
    Objects.requireNonNull(spillDirectory, "spillDirectory");
    if (spillThreshold < 1) {
      throw new IllegalArgumentException("spillThreshold must be >= 1, was " + spillThreshold);
    }
    if (queryMemoryLimit < 1) {
      throw new IllegalArgumentException("queryMemoryLimit must be >= 1, was " + queryMemoryLimit);
    }
  }
}
