package dev.tarn.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.tarn.actors.query.QueryGateway;
import dev.tarn.actors.query.QueryResults;
import dev.tarn.core.meta.Column;
import dev.tarn.core.type.SqlType;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A query slower than the gateway's long poll: the gateway first answers "nothing yet" (an empty
 * page naming the same token), several times, and the client must still get the rows — the endpoint
 * asks again instead of serving the "nothing yet" answer forever.
 */
class NotReadyPagesTest {
  static final List<Column> COLUMNS = List.of(new Column("n", SqlType.BIGINT));

  /** Answers token 0 with "nothing yet" three times, then with the rows. */
  static final class SlowGateway implements QueryGateway {
    final AtomicInteger fetches = new AtomicInteger();

    @Override
    public CompletionStage<QueryResults> start(String sql, String database) {
      return CompletableFuture.completedFuture(page("QUEUED", null, List.of(), 0));
    }

    @Override
    public CompletionStage<QueryResults> fetch(String queryId, long token) {
      if (fetches.incrementAndGet() <= 3) {
        return CompletableFuture.completedFuture(page("RUNNING", COLUMNS, List.of(), token));
      }
      return CompletableFuture.completedFuture(
          page("FINISHED", COLUMNS, List.of(List.of(42L)), -1));
    }

    @Override
    public CompletionStage<Void> cancel(String queryId) {
      return CompletableFuture.completedFuture(null);
    }

    private static QueryResults page(
        String state, List<Column> columns, List<List<Object>> rows, long next) {
      return new QueryResults(
          "q1", state, columns, rows, next, null, null, null, QueryResults.QueryStats.EMPTY);
    }
  }

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void rowsArriveAfterNotReadyPages() throws Exception {
    ActorTestKit testKit =
        ActorTestKit.create(
            "not-ready",
            ConfigFactory.parseString("pekko.actor.provider = local")
                .withFallback(ConfigFactory.load()));
    SlowGateway gateway = new SlowGateway();
    try {
      ServerBinding binding =
          HttpEndpoint.start(testKit.system(), gateway, "127.0.0.1", 0, HealthCheck.ALWAYS_UP)
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      String url = "jdbc:trino://127.0.0.1:" + binding.localAddress().getPort() + "/tarn/default";
      try (Connection connection = DriverManager.getConnection(url, "tester", null);
          ResultSet rs = connection.createStatement().executeQuery("SELECT 42")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).isEqualTo(42L);
        assertThat(rs.next()).isFalse();
      }
      assertThat(gateway.fetches.get()).isEqualTo(4);
      binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } finally {
      testKit.shutdownTestKit();
    }
  }
}
