package dev.tarn.planner.schema;

import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeSystemImpl;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;

/**
 * Calcite's type rules bent to Trino's, so that validated types are the types Tarn returns.
 *
 * <pre>
 *   decimal precision      up to 38
 *   decimal(p1,s1) + - (p2,s2)  decimal(min(38, max(p1-s1, p2-s2) + max(s1,s2) + 1), max(s1,s2))
 *   decimal(p1,s1) *   (p2,s2)  decimal(min(38, p1+p2), s1+s2)
 *   sum(tinyint..bigint)   bigint        sum(decimal(p,s)) decimal(38,s)
 *   avg(tinyint..bigint)   double        avg(decimal(p,s)) decimal(p,s)
 *   CASE 'a' ELSE 'bb'     varchar, not a blank-padded char(2)
 * </pre>
 */
public final class TarnTypeSystem extends RelDataTypeSystemImpl {
  /** The one instance. */
  public static final TarnTypeSystem INSTANCE = new TarnTypeSystem();

  private static final int MAX_DECIMAL_PRECISION = 38;

  private TarnTypeSystem() {}

  @Override
  public int getMaxPrecision(SqlTypeName typeName) {
    return typeName == SqlTypeName.DECIMAL
        ? MAX_DECIMAL_PRECISION
        : super.getMaxPrecision(typeName);
  }

  @Override
  public int getMaxScale(SqlTypeName typeName) {
    return typeName == SqlTypeName.DECIMAL ? MAX_DECIMAL_PRECISION : super.getMaxScale(typeName);
  }

  @Override
  public boolean shouldConvertRaggedUnionTypesToVarying() {
    return true;
  }

  @Override
  public RelDataType deriveDecimalPlusType(
      RelDataTypeFactory typeFactory, RelDataType type1, RelDataType type2) {
    if (!bothExact(type1, type2) || !eitherDecimal(type1, type2)) {
      return super.deriveDecimalPlusType(typeFactory, type1, type2);
    }
    RelDataType left = asDecimal(typeFactory, type1);
    RelDataType right = asDecimal(typeFactory, type2);
    int scale = Math.max(left.getScale(), right.getScale());
    int integral =
        Math.max(left.getPrecision() - left.getScale(), right.getPrecision() - right.getScale());
    int precision = Math.min(MAX_DECIMAL_PRECISION, integral + scale + 1);
    return typeFactory.createSqlType(SqlTypeName.DECIMAL, precision, scale);
  }

  @Override
  public RelDataType deriveDecimalMultiplyType(
      RelDataTypeFactory typeFactory, RelDataType type1, RelDataType type2) {
    if (!bothExact(type1, type2) || !eitherDecimal(type1, type2)) {
      return super.deriveDecimalMultiplyType(typeFactory, type1, type2);
    }
    RelDataType left = asDecimal(typeFactory, type1);
    RelDataType right = asDecimal(typeFactory, type2);
    int scale = Math.min(MAX_DECIMAL_PRECISION, left.getScale() + right.getScale());
    int precision = Math.min(MAX_DECIMAL_PRECISION, left.getPrecision() + right.getPrecision());
    return typeFactory.createSqlType(SqlTypeName.DECIMAL, Math.max(precision, scale), scale);
  }

  @Override
  public RelDataType deriveSumType(RelDataTypeFactory typeFactory, RelDataType argumentType) {
    RelDataType result;
    switch (argumentType.getSqlTypeName()) {
      case TINYINT:
      case SMALLINT:
      case INTEGER:
      case BIGINT:
        result = typeFactory.createSqlType(SqlTypeName.BIGINT);
        break;
      case DECIMAL:
        result =
            typeFactory.createSqlType(
                SqlTypeName.DECIMAL, MAX_DECIMAL_PRECISION, argumentType.getScale());
        break;
      default:
        return super.deriveSumType(typeFactory, argumentType);
    }
    return typeFactory.createTypeWithNullability(result, argumentType.isNullable());
  }

  @Override
  public RelDataType deriveAvgAggType(RelDataTypeFactory typeFactory, RelDataType argumentType) {
    switch (argumentType.getSqlTypeName()) {
      case TINYINT:
      case SMALLINT:
      case INTEGER:
      case BIGINT:
        return typeFactory.createTypeWithNullability(
            typeFactory.createSqlType(SqlTypeName.DOUBLE), argumentType.isNullable());
      default:
        return super.deriveAvgAggType(typeFactory, argumentType);
    }
  }

  private static boolean bothExact(RelDataType type1, RelDataType type2) {
    return SqlTypeUtil.isExactNumeric(type1) && SqlTypeUtil.isExactNumeric(type2);
  }

  private static boolean eitherDecimal(RelDataType type1, RelDataType type2) {
    return SqlTypeUtil.isDecimal(type1) || SqlTypeUtil.isDecimal(type2);
  }

  /** Integers take part in decimal arithmetic as decimals of their width, as in Trino. */
  private static RelDataType asDecimal(RelDataTypeFactory typeFactory, RelDataType type) {
    switch (type.getSqlTypeName()) {
      case TINYINT:
        return typeFactory.createSqlType(SqlTypeName.DECIMAL, 3, 0);
      case SMALLINT:
        return typeFactory.createSqlType(SqlTypeName.DECIMAL, 5, 0);
      case INTEGER:
        return typeFactory.createSqlType(SqlTypeName.DECIMAL, 10, 0);
      case BIGINT:
        return typeFactory.createSqlType(SqlTypeName.DECIMAL, 19, 0);
      default:
        return type;
    }
  }
}
