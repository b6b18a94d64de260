package dev.tarn.planner.sql;

import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlWith;
import org.apache.calcite.sql.SqlWithItem;

/**
 * Finds every table a parsed query names: in FROM clauses, joins, subqueries (also those in WHERE,
 * SELECT and HAVING) and CTE bodies. Names of CTEs in scope are not tables. Each table is listed
 * once, at the position where the query first names it.
 *
 * <pre>
 *   WITH recent AS (SELECT * FROM orders)          -- default.orders (1:31)
 *   SELECT * FROM recent r JOIN sales.items i ...  -- recent is the CTE; sales.items
 * </pre>
 */
final class TableCollector {
  /** The catalog name users may put in front of a database: {@code tarn.db.table}. */
  static final String CATALOG = "tarn";

  private final String currentDatabase;
  private final Map<String, Statement.TableName> tables = new LinkedHashMap<>();
  private final Deque<Set<String>> cteScopes = new ArrayDeque<>();

  private TableCollector(String currentDatabase) {
    this.currentDatabase = currentDatabase;
  }

  static List<Statement.TableName> collect(SqlNode query, String currentDatabase) {
    TableCollector collector = new TableCollector(currentDatabase);
    collector.query(query);
    return List.copyOf(collector.tables.values());
  }

  private void query(SqlNode node) {
    if (node == null) {
      return;
    }
    if (node instanceof SqlSelect select) {
      fromItem(select.getFrom());
      expression(select.getSelectList());
      expression(select.getWhere());
      expression(select.getGroup());
      expression(select.getHaving());
      expression(select.getOrderList());
    } else if (node instanceof SqlOrderBy orderBy) {
      query(orderBy.query);
      expression(orderBy.orderList);
    } else if (node instanceof SqlWith with) {
      Set<String> scope = new HashSet<>();
      cteScopes.push(scope);
      // Each CTE sees the ones declared before it, so names enter the scope one by one.
      for (SqlNode item : with.withList) {
        SqlWithItem withItem = (SqlWithItem) item;
        query(withItem.query);
        scope.add(withItem.name.getSimple());
      }
      query(with.body);
      cteScopes.pop();
    } else if (node instanceof SqlCall call) {
      // UNION / INTERSECT / EXCEPT / VALUES and parenthesized queries.
      for (SqlNode operand : call.getOperandList()) {
        if (isQuery(operand)) {
          query(operand);
        } else {
          expression(operand);
        }
      }
    }
  }

  private void fromItem(SqlNode node) {
    if (node == null) {
      return;
    }
    if (node instanceof SqlIdentifier identifier) {
      table(identifier);
    } else if (node instanceof SqlJoin join) {
      fromItem(join.getLeft());
      fromItem(join.getRight());
      expression(join.getCondition());
    } else if (node.getKind() == SqlKind.AS) {
      fromItem(((SqlCall) node).operand(0));
    } else if (isQuery(node)) {
      query(node);
    } else if (node.getKind() == SqlKind.UNNEST) {
      // UNNEST's operands are expressions (columns of the tables before it), not tables.
      expression(node);
    } else if (node instanceof SqlCall call) {
      // LATERAL, TABLE(...): their operands may hold queries.
      for (SqlNode operand : call.getOperandList()) {
        fromItem(operand);
      }
    }
  }

  /** Walks an expression for the subqueries it may contain. */
  private void expression(SqlNode node) {
    if (node == null) {
      return;
    }
    if (isQuery(node)) {
      query(node);
    } else if (node instanceof SqlNodeList list) {
      for (SqlNode item : list) {
        expression(item);
      }
    } else if (node instanceof SqlCall call) {
      for (SqlNode operand : call.getOperandList()) {
        expression(operand);
      }
    }
  }

  private static boolean isQuery(SqlNode node) {
    return node != null && node.getKind().belongsTo(SqlKind.QUERY);
  }

  private void table(SqlIdentifier identifier) {
    List<String> names = identifier.names;
    int line = identifier.getParserPosition().getLineNum();
    int column = identifier.getParserPosition().getColumnNum();
    Statement.TableName name;
    if (names.size() == 1) {
      if (isCte(names.get(0))) {
        return;
      }
      name = new Statement.TableName(currentDatabase, names.get(0), line, column);
    } else if (names.size() == 2) {
      name = new Statement.TableName(names.get(0), names.get(1), line, column);
    } else if (names.size() == 3 && names.get(0).equalsIgnoreCase(CATALOG)) {
      name = new Statement.TableName(names.get(1), names.get(2), line, column);
    } else {
      throw new TarnException(
          ErrorCode.TABLE_NOT_FOUND,
          "Table '" + String.join(".", names) + "' does not exist",
          line,
          column);
    }
    tables.putIfAbsent(name.qualified(), name);
  }

  private boolean isCte(String name) {
    for (Set<String> scope : cteScopes) {
      if (scope.contains(name)) {
        return true;
      }
    }
    return false;
  }
}
