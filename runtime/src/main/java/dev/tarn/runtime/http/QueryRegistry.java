package dev.tarn.runtime.http;

import dev.tarn.actors.query.QueryResults;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * The queries the Trino protocol endpoint is paging to clients: which ids exist, the secret slug
 * each client must echo in its URIs, and the page future a client is waiting for.
 *
 * <p>A page that is not ready within the HTTP wait is not requested twice: the client's next
 * request for the same token finds the future started by the first one. A query whose client stops
 * asking for longer than the idle limit is forgotten and cancelled, so that abandoned queries do
 * not pin memory.
 *
 * <p>Two kinds of ids live here: gateway query ids, and provisional {@code queued_...} ids for
 * statements whose start did not complete within the HTTP wait; a provisional entry holds the start
 * future until the gateway names the query.
 */
final class QueryRegistry {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Map<String, Tracked> queries = new ConcurrentHashMap<>();
  private final Duration idleLimit;
  private final Consumer<String> cancel;

  /**
   * @param idleLimit how long a query may go without a client request before it is dropped
   * @param cancel cancels a gateway query by id (for dropped queries)
   */
  QueryRegistry(Duration idleLimit, Consumer<String> cancel) {
    this.idleLimit = idleLimit;
    this.cancel = cancel;
  }

  /** One tracked query. */
  static final class Tracked {
    final String id;
    final String slug;

    /** For provisional ids: the gateway's start, which names the real query. Else null. */
    final CompletableFuture<QueryResults> start;

    private volatile long lastAccessNanos = System.nanoTime();
    private long pendingToken = -1;
    private CompletableFuture<QueryResults> pendingPage;

    Tracked(String id, String slug, CompletableFuture<QueryResults> start) {
      this.id = id;
      this.slug = slug;
      this.start = start;
    }

    /**
     * The future of the page after {@code token}: the one already requested for that token, or a
     * new request.
     */
    synchronized CompletableFuture<QueryResults> page(
        long token, LongFunction<CompletableFuture<QueryResults>> fetch) {
      if (pendingPage == null || pendingToken != token || notReady(pendingPage, token)) {
        pendingToken = token;
        pendingPage = fetch.apply(token);
      }
      return pendingPage;
    }
  }

  /**
   * Whether a completed page only said "nothing yet": the gateway answers a fetch that found no new
   * page within its long-poll time with an empty page naming the same token. Such an answer is
   * never reused; the next request for the token asks the gateway again.
   */
  private static boolean notReady(CompletableFuture<QueryResults> page, long token) {
    if (!page.isDone() || page.isCompletedExceptionally()) {
      return false;
    }
    QueryResults results = page.join();
    return results.nextToken() == token && results.rows().isEmpty();
  }

  /** Tracks a gateway query id. */
  Tracked register(String id) {
    Tracked tracked = new Tracked(id, newSlug(), null);
    queries.put(id, tracked);
    return tracked;
  }

  /** Tracks a statement whose start is still running, under a new provisional id. */
  Tracked registerQueued(CompletableFuture<QueryResults> start) {
    String id = "queued_" + Long.toHexString(RANDOM.nextLong() & Long.MAX_VALUE);
    Tracked tracked = new Tracked(id, newSlug(), start);
    queries.put(id, tracked);
    return tracked;
  }

  /** The tracked query with this id and slug, or null (unknown id, or a slug that is not its). */
  Tracked find(String id, String slug) {
    Tracked tracked = queries.get(id);
    if (tracked == null || !tracked.slug.equals(slug)) {
      return null;
    }
    tracked.lastAccessNanos = System.nanoTime();
    return tracked;
  }

  void remove(String id) {
    queries.remove(id);
  }

  /** Drops, and cancels, every query no client asked about within the idle limit. */
  void evictIdle() {
    long now = System.nanoTime();
    Iterator<Tracked> it = queries.values().iterator();
    while (it.hasNext()) {
      Tracked tracked = it.next();
      if (now - tracked.lastAccessNanos > idleLimit.toNanos()) {
        it.remove();
        if (tracked.start == null) {
          cancel.accept(tracked.id);
        } else {
          tracked.start.thenAccept(
              results -> {
                if (!results.isDone()) {
                  cancel.accept(results.queryId());
                }
              });
        }
      }
    }
  }

  private static String newSlug() {
    return "x" + Long.toHexString(RANDOM.nextLong() & Long.MAX_VALUE);
  }
}
