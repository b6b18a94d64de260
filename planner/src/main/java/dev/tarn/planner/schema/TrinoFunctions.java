package dev.tarn.planner.schema;

import java.util.List;
import org.apache.calcite.sql.SqlAggFunction;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.fun.SqlBasicAggFunction;
import org.apache.calcite.sql.fun.SqlLibraryOperators;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.util.SqlOperatorTables;

/**
 * Trino's aggregate functions that Calcite's standard table lacks or types differently. Chained
 * before the standard table, so {@code stddev(decimal)} is a double as in Trino (Calcite would keep
 * the decimal type). The physical translator maps them to Tarn's functions by name.
 */
public final class TrinoFunctions {
  private TrinoFunctions() {}

  private static SqlAggFunction doubleStatistic(String name) {
    return SqlBasicAggFunction.create(
        name, SqlKind.OTHER_FUNCTION, ReturnTypes.DOUBLE_NULLABLE, OperandTypes.NUMERIC);
  }

  /**
   * count_if, arbitrary, approx_distinct, approx_percentile, bool_and, bool_or, and the variance
   * family; chained with {@link TrinoScalarFunctions}.
   */
  public static final SqlOperatorTable TABLE =
      SqlOperatorTables.chain(
          TrinoScalarFunctions.TABLE,
          SqlOperatorTables.of(
              List.of(
                  SqlBasicAggFunction.create(
                      "COUNT_IF", SqlKind.OTHER_FUNCTION, ReturnTypes.BIGINT, OperandTypes.BOOLEAN),
                  SqlBasicAggFunction.create(
                      "ARBITRARY",
                      SqlKind.OTHER_FUNCTION,
                      ReturnTypes.ARG0_NULLABLE_IF_EMPTY,
                      OperandTypes.ANY),
                  SqlBasicAggFunction.create(
                      "APPROX_DISTINCT",
                      SqlKind.OTHER_FUNCTION,
                      ReturnTypes.BIGINT,
                      OperandTypes.ANY),
                  SqlBasicAggFunction.create(
                      "APPROX_PERCENTILE",
                      SqlKind.OTHER_FUNCTION,
                      ReturnTypes.ARG0_FORCE_NULLABLE,
                      OperandTypes.NUMERIC_NUMERIC),
                  SqlLibraryOperators.BOOL_AND,
                  SqlLibraryOperators.BOOL_OR,
                  doubleStatistic("STDDEV"),
                  doubleStatistic("STDDEV_SAMP"),
                  doubleStatistic("STDDEV_POP"),
                  doubleStatistic("VARIANCE"),
                  doubleStatistic("VAR_SAMP"),
                  doubleStatistic("VAR_POP"))));
}
