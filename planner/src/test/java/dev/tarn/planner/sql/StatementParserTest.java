package dev.tarn.planner.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.meta.Column;
import dev.tarn.core.meta.FileFormat;
import dev.tarn.core.meta.TableMetadata;
import dev.tarn.core.type.SqlType;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class StatementParserTest {

  private static Statement parse(String sql) {
    return StatementParser.parse(sql, "default");
  }

  private static void assertError(
      ThrowingCallable call, ErrorCode code, int line, int column, String messagePart) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            TarnException.class,
            e -> {
              assertThat(e.code()).as(e.toString()).isEqualTo(code);
              assertThat(e.line()).as(e.toString()).isEqualTo(line);
              assertThat(e.column()).as(e.toString()).isEqualTo(column);
              assertThat(e.getMessage()).contains(messagePart);
            });
  }

  @Test
  void createAndDropDatabase() {
    assertThat(parse("CREATE DATABASE sales"))
        .isEqualTo(new Statement.CreateDatabase("sales", false));
    assertThat(parse("create schema if not exists Sales;"))
        .isEqualTo(new Statement.CreateDatabase("sales", true));
    assertThat(parse("CREATE DATABASE \"MixedCase\" COMMENT 'x' LOCATION '/tmp/x'"))
        .isEqualTo(new Statement.CreateDatabase("MixedCase", false));
    assertThat(parse("DROP DATABASE sales")).isEqualTo(new Statement.DropDatabase("sales", false));
    assertThat(parse("DROP SCHEMA IF EXISTS sales CASCADE"))
        .isEqualTo(new Statement.DropDatabase("sales", true));
  }

  @Test
  void createExternalTableWithEveryClause() {
    Statement statement =
        parse(
            "CREATE EXTERNAL TABLE IF NOT EXISTS lake.Orders (\n"
                + "  id bigint COMMENT 'key',\n"
                + "  `Total` decimal(10, 2),\n"
                + "  note string,\n"
                + "  code varchar(20),\n"
                + "  qty int\n"
                + ") COMMENT 'orders'\n"
                + "PARTITIONED BY (dt date, region string)\n"
                + "ROW FORMAT DELIMITED FIELDS TERMINATED BY '|'\n"
                + "STORED AS TEXTFILE\n"
                + "LOCATION '/data/orders/'\n"
                + "TBLPROPERTIES ('skip.header.line.count'='1');");
    TableMetadata expected =
        new TableMetadata(
            "lake",
            "orders",
            List.of(
                new Column("id", SqlType.BIGINT),
                new Column("Total", SqlType.decimal(10, 2)),
                new Column("note", SqlType.VARCHAR),
                new Column("code", SqlType.VARCHAR),
                new Column("qty", SqlType.INTEGER)),
            List.of(new Column("dt", SqlType.DATE), new Column("region", SqlType.VARCHAR)),
            FileFormat.CSV,
            "/data/orders/",
            Map.of("field.delim", "|", "skip.header.line.count", "1"));
    assertThat(statement).isEqualTo(new Statement.CreateTable(expected, true));
  }

  @Test
  void createTableDefaultsToTheCurrentDatabase() {
    Statement.CreateTable create =
        (Statement.CreateTable)
            StatementParser.parse(
                "CREATE TABLE t (a int) STORED AS PARQUET LOCATION 's'", "analytics");
    assertThat(create.table().database()).isEqualTo("analytics");
    assertThat(create.table().format()).isEqualTo(FileFormat.PARQUET);
    assertThat(create.ifNotExists()).isFalse();
    Statement.CreateTable json =
        (Statement.CreateTable)
            parse(
                "CREATE EXTERNAL TABLE tarn.db.j (a int) ROW FORMAT SERDE"
                    + " 'org.openx.data.jsonserde.JsonSerDe' LOCATION '/j'");
    assertThat(json.table().format()).isEqualTo(FileFormat.JSON);
    assertThat(json.table().database()).isEqualTo("db");
  }

  @Test
  void partitionColumnMayNotRepeatADataColumn() {
    assertError(
        () ->
            parse(
                "CREATE EXTERNAL TABLE t (a int, dt date)\n"
                    + "PARTITIONED BY (dt string) STORED AS PARQUET LOCATION '/x'"),
        ErrorCode.INVALID_ARGUMENT,
        2,
        17,
        "Column 'dt' specified more than once");
  }

  @Test
  void createTableErrorsPointAtTheToken() {
    assertError(
        () -> parse("CREATE TABLE t (a integr) STORED AS PARQUET LOCATION '/x'"),
        ErrorCode.NOT_SUPPORTED,
        1,
        19,
        "Type 'integr' is not supported");
    assertError(
        () -> parse("CREATE TABLE t (a int) STORED AS ORC LOCATION '/x'"),
        ErrorCode.NOT_SUPPORTED,
        1,
        34,
        "File format 'ORC'");
    assertError(
        () -> parse("CREATE TABLE t (a int) STORED AS PARQUET"),
        ErrorCode.SYNTAX_ERROR,
        1,
        41,
        "LOCATION");
    assertError(
        () -> parse("CREATE TABLE t (a int, ) STORED AS PARQUET LOCATION '/x'"),
        ErrorCode.SYNTAX_ERROR,
        1,
        24,
        "Expected a name, found ')'");
    assertError(
        () -> parse("CREATE TABLE t (a int) LOCATION 'unterminated"),
        ErrorCode.SYNTAX_ERROR,
        1,
        33,
        "Unterminated string literal");
  }

  @Test
  void dropTable() {
    assertThat(parse("DROP TABLE IF EXISTS sales.t"))
        .isEqualTo(new Statement.DropTable(new Statement.TableName("sales", "t", 1, 22), true));
    assertThat(parse("drop table T"))
        .isEqualTo(new Statement.DropTable(new Statement.TableName("default", "t", 1, 12), false));
  }

  @Test
  void showDescribeUseMsck() {
    assertThat(parse("SHOW DATABASES")).isEqualTo(new Statement.ShowDatabases(null));
    assertThat(parse("SHOW SCHEMAS LIKE 's%'")).isEqualTo(new Statement.ShowDatabases("s%"));
    assertThat(parse("SHOW TABLES")).isEqualTo(new Statement.ShowTables("default", null));
    assertThat(parse("SHOW TABLES IN sales LIKE 'o%'"))
        .isEqualTo(new Statement.ShowTables("sales", "o%"));
    assertThat(parse("SHOW TABLES FROM tarn.sales"))
        .isEqualTo(new Statement.ShowTables("sales", null));
    assertThat(parse("SHOW COLUMNS FROM sales.orders"))
        .isEqualTo(new Statement.ShowColumns(new Statement.TableName("sales", "orders", 1, 19)));
    assertThat(parse("SHOW COLUMNS IN orders"))
        .isEqualTo(new Statement.ShowColumns(new Statement.TableName("default", "orders", 1, 17)));
    assertThat(parse("DESCRIBE orders"))
        .isEqualTo(new Statement.ShowColumns(new Statement.TableName("default", "orders", 1, 10)));
    assertThat(parse("DESC tarn.s.orders"))
        .isEqualTo(new Statement.ShowColumns(new Statement.TableName("s", "orders", 1, 6)));
    assertThat(parse("USE sales")).isEqualTo(new Statement.Use("sales"));
    assertThat(parse("USE tarn.sales;")).isEqualTo(new Statement.Use("sales"));
    assertThat(parse("MSCK REPAIR TABLE orders"))
        .isEqualTo(new Statement.MsckRepair(new Statement.TableName("default", "orders", 1, 19)));
    assertError(() -> parse("USE hive.sales"), ErrorCode.SCHEMA_NOT_FOUND, 1, 5, "Catalog 'hive'");
    assertError(
        () -> parse("SHOW TABLES extra"), ErrorCode.SYNTAX_ERROR, 1, 13, "Unexpected 'extra'");
  }

  @Test
  void analyzeAndShowStats() {
    assertThat(parse("ANALYZE orders"))
        .isEqualTo(new Statement.Analyze(new Statement.TableName("default", "orders", 1, 9)));
    assertThat(parse("analyze tarn.Sales.\"Orders\";"))
        .isEqualTo(new Statement.Analyze(new Statement.TableName("sales", "Orders", 1, 9)));
    assertThat(parse("SHOW STATS FOR sales.orders"))
        .isEqualTo(new Statement.ShowStats(new Statement.TableName("sales", "orders", 1, 16)));
    assertThat(parse("show stats for\n  orders"))
        .isEqualTo(new Statement.ShowStats(new Statement.TableName("default", "orders", 2, 3)));

    assertError(() -> parse("ANALYZE"), ErrorCode.SYNTAX_ERROR, 1, 8, "Expected a name");
    assertError(
        () -> parse("ANALYZE orders WITH (partitions = ARRAY[])"),
        ErrorCode.NOT_SUPPORTED,
        1,
        16,
        "ANALYZE ... WITH");
    assertError(
        () -> parse("ANALYZE orders extra"), ErrorCode.SYNTAX_ERROR, 1, 16, "Unexpected 'extra'");
    assertError(() -> parse("SHOW STATS orders"), ErrorCode.SYNTAX_ERROR, 1, 12, "Expected FOR");
    assertError(
        () -> parse("SHOW STATS FOR (SELECT * FROM orders)"),
        ErrorCode.NOT_SUPPORTED,
        1,
        16,
        "SHOW STATS FOR (query)");
    assertError(
        () -> parse("SHOW STATISTICS FOR orders"), ErrorCode.SYNTAX_ERROR, 1, 6, "or STATS");
  }

  @Test
  void unknownStatementIsASyntaxErrorAtTheStart() {
    assertError(() -> parse("SELEC * FROM t"), ErrorCode.SYNTAX_ERROR, 1, 1, "supported: SELECT");
    assertError(() -> parse("   "), ErrorCode.SYNTAX_ERROR, 1, 4, "Empty statement");
  }

  @Test
  void querySyntaxErrorsCarryTheirLine() {
    assertError(
        () -> parse("SELECT a\nFROM t WHERE"),
        ErrorCode.SYNTAX_ERROR,
        2,
        12,
        "Statement ends unexpectedly");
    assertError(
        () -> parse("SELECT a,\n  b\nFROM t t2 t3"), ErrorCode.SYNTAX_ERROR, 3, 11, "\"t3\"");
    // The EXPLAIN prefix is blanked, not cut: positions still count from the statement start.
    assertError(() -> parse("EXPLAIN SELECT FROM t"), ErrorCode.SYNTAX_ERROR, 1, 16, "FROM");
  }

  @Test
  void queriesListTheirTables() {
    Statement.Query query =
        (Statement.Query)
            parse(
                "SELECT * FROM orders o\n"
                    + "JOIN sales.customers c ON o.c = c.id\n"
                    + "WHERE o.x IN (SELECT y FROM tarn.other.items)\n"
                    + "  AND EXISTS (SELECT 1 FROM (SELECT * FROM \"Odd\") q);");
    assertThat(query.tables())
        .containsExactly(
            new Statement.TableName("default", "orders", 1, 15),
            new Statement.TableName("sales", "customers", 2, 6),
            new Statement.TableName("other", "items", 3, 29),
            new Statement.TableName("default", "Odd", 4, 44));
    assertThat(query.defaultDatabase()).isEqualTo("default");
    assertThat(query.sql()).doesNotContain(";");
  }

  @Test
  void cteNamesAreNotTables() {
    Statement.Query query =
        (Statement.Query)
            parse(
                "WITH recent AS (SELECT * FROM orders),\n"
                    + "  big AS (SELECT * FROM recent WHERE total > 10)\n"
                    + "SELECT * FROM big JOIN customers ON big.c = customers.id\n"
                    + "UNION ALL SELECT * FROM recent, orders");
    assertThat(query.tables())
        .extracting(Statement.TableName::qualified)
        .containsExactly("default.orders", "default.customers");
  }

  @Test
  void valuesAndParenthesizedQueries() {
    assertThat(((Statement.Query) parse("VALUES (1, 'a'), (2, 'b')")).tables()).isEmpty();
    assertThat(((Statement.Query) parse("(SELECT a FROM t) ORDER BY a LIMIT 3")).tables())
        .extracting(Statement.TableName::qualified)
        .containsExactly("default.t");
  }

  @Test
  void explain() {
    Statement.Explain explain = (Statement.Explain) parse("EXPLAIN ANALYZE SELECT a FROM t");
    assertThat(explain.analyze()).isTrue();
    assertThat(explain.query().tables())
        .containsExactly(new Statement.TableName("default", "t", 1, 31));
    assertThat(((Statement.Explain) parse("explain select 1")).analyze()).isFalse();
    assertError(() -> parse("EXPLAIN DROP TABLE t"), ErrorCode.SYNTAX_ERROR, 1, 9, "query");
  }
}
