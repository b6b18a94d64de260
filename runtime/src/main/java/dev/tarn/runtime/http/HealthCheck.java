package dev.tarn.runtime.http;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Whether the node is ready to serve queries, as {@code GET /api/v1/health} reports it.
 *
 * <p>The node wiring supplies the implementation (cluster membership, catalog reachable, ...). The
 * endpoint answers 200 when the status is up and 503 otherwise; a check whose future fails counts
 * as down.
 */
@FunctionalInterface
public interface HealthCheck {

  /** A check that always reports up, for tests and embedded use. */
  HealthCheck ALWAYS_UP = () -> CompletableFuture.completedFuture(Status.up(Map.of()));

  /** Checks readiness; the future should complete within a second or two. */
  CompletionStage<Status> check();

  /**
   * The outcome of a check.
   *
   * @param up whether the node serves queries
   * @param details extra facts to show (role names, member count, ...); JSON-serializable values:
   *     strings, numbers, booleans, lists and maps of those
   */
  record Status(boolean up, Map<String, Object> details) {
    public Status {
      Objects.requireNonNull(details, "details");
      details = Map.copyOf(details);
    }

    public static Status up(Map<String, Object> details) {
      return new Status(true, details);
    }

    public static Status down(Map<String, Object> details) {
      return new Status(false, details);
    }
  }
}
