package dev.tarn.planner.schema;

import java.util.List;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.fun.SqlLibraryOperators;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlOperandTypeChecker;
import org.apache.calcite.sql.type.SqlReturnTypeInference;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.util.SqlOperatorTables;

/**
 * Trino's array and map functions that Calcite's standard table lacks, typed as Trino types them:
 * {@code element_at(array(T), bigint)} is a nullable T, {@code element_at(map(K, V), K)} a nullable
 * V, {@code contains} a boolean, {@code array_join} a varchar, {@code sequence} an array(bigint),
 * {@code split} an array(varchar), {@code map(keys, values)} a map. The physical translator maps
 * them to Tarn's operators by name; {@code cardinality}, subscripts and the constructors come from
 * Calcite's standard table.
 */
public final class NestedFunctions {
  private NestedFunctions() {}

  private static SqlFunction function(
      String name, SqlReturnTypeInference returnType, SqlOperandTypeChecker operands) {
    return new SqlFunction(
        name, SqlKind.OTHER_FUNCTION, returnType, null, operands, SqlFunctionCategory.SYSTEM);
  }

  /** The element of an array or the value of a map, always nullable. */
  private static final SqlReturnTypeInference ELEMENT =
      binding -> {
        RelDataType container = binding.getOperandType(0);
        RelDataType element =
            container.getSqlTypeName() == SqlTypeName.MAP
                ? container.getValueType()
                : container.getComponentType();
        return binding.getTypeFactory().createTypeWithNullability(element, true);
      };

  private static SqlReturnTypeInference arrayOf(SqlTypeName element) {
    return binding -> {
      RelDataTypeFactory factory = binding.getTypeFactory();
      return factory.createTypeWithNullability(
          factory.createArrayType(
              factory.createTypeWithNullability(factory.createSqlType(element), true), -1),
          true);
    };
  }

  public static final SqlOperatorTable TABLE =
      SqlOperatorTables.of(
          List.of(
              SqlLibraryOperators.ARRAY_AGG,
              function(
                  "MAP",
                  binding -> {
                    RelDataTypeFactory factory = binding.getTypeFactory();
                    return factory.createTypeWithNullability(
                        factory.createMapType(
                            binding.getOperandType(0).getComponentType(),
                            binding.getOperandType(1).getComponentType()),
                        true);
                  },
                  OperandTypes.family(SqlTypeFamily.ARRAY, SqlTypeFamily.ARRAY)),
              function(
                  "ELEMENT_AT",
                  ELEMENT,
                  OperandTypes.or(
                      OperandTypes.family(SqlTypeFamily.ARRAY, SqlTypeFamily.INTEGER),
                      OperandTypes.family(SqlTypeFamily.MAP, SqlTypeFamily.ANY))),
              function(
                  "CONTAINS",
                  ReturnTypes.BOOLEAN_NULLABLE,
                  OperandTypes.family(SqlTypeFamily.ARRAY, SqlTypeFamily.ANY)),
              function(
                  "ARRAY_JOIN",
                  ReturnTypes.VARCHAR_NULLABLE,
                  OperandTypes.or(
                      OperandTypes.family(SqlTypeFamily.ARRAY, SqlTypeFamily.STRING),
                      OperandTypes.family(
                          SqlTypeFamily.ARRAY, SqlTypeFamily.STRING, SqlTypeFamily.STRING))),
              function(
                  "SEQUENCE",
                  arrayOf(SqlTypeName.BIGINT),
                  OperandTypes.or(
                      OperandTypes.family(SqlTypeFamily.INTEGER, SqlTypeFamily.INTEGER),
                      OperandTypes.family(
                          SqlTypeFamily.INTEGER, SqlTypeFamily.INTEGER, SqlTypeFamily.INTEGER))),
              function(
                  "SPLIT",
                  arrayOf(SqlTypeName.VARCHAR),
                  OperandTypes.or(
                      OperandTypes.family(SqlTypeFamily.STRING, SqlTypeFamily.STRING),
                      OperandTypes.family(
                          SqlTypeFamily.STRING, SqlTypeFamily.STRING, SqlTypeFamily.INTEGER)))));
}
