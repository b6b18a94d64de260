package dev.tarn.runtime.http;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.tarn.core.type.SqlType;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes SQL values and types as JSON the way a Trino server does, so that the Trino JDBC driver
 * and CLI decode them without loss.
 *
 * <p>Values ({@link dev.tarn.actors.query.QueryResults} documents the Java types that arrive):
 *
 * <pre>
 *   tinyint..bigint  JSON number             42
 *   real, double     JSON number             1.5      (NaN, Infinity, -Infinity as strings)
 *   decimal(p,s)     string with scale s     "12.30"
 *   varchar          string                  "abc"
 *   boolean          true / false
 *   date             string                  "2024-01-31"
 *   timestamp        string, 6 digits        "2024-01-31 10:20:30.123456"
 *   varbinary        base64 string           "AAEC"
 *   array(T)         JSON array              [1, 2]
 *   map(K, V)        JSON object, keys text  {"a": 1}
 *   row(a T, b U)    JSON array of fields    [1, "x"]
 * </pre>
 *
 * Decimals travel as strings because a JSON number would go through a double in most clients;
 * timestamps always carry six fractional digits because Tarn reports them as {@code timestamp(6)}.
 */
public final class JsonValues {
  /** Trino's bound for an unbounded varchar: {@code varchar} is {@code varchar(2147483647)}. */
  private static final long UNBOUNDED_VARCHAR = Integer.MAX_VALUE;

  /** Tarn's timestamps are microseconds, so every timestamp column is {@code timestamp(6)}. */
  private static final int TIMESTAMP_PRECISION = 6;

  private JsonValues() {}

  /**
   * Trino's display name of a type: {@code bigint}, {@code decimal(12,2)}, {@code timestamp(6)}.
   */
  public static String typeName(SqlType type) {
    switch (type.kind()) {
      case TIMESTAMP:
        return "timestamp(" + TIMESTAMP_PRECISION + ")";
      case ARRAY:
        return "array(" + typeName(type.elementType()) + ")";
      case MAP:
        return "map(" + typeName(type.keyType()) + ", " + typeName(type.valueType()) + ")";
      case ROW:
        {
          StringBuilder out = new StringBuilder("row(");
          for (int i = 0; i < type.children().size(); i++) {
            out.append(i > 0 ? ", " : "")
                .append(type.fieldNames().get(i))
                .append(' ')
                .append(typeName(type.children().get(i)));
          }
          return out.append(')').toString();
        }
      default:
        return type.toString();
    }
  }

  /**
   * Writes Trino's {@code ClientTypeSignature} of a type: the raw type and its typed arguments,
   * e.g. {@code {"rawType":"decimal","arguments":[{"kind":"LONG","value":12},...]}}.
   */
  public static void writeTypeSignature(JsonGenerator json, SqlType type) throws IOException {
    json.writeStartObject();
    json.writeStringField("rawType", type.kind().name().toLowerCase(Locale.ROOT));
    json.writeArrayFieldStart("arguments");
    switch (type.kind()) {
      case DECIMAL:
        writeLongArgument(json, type.precision());
        writeLongArgument(json, type.scale());
        break;
      case VARCHAR:
        writeLongArgument(json, UNBOUNDED_VARCHAR);
        break;
      case TIMESTAMP:
        writeLongArgument(json, TIMESTAMP_PRECISION);
        break;
      case BOOLEAN:
      case TINYINT:
      case SMALLINT:
      case INTEGER:
      case BIGINT:
      case REAL:
      case DOUBLE:
      case VARBINARY:
      case DATE:
        break;
      case ARRAY:
        writeTypeArgument(json, type.elementType());
        break;
      case MAP:
        writeTypeArgument(json, type.keyType());
        writeTypeArgument(json, type.valueType());
        break;
      case ROW:
        for (int i = 0; i < type.children().size(); i++) {
          // {"kind":"NAMED_TYPE","value":{"fieldName":{"name":"x"},"typeSignature":{...}}}
          json.writeStartObject();
          json.writeStringField("kind", "NAMED_TYPE");
          json.writeObjectFieldStart("value");
          json.writeObjectFieldStart("fieldName");
          json.writeStringField("name", type.fieldNames().get(i));
          json.writeEndObject();
          json.writeFieldName("typeSignature");
          writeTypeSignature(json, type.children().get(i));
          json.writeEndObject();
          json.writeEndObject();
        }
        break;
    }
    json.writeEndArray();
    json.writeEndObject();
  }

  private static void writeTypeArgument(JsonGenerator json, SqlType type) throws IOException {
    json.writeStartObject();
    json.writeStringField("kind", "TYPE");
    json.writeFieldName("value");
    writeTypeSignature(json, type);
    json.writeEndObject();
  }

  private static void writeLongArgument(JsonGenerator json, long value) throws IOException {
    json.writeStartObject();
    json.writeStringField("kind", "LONG");
    json.writeNumberField("value", value);
    json.writeEndObject();
  }

  /**
   * Writes one value of a column of the given type.
   *
   * @throws IllegalArgumentException when the Java value does not fit the SQL type, naming both
   */
  public static void writeValue(JsonGenerator json, SqlType type, Object value) throws IOException {
    if (value == null) {
      json.writeNull();
      return;
    }
    switch (type.kind()) {
      case BOOLEAN:
        json.writeBoolean((Boolean) value);
        return;
      case TINYINT:
      case SMALLINT:
      case INTEGER:
      case BIGINT:
        json.writeNumber(((Number) value).longValue());
        return;
      case REAL:
        writeFloating(json, ((Number) value).doubleValue(), true);
        return;
      case DOUBLE:
        writeFloating(json, ((Number) value).doubleValue(), false);
        return;
      case DECIMAL:
        json.writeString(decimalText(value, type.scale()));
        return;
      case VARCHAR:
        json.writeString(value.toString());
        return;
      case VARBINARY:
        json.writeString(Base64.getEncoder().encodeToString((byte[]) value));
        return;
      case DATE:
        json.writeString(((LocalDate) value).toString());
        return;
      case TIMESTAMP:
        json.writeString(timestampText((LocalDateTime) value));
        return;
      case ARRAY:
        json.writeStartArray();
        for (Object element : (List<?>) value) {
          writeValue(json, type.elementType(), element);
        }
        json.writeEndArray();
        return;
      case MAP:
        // JSON keys are strings; clients parse them back with the key type.
        json.writeStartObject();
        for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
          json.writeFieldName(keyText(type.keyType(), entry.getKey()));
          writeValue(json, type.valueType(), entry.getValue());
        }
        json.writeEndObject();
        return;
      case ROW:
        {
          List<?> fields = (List<?>) value;
          json.writeStartArray();
          for (int i = 0; i < fields.size(); i++) {
            writeValue(json, type.children().get(i), fields.get(i));
          }
          json.writeEndArray();
          return;
        }
    }
    throw new IllegalArgumentException("no JSON encoding for " + type + " value " + value);
  }

  private static String keyText(SqlType type, Object key) {
    switch (type.kind()) {
      case DECIMAL:
        return decimalText(key, type.scale());
      case TIMESTAMP:
        return timestampText((LocalDateTime) key);
      default:
        return key.toString();
    }
  }

  private static void writeFloating(JsonGenerator json, double value, boolean real)
      throws IOException {
    if (Double.isNaN(value)) {
      json.writeString("NaN");
    } else if (Double.isInfinite(value)) {
      json.writeString(value > 0 ? "Infinity" : "-Infinity");
    } else if (real) {
      // The float's own shortest form, so that real 1.1 prints as 1.1, not 1.100000023841858.
      json.writeNumber((float) value);
    } else {
      json.writeNumber(value);
    }
  }

  /** A decimal with exactly the type's scale: {@code 12.3} in a decimal(12,2) is "12.30". */
  static String decimalText(Object value, int scale) {
    BigDecimal decimal =
        value instanceof BigDecimal ? (BigDecimal) value : new BigDecimal(value.toString());
    return decimal.setScale(scale, RoundingMode.HALF_UP).toPlainString();
  }

  /** {@code yyyy-MM-dd HH:mm:ss.SSSSSS}, Trino's text form of a timestamp(6). */
  static String timestampText(LocalDateTime value) {
    StringBuilder text = new StringBuilder(26);
    text.append(value.toLocalDate()).append(' ');
    appendTwoDigits(text, value.getHour()).append(':');
    appendTwoDigits(text, value.getMinute()).append(':');
    appendTwoDigits(text, value.getSecond()).append('.');
    String micros = Integer.toString(value.getNano() / 1000);
    for (int i = micros.length(); i < TIMESTAMP_PRECISION; i++) {
      text.append('0');
    }
    return text.append(micros).toString();
  }

  private static StringBuilder appendTwoDigits(StringBuilder text, int value) {
    if (value < 10) {
      text.append('0');
    }
    return text.append(value);
  }
}
