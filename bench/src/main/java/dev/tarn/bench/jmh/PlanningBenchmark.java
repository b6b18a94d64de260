package dev.tarn.bench.jmh;

import dev.tarn.bench.tpch.TpchQueries;
import dev.tarn.core.meta.FileFormat;
import dev.tarn.core.meta.TableMetadata;
import dev.tarn.core.meta.TableSnapshot;
import dev.tarn.core.storage.LakeStorage;
import dev.tarn.core.storage.LocalStorage;
import dev.tarn.planner.QueryPlanner;
import dev.tarn.planner.physical.PlannerOptions;
import dev.tarn.planner.sql.Statement;
import dev.tarn.planner.sql.StatementParser;
import dev.tarn.runtime.demo.TpchData;
import io.trino.tpch.TpchTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Planning alone, in milliseconds per query: {@link QueryPlanner} turning each TPC-H query (and a
 * one-table {@code count(*)}) into stages against the SF 1 tables, exactly as a coordinator does
 * between fetching the tables' snapshots and starting stages. The figure is the "planning" line of
 * {@code EXPLAIN ANALYZE}, without the execution that follows it, so that the TPC-H report's
 * end-to-end times can be read as planning plus execution.
 *
 * <p>The tables are the Parquet files {@code ./tarn bench tpch --sf 1} generates ({@code
 * bench-data/tpch-sf1}, or the folder named by the environment variable {@code TARN_TPCH_DATA}),
 * registered without statistics as {@code CREATE EXTERNAL TABLE} registers them: estimates come
 * from footers, which stay cached between queries as they do in a running node, while file listings
 * are taken again by every planning.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PlanningBenchmark {
  /** The folder of the SF 1 tables when {@code TARN_TPCH_DATA} does not name one. */
  private static final Path DEFAULT_DATA = Path.of("bench-data", "tpch-sf1");

  /** The 22 queries, read from the checkout the benchmark runs in (as {@code bench tpch} does). */

  /** The settings of a default node: two hash partitions, broadcast below 10 MiB. */
  private static final PlannerOptions OPTIONS = new PlannerOptions(2, 10 * 1024 * 1024);

  /** {@code count} is {@code select count(*) from nation}; {@code qNN} the TPC-H query NN. */
  @Param({
    "count", "q01", "q02", "q03", "q04", "q05", "q06", "q07", "q08", "q09", "q10", "q11", "q12",
    "q13", "q14", "q15", "q16", "q17", "q18", "q19", "q20", "q21", "q22"
  })
  public String query;

  private final LakeStorage storage = new LocalStorage();
  private final Map<String, TableSnapshot> tables = new HashMap<>();
  private Statement.Query statement;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    String configured = System.getenv("TARN_TPCH_DATA");
    Path data = configured == null ? DEFAULT_DATA : Path.of(configured);
    for (TpchTable<?> table : TpchTable.getTables()) {
      Path folder = data.resolve(table.getTableName()).toAbsolutePath();
      if (!Files.isDirectory(folder)) {
        throw new IllegalStateException(
            "No TPC-H table folder "
                + folder
                + ": run './tarn bench tpch --sf 1' once, or set TARN_TPCH_DATA to the folder"
                + " that holds lineitem/, orders/, ...");
      }
      TableMetadata metadata =
          new TableMetadata(
              "tpch",
              table.getTableName(),
              TpchData.columns(table),
              List.of(),
              FileFormat.PARQUET,
              folder.toString(),
              Map.of());
      tables.put(metadata.qualifiedName(), new TableSnapshot(metadata, List.of()));
    }
    String sql =
        query.equals("count")
            ? "select count(*) from nation"
            : TpchQueries.text(TpchQueries.FOLDER, Integer.parseInt(query.substring(1)));
    statement = (Statement.Query) StatementParser.parse(sql, "tpch");
  }

  /** One planning: validation, rewrites, join ordering, translation, stage splitting. */
  @Benchmark
  public QueryPlanner.Planned plan() {
    return new QueryPlanner().planWithEstimates(statement, tables, storage, OPTIONS);
  }
}
