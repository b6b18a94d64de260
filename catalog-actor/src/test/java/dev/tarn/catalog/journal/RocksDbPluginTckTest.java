package dev.tarn.catalog.journal;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Path;
import org.apache.pekko.persistence.CapabilityFlag;
import org.apache.pekko.persistence.japi.journal.JavaJournalSpec;
import org.apache.pekko.persistence.japi.snapshot.JavaSnapshotStoreSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scalatest.tools.Runner;

/**
 * Pekko's plugin compatibility kit (TCK) against the RocksDB journal and snapshot store. The TCK
 * specs are ScalaTest suites; ScalaTest's runner executes them here so that they run under the
 * JUnit 5 platform like every other test, and the test fails when any spec test fails.
 */
class RocksDbPluginTckTest {
  private static Path root;

  static Config tckConfig() {
    return ConfigFactory.parseString(
            "pekko.loglevel = WARNING\n"
                + "pekko.actor.serialize-messages = off\n"
                + "pekko.persistence.journal.plugin = tarn.persistence.journal\n"
                + "pekko.persistence.snapshot-store.plugin = tarn.persistence.snapshot-store\n")
        .withValue(
            "tarn.persistence.journal.dir",
            ConfigValueFactory.fromAnyRef(root.resolve("journal").toString()))
        .withValue(
            "tarn.persistence.snapshot-store.dir",
            ConfigValueFactory.fromAnyRef(root.resolve("snapshots").toString()))
        .withFallback(ConfigFactory.load());
  }

  /** The journal TCK; instantiated by ScalaTest's runner. */
  public static final class JournalTck extends JavaJournalSpec {
    public JournalTck() {
      super(RocksDbPluginTckTest.tckConfig());
    }

    @Override
    public CapabilityFlag supportsRejectingNonSerializableObjects() {
      return CapabilityFlag.on();
    }

    @Override
    public CapabilityFlag supportsSerialization() {
      return CapabilityFlag.on();
    }
  }

  /** The snapshot store TCK; instantiated by ScalaTest's runner. */
  public static final class SnapshotStoreTck extends JavaSnapshotStoreSpec {
    public SnapshotStoreTck() {
      super(RocksDbPluginTckTest.tckConfig());
    }
  }

  @Test
  void journalPassesTheTck(@TempDir Path dir) {
    root = dir;
    assertThat(Runner.run(new String[] {"-oW", "-s", JournalTck.class.getName()}))
        .as("Pekko journal TCK (see the test output for the failing spec)")
        .isTrue();
  }

  @Test
  void snapshotStorePassesTheTck(@TempDir Path dir) {
    root = dir;
    assertThat(Runner.run(new String[] {"-oW", "-s", SnapshotStoreTck.class.getName()}))
        .as("Pekko snapshot store TCK (see the test output for the failing spec)")
        .isTrue();
  }
}
