package dev.tarn.operators.expr;

import dev.tarn.core.batch.BatchRows;
import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.expr.Expr;
import dev.tarn.core.expr.Expr.Operator;
import dev.tarn.core.type.SqlType;
import dev.tarn.core.type.SqlType.Kind;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.FieldVector;

/**
 * Trino's array, map and row functions: constructors, subscripts, {@code element_at}, field access,
 * {@code cardinality}, {@code contains}, {@code array_join}, {@code sequence} and {@code split}.
 *
 * <p>Nested values travel in {@link Lane.Values} lanes as boxed Java values ({@link BatchRows}'
 * conventions: a List per array, a LinkedHashMap per map, a List of field values per row). A nested
 * value is a small tree that every one of these functions takes apart or builds whole, so they loop
 * per row over whole values; the scalar lanes they produce or consume stay unboxed everywhere else.
 *
 * <p>Errors follow Trino's wording: {@code a[0]} is "SQL array indices start at 1", {@code a[5]} of
 * a 3-element array "Array subscript must be less than or equal to array length: 5 > 3", {@code
 * m['x']} without the key "Key not present in map: x".
 */
public final class ArrayFunctions {
  /** Trino caps sequence() at this many elements. */
  private static final int MAX_SEQUENCE = 10_000;

  private ArrayFunctions() {}

  /** Whether {@code call} is evaluated here (a CAST between nested types is a relabelling). */
  static boolean handles(Expr.Call call) {
    switch (call.operator()) {
      case ARRAY_CONSTRUCTOR:
      case MAP_FROM_ARRAYS:
      case ROW_CONSTRUCTOR:
      case SUBSCRIPT:
      case ELEMENT_AT:
      case FIELD:
      case CARDINALITY:
      case CONTAINS:
      case ARRAY_JOIN:
      case SEQUENCE:
      case SPLIT:
        return true;
      case CAST:
      case TRY_CAST:
        return call.type().isNested() || call.args().get(0).type().isNested();
      default:
        return false;
    }
  }

  /**
   * Checks the argument types of a call {@link #handles} accepts.
   *
   * @throws TarnException NOT_SUPPORTED naming the call when its arguments do not fit
   */
  static void check(Expr.Call call, SqlType[] args) {
    SqlType type = call.type();
    boolean ok;
    switch (call.operator()) {
      case ARRAY_CONSTRUCTOR:
        ok = type.kind() == Kind.ARRAY && allEqual(args, type.elementType());
        break;
      case MAP_FROM_ARRAYS:
        ok =
            type.kind() == Kind.MAP
                && args.length == 2
                && args[0].equals(SqlType.array(type.keyType()))
                && args[1].equals(SqlType.array(type.valueType()));
        break;
      case ROW_CONSTRUCTOR:
        ok = type.kind() == Kind.ROW && type.children().equals(Arrays.asList(args));
        break;
      case SUBSCRIPT:
      case ELEMENT_AT:
        ok =
            args.length == 2
                && ((args[0].kind() == Kind.ARRAY
                        && args[1].kind() == Kind.BIGINT
                        && type.equals(args[0].elementType()))
                    || (args[0].kind() == Kind.MAP
                        && args[1].equals(args[0].keyType())
                        && type.equals(args[0].valueType())));
        break;
      case FIELD:
        ok =
            args.length == 2
                && args[0].kind() == Kind.ROW
                && call.args().get(1) instanceof Expr.Literal index
                && index.value() instanceof Long field
                && field >= 0
                && field < args[0].children().size()
                && type.equals(args[0].children().get(field.intValue()));
        break;
      case CARDINALITY:
        ok =
            args.length == 1
                && (args[0].kind() == Kind.ARRAY || args[0].kind() == Kind.MAP)
                && type.kind() == Kind.BIGINT;
        break;
      case CONTAINS:
        ok =
            args.length == 2
                && args[0].kind() == Kind.ARRAY
                && args[1].equals(args[0].elementType())
                && type.kind() == Kind.BOOLEAN;
        break;
      case ARRAY_JOIN:
        ok =
            (args.length == 2 || args.length == 3)
                && args[0].kind() == Kind.ARRAY
                && !args[0].elementType().isNested()
                && args[1].kind() == Kind.VARCHAR
                && (args.length == 2 || args[2].kind() == Kind.VARCHAR)
                && type.kind() == Kind.VARCHAR;
        break;
      case SEQUENCE:
        ok =
            (args.length == 2 || args.length == 3)
                && allEqual(args, SqlType.BIGINT)
                && type.equals(SqlType.array(SqlType.BIGINT));
        break;
      case SPLIT:
        ok =
            (args.length == 2 || args.length == 3)
                && args[0].kind() == Kind.VARCHAR
                && args[1].kind() == Kind.VARCHAR
                && (args.length == 2 || args[2].kind() == Kind.BIGINT)
                && type.equals(SqlType.array(SqlType.VARCHAR));
        break;
      case CAST:
      case TRY_CAST:
        ok = args.length == 1 && castable(args[0], type);
        break;
      default:
        ok = false;
    }
    if (!ok) {
      throw new TarnException(
          ErrorCode.NOT_SUPPORTED,
          "Function "
              + call.operator().name().toLowerCase(java.util.Locale.ROOT)
              + Arrays.toString(args)
              + " returning "
              + type
              + " is not supported");
    }
  }

  private static boolean allEqual(SqlType[] args, SqlType expected) {
    for (SqlType arg : args) {
      if (!arg.equals(expected)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether a CAST between nested types works: the same nesting (row field names may change) with
   * scalar leaves that CAST converts.
   */
  private static boolean castable(SqlType from, SqlType to) {
    if (!from.isNested() && !to.isNested()) {
      try {
        Casts.check(from, to);
        return true;
      } catch (TarnException e) {
        return false;
      }
    }
    if (from.kind() != to.kind() || from.children().size() != to.children().size()) {
      return false;
    }
    for (int i = 0; i < from.children().size(); i++) {
      if (!castable(from.children().get(i), to.children().get(i))) {
        return false;
      }
    }
    return true;
  }

  /** A nested value converted leaf by leaf (each leaf through a one-row scalar CAST). */
  private static Object castValue(Object value, SqlType from, SqlType to) {
    if (value == null || from.equals(to)) {
      return value;
    }
    switch (to.kind()) {
      case ARRAY:
        {
          List<Object> out = new ArrayList<>();
          for (Object element : (List<?>) value) {
            out.add(castValue(element, from.elementType(), to.elementType()));
          }
          return out;
        }
      case MAP:
        {
          Map<Object, Object> out = new LinkedHashMap<>();
          for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
            out.put(
                castValue(entry.getKey(), from.keyType(), to.keyType()),
                castValue(entry.getValue(), from.valueType(), to.valueType()));
          }
          return out;
        }
      case ROW:
        {
          List<?> fields = (List<?>) value;
          List<Object> out = new ArrayList<>(fields.size());
          for (int i = 0; i < fields.size(); i++) {
            out.add(castValue(fields.get(i), from.children().get(i), to.children().get(i)));
          }
          return out;
        }
      default:
        return boxed(Casts.cast(unboxed(new Object[] {value}, from), to), 0);
    }
  }

  /** Whether evaluation can fail on some values (for CASE's laziness). */
  static boolean mayFail(Operator op) {
    return op == Operator.SUBSCRIPT
        || op == Operator.ELEMENT_AT
        || op == Operator.MAP_FROM_ARRAYS
        || op == Operator.SEQUENCE
        || op == Operator.SPLIT;
  }

  /** Evaluates a checked call over argument lanes of {@code rows} rows. */
  static Lane eval(Expr.Call call, Lane[] args, int rows) {
    SqlType type = call.type();
    Object[] out = new Object[rows];
    switch (call.operator()) {
      case ARRAY_CONSTRUCTOR:
        for (int r = 0; r < rows; r++) {
          List<Object> elements = new ArrayList<>(args.length);
          for (Lane arg : args) {
            elements.add(boxed(arg, r));
          }
          out[r] = elements;
        }
        break;
      case ROW_CONSTRUCTOR:
        for (int r = 0; r < rows; r++) {
          List<Object> fields = new ArrayList<>(args.length);
          for (Lane arg : args) {
            fields.add(boxed(arg, r));
          }
          out[r] = fields;
        }
        break;
      case MAP_FROM_ARRAYS:
        for (int r = 0; r < rows; r++) {
          out[r] = mapFromArrays(boxed(args[0], r), boxed(args[1], r));
        }
        break;
      case SUBSCRIPT:
      case ELEMENT_AT:
        for (int r = 0; r < rows; r++) {
          Object container = boxed(args[0], r);
          Object key = boxed(args[1], r);
          if (container != null && key != null) {
            out[r] = element(container, key, call.operator() == Operator.SUBSCRIPT);
          }
        }
        break;
      case FIELD:
        {
          int field = ((Long) ((Expr.Literal) call.args().get(1)).value()).intValue();
          for (int r = 0; r < rows; r++) {
            Object row = boxed(args[0], r);
            out[r] = row == null ? null : ((List<?>) row).get(field);
          }
          break;
        }
      case CARDINALITY:
        for (int r = 0; r < rows; r++) {
          Object value = boxed(args[0], r);
          if (value != null) {
            out[r] =
                (long) (value instanceof Map<?, ?> map ? map.size() : ((List<?>) value).size());
          }
        }
        break;
      case CONTAINS:
        for (int r = 0; r < rows; r++) {
          Object array = boxed(args[0], r);
          Object needle = boxed(args[1], r);
          if (array != null && needle != null) {
            out[r] = contains((List<?>) array, needle);
          }
        }
        break;
      case ARRAY_JOIN:
        for (int r = 0; r < rows; r++) {
          Object array = boxed(args[0], r);
          Object delimiter = boxed(args[1], r);
          Object replacement = args.length > 2 ? boxed(args[2], r) : null;
          if (array != null && delimiter != null && (args.length == 2 || replacement != null)) {
            out[r] = join((List<?>) array, (String) delimiter, (String) replacement);
          }
        }
        break;
      case SEQUENCE:
        for (int r = 0; r < rows; r++) {
          Object start = boxed(args[0], r);
          Object stop = boxed(args[1], r);
          Object step = args.length > 2 ? boxed(args[2], r) : null;
          if (start != null && stop != null && (args.length == 2 || step != null)) {
            out[r] = sequence((Long) start, (Long) stop, (Long) step);
          }
        }
        break;
      case SPLIT:
        for (int r = 0; r < rows; r++) {
          Object text = boxed(args[0], r);
          Object delimiter = boxed(args[1], r);
          Object limit = args.length > 2 ? boxed(args[2], r) : null;
          if (text != null && delimiter != null && (args.length == 2 || limit != null)) {
            out[r] = split((String) text, (String) delimiter, (Long) limit);
          }
        }
        break;
      case CAST:
      case TRY_CAST:
        for (int r = 0; r < rows; r++) {
          Object value = boxed(args[0], r);
          if (call.operator() == Operator.CAST) {
            out[r] = castValue(value, args[0].type, type);
          } else {
            try {
              out[r] = castValue(value, args[0].type, type);
            } catch (TarnException e) {
              out[r] = null;
            }
          }
        }
        break;
      default:
        throw new IllegalStateException("not an array function: " + call.operator());
    }
    return unboxed(out, type);
  }

  private static Object element(Object container, Object key, boolean subscript) {
    if (container instanceof Map<?, ?> map) {
      Object value = map.get(key);
      if (value == null && subscript && !map.containsKey(key)) {
        throw new TarnException(ErrorCode.INVALID_ARGUMENT, "Key not present in map: " + key);
      }
      return value;
    }
    List<?> array = (List<?>) container;
    long index = (Long) key;
    if (index == 0) {
      throw new TarnException(ErrorCode.INVALID_ARGUMENT, "SQL array indices start at 1");
    }
    if (subscript) {
      if (index < 0) {
        throw new TarnException(
            ErrorCode.INVALID_ARGUMENT, "Array subscript is negative: " + index);
      }
      if (index > array.size()) {
        throw new TarnException(
            ErrorCode.INVALID_ARGUMENT,
            "Array subscript must be less than or equal to array length: "
                + index
                + " > "
                + array.size());
      }
      return array.get((int) index - 1);
    }
    long position = index > 0 ? index - 1 : array.size() + index;
    return position < 0 || position >= array.size() ? null : array.get((int) position);
  }

  private static Map<Object, Object> mapFromArrays(Object keys, Object values) {
    if (keys == null || values == null) {
      return null;
    }
    List<?> keyList = (List<?>) keys;
    List<?> valueList = (List<?>) values;
    if (keyList.size() != valueList.size()) {
      throw new TarnException(
          ErrorCode.INVALID_ARGUMENT, "Key and value arrays must be the same length");
    }
    Map<Object, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keyList.size(); i++) {
      Object key = keyList.get(i);
      if (key == null) {
        throw new TarnException(ErrorCode.INVALID_ARGUMENT, "map key cannot be null");
      }
      if (map.containsKey(key)) {
        throw new TarnException(
            ErrorCode.INVALID_ARGUMENT, "Duplicate map keys (" + key + ") are not allowed");
      }
      map.put(key, valueList.get(i));
    }
    return map;
  }

  /** Trino: true if found; NULL if not found but the array holds a NULL; else false. */
  private static Boolean contains(List<?> array, Object needle) {
    boolean sawNull = false;
    for (Object element : array) {
      if (element == null) {
        sawNull = true;
      } else if (element.equals(needle)) {
        return true;
      }
    }
    return sawNull ? null : false;
  }

  private static String join(List<?> array, String delimiter, String replacement) {
    StringBuilder out = new StringBuilder();
    boolean first = true;
    for (Object element : array) {
      Object text = element == null ? replacement : element;
      if (text == null) {
        continue;
      }
      if (!first) {
        out.append(delimiter);
      }
      first = false;
      out.append(text);
    }
    return out.toString();
  }

  private static List<Object> sequence(long start, long stop, Long step) {
    long by = step != null ? step : (start <= stop ? 1 : -1);
    if (by == 0) {
      throw new TarnException(ErrorCode.INVALID_ARGUMENT, "step must not be zero");
    }
    if ((by > 0 && stop < start) || (by < 0 && stop > start)) {
      throw new TarnException(
          ErrorCode.INVALID_ARGUMENT,
          "sequence stop value should be greater than or equal to start value if step is greater"
              + " than zero otherwise stop should be less than or equal to start");
    }
    long count = (stop - start) / by + 1;
    if (count > MAX_SEQUENCE) {
      throw new TarnException(
          ErrorCode.INVALID_ARGUMENT,
          "result of sequence function must not have more than " + MAX_SEQUENCE + " entries");
    }
    List<Object> out = new ArrayList<>((int) count);
    for (long i = 0; i < count; i++) {
      out.add(start + i * by);
    }
    return out;
  }

  private static List<Object> split(String text, String delimiter, Long limit) {
    if (delimiter.isEmpty()) {
      throw new TarnException(
          ErrorCode.INVALID_ARGUMENT, "The delimiter may not be the empty string");
    }
    if (limit != null && limit <= 0) {
      throw new TarnException(ErrorCode.INVALID_ARGUMENT, "Limit must be positive");
    }
    long max = limit == null ? Long.MAX_VALUE : limit;
    List<Object> out = new ArrayList<>();
    int from = 0;
    while (out.size() < max - 1) {
      int at = text.indexOf(delimiter, from);
      if (at < 0) {
        break;
      }
      out.add(text.substring(from, at));
      from = at + delimiter.length();
    }
    out.add(text.substring(from));
    return out;
  }

  /** Row {@code row} of a lane as a {@link BatchRows} Java value (null for NULL). */
  public static Object boxed(Lane lane, int row) {
    if (lane.isNull(row)) {
      return null;
    }
    if (lane instanceof Lane.Values values) {
      return values.values[row];
    }
    if (lane instanceof Lane.Longs longs) {
      long value = longs.values[row];
      switch (lane.type.kind()) {
        case DATE:
          return LocalDate.ofEpochDay(value);
        case TIMESTAMP:
          return BatchRows.microsToDateTime(value);
        default:
          return value;
      }
    }
    if (lane instanceof Lane.Doubles doubles) {
      return doubles.values[row];
    }
    if (lane instanceof Lane.Decimals decimals) {
      return decimals.get(row);
    }
    if (lane instanceof Lane.Bools bools) {
      return bools.values[row];
    }
    Lane.Strings strings = (Lane.Strings) lane;
    if (lane.type.kind() == Kind.VARBINARY) {
      return Arrays.copyOfRange(strings.data, strings.offsets[row], strings.offsets[row + 1]);
    }
    return strings.string(row);
  }

  /** A lane of {@code type} holding boxed values (null for NULL). */
  public static Lane unboxed(Object[] values, SqlType type) {
    int rows = values.length;
    boolean[] nulls = new boolean[rows];
    boolean anyNull = false;
    for (int r = 0; r < rows; r++) {
      if (values[r] == null) {
        nulls[r] = true;
        anyNull = true;
      }
    }
    boolean[] mask = anyNull ? nulls : null;
    switch (type.kind()) {
      case ARRAY:
      case MAP:
      case ROW:
        return new Lane.Values(type, values, mask);
      case BOOLEAN:
        {
          boolean[] out = new boolean[rows];
          for (int r = 0; r < rows; r++) {
            out[r] = values[r] != null && (Boolean) values[r];
          }
          return new Lane.Bools(out, mask);
        }
      case REAL:
      case DOUBLE:
        {
          double[] out = new double[rows];
          for (int r = 0; r < rows; r++) {
            out[r] = values[r] == null ? 0 : ((Number) values[r]).doubleValue();
          }
          return new Lane.Doubles(type, out, mask);
        }
      case DECIMAL:
        {
          BigDecimal[] out = new BigDecimal[rows];
          for (int r = 0; r < rows; r++) {
            Object value = values[r];
            if (value != null) {
              out[r] = value instanceof BigDecimal d ? d : new BigDecimal(value.toString());
            }
          }
          return Lanes.fromBig(type, out, mask);
        }
      case VARCHAR:
      case VARBINARY:
        {
          Lane.StringsBuilder out = new Lane.StringsBuilder(type, rows, rows * 8);
          for (int r = 0; r < rows; r++) {
            Object value = values[r];
            if (value == null) {
              out.appendNull();
            } else if (value instanceof byte[] bytes) {
              out.append(bytes, 0, bytes.length);
            } else {
              out.append(value.toString());
            }
          }
          return out.build();
        }
      default:
        {
          long[] out = new long[rows];
          for (int r = 0; r < rows; r++) {
            Object value = values[r];
            if (value instanceof LocalDate date) {
              out[r] = date.toEpochDay();
            } else if (value instanceof LocalDateTime time) {
              out[r] = BatchRows.dateTimeToMicros(time);
            } else if (value != null) {
              out[r] = ((Number) value).longValue();
            }
          }
          return new Lane.Longs(type, out, mask);
        }
    }
  }

  /** A lane of a nested vector's first {@code rows} values. */
  static Lane read(FieldVector vector, SqlType type, int rows, boolean[] nulls) {
    Object[] values = new Object[rows];
    for (int r = 0; r < rows; r++) {
      values[r] = BatchRows.value(vector, type, r);
    }
    return new Lane.Values(type, values, nulls);
  }

  /** Writes a nested lane into a new, empty vector of its type. */
  static void write(Lane.Values lane, SqlType type, FieldVector vector) {
    vector.setInitialCapacity(lane.size);
    vector.allocateNew();
    for (int r = 0; r < lane.size; r++) {
      BatchRows.set(vector, type, r, lane.isNull(r) ? null : lane.values[r]);
    }
    vector.setValueCount(lane.size);
  }
}
