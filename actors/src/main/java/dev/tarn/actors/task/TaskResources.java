package dev.tarn.actors.task;

import dev.tarn.core.storage.LakeStorage;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;

/**
 * What a worker node lends its tasks: the node's root allocator, lake storage, and the most
 * Arrow memory the tasks of one query may hold on this node at once.
 */
public record TaskResources(BufferAllocator allocator, LakeStorage storage, long queryMemoryLimit) {
  public TaskResources {
    Objects.requireNonNull(allocator, "allocator");
    Objects.requireNonNull(storage, "storage");
    if (queryMemoryLimit < 1) {
      throw new IllegalArgumentException("queryMemoryLimit must be >= 1, was " + queryMemoryLimit);
    }
  }
}
