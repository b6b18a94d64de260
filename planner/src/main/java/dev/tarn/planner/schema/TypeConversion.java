package dev.tarn.planner.schema;

import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.type.SqlType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.sql.type.SqlTypeName;

/** Translates between Tarn's {@link SqlType}s and Calcite's {@link RelDataType}s. */
public final class TypeConversion {
  /** Timestamps are microseconds in Tarn, so Calcite keeps six fractional digits. */
  private static final int TIMESTAMP_PRECISION = 6;

  private TypeConversion() {}

  /** The nullable Calcite type of a Tarn column type. */
  public static RelDataType toRelType(RelDataTypeFactory factory, SqlType type) {
    RelDataType relType;
    switch (type.kind()) {
      case BOOLEAN:
        relType = factory.createSqlType(SqlTypeName.BOOLEAN);
        break;
      case TINYINT:
        relType = factory.createSqlType(SqlTypeName.TINYINT);
        break;
      case SMALLINT:
        relType = factory.createSqlType(SqlTypeName.SMALLINT);
        break;
      case INTEGER:
        relType = factory.createSqlType(SqlTypeName.INTEGER);
        break;
      case BIGINT:
        relType = factory.createSqlType(SqlTypeName.BIGINT);
        break;
      case REAL:
        relType = factory.createSqlType(SqlTypeName.REAL);
        break;
      case DOUBLE:
        relType = factory.createSqlType(SqlTypeName.DOUBLE);
        break;
      case DECIMAL:
        relType = factory.createSqlType(SqlTypeName.DECIMAL, type.precision(), type.scale());
        break;
      case VARCHAR:
        relType = factory.createSqlType(SqlTypeName.VARCHAR);
        break;
      case VARBINARY:
        relType = factory.createSqlType(SqlTypeName.VARBINARY);
        break;
      case DATE:
        relType = factory.createSqlType(SqlTypeName.DATE);
        break;
      case TIMESTAMP:
        relType = factory.createSqlType(SqlTypeName.TIMESTAMP, TIMESTAMP_PRECISION);
        break;
      case ARRAY:
        relType = factory.createArrayType(toRelType(factory, type.elementType()), -1);
        break;
      case MAP:
        relType =
            factory.createMapType(
                toRelType(factory, type.keyType()), toRelType(factory, type.valueType()));
        break;
      case ROW:
        {
          List<RelDataType> fields = new ArrayList<>();
          for (SqlType field : type.children()) {
            fields.add(toRelType(factory, field));
          }
          relType = factory.createStructType(fields, type.fieldNames());
          break;
        }
      default:
        throw new AssertionError(type.kind());
    }
    return factory.createTypeWithNullability(relType, true);
  }

  /**
   * The Tarn type of a Calcite type: {@code char(n)} reads as varchar, Calcite's FLOAT (a double)
   * as double, and the type of a bare {@code NULL} as varchar.
   *
   * @throws TarnException NOT_SUPPORTED naming the type for intervals, arrays and the like
   */
  public static SqlType toSqlType(RelDataType type) {
    switch (type.getSqlTypeName()) {
      case BOOLEAN:
        return SqlType.BOOLEAN;
      case TINYINT:
        return SqlType.TINYINT;
      case SMALLINT:
        return SqlType.SMALLINT;
      case INTEGER:
        return SqlType.INTEGER;
      case BIGINT:
        return SqlType.BIGINT;
      case REAL:
        return SqlType.REAL;
      case FLOAT:
      case DOUBLE:
        return SqlType.DOUBLE;
      case DECIMAL:
        return SqlType.decimal(Math.max(1, type.getPrecision()), type.getScale());
      case CHAR:
      case VARCHAR:
      case NULL:
        return SqlType.VARCHAR;
      case BINARY:
      case VARBINARY:
        return SqlType.VARBINARY;
      case DATE:
        return SqlType.DATE;
      case TIMESTAMP:
        return SqlType.TIMESTAMP;
      case ARRAY:
      case MULTISET:
        return SqlType.array(toSqlType(type.getComponentType()));
      case MAP:
        return SqlType.map(toSqlType(type.getKeyType()), toSqlType(type.getValueType()));
      case ROW:
        {
          List<String> names = new ArrayList<>();
          List<SqlType> types = new ArrayList<>();
          for (RelDataTypeField field : type.getFieldList()) {
            names.add(field.getName().toLowerCase(Locale.ROOT));
            types.add(toSqlType(field.getType()));
          }
          return SqlType.row(names, types);
        }
      default:
        throw new TarnException(
            ErrorCode.NOT_SUPPORTED, "Type " + type.getFullTypeString() + " is not supported");
    }
  }
}
