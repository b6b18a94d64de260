package dev.tarn.actors.task;

import dev.tarn.core.storage.LakeStorage;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;

/** What a worker node lends its tasks: the node's root allocator and lake storage. */
public record TaskResources(BufferAllocator allocator, LakeStorage storage) {
  public TaskResources {
    Objects.requireNonNull(allocator, "allocator");
    Objects.requireNonNull(storage, "storage");
  }
}
