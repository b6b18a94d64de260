package dev.tarn.planner.physical;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tarn.core.meta.Partition;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Partition pruning checked against DuckDB: the partitions' values become a DuckDB table, and the
 * partitions DuckDB selects with the same predicate are exactly the partitions whose files Tarn's
 * plan scans.
 */
class PartitionPruningOracleTest {
  @TempDir static Path folder;
  private static LakeFixture lake;
  private static Connection duckdb;

  @BeforeAll
  static void setUp() throws SQLException {
    lake = new LakeFixture(folder);
    duckdb = DriverManager.getConnection("jdbc:duckdb:");
    try (Statement statement = duckdb.createStatement()) {
      statement.execute("CREATE TABLE sales (dt DATE, region VARCHAR)");
      for (List<String> values : LakeFixture.SALES_PARTITIONS) {
        String region =
            values.get(1).equals(Partition.DEFAULT_PARTITION) ? "NULL" : "'" + values.get(1) + "'";
        statement.execute(
            "INSERT INTO sales VALUES (DATE '" + values.get(0) + "', " + region + ")");
      }
    }
  }

  @AfterAll
  static void tearDown() throws SQLException {
    duckdb.close();
  }

  private static List<List<String>> duckdbPartitions(String predicate) throws SQLException {
    List<List<String>> out = new ArrayList<>();
    try (Statement statement = duckdb.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT CAST(dt AS VARCHAR), coalesce(region, '"
                    + Partition.DEFAULT_PARTITION
                    + "') FROM sales WHERE "
                    + predicate
                    + " ORDER BY 1, 2")) {
      while (rows.next()) {
        out.add(List.of(rows.getString(1), rows.getString(2)));
      }
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "dt = DATE '2024-01-02'",
        "dt <> DATE '2024-01-02'",
        "region = 'eu'",
        "region IN ('us', 'apac')",
        "region NOT IN ('us')",
        "dt BETWEEN DATE '2024-01-02' AND DATE '2024-01-03'",
        "dt > DATE '2024-01-01' AND region < 'z'",
        "dt = DATE '2024-01-01' OR region = 'us'",
        "region IS NULL",
        "region IS NOT NULL AND dt >= DATE '2024-01-02'",
        "NOT (region = 'eu')",
        "dt IN (DATE '2024-01-03', DATE '2023-12-31')",
        "(dt = DATE '2024-01-02' AND region = 'us') OR dt = DATE '2024-01-03'",
        "dt < DATE '2023-01-01'"
      })
  void scannedPartitionsMatchDuckDb(String predicate) throws SQLException {
    PlanNode.Scan scan =
        (PlanNode.Scan)
            findScan(lake.plan("SELECT item FROM sales WHERE " + predicate).stage(1).fragment());
    List<List<String>> scanned =
        scan.files().stream().map(PlanNode.ScanFile::partitionValues).distinct().toList();
    assertThat(scanned).as(predicate).isEqualTo(duckdbPartitions(predicate));
  }

  private static PlanNode findScan(PlanNode node) {
    if (node instanceof PlanNode.Scan) {
      return node;
    }
    return findScan(node.sources().get(0));
  }
}
