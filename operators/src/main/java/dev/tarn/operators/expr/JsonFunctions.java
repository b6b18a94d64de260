package dev.tarn.operators.expr;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.type.SqlType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Trino's JSON functions over JSON text. Tarn has no JSON type: a JSON value is carried as varchar
 * holding its text, which is also how Trino prints a {@code json} value.
 *
 * <p>Extraction streams through each row with one Jackson parser (no tree is built), following a
 * {@link Path} of object keys and array indexes and skipping every sibling it passes:
 *
 * <pre>
 *   json_extract('{"a":[10,{"b":2}]}', '$.a[1].b')
 *     { → field "a" → [ → skip 10 → { → field "b" → 2      yields 2
 * </pre>
 *
 * <p>As in Trino, text that is not valid JSON makes the extracting functions NULL (the document is
 * data, often dirty), while {@code json_parse} fails with the offending value; an invalid path is
 * an error at compile time naming the function.
 */
final class JsonFunctions {
  /** Field names are not interned: documents bring arbitrary keys. */
  private static final JsonFactory FACTORY =
      JsonFactory.builder().disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES).build();

  /** json_parse's canonical form, as Trino's: compact, object keys sorted. */
  private static final ObjectMapper SORTED =
      new ObjectMapper(FACTORY).configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private JsonFunctions() {}

  /** What an extraction yields at the end of its path. */
  enum Result {
    /** The value's JSON text (json_extract). */
    JSON,
    /** A scalar's text, NULL for objects, arrays and null (json_extract_scalar). */
    SCALAR,
    /** Members of an object or elements of an array, 0 for a scalar (json_size). */
    SIZE
  }

  /**
   * A compiled JSONPath of the subset Trino's json_extract accepts: {@code $}, then any of {@code
   * .key}, {@code ["key"]} and {@code [n]}. Each step is a key (String) or an index (Integer).
   */
  record Path(String text, List<Object> steps) {
    Path {
      steps = List.copyOf(steps);
    }

    /**
     * Parses {@code text}.
     *
     * @throws TarnException INVALID_ARGUMENT naming {@code function} and the path
     */
    static Path parse(String text, String function) {
      List<Object> steps = new ArrayList<>();
      int n = text.length();
      int i = 0;
      while (i < n && Character.isWhitespace(text.charAt(i))) {
        i++;
      }
      if (i >= n || text.charAt(i) != '$') {
        throw invalidPath(text, function, "it must start with '$'");
      }
      i++;
      while (i < n) {
        char c = text.charAt(i);
        if (c == '.') {
          int start = ++i;
          while (i < n && text.charAt(i) != '.' && text.charAt(i) != '[') {
            i++;
          }
          String key = text.substring(start, i).trim();
          if (key.isEmpty()) {
            throw invalidPath(text, function, "an empty key at position " + start);
          }
          steps.add(key);
        } else if (c == '[') {
          int close = text.indexOf(']', i);
          if (close < 0) {
            throw invalidPath(text, function, "'[' at position " + i + " is not closed");
          }
          String inner = text.substring(i + 1, close).trim();
          if (inner.length() >= 2
              && (inner.charAt(0) == '"' || inner.charAt(0) == '\'')
              && inner.charAt(inner.length() - 1) == inner.charAt(0)) {
            steps.add(inner.substring(1, inner.length() - 1));
          } else {
            try {
              int index = Integer.parseInt(inner);
              if (index < 0) {
                throw invalidPath(text, function, "a negative index at position " + i);
              }
              steps.add(index);
            } catch (NumberFormatException e) {
              throw invalidPath(
                  text, function, "'" + inner + "' at position " + i + " is not an index");
            }
          }
          i = close + 1;
        } else if (Character.isWhitespace(c)) {
          i++;
        } else {
          throw invalidPath(text, function, "unexpected '" + c + "' at position " + i);
        }
      }
      return new Path(text, steps);
    }
  }

  private static TarnException invalidPath(String text, String function, String why) {
    return new TarnException(
        ErrorCode.INVALID_ARGUMENT, function + ": Invalid JSON path: '" + text + "' (" + why + ")");
  }

  /** json_extract, json_extract_scalar and json_size of every row along {@code path}. */
  static Lane extract(Lane.Strings in, Path path, Result result) {
    int n = in.size;
    Lane.StringsBuilder text =
        result == Result.SIZE ? null : new Lane.StringsBuilder(SqlType.VARCHAR, n, in.data.length);
    long[] sizes = result == Result.SIZE ? new long[n] : null;
    boolean[] sizeNulls = result == Result.SIZE ? new boolean[n] : null;
    boolean anySizeNull = false;
    ByteArrayBuilder buffer = new ByteArrayBuilder();
    for (int i = 0; i < n; i++) {
      if (in.isNull(i)) {
        if (text != null) {
          text.appendNull();
        } else {
          sizeNulls[i] = true;
          anySizeNull = true;
        }
        continue;
      }
      try (JsonParser parser = FACTORY.createParser(in.data, in.offsets[i], in.length(i))) {
        JsonToken token = parser.nextToken();
        if (token != null && seek(parser, token, path.steps)) {
          token = parser.currentToken();
          switch (result) {
            case JSON:
              buffer.reset();
              try (JsonGenerator generator = FACTORY.createGenerator(buffer)) {
                generator.copyCurrentStructure(parser);
              }
              text.append(buffer.toByteArray(), 0, buffer.size());
              continue;
            case SCALAR:
              if (token.isScalarValue() && token != JsonToken.VALUE_NULL) {
                text.append(parser.getText());
              } else {
                text.appendNull();
              }
              continue;
            case SIZE:
              sizes[i] = size(parser, token);
              continue;
          }
        }
      } catch (IOException e) {
        // Not JSON, or JSON that ends early: NULL, as Trino's extraction.
      }
      if (text != null) {
        text.appendNull();
      } else {
        sizeNulls[i] = true;
        anySizeNull = true;
      }
    }
    if (text != null) {
      return text.build();
    }
    return new Lane.Longs(SqlType.BIGINT, sizes, anySizeNull ? sizeNulls : null);
  }

  /**
   * Moves {@code parser} (on {@code token}, the first of a value) to the value {@code steps} lead
   * to; false when a key is missing, an index is out of range or a step meets the wrong kind.
   */
  private static boolean seek(JsonParser parser, JsonToken token, List<Object> steps)
      throws IOException {
    for (int s = 0; s < steps.size(); s++) {
      Object step = steps.get(s);
      if (step instanceof String key) {
        if (token != JsonToken.START_OBJECT) {
          return false;
        }
        boolean found = false;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          token = parser.nextToken();
          if (name.equals(key)) {
            found = true;
            break;
          }
          parser.skipChildren();
        }
        if (!found) {
          return false;
        }
      } else {
        int index = (Integer) step;
        if (token != JsonToken.START_ARRAY) {
          return false;
        }
        int at = 0;
        boolean found = false;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY && token != null) {
          if (at == index) {
            found = true;
            break;
          }
          parser.skipChildren();
          at++;
        }
        if (!found) {
          return false;
        }
      }
    }
    return true;
  }

  private static long size(JsonParser parser, JsonToken token) throws IOException {
    if (token != JsonToken.START_OBJECT && token != JsonToken.START_ARRAY) {
      return 0;
    }
    JsonToken end = token == JsonToken.START_OBJECT ? JsonToken.END_OBJECT : JsonToken.END_ARRAY;
    long count = 0;
    JsonToken next;
    while ((next = parser.nextToken()) != end && next != null) {
      if (next == JsonToken.FIELD_NAME) {
        next = parser.nextToken();
      }
      parser.skipChildren();
      count++;
    }
    return count;
  }

  /**
   * json_parse: the canonical text of each row (compact, object keys sorted, as Trino prints it).
   *
   * @throws TarnException INVALID_ARGUMENT with the value that is not JSON
   */
  static Lane.Strings parse(Lane.Strings in) {
    int n = in.size;
    Lane.StringsBuilder out = new Lane.StringsBuilder(SqlType.VARCHAR, n, in.data.length);
    for (int i = 0; i < n; i++) {
      if (in.isNull(i)) {
        out.appendNull();
        continue;
      }
      try (JsonParser parser = FACTORY.createParser(in.data, in.offsets[i], in.length(i))) {
        Object value = SORTED.readValue(parser, Object.class);
        if (parser.nextToken() != null) {
          throw new IOException("trailing characters");
        }
        byte[] canonical = SORTED.writeValueAsBytes(value);
        out.append(canonical, 0, canonical.length);
      } catch (IOException e) {
        throw new TarnException(
            ErrorCode.INVALID_ARGUMENT,
            "json_parse: Cannot convert value to JSON: '" + abbreviate(in.string(i)) + "'");
      }
    }
    return out.build();
  }

  /** json_array_length: elements of a top-level array; NULL for anything else. */
  static Lane.Longs arrayLength(Lane.Strings in) {
    int n = in.size;
    long[] out = new long[n];
    boolean[] nulls = new boolean[n];
    boolean anyNull = false;
    for (int i = 0; i < n; i++) {
      if (in.isNull(i)) {
        nulls[i] = true;
        anyNull = true;
        continue;
      }
      try (JsonParser parser = FACTORY.createParser(in.data, in.offsets[i], in.length(i))) {
        JsonToken token = parser.nextToken();
        if (token == JsonToken.START_ARRAY) {
          out[i] = size(parser, token);
          continue;
        }
      } catch (IOException e) {
        // Not JSON: NULL, as Trino.
      }
      nulls[i] = true;
      anyNull = true;
    }
    return new Lane.Longs(SqlType.BIGINT, out, anyNull ? nulls : null);
  }

  /**
   * json_array_contains: whether a top-level array has an element equal to the row's value. Only
   * elements of the value's JSON kind match (a bigint matches integral numbers, a double any
   * number, a varchar strings, a boolean booleans); nested arrays and objects are skipped. NULL
   * when the text is not an array.
   */
  static Lane.Bools arrayContains(Lane.Strings in, Lane value) {
    int n = in.size;
    boolean[] out = new boolean[n];
    boolean[] nulls = Lanes.orNulls(in.nulls, value.nulls);
    nulls = nulls == null ? new boolean[n] : nulls.clone();
    boolean anyNull = false;
    for (int i = 0; i < n; i++) {
      if (nulls[i]) {
        anyNull = true;
        continue;
      }
      try (JsonParser parser = FACTORY.createParser(in.data, in.offsets[i], in.length(i))) {
        if (parser.nextToken() == JsonToken.START_ARRAY) {
          out[i] = containsElement(parser, value, i);
          continue;
        }
      } catch (IOException e) {
        // Not JSON: NULL, as Trino.
      }
      nulls[i] = true;
      anyNull = true;
    }
    return new Lane.Bools(out, anyNull ? nulls : null);
  }

  private static boolean containsElement(JsonParser parser, Lane value, int row)
      throws IOException {
    JsonToken token;
    while ((token = parser.nextToken()) != JsonToken.END_ARRAY && token != null) {
      if (value instanceof Lane.Longs longs) {
        if (token == JsonToken.VALUE_NUMBER_INT
            && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER
            && parser.getLongValue() == longs.values[row]) {
          return true;
        }
      } else if (value instanceof Lane.Doubles doubles) {
        if ((token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT)
            && parser.getDoubleValue() == doubles.values[row]) {
          return true;
        }
      } else if (value instanceof Lane.Bools bools) {
        if ((token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE)
            && (token == JsonToken.VALUE_TRUE) == bools.values[row]) {
          return true;
        }
      } else if (value instanceof Lane.Strings strings) {
        if (token == JsonToken.VALUE_STRING && parser.getText().equals(strings.string(row))) {
          return true;
        }
      }
      parser.skipChildren();
    }
    return false;
  }

  private static String abbreviate(String value) {
    return value.length() <= 100 ? value : value.substring(0, 100) + "...";
  }
}
