package dev.tarn.core.type;

import java.util.Locale;
import java.util.Objects;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

/**
 * A SQL type in Trino's vocabulary, with its one Arrow representation.
 *
 * <p>Arrow mapping (fixed; every reader, operator and writer relies on it):
 *
 * <pre>
 *   boolean      -> Bit                 (BitVector)
 *   tinyint      -> Int(8)              (TinyIntVector)
 *   smallint     -> Int(16)             (SmallIntVector)
 *   integer      -> Int(32)             (IntVector)
 *   bigint       -> Int(64)             (BigIntVector)
 *   real         -> FloatingPoint(SINGLE) (Float4Vector)
 *   double       -> FloatingPoint(DOUBLE) (Float8Vector)
 *   decimal(p,s) -> Decimal(p,s,128)    (DecimalVector)
 *   varchar      -> Utf8                (VarCharVector)
 *   varbinary    -> Binary              (VarBinaryVector)
 *   date         -> Date(DAY)           (DateDayVector, days since 1970-01-01)
 *   timestamp    -> Timestamp(MICROSECOND, no zone) (TimeStampMicroVector, local date-time)
 * </pre>
 *
 * @param kind the type family
 * @param precision decimal precision (1..38), 0 for other kinds
 * @param scale decimal scale (0..precision), 0 for other kinds
 */
public record SqlType(Kind kind, int precision, int scale) {

  /** The type families Tarn knows. */
  public enum Kind {
    BOOLEAN,
    TINYINT,
    SMALLINT,
    INTEGER,
    BIGINT,
    REAL,
    DOUBLE,
    DECIMAL,
    VARCHAR,
    VARBINARY,
    DATE,
    TIMESTAMP
  }

  public static final SqlType BOOLEAN = new SqlType(Kind.BOOLEAN, 0, 0);
  public static final SqlType TINYINT = new SqlType(Kind.TINYINT, 0, 0);
  public static final SqlType SMALLINT = new SqlType(Kind.SMALLINT, 0, 0);
  public static final SqlType INTEGER = new SqlType(Kind.INTEGER, 0, 0);
  public static final SqlType BIGINT = new SqlType(Kind.BIGINT, 0, 0);
  public static final SqlType REAL = new SqlType(Kind.REAL, 0, 0);
  public static final SqlType DOUBLE = new SqlType(Kind.DOUBLE, 0, 0);
  public static final SqlType VARCHAR = new SqlType(Kind.VARCHAR, 0, 0);
  public static final SqlType VARBINARY = new SqlType(Kind.VARBINARY, 0, 0);
  public static final SqlType DATE = new SqlType(Kind.DATE, 0, 0);
  public static final SqlType TIMESTAMP = new SqlType(Kind.TIMESTAMP, 0, 0);

  public SqlType {
    Objects.requireNonNull(kind, "kind");
    if (kind == Kind.DECIMAL) {
      if (precision < 1 || precision > 38) {
        throw new IllegalArgumentException("decimal precision must be 1..38, was " + precision);
      }
      if (scale < 0 || scale > precision) {
        throw new IllegalArgumentException(
            "decimal scale must be 0.." + precision + ", was " + scale);
      }
    } else if (precision != 0 || scale != 0) {
      throw new IllegalArgumentException(kind + " takes no precision or scale");
    }
  }

  public static SqlType decimal(int precision, int scale) {
    return new SqlType(Kind.DECIMAL, precision, scale);
  }

  /**
   * Parses a type name as written in DDL, accepting Hive/Athena aliases ({@code int}, {@code
   * string}, {@code float}, {@code char(n)}, {@code varchar(n)}).
   *
   * @throws IllegalArgumentException naming the text when it is not a known type
   */
  public static SqlType parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT).replaceAll("\\s+", "");
    String base = t.contains("(") ? t.substring(0, t.indexOf('(')) : t;
    switch (base) {
      case "boolean":
        return BOOLEAN;
      case "tinyint":
        return TINYINT;
      case "smallint":
        return SMALLINT;
      case "int":
      case "integer":
        return INTEGER;
      case "bigint":
        return BIGINT;
      case "real":
      case "float":
        return REAL;
      case "double":
        return DOUBLE;
      case "string":
      case "varchar":
      case "char":
        return VARCHAR;
      case "binary":
      case "varbinary":
        return VARBINARY;
      case "date":
        return DATE;
      case "timestamp":
        return TIMESTAMP;
      case "decimal":
      case "numeric":
        if (!t.contains("(")) {
          return decimal(10, 0);
        }
        String[] parts = t.substring(t.indexOf('(') + 1, t.length() - 1).split(",");
        try {
          int p = Integer.parseInt(parts[0]);
          int s = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
          return decimal(p, s);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("bad decimal type '" + text + "'");
        }
      default:
        throw new IllegalArgumentException("unknown type '" + text + "'");
    }
  }

  /** The Arrow type this SQL type is stored as. */
  public ArrowType toArrow() {
    switch (kind) {
      case BOOLEAN:
        return ArrowType.Bool.INSTANCE;
      case TINYINT:
        return new ArrowType.Int(8, true);
      case SMALLINT:
        return new ArrowType.Int(16, true);
      case INTEGER:
        return new ArrowType.Int(32, true);
      case BIGINT:
        return new ArrowType.Int(64, true);
      case REAL:
        return new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
      case DOUBLE:
        return new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
      case DECIMAL:
        return new ArrowType.Decimal(precision, scale, 128);
      case VARCHAR:
        return ArrowType.Utf8.INSTANCE;
      case VARBINARY:
        return ArrowType.Binary.INSTANCE;
      case DATE:
        return new ArrowType.Date(DateUnit.DAY);
      case TIMESTAMP:
        return new ArrowType.Timestamp(TimeUnit.MICROSECOND, null);
    }
    throw new AssertionError(kind);
  }

  /** The SQL type of an Arrow type in Tarn's mapping. */
  public static SqlType fromArrow(ArrowType type) {
    switch (type.getTypeID()) {
      case Bool:
        return BOOLEAN;
      case Int:
        switch (((ArrowType.Int) type).getBitWidth()) {
          case 8:
            return TINYINT;
          case 16:
            return SMALLINT;
          case 32:
            return INTEGER;
          default:
            return BIGINT;
        }
      case FloatingPoint:
        return ((ArrowType.FloatingPoint) type).getPrecision() == FloatingPointPrecision.SINGLE
            ? REAL
            : DOUBLE;
      case Decimal:
        ArrowType.Decimal d = (ArrowType.Decimal) type;
        return decimal(d.getPrecision(), d.getScale());
      case Utf8:
      case LargeUtf8:
        return VARCHAR;
      case Binary:
      case LargeBinary:
        return VARBINARY;
      case Date:
        return DATE;
      case Timestamp:
        return TIMESTAMP;
      default:
        throw new IllegalArgumentException("Arrow type " + type + " has no SQL type in Tarn");
    }
  }

  /** A nullable Arrow field of this type. */
  public Field toField(String name) {
    return new Field(name, FieldType.nullable(toArrow()), null);
  }

  public boolean isNumeric() {
    switch (kind) {
      case TINYINT:
      case SMALLINT:
      case INTEGER:
      case BIGINT:
      case REAL:
      case DOUBLE:
      case DECIMAL:
        return true;
      default:
        return false;
    }
  }

  /** Trino's name for the type: {@code bigint}, {@code decimal(12,2)}, {@code varchar}. */
  @Override
  public String toString() {
    return kind == Kind.DECIMAL
        ? "decimal(" + precision + "," + scale + ")"
        : kind.name().toLowerCase(Locale.ROOT);
  }
}
