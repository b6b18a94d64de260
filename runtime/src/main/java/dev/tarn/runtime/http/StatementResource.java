package dev.tarn.runtime.http;

import static org.apache.pekko.http.javadsl.server.PathMatchers.longSegment;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import dev.tarn.actors.query.QueryGateway;
import dev.tarn.actors.query.QueryResults;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * Trino's client protocol (v1), so that Trino's JDBC driver, CLI and BI tools talk to Tarn.
 *
 * <pre>
 *   POST   /v1/statement                                  body: SQL; first page (or where to wait)
 *   GET    /v1/statement/queued/{id}/{slug}/{token}       start still running: ask again
 *   GET    /v1/statement/executing/{id}/{slug}/{token}    page after token (gateway.fetch)
 *   DELETE /v1/statement/{queued|executing}/...           cancel
 *   GET    /v1/info                                       server info
 * </pre>
 *
 * <p>A request never waits for the gateway longer than {@link #MAX_WAIT}: when the page is not
 * ready the client gets an empty page whose {@code nextUri} asks again for the same token, which is
 * how a Trino server answers too. Failed statements are HTTP 200 with an {@code error} object, as
 * the protocol wants; HTTP errors are for malformed requests (400), unknown query ids (404) and
 * wrong methods (405).
 */
final class StatementResource extends AllDirectives {
  /** The longest an HTTP request waits for a page before answering "ask again". */
  static final Duration MAX_WAIT = Duration.ofSeconds(1);

  private static final Duration IDLE_LIMIT = Duration.ofMinutes(15);
  private static final String VERSION = "tarn-0.1.0";

  private final QueryGateway gateway;
  private final QueryRegistry registry;
  private final Instant startedAt = Instant.now();

  StatementResource(QueryGateway gateway) {
    this.gateway = gateway;
    this.registry = new QueryRegistry(IDLE_LIMIT, gateway::cancel);
  }

  Route route() {
    return pathPrefix(
        "v1",
        () ->
            concat(
                path("statement", () -> post(() -> extractRequest(this::start))),
                pathPrefix(
                    segment("statement").slash("executing").slash(segment()).slash(segment()),
                    (id, slug) ->
                        path(
                            longSegment(),
                            token ->
                                concat(
                                    get(
                                        () ->
                                            extractRequest(
                                                request -> executing(request, id, slug, token))),
                                    delete(() -> completeWithFuture(cancel(id, slug)))))),
                pathPrefix(
                    segment("statement").slash("queued").slash(segment()).slash(segment()),
                    (id, slug) ->
                        path(
                            longSegment(),
                            token ->
                                concat(
                                    get(
                                        () ->
                                            extractRequest(
                                                request -> queued(request, id, slug, token))),
                                    delete(() -> completeWithFuture(cancel(id, slug)))))),
                path("info", () -> get(() -> complete(info())))));
  }

  private Route start(HttpRequest request) {
    ClientProtocol protocol = ClientProtocol.of(request);
    Optional<String> user = protocol.header(request, "User");
    if (user.isEmpty() || user.get().isBlank()) {
      return complete(
          plainText(
              400, "Missing " + protocol.prefix + "User header: every statement needs a user"));
    }
    String database =
        protocol.header(request, "Schema").filter(s -> !s.isBlank()).orElse("default");
    return entity(
        Unmarshaller.entityToString(),
        sql -> {
          if (sql.isBlank()) {
            return complete(plainText(400, "SQL statement is empty"));
          }
          registry.evictIdle();
          CompletableFuture<QueryResults> started =
              guard(gateway.start(sql, database), "tarn_unstarted");
          return completeWithFuture(
              readyWithin(started)
                  .thenApply(
                      ready -> {
                        if (!ready) {
                          QueryRegistry.Tracked tracked = registry.registerQueued(started);
                          return waiting(request, protocol, tracked, "QUEUED", "queued", 0);
                        }
                        return firstPage(request, protocol, started.join());
                      }));
        });
  }

  private Route queued(HttpRequest request, String id, String slug, long token) {
    QueryRegistry.Tracked tracked = registry.find(id, slug);
    if (tracked == null || tracked.start == null) {
      return complete(notFound(id));
    }
    ClientProtocol protocol = ClientProtocol.of(request);
    return completeWithFuture(
        readyWithin(tracked.start)
            .thenApply(
                ready -> {
                  if (!ready) {
                    return waiting(request, protocol, tracked, "QUEUED", "queued", token);
                  }
                  registry.remove(id);
                  return firstPage(request, protocol, tracked.start.join());
                }));
  }

  private HttpResponse firstPage(HttpRequest request, ClientProtocol protocol, QueryResults first) {
    if (isLast(first)) {
      return pageResponse(request, protocol, first, null);
    }
    return pageResponse(request, protocol, first, registry.register(first.queryId()));
  }

  private Route executing(HttpRequest request, String id, String slug, long token) {
    QueryRegistry.Tracked tracked = registry.find(id, slug);
    if (tracked == null || tracked.start != null) {
      return complete(notFound(id));
    }
    ClientProtocol protocol = ClientProtocol.of(request);
    CompletableFuture<QueryResults> page =
        tracked.page(token, t -> guard(gateway.fetch(id, t), id));
    return completeWithFuture(
        readyWithin(page)
            .thenApply(
                ready -> {
                  if (!ready) {
                    return waiting(request, protocol, tracked, "RUNNING", "executing", token);
                  }
                  QueryResults results = page.join();
                  if (isLast(results)) {
                    registry.remove(id);
                    return pageResponse(request, protocol, results, null);
                  }
                  return pageResponse(request, protocol, results, tracked);
                }));
  }

  private CompletionStage<HttpResponse> cancel(String id, String slug) {
    QueryRegistry.Tracked tracked = registry.find(id, slug);
    if (tracked == null) {
      return CompletableFuture.completedFuture(notFound(id));
    }
    registry.remove(id);
    HttpResponse noContent = HttpResponse.create().withStatus(StatusCodes.NO_CONTENT);
    if (tracked.start != null) {
      // The query has no gateway id yet: cancel it once it has one.
      tracked.start.thenAccept(
          results -> {
            if (!isLast(results)) {
              gateway.cancel(results.queryId());
            }
          });
      return CompletableFuture.completedFuture(noContent);
    }
    return gateway.cancel(id).handle((done, failure) -> noContent);
  }

  private HttpResponse pageResponse(
      HttpRequest request,
      ClientProtocol protocol,
      QueryResults results,
      QueryRegistry.Tracked tracked) {
    String id = results.queryId();
    String nextUri =
        tracked == null ? null : statementUri(request, "executing", tracked, results.nextToken());
    byte[] body = StatementJson.page(results, id, infoUri(request, id), nextUri);
    List<HttpHeader> headers = new ArrayList<>(2);
    if (results.setSchema() != null && results.error() == null) {
      headers.add(RawHeader.create(protocol.prefix + "Set-Catalog", "tarn"));
      headers.add(RawHeader.create(protocol.prefix + "Set-Schema", results.setSchema()));
    }
    return HttpResponse.create()
        .withStatus(StatusCodes.OK)
        .withHeaders(headers)
        .withEntity(ContentTypes.APPLICATION_JSON, body);
  }

  private HttpResponse waiting(
      HttpRequest request,
      ClientProtocol protocol,
      QueryRegistry.Tracked tracked,
      String state,
      String kind,
      long token) {
    byte[] body =
        StatementJson.waiting(
            tracked.id,
            state,
            infoUri(request, tracked.id),
            statementUri(request, kind, tracked, token));
    return HttpResponse.create()
        .withStatus(StatusCodes.OK)
        .withEntity(ContentTypes.APPLICATION_JSON, body);
  }

  private HttpResponse info() {
    double uptimeMinutes = Duration.between(startedAt, Instant.now()).toMillis() / 60_000.0;
    String json =
        "{\"nodeVersion\":{\"version\":\""
            + VERSION
            + "\"},\"environment\":\"tarn\",\"coordinator\":true,\"starting\":false,"
            + "\"uptime\":\""
            + String.format(Locale.ROOT, "%.2fm", uptimeMinutes)
            + "\"}";
    return HttpResponse.create()
        .withStatus(StatusCodes.OK)
        .withEntity(ContentTypes.APPLICATION_JSON, json);
  }

  private static boolean isLast(QueryResults results) {
    return results.isDone() || results.error() != null;
  }

  /**
   * Completes with true as soon as the future completes, or with false after {@link #MAX_WAIT}. The
   * future itself is never completed here: a later request can still wait on it.
   */
  private static CompletableFuture<Boolean> readyWithin(CompletableFuture<?> future) {
    return future
        .handle((value, failure) -> Boolean.TRUE)
        .completeOnTimeout(Boolean.FALSE, MAX_WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * The gateway's future, made total: its contract is to report failures as FAILED pages, and this
   * keeps that true even if an implementation fails the future instead.
   */
  private static CompletableFuture<QueryResults> guard(
      CompletionStage<QueryResults> stage, String queryId) {
    return stage
        .toCompletableFuture()
        .exceptionally(failure -> QueryResults.failed(queryId, failure));
  }

  private static String statementUri(
      HttpRequest request, String kind, QueryRegistry.Tracked tracked, long token) {
    return baseUri(request)
        + "/v1/statement/"
        + kind
        + "/"
        + encode(tracked.id)
        + "/"
        + tracked.slug
        + "/"
        + token;
  }

  private static String infoUri(HttpRequest request, String id) {
    return baseUri(request) + "/ui/query.html?" + encode(id);
  }

  /** {@code scheme://host:port} as the client addressed this server. */
  private static String baseUri(HttpRequest request) {
    Uri uri = request.getUri();
    String host = uri.host().address();
    if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return uri.getScheme() + "://" + host + ":" + uri.getPort();
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8);
  }

  private static HttpResponse plainText(int status, String message) {
    return HttpResponse.create()
        .withStatus(status)
        .withEntity(ContentTypes.TEXT_PLAIN_UTF8, message + "\n");
  }

  private static HttpResponse notFound(String id) {
    return ApiJson.error(
        StatusCodes.NOT_FOUND,
        "QUERY_NOT_FOUND",
        "query '" + id + "' not found: it finished, was cancelled or expired",
        0,
        0);
  }

  /**
   * The header family a client speaks: {@code X-Trino-*}, or {@code X-Presto-*} for old clients.
   * Responses use the family of the request.
   */
  private record ClientProtocol(String prefix) {
    static final ClientProtocol TRINO = new ClientProtocol("X-Trino-");
    static final ClientProtocol PRESTO = new ClientProtocol("X-Presto-");

    static ClientProtocol of(HttpRequest request) {
      if (request.getHeader("X-Trino-User").isEmpty()
          && request.getHeader("X-Presto-User").isPresent()) {
        return PRESTO;
      }
      return TRINO;
    }

    Optional<String> header(HttpRequest request, String name) {
      return request.getHeader(prefix + name).map(HttpHeader::value);
    }
  }
}
