package dev.tarn.runtime.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.tarn.actors.query.QueryResults;
import dev.tarn.core.meta.TableSnapshot;
import dev.tarn.planner.sql.Statement;
import dev.tarn.planner.sql.StatementParser;
import dev.tarn.runtime.node.NodeSettings;
import dev.tarn.runtime.node.TarnNode;
import dev.tarn.testing.DuckDbOracle;
import dev.tarn.testing.ResultComparison;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every {@code src/test/resources/sql/**}{@code /*.test} file against one in-process node over
 * the test lake, each query also on DuckDB over the same files (see {@link SqlTestFile} for the
 * format). Files run in order of their file names (then paths), whatever folder they are in;
 * records in file order, each a dynamic test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SqlLogicTest {
  @TempDir static Path temp;
  private TarnNode node;
  private DuckDbOracle oracle;
  private LakeFixture lake;
  private String database = "default";

  @BeforeAll
  void start() throws Exception {
    try (RootAllocator allocator = new RootAllocator()) {
      lake = LakeFixture.write(temp.resolve("lake"), allocator);
      NestedLakeFixture.write(lake.root());
    }
    node = TarnNode.start(settings(NodeSettings.singleNode().dataDir(temp.resolve("node"))));
    oracle = new DuckDbOracle();
  }

  /** The test node's settings: {@code base} as it is; a subclass may change them. */
  NodeSettings settings(NodeSettings base) {
    return base.httpPort(0);
  }

  /** Whether to run the file at {@code path} (relative to the {@code sql} folder): all of them. */
  boolean runs(Path path) {
    return true;
  }

  @AfterAll
  void stop() throws Exception {
    if (oracle != null) {
      oracle.close();
    }
    if (node != null) {
      node.close();
      assertThat(node.leakReport()).as("Arrow memory leaked").isNull();
    }
  }

  @TestFactory
  Stream<DynamicTest> sqlFiles() throws Exception {
    Path dir = Path.of("src/test/resources/sql");
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      // By file name first (00_tables creates what every other file queries), then by path.
      files =
          walk.filter(p -> p.toString().endsWith(".test") && runs(dir.relativize(p)))
              .sorted(
                  java.util.Comparator.comparing((Path p) -> p.getFileName().toString())
                      .thenComparing(Path::toString))
              .toList();
    }
    assertThat(files).isNotEmpty();
    List<DynamicTest> tests = new ArrayList<>();
    for (Path file : files) {
      SqlTestFile parsed = SqlTestFile.parse(file, lake.root().toAbsolutePath().toString());
      for (SqlTestFile.Record record : parsed.records()) {
        String name = record.describe(file);
        tests.add(
            DynamicTest.dynamicTest(
                name,
                () -> {
                  try {
                    run(record);
                  } catch (AssertionError e) {
                    // Surefire's reports name dynamic tests by number: say which record failed.
                    throw new AssertionError(name + "\n" + e.getMessage(), e);
                  }
                }));
      }
    }
    return tests.stream();
  }

  QueryResults tarn(String sql) throws Exception {
    return node.gateway().execute(sql, database).toCompletableFuture().get(2, TimeUnit.MINUTES);
  }

  private void run(SqlTestFile.Record record) throws Exception {
    QueryResults result = tarn(record.sql());
    switch (record.kind()) {
      case STATEMENT_OK:
        if (result.error() != null) {
          fail("statement failed: " + result.error().message());
        }
        afterStatement(record.sql(), result);
        break;
      case STATEMENT_ERROR:
        assertThat(result.error()).as("expected an error").isNotNull();
        assertThat(result.error().message()).containsIgnoringCase(record.error());
        if (record.line() > 0) {
          assertThat(result.error().line() + ":" + result.error().column())
              .as("error position")
              .isEqualTo(record.line() + ":" + record.column());
        }
        break;
      case QUERY:
        if (result.error() != null) {
          fail("query failed: " + result.error().message());
        }
        if (record.expected() != null) {
          assertThat(ResultComparison.render(result.rows(), record.ordered()))
              .containsExactlyElementsOf(record.expected());
        } else {
          List<List<Object>> expected = oracle.query(record.sql(), database);
          String difference =
              ResultComparison.difference(result.rows(), expected, record.ordered());
          if (difference != null) {
            fail(difference);
          }
        }
        break;
      default:
        throw new AssertionError(record.kind());
    }
  }

  /** Mirrors what a statement changed onto the oracle and the session. */
  private void afterStatement(String sql, QueryResults result) throws Exception {
    if (result.setSchema() != null) {
      database = result.setSchema();
    }
    Statement statement = StatementParser.parse(sql, database);
    if (statement instanceof Statement.CreateTable create) {
      TableSnapshot snapshot =
          node.catalog()
              .getTable(create.table().database(), create.table().name())
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      oracle.register(snapshot.table());
    } else if (statement instanceof Statement.DropTable drop) {
      oracle.drop(drop.name().database(), drop.name().table());
    }
  }
}
