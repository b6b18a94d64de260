package dev.tarn.planner.schema;

import java.util.List;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlOperandTypeChecker;
import org.apache.calcite.sql.type.SqlReturnTypeInference;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.util.SqlOperatorTables;

/**
 * Trino's JSON functions and random(), which Calcite lacks under these names. JSON values are
 * varchar holding JSON text (Tarn has no JSON type), so {@code json_extract} returns varchar where
 * Trino returns {@code json}: both print as the same text. The physical translator maps them by
 * name.
 */
public final class TrinoScalarFunctions {
  private TrinoScalarFunctions() {}

  private static SqlFunction function(
      String name, SqlReturnTypeInference returnType, SqlOperandTypeChecker operands) {
    return new SqlFunction(
        name, SqlKind.OTHER_FUNCTION, returnType, null, operands, SqlFunctionCategory.SYSTEM);
  }

  /**
   * random() (a double in [0, 1)) and random(n) (an integer in [0, n), of n's type), also spelled
   * rand. Not deterministic, so the planner's constant folding leaves every call to run per row.
   */
  private static SqlFunction random(String name) {
    return new SqlFunction(
        name,
        SqlKind.OTHER_FUNCTION,
        binding ->
            binding.getOperandCount() == 0
                ? binding.getTypeFactory().createSqlType(SqlTypeName.DOUBLE)
                : binding.getOperandType(0),
        null,
        OperandTypes.or(OperandTypes.NILADIC, OperandTypes.INTEGER),
        SqlFunctionCategory.NUMERIC) {
      @Override
      public boolean isDeterministic() {
        return false;
      }
    };
  }

  /**
   * json_extract, json_extract_scalar, json_size, json_parse, json_format, json_array_*, random and
   * rand.
   */
  public static final SqlOperatorTable TABLE =
      SqlOperatorTables.of(
          List.of(
              random("RANDOM"),
              random("RAND"),
              function(
                  "JSON_EXTRACT", ReturnTypes.VARCHAR_FORCE_NULLABLE, OperandTypes.STRING_STRING),
              function(
                  "JSON_EXTRACT_SCALAR",
                  ReturnTypes.VARCHAR_FORCE_NULLABLE,
                  OperandTypes.STRING_STRING),
              function("JSON_SIZE", ReturnTypes.BIGINT_FORCE_NULLABLE, OperandTypes.STRING_STRING),
              function("JSON_PARSE", ReturnTypes.VARCHAR_NULLABLE, OperandTypes.STRING),
              function("JSON_FORMAT", ReturnTypes.VARCHAR_NULLABLE, OperandTypes.STRING),
              function("JSON_ARRAY_LENGTH", ReturnTypes.BIGINT_FORCE_NULLABLE, OperandTypes.STRING),
              function(
                  "JSON_ARRAY_CONTAINS",
                  ReturnTypes.BOOLEAN_FORCE_NULLABLE,
                  OperandTypes.family(SqlTypeFamily.STRING, SqlTypeFamily.ANY))));
}
