package dev.tarn.runtime.node;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tarn server}: starts a node and serves until Ctrl-C. */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description = "Start a Tarn node (single node by default: every role, joining itself).")
public final class ServerCommand implements Callable<Integer> {
  @Option(
      names = "--data-dir",
      description = "Where the node keeps its data (default ./tarn-data).")
  Path dataDir;

  @Option(names = "--http-port", description = "HTTP port (default 8080).")
  Integer httpPort;

  @Option(names = "--http-host", description = "HTTP address to bind (default 127.0.0.1).")
  String httpHost;

  @Option(
      names = "--artery-port",
      description = "Cluster port (default: any free port for a single node).")
  Integer arteryPort;

  @Option(names = "--roles", split = ",", description = "Node roles: coordinator, worker, catalog.")
  List<String> roles;

  @Option(
      names = "--seed-nodes",
      split = ",",
      description = "Seed node addresses, e.g. pekko://tarn@127.0.0.1:25520.")
  List<String> seedNodes;

  @Option(names = "--config", description = "A HOCON file with node settings.")
  Path config;

  /** The settings these flags describe. */
  public NodeSettings settings() {
    NodeSettings settings = NodeSettings.singleNode();
    if (config != null) {
      settings.configFile(config);
    }
    if (dataDir != null) {
      settings.dataDir(dataDir);
    }
    if (httpPort != null) {
      settings.httpPort(httpPort);
    }
    if (httpHost != null) {
      settings.httpHost(httpHost);
    }
    if (arteryPort != null) {
      settings.arteryPort(arteryPort);
    }
    if (roles != null) {
      settings.roles(roles);
    }
    if (seedNodes != null) {
      settings.seedNodes(seedNodes);
    }
    return settings;
  }

  @Override
  public Integer call() throws InterruptedException {
    TarnNode node = TarnNode.start(settings());
    System.out.println(
        "Tarn node listening on " + node.httpAddress() + " (data in " + node.dataDir() + ")");
    serveUntilInterrupted(node);
    return 0;
  }

  /** Blocks until the JVM is asked to stop, then closes the node (cluster leave, stores closed). */
  public static void serveUntilInterrupted(TarnNode node) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  node.close();
                  stopped.countDown();
                },
                "tarn-shutdown"));
    stopped.await();
  }
}
