package dev.tarn.bench.report;

import java.io.IOException;
import java.lang.management.ManagementFactory;

/** The facts every benchmark report states about the run: which commit, on what machine. */
public final class RunFacts {
  private RunFacts() {}

  /** The checkout's short commit id, or {@code unknown} outside a git checkout. */
  public static String commit() {
    try {
      Process git =
          new ProcessBuilder("git", "rev-parse", "--short", "HEAD")
              .redirectErrorStream(true)
              .start();
      String out = new String(git.getInputStream().readAllBytes()).trim();
      return git.waitFor() == 0 ? out : "unknown";
    } catch (IOException e) {
      return "unknown";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  /** {@code 2 cores, 24 GiB memory, JDK 17.0.15}. */
  public static String machine() {
    return Runtime.getRuntime().availableProcessors()
        + " cores, "
        + totalMemoryGib()
        + " GiB memory, JDK "
        + System.getProperty("java.version");
  }

  private static long totalMemoryGib() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean bean) {
      return Math.round(bean.getTotalMemorySize() / (double) (1L << 30));
    }
    return -1;
  }
}
