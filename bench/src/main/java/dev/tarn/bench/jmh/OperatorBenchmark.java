package dev.tarn.bench.jmh;

import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the suite's benchmarks share: JMH's settings (inherited annotations: throughput in rows per
 * second, one fork with Arrow's module openings, short warm-up and measurement) and the memory they
 * measure in: a root allocator, a child holding the prepared input batches, a child for the
 * operators under test, and the stream runtime that runs them.
 *
 * <p>A benchmark calls {@link #openMemory} first in its set-up and {@link #closeMemory} last in its
 * tear-down, after closing its own batches (closing an allocator with live buffers fails, so a leak
 * fails the run).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {
      "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"
    })
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
abstract class OperatorBenchmark {
  BufferAllocator root;
  BufferAllocator input;
  BufferAllocator operators;
  OperatorStreams streams;

  /**
   * Opens the allocators ({@code input} named {@code inputName}) and, unless {@code streamsName} is
   * null, a stream runtime of that name.
   */
  final void openMemory(String inputName, String streamsName) {
    root = new RootAllocator();
    input = root.newChildAllocator(inputName, 0, Long.MAX_VALUE);
    operators = root.newChildAllocator("operators", 0, Long.MAX_VALUE);
    streams = streamsName == null ? null : new OperatorStreams(streamsName);
  }

  final void closeMemory() {
    if (streams != null) {
      streams.close();
    }
    operators.close();
    input.close();
    root.close();
  }
}
