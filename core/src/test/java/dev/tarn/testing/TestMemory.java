package dev.tarn.testing;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Allocators for tests. Use one per test in try-with-resources: closing a {@link RootAllocator}
 * that still has buffers outstanding throws {@link IllegalStateException} naming the leak, so a
 * leaking test fails.
 */
public final class TestMemory {
  private TestMemory() {}

  /** A root allocator limited to 1 GiB that fails on close if anything leaked. */
  public static BufferAllocator allocator() {
    return new RootAllocator(1L << 30);
  }
}
