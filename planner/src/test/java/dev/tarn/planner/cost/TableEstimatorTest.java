package dev.tarn.planner.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tarn.core.meta.Column;
import dev.tarn.core.meta.ColumnStatistics;
import dev.tarn.core.meta.FileFormat;
import dev.tarn.core.meta.TableMetadata;
import dev.tarn.core.meta.TableSnapshot;
import dev.tarn.core.meta.TableStatistics;
import dev.tarn.core.storage.FileEntry;
import dev.tarn.core.storage.LocalStorage;
import dev.tarn.core.type.SqlType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Table sizes from statistics, Parquet footers (written by DuckDB) and file sizes. */
class TableEstimatorTest {
  @TempDir Path folder;

  private static final List<Column> COLUMNS =
      List.of(
          new Column("k", SqlType.BIGINT),
          new Column("g", SqlType.INTEGER),
          new Column("s", SqlType.VARCHAR));

  private static TableSnapshot table(Path location, FileFormat format, TableStatistics statistics) {
    return new TableSnapshot(
        new TableMetadata("db", "t", COLUMNS, List.of(), format, location.toString(), Map.of()),
        List.of(),
        statistics);
  }

  private static void duckdb(String sql) throws Exception {
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private static String parquet(Path file, long from, long to) {
    return "COPY (SELECT i AS k, CAST(i % 7 AS INTEGER) AS g, 'x' || i AS s FROM range("
        + from
        + ", "
        + to
        + ") t(i)) TO '"
        + file
        + "' (FORMAT PARQUET, ROW_GROUP_SIZE 1000)";
  }

  @Test
  void parquetRowCountsAreTheSumOfTheFootersRowGroups() throws Exception {
    Path location = Files.createDirectories(folder.resolve("t"));
    duckdb(parquet(location.resolve("a.parquet"), 1, 2501));
    duckdb(parquet(location.resolve("b.parquet"), 10_001, 10_501));
    TableEstimate estimate =
        new TableEstimator(new LocalStorage(), new ParquetFooters())
            .estimate(table(location, FileFormat.PARQUET, null));
    assertThat(estimate.source()).isEqualTo(TableEstimate.Source.FOOTERS);
    assertThat(estimate.rowCount()).isEqualTo(3000);
    // g = i % 7 lies in [0, 6]: at most 7 values; k's range is wider than the row count.
    assertThat(estimate.distinct().get("g")).isEqualTo(new TableEstimate.Distinct(7, false));
    assertThat(estimate.distinct().get("k")).isEqualTo(new TableEstimate.Distinct(3000, false));
    assertThat(estimate.distinct()).doesNotContainKey("s");
  }

  @Test
  void footersAreReadOncePerFileVersion() throws Exception {
    Path file = folder.resolve("one.parquet");
    duckdb(parquet(file, 0, 10));
    ParquetFooters footers = new ParquetFooters();
    FileEntry entry = new FileEntry(file.toString(), Files.size(file), 1);
    ParquetFooters.Footer first = footers.footer(entry, file);
    assertThat(first.rowCount()).isEqualTo(10);
    assertThat(footers.footer(entry, file)).isSameAs(first);
    FileEntry rewritten = new FileEntry(file.toString(), Files.size(file), 2);
    assertThat(footers.footer(rewritten, file)).isNotSameAs(first);
  }

  @Test
  void statisticsWinOverFooters() throws Exception {
    Path location = Files.createDirectories(folder.resolve("t"));
    duckdb(parquet(location.resolve("a.parquet"), 0, 100));
    TableStatistics statistics =
        new TableStatistics(
            42, Map.of("s", new ColumnStatistics(40, 0, null, null, 3.5)), 1_700_000_000_000L);
    TableEstimate estimate =
        new TableEstimator(new LocalStorage(), new ParquetFooters())
            .estimate(table(location, FileFormat.PARQUET, statistics));
    assertThat(estimate.source()).isEqualTo(TableEstimate.Source.STATISTICS);
    assertThat(estimate.rowCount()).isEqualTo(42);
    assertThat(estimate.distinct()).containsOnlyKeys("s");
    assertThat(estimate.distinct().get("s")).isEqualTo(new TableEstimate.Distinct(40, true));
    // k (8 bytes), g (4) and s as measured (3.5).
    assertThat(estimate.rowWidth()).isEqualTo(15.5);
  }

  @Test
  void csvAndUnreadableParquetAreEstimatedFromFileSizes() throws Exception {
    Path csv = Files.createDirectories(folder.resolve("csv"));
    Files.write(csv.resolve("a.csv"), new byte[4800]);
    TableEstimator estimator = new TableEstimator(new LocalStorage(), new ParquetFooters());
    TableEstimate fromCsv = estimator.estimate(table(csv, FileFormat.CSV, null));
    assertThat(fromCsv.source()).isEqualTo(TableEstimate.Source.FILE_SIZES);
    // 8 + 4 + 20 bytes a row in memory, 1.2 times that as text.
    assertThat(fromCsv.rowCount()).isEqualTo(Math.ceil(4800 / (32 * 1.2)));

    Path broken = Files.createDirectories(folder.resolve("broken"));
    Files.write(broken.resolve("a.parquet"), new byte[100]);
    TableEstimate fromBroken = estimator.estimate(table(broken, FileFormat.PARQUET, null));
    assertThat(fromBroken.source()).isEqualTo(TableEstimate.Source.FILE_SIZES);
    assertThat(fromBroken.rowCount()).isEqualTo(Math.ceil(100 / (32 * 0.25)));
  }
}
