package dev.tarn.runtime.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The real Trino JDBC driver reads Tarn's arrays, maps and rows. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NestedJdbcTest {
  @TempDir static Path temp;
  private TarnNode node;

  @BeforeAll
  void start() {
    node = TarnNode.start(NodeSettings.singleNode().dataDir(temp.resolve("node")).httpPort(0));
  }

  @AfterAll
  void stop() {
    if (node != null) {
      node.close();
      assertThat(node.leakReport()).as("Arrow memory leaked").isNull();
    }
  }

  @Test
  void readsArraysMapsAndRows() throws Exception {
    String url = "jdbc:trino://127.0.0.1:" + node.httpPort() + "/tarn/default";
    try (Connection connection = DriverManager.getConnection(url, "tester", null);
        java.sql.Statement statement = connection.createStatement();
        ResultSet rs =
            statement.executeQuery(
                "SELECT sequence(1, 3) AS a, ARRAY['x', NULL] AS s,"
                    + " MAP(ARRAY['k'], ARRAY[CAST(7 AS bigint)]) AS m,"
                    + " CAST(ROW(1, 'y') AS ROW(n bigint, t varchar)) AS r")) {
      assertThat(rs.getMetaData().getColumnTypeName(1)).isEqualTo("array(bigint)");
      assertThat(rs.getMetaData().getColumnTypeName(3)).isEqualTo("map(varchar,bigint)");
      assertThat(rs.next()).isTrue();
      Array a = rs.getArray("a");
      assertThat((Object[]) a.getArray()).containsExactly(1L, 2L, 3L);
      assertThat((Object[]) rs.getArray("s").getArray()).containsExactly("x", null);
      assertThat(rs.getObject("m")).isInstanceOf(Map.class).isEqualTo(Map.of("k", 7L));
      assertThat(rs.getObject("r").toString()).contains("n=1").contains("t=y");
      assertThat(rs.next()).isFalse();
    }
  }

  @Test
  void castsRowsFieldByField() throws Exception {
    var result =
        node.gateway()
            .execute(
                "SELECT CAST(ROW(1, 'a') AS ROW(x bigint, y varchar)).y,"
                    + " CAST(ROW(ARRAY[1, 2]) AS ROW(d double ARRAY)).d",
                "default")
            .toCompletableFuture()
            .get(1, java.util.concurrent.TimeUnit.MINUTES);
    assertThat(result.error()).isNull();
    assertThat(result.rows()).containsExactly(java.util.List.of("a", java.util.List.of(1.0, 2.0)));
  }
}
