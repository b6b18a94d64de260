package dev.tarn.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tarn.core.meta.Column;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real Trino JDBC driver against the endpoint: types, paging, errors, USE and DDL. */
class TrinoJdbcTest {
  private static FakeServer server;

  @BeforeAll
  static void start() throws Exception {
    server = FakeServer.start();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static Connection connect() throws SQLException {
    return DriverManager.getConnection(
        "jdbc:trino://127.0.0.1:" + server.port() + "/tarn/default", "test", null);
  }

  @Test
  void readsEveryTypeAcrossPages() throws Exception {
    List<List<Object>> expected = FakeQueryGateway.ALL_TYPES_ROWS;
    try (Connection connection = connect();
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT * FROM all_types")) {
      ResultSetMetaData meta = rs.getMetaData();
      List<Column> columns = FakeQueryGateway.ALL_TYPES_COLUMNS;
      assertThat(meta.getColumnCount()).isEqualTo(columns.size());
      for (int c = 0; c < columns.size(); c++) {
        assertThat(meta.getColumnName(c + 1)).isEqualTo(columns.get(c).name());
        assertThat(meta.getColumnTypeName(c + 1))
            .isEqualTo(JsonValues.typeName(columns.get(c).type()));
      }
      assertThat(meta.getPrecision(4)).isEqualTo(12);
      assertThat(meta.getScale(4)).isEqualTo(2);

      int row = 0;
      while (rs.next()) {
        List<Object> want = expected.get(row);
        if (want.get(0) == null) {
          for (int c = 1; c <= columns.size(); c++) {
            assertThat(rs.getObject(c)).as("column %d of the NULL row", c).isNull();
          }
          rs.getLong(1);
          assertThat(rs.wasNull()).isTrue();
          rs.getBoolean(8);
          assertThat(rs.wasNull()).isTrue();
        } else {
          assertThat(rs.getLong(1)).isEqualTo(want.get(0));
          assertThat(rs.wasNull()).isFalse();
          assertThat((long) rs.getInt(2)).isEqualTo(want.get(1));
          assertThat(rs.getDouble(3)).isEqualTo(want.get(2));
          assertThat(rs.getBigDecimal(4)).isEqualTo((BigDecimal) want.get(3));
          assertThat(rs.getString(5)).isEqualTo(want.get(4));
          assertThat(rs.getDate(6).toLocalDate()).isEqualTo((LocalDate) want.get(5));
          assertThat(rs.getTimestamp(7).toLocalDateTime()).isEqualTo((LocalDateTime) want.get(6));
          assertThat(rs.getBoolean(8)).isEqualTo(want.get(7));
        }
        row++;
      }
      assertThat(row).isEqualTo(expected.size());
    }
  }

  @Test
  void readsSpecialValues() throws Exception {
    List<List<Object>> expected = FakeQueryGateway.SPECIALS_ROWS;
    try (Connection connection = connect();
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT * FROM specials")) {
      int row = 0;
      while (rs.next()) {
        List<Object> want = expected.get(row);
        assertThat(rs.getDouble(1)).isEqualTo((Double) want.get(0));
        assertThat(rs.getFloat(2)).isEqualTo(((Double) want.get(1)).floatValue());
        assertThat(rs.getBytes(3)).isEqualTo((byte[]) want.get(2));
        assertThat((long) rs.getByte(4)).isEqualTo(want.get(3));
        assertThat((long) rs.getShort(5)).isEqualTo(want.get(4));
        row++;
      }
      assertThat(row).isEqualTo(expected.size());
    }
  }

  @Test
  void failureIsSqlExceptionWithMessageAndPosition() throws Exception {
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      assertThatThrownBy(() -> statement.executeQuery("SELECT bad"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("line 1:8: Column 'bad' cannot be resolved")
          .satisfies(
              e -> {
                SQLException sql = (SQLException) e;
                assertThat(sql.getErrorCode()).isEqualTo(47);
                // The cause carries no Tarn stack frames: only the message travels.
                assertThat(sql.getCause()).hasMessageContaining("Column 'bad'");
              });
    }
  }

  @Test
  void useChangesTheSchemaOfLaterStatements() throws Exception {
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      assertThat(connection.getSchema()).isEqualTo("default");
      statement.execute("USE other");
      assertThat(connection.getSchema()).isEqualTo("other");
      try (ResultSet rs = statement.executeQuery("SELECT current_database")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("other");
      }
    }
  }

  @Test
  void ddlIsAnUpdateWithoutResultSet() throws Exception {
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      assertThat(statement.execute("CREATE TABLE t (x integer)")).isFalse();
      assertThat(statement.getResultSet()).isNull();
    }
  }

  @Test
  void slowPagesArriveThroughWaitingResponses() throws Exception {
    try (Connection connection = connect();
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT slow")) {
      List<Long> values = new ArrayList<>();
      while (rs.next()) {
        values.add(rs.getLong(1));
      }
      assertThat(values).containsExactly(1L, 2L);
    }
  }
}
