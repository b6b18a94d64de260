package dev.tarn.runtime.node;

import com.typesafe.config.Config;
import dev.tarn.actors.query.ClusterQueryGateway;
import dev.tarn.actors.query.QueryContext;
import dev.tarn.actors.query.QueryGateway;
import dev.tarn.actors.query.QueryManager;
import dev.tarn.actors.task.TaskManager;
import dev.tarn.actors.task.TaskResources;
import dev.tarn.catalog.protocol.CatalogService;
import dev.tarn.core.storage.LakeStorage;
import dev.tarn.core.storage.LocalStorage;
import dev.tarn.planner.physical.PlannerOptions;
import dev.tarn.runtime.http.HttpEndpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Tarn node: one actor system in the cluster with the roles its configuration names.
 *
 * <ul>
 *   <li>every node: lake storage, the node's root Arrow allocator, the catalog client;
 *   <li>{@code catalog}: hosts the catalog's sharded entities (RocksDB under the data dir);
 *   <li>{@code worker}: a {@link TaskManager} that runs tasks;
 *   <li>{@code coordinator}: the {@link QueryManager} and the HTTP endpoint.
 * </ul>
 *
 * With no seed nodes configured the node joins itself: a cluster of one, the same code path as many
 * nodes. {@link #close()} leaves the cluster, unbinds HTTP and closes the stores.
 */
public final class TarnNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TarnNode.class);

  private final ActorSystem<Void> system;
  private final BufferAllocator allocator;
  private final LakeStorage storage;
  private final CatalogService catalog;
  private final QueryGateway gateway;
  private final ServerBinding binding;
  private final Path dataDir;
  private volatile String leakReport;

  private TarnNode(
      ActorSystem<Void> system,
      BufferAllocator allocator,
      LakeStorage storage,
      CatalogService catalog,
      QueryGateway gateway,
      ServerBinding binding,
      Path dataDir) {
    this.system = system;
    this.allocator = allocator;
    this.storage = storage;
    this.catalog = catalog;
    this.gateway = gateway;
    this.binding = binding;
    this.dataDir = dataDir;
  }

  /** Starts a node and waits until it has joined its cluster and listens. */
  public static TarnNode start(NodeSettings settings) {
    Config config = settings.config();
    Path dataDir = Path.of(config.getString("tarn.data-dir")).toAbsolutePath();
    try {
      Files.createDirectories(dataDir);
      // Spill files live only as long as their task; any left here are from a crashed run.
      new dev.tarn.core.memory.SpillSpace(dataDir.resolve("spill"), Long.MAX_VALUE).delete();
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      throw new IllegalStateException("cannot create data directory " + dataDir, e);
    }
    List<String> roles = config.getStringList("pekko.cluster.roles");
    BufferAllocator allocator = new RootAllocator(Long.MAX_VALUE);
    LakeStorage storage = new LocalStorage();
    CompletableFuture<ActorRef<QueryManager.Command>> manager = new CompletableFuture<>();
    CompletableFuture<CatalogService> catalogReady = new CompletableFuture<>();
    Behavior<Void> guardian =
        Behaviors.setup(
            context -> {
              ActorSystem<?> sys = context.getSystem();
              Cluster cluster = Cluster.get(sys);
              if (config.getStringList("pekko.cluster.seed-nodes").isEmpty()) {
                cluster.manager().tell(Join.create(cluster.selfMember().address()));
              }
              CatalogService catalog = CatalogService.start(sys);
              catalogReady.complete(catalog);
              if (roles.contains("worker")) {
                long configured = config.getBytes("tarn.query.max-memory-per-node");
                long limit = configured > 0 ? configured : Runtime.getRuntime().maxMemory();
                long threshold = config.getBytes("tarn.query.spill-threshold");
                context.spawn(
                    TaskManager.create(
                        new TaskResources(
                            allocator,
                            storage,
                            limit,
                            dataDir.resolve("spill"),
                            threshold > 0 ? threshold : limit / TaskResources.SPILL_SHARE_DIVISOR)),
                    "task-manager");
              }
              if (roles.contains("coordinator")) {
                int scan = config.getInt("tarn.query.scan-parallelism");
                QueryContext queryContext =
                    new QueryContext(
                        catalog,
                        storage,
                        allocator,
                        new PlannerOptions(
                            config.getInt("tarn.query.hash-partitions"),
                            (int)
                                Math.min(
                                    Integer.MAX_VALUE,
                                    config.getBytes("tarn.query.broadcast-threshold-bytes"))),
                        scan > 0 ? scan : Runtime.getRuntime().availableProcessors(),
                        config.getDuration("tarn.query.timeout"),
                        config.getDuration("tarn.query.result-retention"));
                manager.complete(context.spawn(QueryManager.create(queryContext), "query-manager"));
              }
              return Behaviors.empty();
            });
    ActorSystem<Void> system = ActorSystem.create(guardian, "tarn", config);
    try {
      waitUntilUp(system);
      CatalogService catalog = catalogReady.get(30, TimeUnit.SECONDS);
      QueryGateway gateway = null;
      ServerBinding binding = null;
      if (roles.contains("coordinator")) {
        gateway =
            new ClusterQueryGateway(
                manager.get(30, TimeUnit.SECONDS),
                system,
                config.getDuration("tarn.query.ask-timeout"));
        binding =
            HttpEndpoint.start(
                    system,
                    gateway,
                    config.getString("tarn.http.host"),
                    config.getInt("tarn.http.port"),
                    new NodeHealth(system, roles))
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
      }
      TarnNode node = new TarnNode(system, allocator, storage, catalog, gateway, binding, dataDir);
      LOG.info(
          "node {} up with roles {}, data in {}",
          Cluster.get(system).selfMember().address(),
          roles,
          dataDir);
      return node;
    } catch (Exception e) {
      system.terminate();
      awaitTermination(system);
      allocator.close();
      throw new IllegalStateException("node failed to start: " + rootMessage(e), e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  private static void waitUntilUp(ActorSystem<?> system) throws InterruptedException {
    Cluster cluster = Cluster.get(system);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (cluster.selfMember().status() != MemberStatus.up()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("node did not join its cluster within 60 s");
      }
      Thread.sleep(20);
    }
  }

  public QueryGateway gateway() {
    return gateway;
  }

  public CatalogService catalog() {
    return catalog;
  }

  public LakeStorage storage() {
    return storage;
  }

  public ActorSystem<Void> system() {
    return system;
  }

  public BufferAllocator allocator() {
    return allocator;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** The HTTP port the node listens on (useful when configured as 0). */
  public int httpPort() {
    return binding == null ? -1 : binding.localAddress().getPort();
  }

  public String httpAddress() {
    return binding == null
        ? "none"
        : "http://"
            + binding.localAddress().getHostString()
            + ":"
            + binding.localAddress().getPort();
  }

  /** Leaves the cluster, stops HTTP and the actor system, closes the stores. */
  @Override
  public void close() {
    if (binding != null) {
      binding.unbind().toCompletableFuture().join();
    }
    Cluster cluster = Cluster.get(system);
    cluster
        .manager()
        .tell(org.apache.pekko.cluster.typed.Leave.create(cluster.selfMember().address()));
    system.terminate();
    awaitTermination(system);
    try {
      allocator.close();
    } catch (IllegalStateException leak) {
      leakReport = leak.getMessage();
      LOG.error("Arrow memory still allocated at shutdown: {}", leakReport);
    }
    LOG.info("node stopped");
  }

  /**
   * After {@link #close()}: null if every Arrow buffer the node allocated was released, else the
   * allocator's account of what was not. Tests assert it is null.
   */
  public String leakReport() {
    return leakReport;
  }

  private static void awaitTermination(ActorSystem<?> system) {
    try {
      system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("actor system did not terminate cleanly: {}", e.toString());
    }
  }

  /** Health: cluster membership and roles. */
  private record NodeHealth(ActorSystem<?> system, List<String> roles)
      implements dev.tarn.runtime.http.HealthCheck {
    @Override
    public java.util.concurrent.CompletionStage<Status> check() {
      Map<String, Object> details = new LinkedHashMap<>();
      Cluster cluster = Cluster.get(system);
      details.put("node", cluster.selfMember().address().toString());
      details.put("member", cluster.selfMember().status().toString());
      details.put("roles", roles);
      int members = 0;
      for (var ignored : cluster.state().getMembers()) {
        members++;
      }
      details.put("clusterSize", members);
      boolean up = cluster.selfMember().status() == MemberStatus.up();
      return CompletableFuture.completedFuture(new Status(up, details));
    }
  }
}
