package dev.tarn.runtime.http;

import com.typesafe.config.ConfigFactory;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.ServerBinding;

/**
 * The HTTP endpoint on a free port over a {@link FakeQueryGateway}, in a local actor system. Tests
 * share one per class.
 */
public final class FakeServer implements AutoCloseable {
  public final FakeQueryGateway gateway = new FakeQueryGateway();

  /** What the health check reports. */
  public final AtomicBoolean healthy = new AtomicBoolean(true);

  private final ActorTestKit testKit;
  private final ServerBinding binding;

  private FakeServer() throws Exception {
    testKit =
        ActorTestKit.create(
            "http-test",
            ConfigFactory.parseString(
                    "pekko.actor.provider = local\npekko.loglevel = WARNING\n"
                        + "pekko.http.server.remote-address-header = off")
                .withFallback(ConfigFactory.load()));
    HealthCheck health =
        () ->
            CompletableFuture.completedFuture(
                new HealthCheck.Status(healthy.get(), Map.of("roles", "coordinator")));
    binding =
        HttpEndpoint.start(testKit.system(), gateway, "127.0.0.1", 0, health)
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  public static FakeServer start() throws Exception {
    return new FakeServer();
  }

  public int port() {
    return binding.localAddress().getPort();
  }

  public String url() {
    return "http://127.0.0.1:" + port();
  }

  @Override
  public void close() throws Exception {
    binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    testKit.shutdownTestKit();
  }
}
