package dev.tarn.runtime.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tarn.actors.query.QueryResults;
import dev.tarn.runtime.node.NodeSettings;
import java.nio.file.Path;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The join files again on a node that never broadcasts: every keyed join runs hash-partitioned over
 * two tasks, so that the planner turns EXISTS, NOT EXISTS and NOT IN over a smaller preserved side
 * around (RIGHT_SEMI, RIGHT_ANTI, RIGHT_NULL_AWARE_ANTI) on the test lake's small tables, and each
 * task's marks must still add up to DuckDB's answer.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PartitionedJoinSqlTest extends SqlLogicTest {
  @Override
  NodeSettings settings(NodeSettings base) {
    return super.settings(base).set("tarn.query.broadcast-threshold-bytes", 0);
  }

  @Override
  boolean runs(Path path) {
    String file = path.toString().replace('\\', '/');
    return file.equals("skeleton/00_tables.test")
        || file.startsWith("joins/")
        || file.equals("coverage/51_joins.test")
        || file.equals("coverage/52_subqueries.test")
        || file.equals("planner/30_subqueries.test");
  }

  /** After the files (the tables exist): the files' joins did run turned around. */
  @Test
  @Order(Integer.MAX_VALUE)
  void smallerPreservedSidesAreBuilt() throws Exception {
    assertThat(
            explain(
                "SELECT c.customer_id FROM lake.customers c WHERE EXISTS (SELECT 1 FROM"
                    + " lake.sales_csv s WHERE s.customer_id = c.customer_id)"))
        .contains("type=RIGHT_SEMI");
    assertThat(
            explain(
                "SELECT c.customer_id FROM lake.customers c WHERE NOT EXISTS (SELECT 1 FROM"
                    + " lake.sales_csv s WHERE s.customer_id = c.customer_id AND s.quantity >"
                    + " c.customer_id)"))
        .contains("type=RIGHT_ANTI");
    assertThat(
            explain(
                "SELECT c.customer_id FROM lake.customers c WHERE c.customer_id NOT IN (SELECT"
                    + " customer_id FROM lake.sales_csv)"))
        .contains("type=RIGHT_NULL_AWARE_ANTI");
    // The bigger side stays the probe side.
    assertThat(
            explain(
                "SELECT s.id FROM lake.sales_json s WHERE NOT EXISTS (SELECT 1 FROM lake.customers"
                    + " c WHERE c.customer_id = s.customer_id)"))
        .contains("type=ANTI")
        .doesNotContain("RIGHT_ANTI");
  }

  private String explain(String sql) throws Exception {
    QueryResults result = tarn("EXPLAIN " + sql);
    assertThat(result.error()).as(sql).isNull();
    return (String) result.rows().get(0).get(0);
  }
}
