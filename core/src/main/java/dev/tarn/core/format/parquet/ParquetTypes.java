package dev.tarn.core.format.parquet;

import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.meta.Column;
import dev.tarn.core.type.SqlType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.DecimalLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.IntLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * The mapping between Parquet column types and Tarn's SQL types, both ways.
 *
 * <p>Reading (physical type + logical annotation, legacy converted types included):
 *
 * <pre>
 *   BOOLEAN                          -> boolean
 *   INT32                            -> integer    (INT(8)/INT(16) -> tinyint/smallint,
 *                                                   UINT(8)/UINT(16) -> smallint/integer,
 *                                                   UINT(32) -> bigint, DATE -> date)
 *   INT64                            -> bigint     (TIMESTAMP(any unit) -> timestamp)
 *   INT96                            -> timestamp  (Impala/Hive legacy: nanos of day + Julian day)
 *   INT32/INT64/FIXED/BINARY DECIMAL -> decimal(p,s)
 *   FLOAT / DOUBLE                   -> real / double
 *   BINARY STRING/ENUM/JSON          -> varchar
 *   BINARY, FIXED_LEN_BYTE_ARRAY     -> varbinary
 * </pre>
 *
 * <p>Writing: boolean, int32 with INT(8)/INT(16) for tinyint/smallint, int32, int64, float, double,
 * DECIMAL on INT32 (p &lt;= 9), INT64 (p &lt;= 18) or FIXED_LEN_BYTE_ARRAY, STRING, BINARY, DATE,
 * TIMESTAMP(MICROS, isAdjustedToUTC=false). Every column is OPTIONAL.
 */
final class ParquetTypes {

  private ParquetTypes() {}

  /** The SQL type of a file column, or {@code null} when Tarn does not read that type. */
  static SqlType sqlTypeOf(PrimitiveType type) {
    LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
    if (logical instanceof DecimalLogicalTypeAnnotation decimal) {
      return decimal.getPrecision() >= 1 && decimal.getPrecision() <= 38
          ? SqlType.decimal(decimal.getPrecision(), decimal.getScale())
          : null;
    }
    switch (type.getPrimitiveTypeName()) {
      case BOOLEAN:
        return SqlType.BOOLEAN;
      case INT32:
        if (logical == null) {
          return SqlType.INTEGER;
        }
        if (logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) {
          return SqlType.DATE;
        }
        if (logical instanceof IntLogicalTypeAnnotation integer) {
          int bits = integer.getBitWidth();
          if (integer.isSigned()) {
            return bits == 8 ? SqlType.TINYINT : bits == 16 ? SqlType.SMALLINT : SqlType.INTEGER;
          }
          return bits == 8 ? SqlType.SMALLINT : bits == 16 ? SqlType.INTEGER : SqlType.BIGINT;
        }
        return null;
      case INT64:
        if (logical == null) {
          return SqlType.BIGINT;
        }
        if (logical instanceof TimestampLogicalTypeAnnotation) {
          return SqlType.TIMESTAMP;
        }
        if (logical instanceof IntLogicalTypeAnnotation integer && integer.isSigned()) {
          return SqlType.BIGINT;
        }
        // UINT(64) needs decimal(20,0) to be exact, TIME is not a Tarn type yet.
        return null;
      case INT96:
        return SqlType.TIMESTAMP;
      case FLOAT:
        return SqlType.REAL;
      case DOUBLE:
        return SqlType.DOUBLE;
      case BINARY:
        if (logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
            || logical instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
            || logical instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation) {
          return SqlType.VARCHAR;
        }
        return logical == null ? SqlType.VARBINARY : null;
      case FIXED_LEN_BYTE_ARRAY:
        return logical == null || logical instanceof LogicalTypeAnnotation.UUIDLogicalTypeAnnotation
            ? SqlType.VARBINARY
            : null;
    }
    return null;
  }

  /** Multiplier from a Parquet timestamp unit to microseconds (0 for nanos: they divide). */
  static long microsPerUnit(PrimitiveType type) {
    if (type.getLogicalTypeAnnotation() instanceof TimestampLogicalTypeAnnotation timestamp) {
      TimeUnit unit = timestamp.getUnit();
      switch (unit) {
        case MILLIS:
          return 1000;
        case MICROS:
          return 1;
        case NANOS:
          return 0;
      }
    }
    return 1;
  }

  /** The OPTIONAL Parquet field a column is written as. */
  static Type parquetTypeOf(Column column) {
    SqlType type = column.type();
    if (type.isNested()) {
      throw new TarnException(
          ErrorCode.NOT_SUPPORTED,
          "Writing column " + column.name() + " of type " + type + " to Parquet is not supported");
    }
    switch (type.kind()) {
      case BOOLEAN:
        return Types.optional(PrimitiveTypeName.BOOLEAN).named(column.name());
      case TINYINT:
        return Types.optional(PrimitiveTypeName.INT32)
            .as(LogicalTypeAnnotation.intType(8, true))
            .named(column.name());
      case SMALLINT:
        return Types.optional(PrimitiveTypeName.INT32)
            .as(LogicalTypeAnnotation.intType(16, true))
            .named(column.name());
      case INTEGER:
        return Types.optional(PrimitiveTypeName.INT32).named(column.name());
      case BIGINT:
        return Types.optional(PrimitiveTypeName.INT64).named(column.name());
      case REAL:
        return Types.optional(PrimitiveTypeName.FLOAT).named(column.name());
      case DOUBLE:
        return Types.optional(PrimitiveTypeName.DOUBLE).named(column.name());
      case DECIMAL:
        LogicalTypeAnnotation decimal =
            LogicalTypeAnnotation.decimalType(type.scale(), type.precision());
        if (type.precision() <= 9) {
          return Types.optional(PrimitiveTypeName.INT32).as(decimal).named(column.name());
        }
        if (type.precision() <= 18) {
          return Types.optional(PrimitiveTypeName.INT64).as(decimal).named(column.name());
        }
        return Types.optional(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY)
            .length(decimalBytes(type.precision()))
            .as(decimal)
            .named(column.name());
      case VARCHAR:
        return Types.optional(PrimitiveTypeName.BINARY)
            .as(LogicalTypeAnnotation.stringType())
            .named(column.name());
      case VARBINARY:
        return Types.optional(PrimitiveTypeName.BINARY).named(column.name());
      case DATE:
        return Types.optional(PrimitiveTypeName.INT32)
            .as(LogicalTypeAnnotation.dateType())
            .named(column.name());
      case TIMESTAMP:
        return Types.optional(PrimitiveTypeName.INT64)
            .as(LogicalTypeAnnotation.timestampType(false, TimeUnit.MICROS))
            .named(column.name());
    }
    throw new AssertionError(type);
  }

  /** The fewest bytes whose two's complement holds every unscaled value of the precision. */
  static int decimalBytes(int precision) {
    // bits for 10^p - 1 plus a sign bit, rounded up to bytes
    int bits = (int) Math.ceil(precision * Math.log(10) / Math.log(2)) + 1;
    return (bits + 7) / 8;
  }
}
