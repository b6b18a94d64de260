package dev.tarn.runtime.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A node's configuration: {@code cluster-config}'s single-node default, under an optional config
 * file, under flag overrides. Everything a node reads comes from the resolved {@link Config}.
 */
public final class NodeSettings {
  private final Map<String, Object> overrides = new TreeMap<>();
  private Path configFile;

  public static NodeSettings singleNode() {
    return new NodeSettings();
  }

  public NodeSettings dataDir(Path dir) {
    overrides.put("tarn.data-dir", dir.toAbsolutePath().toString());
    return this;
  }

  public NodeSettings httpPort(int port) {
    overrides.put("tarn.http.port", port);
    return this;
  }

  public NodeSettings httpHost(String host) {
    overrides.put("tarn.http.host", host);
    return this;
  }

  public NodeSettings arteryPort(int port) {
    overrides.put("pekko.remote.artery.canonical.port", port);
    return this;
  }

  public NodeSettings roles(List<String> roles) {
    overrides.put("pekko.cluster.roles", new ArrayList<>(roles));
    return this;
  }

  public NodeSettings seedNodes(List<String> seeds) {
    overrides.put("pekko.cluster.seed-nodes", new ArrayList<>(seeds));
    return this;
  }

  public NodeSettings set(String path, Object value) {
    overrides.put(path, value);
    return this;
  }

  public NodeSettings configFile(Path file) {
    this.configFile = file;
    return this;
  }

  /** The resolved configuration. */
  public Config config() {
    Config base = ConfigFactory.parseResources("tarn/single-node.conf");
    Config file =
        configFile == null ? ConfigFactory.empty() : ConfigFactory.parseFile(configFile.toFile());
    Config flags = ConfigFactory.empty();
    for (Map.Entry<String, Object> e : overrides.entrySet()) {
      flags = flags.withValue(e.getKey(), ConfigValueFactory.fromAnyRef(e.getValue()));
    }
    return flags
        .withFallback(file)
        .withFallback(base)
        .withFallback(ConfigFactory.defaultApplication())
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }
}
