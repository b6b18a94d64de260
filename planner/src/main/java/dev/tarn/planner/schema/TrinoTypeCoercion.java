package dev.tarn.planner.schema;

import java.util.List;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCallBinding;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql.validate.SqlValidatorScope;
import org.apache.calcite.sql.validate.implicit.TypeCoercionImpl;

/**
 * The few implicit conversions Trino makes that Calcite's validator needs its coercion switch for,
 * and none of the others: Trino does not turn varchar into numbers or dates behind the user's back,
 * while Calcite's default coercion does.
 *
 * <ul>
 *   <li>A bare {@code NULL} (in a SELECT list or VALUES) gets Calcite's NULL type, where the
 *       validator without coercion rejects it; Tarn reads that type as varchar, and the column
 *       prints NULL as Trino's {@code unknown} does.
 *   <li>A date compared with a timestamp is cast to a timestamp (its midnight), as in Trino.
 * </ul>
 *
 * Every other coercion hook declines, and the common-type hooks accept only what the type factory's
 * least-restrictive rule accepts without coercion.
 */
public final class TrinoTypeCoercion extends TypeCoercionImpl {
  public TrinoTypeCoercion(RelDataTypeFactory typeFactory, SqlValidator validator) {
    super(typeFactory, validator);
  }

  private RelDataType leastRestrictive(List<RelDataType> types) {
    return factory.leastRestrictive(types);
  }

  @Override
  public RelDataType getTightestCommonType(RelDataType type1, RelDataType type2) {
    if (type1 == null || type2 == null) {
      return null;
    }
    return leastRestrictive(List.of(type1, type2));
  }

  @Override
  public RelDataType getWiderTypeForTwo(
      RelDataType type1, RelDataType type2, boolean stringPromotion) {
    return getTightestCommonType(type1, type2);
  }

  @Override
  public RelDataType getWiderTypeForDecimal(RelDataType type1, RelDataType type2) {
    return getTightestCommonType(type1, type2);
  }

  @Override
  public RelDataType getWiderTypeFor(List<RelDataType> typeList, boolean stringPromotion) {
    return typeList.isEmpty() ? null : leastRestrictive(typeList);
  }

  @Override
  public RelDataType commonTypeForBinaryComparison(RelDataType type1, RelDataType type2) {
    if (isDateAndTimestamp(type1, type2)) {
      return type1.getSqlTypeName() == SqlTypeName.TIMESTAMP ? type1 : type2;
    }
    return null;
  }

  @Override
  public RelDataType implicitCast(RelDataType in, SqlTypeFamily expected) {
    return null;
  }

  @Override
  public boolean binaryComparisonCoercion(SqlCallBinding binding) {
    if (binding.getOperandCount() != 2) {
      return false;
    }
    RelDataType left = binding.getOperandType(0);
    RelDataType right = binding.getOperandType(1);
    if (!isDateAndTimestamp(left, right)) {
      return false;
    }
    int date = left.getSqlTypeName() == SqlTypeName.DATE ? 0 : 1;
    RelDataType timestamp = date == 0 ? right : left;
    RelDataType target =
        factory.createTypeWithNullability(
            timestamp, binding.getOperandType(date).isNullable() || timestamp.isNullable());
    return coerceOperandType(binding.getScope(), binding.getCall(), date, target);
  }

  private static boolean isDateAndTimestamp(RelDataType a, RelDataType b) {
    SqlTypeName x = a.getSqlTypeName();
    SqlTypeName y = b.getSqlTypeName();
    return (x == SqlTypeName.DATE && y == SqlTypeName.TIMESTAMP)
        || (x == SqlTypeName.TIMESTAMP && y == SqlTypeName.DATE);
  }

  @Override
  public boolean rowTypeCoercion(
      SqlValidatorScope scope, SqlNode query, int columnIndex, RelDataType targetType) {
    return false;
  }

  @Override
  public boolean inOperationCoercion(SqlCallBinding binding) {
    return false;
  }

  @Override
  public boolean quantifyOperationCoercion(SqlCallBinding binding) {
    return false;
  }

  @Override
  public boolean binaryArithmeticCoercion(SqlCallBinding binding) {
    return false;
  }

  @Override
  public boolean caseWhenCoercion(SqlCallBinding binding) {
    return false;
  }

  @Override
  public boolean caseOrEquivalentCoercion(SqlCallBinding binding) {
    return false;
  }

  @Override
  public boolean builtinFunctionCoercion(
      SqlCallBinding binding,
      List<RelDataType> operandTypes,
      List<SqlTypeFamily> expectedFamilies) {
    return false;
  }

  @Override
  public boolean userDefinedFunctionCoercion(
      SqlValidatorScope scope, SqlCall call, SqlFunction function) {
    return false;
  }

  @Override
  public boolean querySourceCoercion(
      SqlValidatorScope sourceScope,
      RelDataType sourceRowType,
      RelDataType targetRowType,
      SqlNode query) {
    return false;
  }
}
