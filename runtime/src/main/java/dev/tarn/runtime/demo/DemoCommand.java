package dev.tarn.runtime.demo;

import dev.tarn.actors.query.QueryResults;
import dev.tarn.core.meta.Column;
import dev.tarn.runtime.cli.ResultPrinter;
import dev.tarn.runtime.node.ServerCommand;
import dev.tarn.runtime.node.TarnNode;
import io.trino.tpch.TpchTable;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tarn demo}: starts a node, generates a small TPC-H data set as Parquet (once), registers
 * its tables in database {@code tpch}, runs two example queries, and keeps serving.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Start a node with a TPC-H demo data set registered and queryable.")
public final class DemoCommand implements Callable<Integer> {
  static final List<String> EXAMPLES =
      List.of(
          "SELECT l_returnflag, l_linestatus, count(*) AS orders, sum(l_quantity) AS quantity,"
              + " avg(l_extendedprice) AS avg_price FROM lineitem"
              + " WHERE l_shipdate <= DATE '1998-09-02'"
              + " GROUP BY l_returnflag, l_linestatus ORDER BY l_returnflag, l_linestatus",
          "SELECT n.n_name, count(*) AS customers FROM customer c JOIN nation n"
              + " ON c.c_nationkey = n.n_nationkey GROUP BY n.n_name ORDER BY customers DESC, n.n_name LIMIT 5");

  @Mixin ServerCommand server = new ServerCommand();

  @Option(names = "--scale", description = "TPC-H scale factor (default 0.01, about 10 MB).")
  double scale = 0.01;

  @Option(names = "--exit", description = "Exit after the example queries instead of serving.")
  boolean exit;

  @Override
  public Integer call() throws Exception {
    TarnNode node = TarnNode.start(server.settings());
    Path data = node.dataDir().resolve("demo").resolve("tpch-sf" + scale);
    System.out.println(
        "Generating TPC-H scale factor " + scale + " as Parquet in " + data + " ...");
    TpchData.write(data, scale, 2, node.allocator());
    run(node, "CREATE DATABASE IF NOT EXISTS tpch");
    for (TpchTable<?> table : TpchTable.getTables()) {
      run(node, TpchData.createTableSql("tpch", table, data));
    }
    for (String sql : EXAMPLES) {
      System.out.println();
      System.out.println("tarn:tpch> " + sql + ";");
      print(run(node, sql));
    }
    System.out.println();
    if (exit) {
      node.close();
      return 0;
    }
    String address = node.httpAddress();
    System.out.println("Tarn demo serving on " + address + ". Connect with:");
    System.out.println("  ./tarn sql --server " + address + " --database tpch");
    System.out.println(
        "  jdbc:trino://"
            + address.substring("http://".length())
            + "/tarn/tpch  (Trino JDBC driver, any user)");
    System.out.println(
        "  trino --server " + address + " --catalog tarn --schema tpch  (Trino CLI)");
    System.out.println("Press Ctrl-C to stop.");
    ServerCommand.serveUntilInterrupted(node);
    return 0;
  }

  /** Prints a result as {@code tarn sql} does: an aligned table, the row count and the time. */
  private static void print(QueryResults result) {
    List<ResultPrinter.PrintColumn> columns = new ArrayList<>();
    for (Column column : result.columns()) {
      columns.add(
          new ResultPrinter.PrintColumn(
              column.name(), ResultPrinter.isNumericType(column.type().toString())));
    }
    List<List<String>> rows = new ArrayList<>();
    for (List<Object> row : result.rows()) {
      List<String> cells = new ArrayList<>();
      for (Object value : row) {
        cells.add(value == null ? null : value.toString());
      }
      rows.add(cells);
    }
    PrintWriter out = new PrintWriter(System.out, true);
    ResultPrinter.printTable(out, columns, rows);
    out.println(
        ResultPrinter.rowCount(rows.size()) + ", " + result.stats().elapsedMillis() + " ms");
  }

  private static QueryResults run(TarnNode node, String sql) throws Exception {
    QueryResults result =
        node.gateway().execute(sql, "tpch").toCompletableFuture().get(10, TimeUnit.MINUTES);
    if (result.error() != null) {
      throw new IllegalStateException(
          "demo statement failed: " + result.error().message() + "\n  " + sql);
    }
    return result;
  }
}
