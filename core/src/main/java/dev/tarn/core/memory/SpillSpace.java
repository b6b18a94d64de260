package dev.tarn.core.memory;

import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Where one task's operators spill, and when. An operator whose memory grows with its input (sort,
 * hash aggregation, hash join) spills once what it holds passes {@link #thresholdBytes()}: a share
 * of the query's per-node memory limit, so that several such operators and the batches in flight
 * still fit under the limit. The task deletes the directory when it ends.
 *
 * @param directory this task's spill folder (created on first use)
 * @param thresholdBytes bytes an operator may hold before it spills; {@link Long#MAX_VALUE} never
 */
public record SpillSpace(Path directory, long thresholdBytes) {
  private static final AtomicInteger FILES = new AtomicInteger();

  /** No spilling: operators keep everything in memory (the memory limit still applies). */
  public static SpillSpace disabled() {
    return new SpillSpace(null, Long.MAX_VALUE);
  }

  public boolean enabled() {
    return directory != null;
  }

  /** Whether an operator holding {@code heldBytes} should spill now. */
  public boolean shouldSpill(long heldBytes) {
    return enabled() && heldBytes > thresholdBytes;
  }

  /** A new, empty spill file path. */
  public Path newFile(String operator) {
    if (!enabled()) {
      throw new IllegalStateException("spilling is disabled");
    }
    try {
      Files.createDirectories(directory);
      return directory.resolve(operator + "-" + FILES.incrementAndGet() + ".arrows");
    } catch (IOException e) {
      throw new TarnException(
          ErrorCode.INTERNAL_ERROR, "cannot create spill folder " + directory + ": " + e, e);
    }
  }

  /** Deletes the spill folder and everything in it. */
  public void delete() {
    if (directory == null || !Files.exists(directory)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(directory)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete spill folder " + directory, e);
    }
  }
}
