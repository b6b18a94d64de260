package dev.tarn.runtime.http;

import dev.tarn.actors.query.QueryGateway;
import dev.tarn.core.error.ErrorInfo;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's HTTP endpoint: Trino's client protocol under {@code /v1} ({@link StatementResource})
 * and Tarn's JSON API under {@code /api/v1} ({@link QueryApi}). Both only talk to a {@link
 * QueryGateway}, so the endpoint runs the same over a one-node or a many-node cluster.
 *
 * <p>An unexpected exception in a route becomes a 500 with a JSON error message; the stack trace
 * goes to the log, never to the client.
 */
public final class HttpEndpoint extends AllDirectives {
  private static final Logger LOG = LoggerFactory.getLogger(HttpEndpoint.class);

  private final StatementResource statements;
  private final QueryApi api;

  private HttpEndpoint(ActorSystem<?> system, QueryGateway gateway, HealthCheck health) {
    this.statements = new StatementResource(gateway);
    this.api = new QueryApi(gateway, health, system.executionContext());
  }

  /**
   * Binds the endpoint.
   *
   * @param port the TCP port, or 0 for any free port (read it from the binding's {@code
   *     localAddress()})
   * @return the binding once the socket listens; it fails when the port cannot be bound
   */
  public static CompletionStage<ServerBinding> start(
      ActorSystem<?> system, QueryGateway gateway, String host, int port, HealthCheck health) {
    Route route = new HttpEndpoint(system, gateway, health).route();
    return Http.get(system).newServerAt(host, port).bind(route);
  }

  /** The endpoint's routes, for embedding into a larger route tree. */
  public static Route route(ActorSystem<?> system, QueryGateway gateway, HealthCheck health) {
    return new HttpEndpoint(system, gateway, health).route();
  }

  private Route route() {
    ExceptionHandler internalErrors =
        ExceptionHandler.newBuilder()
            .match(
                RuntimeException.class,
                failure -> {
                  LOG.error("HTTP request failed", failure);
                  return complete(
                      ApiJson.error(
                          StatusCodes.INTERNAL_SERVER_ERROR,
                          "INTERNAL_ERROR",
                          ErrorInfo.of(failure).message(),
                          0,
                          0));
                })
            .build();
    return handleExceptions(internalErrors, () -> concat(statements.route(), api.route()));
  }
}
