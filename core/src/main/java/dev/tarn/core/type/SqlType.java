package dev.tarn.core.type;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.apache.arrow.vector.complex.MapVector;
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
 *   array(T)     -> List, child "element" of T            (ListVector)
 *   map(K,V)     -> Map(unsorted), child "entries" = struct(key K not null, value V) (MapVector)
 *   row(a A,...) -> Struct, one child per field, named as the field (StructVector)
 * </pre>
 *
 * @param kind the type family
 * @param precision decimal precision (1..38), 0 for other kinds
 * @param scale decimal scale (0..precision), 0 for other kinds
 * @param children the element type of an array, key and value types of a map, field types of a row;
 *     empty for the other kinds
 * @param fieldNames the field names of a row (one per child, lower case); empty for other kinds
 */
public record SqlType(
    Kind kind, int precision, int scale, List<SqlType> children, List<String> fieldNames) {

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
    TIMESTAMP,
    ARRAY,
    MAP,
    ROW
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

  /** The name of an array's element child in Arrow (Arrow Java's default is "$data$"). */
  public static final String ELEMENT_FIELD = "element";

  public SqlType {
    Objects.requireNonNull(kind, "kind");
    children = List.copyOf(Objects.requireNonNull(children, "children"));
    fieldNames = List.copyOf(Objects.requireNonNull(fieldNames, "fieldNames"));
    int expectedChildren =
        switch (kind) {
          case ARRAY -> 1;
          case MAP -> 2;
          case ROW -> Math.max(1, children.size());
          default -> 0;
        };
    if (children.size() != expectedChildren) {
      throw new IllegalArgumentException(
          kind + " takes " + expectedChildren + " component types, got " + children.size());
    }
    if (kind == Kind.ROW ? fieldNames.size() != children.size() : !fieldNames.isEmpty()) {
      throw new IllegalArgumentException(
          kind
              + " takes "
              + (kind == Kind.ROW ? children.size() : 0)
              + " field names, got "
              + fieldNames.size());
    }
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

  /** A scalar type; {@code precision} and {@code scale} are for decimals only. */
  public SqlType(Kind kind, int precision, int scale) {
    this(kind, precision, scale, List.of(), List.of());
  }

  public static SqlType decimal(int precision, int scale) {
    return new SqlType(Kind.DECIMAL, precision, scale);
  }

  /** {@code array(element)}. */
  public static SqlType array(SqlType element) {
    return new SqlType(Kind.ARRAY, 0, 0, List.of(element), List.of());
  }

  /** {@code map(key, value)}. */
  public static SqlType map(SqlType key, SqlType value) {
    return new SqlType(Kind.MAP, 0, 0, List.of(key, value), List.of());
  }

  /** {@code row(name1 type1, ...)}; names are kept as given (the parser lower-cases them). */
  public static SqlType row(List<String> names, List<SqlType> types) {
    return new SqlType(Kind.ROW, 0, 0, types, names);
  }

  /** True for array, map and row. */
  public boolean isNested() {
    return kind == Kind.ARRAY || kind == Kind.MAP || kind == Kind.ROW;
  }

  /** The element type of an array. */
  public SqlType elementType() {
    checkKind(Kind.ARRAY);
    return children.get(0);
  }

  /** The key type of a map. */
  public SqlType keyType() {
    checkKind(Kind.MAP);
    return children.get(0);
  }

  /** The value type of a map. */
  public SqlType valueType() {
    checkKind(Kind.MAP);
    return children.get(1);
  }

  private void checkKind(Kind expected) {
    if (kind != expected) {
      throw new IllegalStateException("expected a " + expected + " type, was " + this);
    }
  }

  /**
   * Parses a type name as written in DDL, accepting Hive/Athena aliases ({@code int}, {@code
   * string}, {@code float}, {@code char(n)}, {@code varchar(n)}) and nested types in both
   * spellings: Trino's {@code array(varchar)}, {@code map(varchar, bigint)}, {@code row(a bigint, b
   * varchar)} and Hive's {@code array<string>}, {@code map<string,int>}, {@code
   * struct<a:int,b:string>}.
   *
   * @throws IllegalArgumentException naming the text when it is not a known type
   */
  public static SqlType parse(String text) {
    TypeParser parser = new TypeParser(text);
    SqlType type = parser.type();
    parser.skipSpaces();
    if (!parser.atEnd()) {
      throw new IllegalArgumentException("unknown type '" + text + "'");
    }
    return type;
  }

  /** Recursive descent over one type text; see {@link #parse}. */
  private static final class TypeParser {
    private final String text;
    private int offset;

    TypeParser(String text) {
      this.text = text;
    }

    boolean atEnd() {
      return offset >= text.length();
    }

    void skipSpaces() {
      while (offset < text.length() && Character.isWhitespace(text.charAt(offset))) {
        offset++;
      }
    }

    String word() {
      skipSpaces();
      int start = offset;
      while (offset < text.length()
          && (Character.isLetterOrDigit(text.charAt(offset))
              || text.charAt(offset) == '_'
              || text.charAt(offset) == '"'
              || text.charAt(offset) == '`')) {
        offset++;
      }
      if (start == offset) {
        throw bad();
      }
      return text.substring(start, offset).replace("\"", "").replace("`", "");
    }

    boolean accept(char c) {
      skipSpaces();
      if (offset < text.length() && text.charAt(offset) == c) {
        offset++;
        return true;
      }
      return false;
    }

    void expect(char c) {
      if (!accept(c)) {
        throw bad();
      }
    }

    IllegalArgumentException bad() {
      return new IllegalArgumentException("unknown type '" + text + "'");
    }

    SqlType type() {
      String base = word().toLowerCase(Locale.ROOT);
      switch (base) {
        case "array":
          {
            char close = open();
            SqlType element = type();
            expect(close);
            return array(element);
          }
        case "map":
          {
            char close = open();
            SqlType key = type();
            expect(',');
            SqlType value = type();
            expect(close);
            return map(key, value);
          }
        case "row":
        case "struct":
          {
            char close = open();
            List<String> names = new ArrayList<>();
            List<SqlType> types = new ArrayList<>();
            do {
              names.add(word().toLowerCase(Locale.ROOT));
              accept(':');
              types.add(type());
            } while (accept(','));
            expect(close);
            return row(names, types);
          }
        case "double":
          skipSpaces();
          if (text.regionMatches(true, offset, "precision", 0, 9)) {
            offset += 9;
          }
          return DOUBLE;
        default:
          break;
      }
      List<Integer> arguments = new ArrayList<>();
      if (accept('(')) {
        do {
          String number = word();
          try {
            arguments.add(Integer.parseInt(number));
          } catch (NumberFormatException e) {
            throw bad();
          }
        } while (accept(','));
        expect(')');
      }
      return scalar(base, arguments);
    }

    /** Consumes {@code (} or {@code <} and returns the matching closing character. */
    char open() {
      if (accept('(')) {
        return ')';
      }
      expect('<');
      return '>';
    }

    SqlType scalar(String base, List<Integer> arguments) {
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
          if (arguments.isEmpty()) {
            return decimal(10, 0);
          }
          try {
            return decimal(arguments.get(0), arguments.size() > 1 ? arguments.get(1) : 0);
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad decimal type '" + text + "'", e);
          }
        default:
          throw bad();
      }
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
      case ARRAY:
        return ArrowType.List.INSTANCE;
      case MAP:
        return new ArrowType.Map(false);
      case ROW:
        return ArrowType.Struct.INSTANCE;
    }
    throw new AssertionError(kind);
  }

  /**
   * The SQL type of an Arrow field in Tarn's mapping, nested types included (their component types
   * come from the field's children).
   */
  public static SqlType fromField(Field field) {
    ArrowType type = field.getType();
    switch (type.getTypeID()) {
      case List:
      case LargeList:
      case FixedSizeList:
        return array(fromField(field.getChildren().get(0)));
      case Map:
        {
          List<Field> entry = field.getChildren().get(0).getChildren();
          return map(fromField(entry.get(0)), fromField(entry.get(1)));
        }
      case Struct:
        {
          List<String> names = new ArrayList<>();
          List<SqlType> types = new ArrayList<>();
          for (Field child : field.getChildren()) {
            names.add(child.getName());
            types.add(fromField(child));
          }
          return row(names, types);
        }
      default:
        return fromArrow(type);
    }
  }

  /**
   * The SQL type of a scalar Arrow type in Tarn's mapping (nested types need {@link #fromField}).
   */
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

  /** A nullable Arrow field of this type, with the children nested types need. */
  public Field toField(String name) {
    switch (kind) {
      case ARRAY:
        return new Field(
            name, FieldType.nullable(toArrow()), List.of(elementType().toField(ELEMENT_FIELD)));
      case MAP:
        {
          Field key =
              new Field(
                  MapVector.KEY_NAME,
                  FieldType.notNullable(keyType().toArrow()),
                  keyType().toField(MapVector.KEY_NAME).getChildren());
          Field entries =
              new Field(
                  MapVector.DATA_VECTOR_NAME,
                  FieldType.notNullable(ArrowType.Struct.INSTANCE),
                  List.of(key, valueType().toField(MapVector.VALUE_NAME)));
          return new Field(name, FieldType.nullable(toArrow()), List.of(entries));
        }
      case ROW:
        {
          List<Field> fields = new ArrayList<>();
          for (int i = 0; i < children.size(); i++) {
            fields.add(children.get(i).toField(fieldNames.get(i)));
          }
          return new Field(name, FieldType.nullable(toArrow()), fields);
        }
      default:
        return new Field(name, FieldType.nullable(toArrow()), null);
    }
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

  /**
   * Trino's name for the type: {@code bigint}, {@code decimal(12,2)}, {@code varchar}, {@code
   * array(bigint)}, {@code map(varchar, bigint)}, {@code row(a bigint, b varchar)}.
   */
  @Override
  public String toString() {
    switch (kind) {
      case DECIMAL:
        return "decimal(" + precision + "," + scale + ")";
      case ARRAY:
        return "array(" + elementType() + ")";
      case MAP:
        return "map(" + keyType() + ", " + valueType() + ")";
      case ROW:
        {
          StringBuilder out = new StringBuilder("row(");
          for (int i = 0; i < children.size(); i++) {
            if (i > 0) {
              out.append(", ");
            }
            out.append(fieldNames.get(i)).append(' ').append(children.get(i));
          }
          return out.append(')').toString();
        }
      default:
        return kind.name().toLowerCase(Locale.ROOT);
    }
  }
}
