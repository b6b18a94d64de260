package dev.tarn.operators.expr;

import dev.tarn.core.batch.BatchRows;
import dev.tarn.core.expr.Expr.Operator;
import dev.tarn.core.type.SqlType;
import dev.tarn.core.type.SqlType.Kind;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;

/**
 * Comparisons of a column with constants, evaluated straight on the Arrow vector: {@code col <op>
 * literal} and {@code col IN (literal, ...)} (also when written as {@code col = a OR col = b}).
 *
 * <p>These are the predicates scans and joins see most (TPC-H's {@code l_shipmode IN ('AIR', 'AIR
 * REG')}, {@code l_shipdate <= DATE '1998-09-02'}). The general path would copy the column into a
 * {@link Lane}, replicate the constant into a second lane of the batch's length and compare the
 * two; here the column is read once in place and compared with one constant value, and a string is
 * only compared byte by byte when its length matches.
 *
 * <p>A {@link Key} is the constant in the column's representation: integers, dates (days),
 * timestamps (microseconds) and decimals of the column's scale (unscaled, when the column's
 * precision is at most 18) as a long; reals and doubles as a double; varchar as UTF-8 bytes. {@link
 * #key} returns null for any other combination, and the caller keeps the general path.
 */
final class ColumnPredicates {
  private ColumnPredicates() {}

  /** A constant in the representation of the column it is compared with. */
  record Key(long asLong, double asDouble, byte[] bytes) {}

  /**
   * The constant {@code value} of {@code valueType} as a key for a column of {@code columnType}, or
   * null when this class does not handle the pair (the general path does).
   */
  static Key key(SqlType columnType, Object value, SqlType valueType) {
    if (value == null) {
      return null;
    }
    Kind column = columnType.kind();
    Kind constant = valueType.kind();
    switch (column) {
      case TINYINT:
      case SMALLINT:
      case INTEGER:
      case BIGINT:
        if ((constant == Kind.TINYINT
                || constant == Kind.SMALLINT
                || constant == Kind.INTEGER
                || constant == Kind.BIGINT)
            && value instanceof Number number) {
          return new Key(number.longValue(), 0, null);
        }
        return null;
      case DATE:
        return constant == Kind.DATE && value instanceof LocalDate date
            ? new Key(date.toEpochDay(), 0, null)
            : null;
      case TIMESTAMP:
        return constant == Kind.TIMESTAMP && value instanceof LocalDateTime time
            ? new Key(BatchRows.dateTimeToMicros(time), 0, null)
            : null;
      case REAL:
      case DOUBLE:
        if ((constant == Kind.REAL || constant == Kind.DOUBLE) && value instanceof Number number) {
          return new Key(0, number.doubleValue(), null);
        }
        return null;
      case DECIMAL:
        {
          // A decimal or integer constant that the column's scale holds exactly (24 for a
          // decimal(15,2) column is 2400 unscaled); 0.055 against scale 2 takes the general path.
          boolean integer =
              constant == Kind.TINYINT
                  || constant == Kind.SMALLINT
                  || constant == Kind.INTEGER
                  || constant == Kind.BIGINT;
          if ((constant != Kind.DECIMAL && !integer) || columnType.precision() > 18) {
            return null;
          }
          BigDecimal decimal = value instanceof BigDecimal d ? d : new BigDecimal(value.toString());
          BigDecimal scaled;
          try {
            scaled = decimal.setScale(columnType.scale(), RoundingMode.UNNECESSARY);
          } catch (ArithmeticException inexact) {
            return null;
          }
          if (scaled.unscaledValue().bitLength() >= 64) {
            return null;
          }
          return new Key(scaled.unscaledValue().longValue(), 0, null);
        }
      case VARCHAR:
        return constant == Kind.VARCHAR
            ? new Key(0, 0, value.toString().getBytes(StandardCharsets.UTF_8))
            : null;
      default:
        return null;
    }
  }

  /** Whether the comparison operator is one {@link #compare} evaluates. */
  static boolean isComparison(Operator op) {
    return switch (op) {
      case EQUAL, NOT_EQUAL, LESS_THAN, LESS_THAN_OR_EQUAL, GREATER_THAN, GREATER_THAN_OR_EQUAL ->
          true;
      default -> false;
    };
  }

  /** The operator with its operands swapped: {@code 5 < col} is {@code col > 5}. */
  static Operator flip(Operator op) {
    return switch (op) {
      case LESS_THAN -> Operator.GREATER_THAN;
      case LESS_THAN_OR_EQUAL -> Operator.GREATER_THAN_OR_EQUAL;
      case GREATER_THAN -> Operator.LESS_THAN;
      case GREATER_THAN_OR_EQUAL -> Operator.LESS_THAN_OR_EQUAL;
      default -> op;
    };
  }

  /**
   * {@code column <op> key} for vector rows {@code sel[0..rows)} (rows {@code [0, rows)} when
   * {@code sel} is null), one lane value per row; NULL where the column is NULL.
   */
  static Lane.Bools compare(
      FieldVector vector, SqlType type, int[] sel, int rows, Operator op, Key key) {
    int[] signs = new int[rows];
    signs(vector, type, sel, rows, op, key, signs);
    boolean[] out = outcome(signs, rows, op);
    return new Lane.Bools(out, Lanes.readNulls(vector, sel, rows));
  }

  /**
   * The rows among {@code sel[0..rows)} (rows {@code [0, rows)} when {@code sel} is null) where
   * {@code column <op> key} is TRUE (not FALSE, not NULL), written in order to {@code out}; returns
   * how many. {@code out} may be {@code sel} itself (a row is written at or before where it was
   * read). A filter's conjuncts go straight from one selection to the next this way, with no lane
   * of booleans in between.
   */
  static int select(
      FieldVector vector, SqlType type, int[] sel, int rows, Operator op, Key key, int[] out) {
    int[] signs = new int[rows];
    signs(vector, type, sel, rows, op, key, signs);
    // Bit (sign + 1) of the mask says whether a comparison sign passes: no branch per row.
    int accept = acceptMask(op);
    ArrowBuf validity = vector.getNullCount() == 0 ? null : vector.getValidityBuffer();
    int count = 0;
    if (validity == null) {
      for (int i = 0; i < rows; i++) {
        out[count] = sel == null ? i : sel[i];
        count += (accept >>> (signs[i] + 1)) & 1;
      }
    } else {
      for (int i = 0; i < rows; i++) {
        int r = sel == null ? i : sel[i];
        out[count] = r;
        count += (accept >>> (signs[i] + 1)) & BitVectorHelper.get(validity, r);
      }
    }
    return count;
  }

  /** Which comparison signs (-1, 0, 1 as bits 0, 1, 2) pass {@code op}. */
  private static int acceptMask(Operator op) {
    return switch (op) {
      case EQUAL -> 0b010;
      case NOT_EQUAL -> 0b101;
      case LESS_THAN -> 0b001;
      case LESS_THAN_OR_EQUAL -> 0b011;
      case GREATER_THAN -> 0b100;
      case GREATER_THAN_OR_EQUAL -> 0b110;
      default -> throw new AssertionError(op);
    };
  }

  /** The sign of {@code column - key} (-1, 0 or 1) for each selected row, into {@code signs}. */
  private static void signs(
      FieldVector vector, SqlType type, int[] sel, int rows, Operator op, Key key, int[] signs) {
    ArrowBuf data = type.kind() == Kind.VARCHAR ? null : vector.getDataBuffer();
    long constant = key.asLong;
    switch (type.kind()) {
      case TINYINT:
        for (int i = 0; i < rows; i++) {
          signs[i] = Long.compare(data.getByte(sel == null ? i : sel[i]), constant);
        }
        break;
      case SMALLINT:
        for (int i = 0; i < rows; i++) {
          signs[i] = Long.compare(data.getShort((long) (sel == null ? i : sel[i]) * 2), constant);
        }
        break;
      case INTEGER:
      case DATE:
        for (int i = 0; i < rows; i++) {
          signs[i] = Long.compare(data.getInt((long) (sel == null ? i : sel[i]) * 4), constant);
        }
        break;
      case BIGINT:
      case TIMESTAMP:
        for (int i = 0; i < rows; i++) {
          signs[i] = Long.compare(data.getLong((long) (sel == null ? i : sel[i]) * 8), constant);
        }
        break;
      case DECIMAL:
        // Precision <= 18: the low eight bytes of the 16-byte value are the whole value.
        for (int i = 0; i < rows; i++) {
          signs[i] = Long.compare(data.getLong((long) (sel == null ? i : sel[i]) * 16), constant);
        }
        break;
      case REAL:
        {
          double value = normalize(key.asDouble);
          for (int i = 0; i < rows; i++) {
            signs[i] =
                Double.compare(
                    normalize(data.getFloat((long) (sel == null ? i : sel[i]) * 4)), value);
          }
          break;
        }
      case DOUBLE:
        {
          double value = normalize(key.asDouble);
          for (int i = 0; i < rows; i++) {
            signs[i] =
                Double.compare(
                    normalize(data.getDouble((long) (sel == null ? i : sel[i]) * 8)), value);
          }
          break;
        }
      case VARCHAR:
        compareStrings((BaseVariableWidthVector) vector, sel, rows, op, key.bytes, signs);
        break;
      default:
        throw new AssertionError(type);
    }
  }

  /**
   * Whether two columns compare in place with {@link #compareColumns}: the same kind among the
   * integers, dates, timestamps and floating types, or decimals of one scale and precision at most
   * 18.
   */
  static boolean comparableColumns(SqlType left, SqlType right) {
    if (left.kind() != right.kind()) {
      return false;
    }
    return switch (left.kind()) {
      case TINYINT, SMALLINT, INTEGER, BIGINT, DATE, TIMESTAMP, REAL, DOUBLE -> true;
      case DECIMAL ->
          left.scale() == right.scale() && left.precision() <= 18 && right.precision() <= 18;
      default -> false;
    };
  }

  /**
   * {@code left <op> right} for two columns of one type ({@link #comparableColumns}) at vector rows
   * {@code sel[0..rows)} (rows {@code [0, rows)} when {@code sel} is null); NULL where either is
   * NULL.
   */
  static Lane.Bools compareColumns(
      FieldVector left, FieldVector right, SqlType type, int[] sel, int rows, Operator op) {
    int[] signs = new int[rows];
    ArrowBuf a = left.getDataBuffer();
    ArrowBuf b = right.getDataBuffer();
    switch (type.kind()) {
      case TINYINT:
        for (int i = 0; i < rows; i++) {
          int r = sel == null ? i : sel[i];
          signs[i] = Byte.compare(a.getByte(r), b.getByte(r));
        }
        break;
      case SMALLINT:
        for (int i = 0; i < rows; i++) {
          int r = sel == null ? i : sel[i];
          signs[i] = Short.compare(a.getShort((long) r * 2), b.getShort((long) r * 2));
        }
        break;
      case INTEGER:
      case DATE:
        for (int i = 0; i < rows; i++) {
          int r = sel == null ? i : sel[i];
          signs[i] = Integer.compare(a.getInt((long) r * 4), b.getInt((long) r * 4));
        }
        break;
      case BIGINT:
      case TIMESTAMP:
        for (int i = 0; i < rows; i++) {
          int r = sel == null ? i : sel[i];
          signs[i] = Long.compare(a.getLong((long) r * 8), b.getLong((long) r * 8));
        }
        break;
      case DECIMAL:
        // Precision <= 18: the low eight bytes of the 16-byte value are the whole value.
        for (int i = 0; i < rows; i++) {
          int r = sel == null ? i : sel[i];
          signs[i] = Long.compare(a.getLong((long) r * 16), b.getLong((long) r * 16));
        }
        break;
      case REAL:
        for (int i = 0; i < rows; i++) {
          int r = sel == null ? i : sel[i];
          signs[i] =
              Double.compare(
                  normalize(a.getFloat((long) r * 4)), normalize(b.getFloat((long) r * 4)));
        }
        break;
      case DOUBLE:
        for (int i = 0; i < rows; i++) {
          int r = sel == null ? i : sel[i];
          signs[i] =
              Double.compare(
                  normalize(a.getDouble((long) r * 8)), normalize(b.getDouble((long) r * 8)));
        }
        break;
      default:
        throw new AssertionError(type);
    }
    boolean[] nulls = Lanes.readNulls(left, sel, rows);
    boolean[] rightNulls = Lanes.readNulls(right, sel, rows);
    if (rightNulls != null) {
      if (nulls == null) {
        nulls = rightNulls;
      } else {
        for (int i = 0; i < rows; i++) {
          nulls[i] |= rightNulls[i];
        }
      }
    }
    return new Lane.Bools(outcome(signs, rows, op), nulls);
  }

  /**
   * {@code column IN (keys)} at vector rows {@code sel[0..rows)} (rows {@code [0, rows)} when
   * {@code sel} is null): TRUE when some key equals the value; NULL where the column is NULL.
   */
  static Lane.Bools in(FieldVector vector, SqlType type, int[] sel, int rows, Key[] keys) {
    boolean[] out = new boolean[rows];
    if (type.kind() == Kind.VARCHAR) {
      BaseVariableWidthVector strings = (BaseVariableWidthVector) vector;
      ArrowBuf offsets = strings.getOffsetBuffer();
      ArrowBuf data = strings.getDataBuffer();
      long[][] words = new long[keys.length][];
      for (int k = 0; k < keys.length; k++) {
        words[k] = words(keys[k].bytes);
      }
      for (int i = 0; i < rows; i++) {
        int r = sel == null ? i : sel[i];
        int start = offsets.getInt((long) r * 4);
        int length = offsets.getInt((long) (r + 1) * 4) - start;
        for (int k = 0; k < keys.length; k++) {
          byte[] key = keys[k].bytes;
          if (key.length == length && equalsAt(data, start, key, words[k])) {
            out[i] = true;
            break;
          }
        }
      }
    } else {
      // IN lists are short: one in-place comparison per constant, OR-ed together.
      Lane.Bools any = null;
      for (Key key : keys) {
        Lane.Bools equal = compare(vector, type, sel, rows, Operator.EQUAL, key);
        if (any == null) {
          any = equal;
        } else {
          for (int i = 0; i < rows; i++) {
            any.values[i] |= equal.values[i];
          }
        }
      }
      return any;
    }
    return new Lane.Bools(out, Lanes.readNulls(vector, sel, rows));
  }

  private static void compareStrings(
      BaseVariableWidthVector vector,
      int[] sel,
      int rows,
      Operator op,
      byte[] constant,
      int[] signs) {
    ArrowBuf offsets = vector.getOffsetBuffer();
    ArrowBuf data = vector.getDataBuffer();
    if (op == Operator.EQUAL || op == Operator.NOT_EQUAL) {
      long[] words = words(constant);
      for (int i = 0; i < rows; i++) {
        int r = sel == null ? i : sel[i];
        int start = offsets.getInt((long) r * 4);
        int length = offsets.getInt((long) (r + 1) * 4) - start;
        signs[i] = length == constant.length && equalsAt(data, start, constant, words) ? 0 : 1;
      }
      return;
    }
    byte[] scratch = new byte[64];
    for (int i = 0; i < rows; i++) {
      int r = sel == null ? i : sel[i];
      int start = offsets.getInt((long) r * 4);
      int length = offsets.getInt((long) (r + 1) * 4) - start;
      if (scratch.length < length) {
        scratch = new byte[Math.max(length, scratch.length * 2)];
      }
      data.getBytes(start, scratch, 0, length);
      signs[i] = Comparison.compareBytes(scratch, 0, length, constant, 0, constant.length);
    }
  }

  /**
   * The constant's bytes as longs, eight at a time, in the machine's order (as {@link
   * ArrowBuf#getLong} reads them); the tail past the last whole eight is left out.
   */
  private static long[] words(byte[] constant) {
    long[] words = new long[constant.length / 8];
    ByteBuffer buffer = ByteBuffer.wrap(constant).order(ByteOrder.nativeOrder());
    for (int w = 0; w < words.length; w++) {
      words[w] = buffer.getLong(w * 8);
    }
    return words;
  }

  /**
   * Whether the {@code constant.length} bytes at {@code start} equal the constant: compared in
   * place, eight bytes at a time ({@code words} from {@link #words}), instead of copying each value
   * out of the buffer first.
   */
  private static boolean equalsAt(ArrowBuf data, long start, byte[] constant, long[] words) {
    int k = 0;
    for (int w = 0; w < words.length; w++, k += 8) {
      if (data.getLong(start + k) != words[w]) {
        return false;
      }
    }
    for (; k < constant.length; k++) {
      if (data.getByte(start + k) != constant[k]) {
        return false;
      }
    }
    return true;
  }

  private static boolean[] outcome(int[] signs, int rows, Operator op) {
    boolean[] out = new boolean[rows];
    switch (op) {
      case EQUAL:
        for (int i = 0; i < rows; i++) {
          out[i] = signs[i] == 0;
        }
        break;
      case NOT_EQUAL:
        for (int i = 0; i < rows; i++) {
          out[i] = signs[i] != 0;
        }
        break;
      case LESS_THAN:
        for (int i = 0; i < rows; i++) {
          out[i] = signs[i] < 0;
        }
        break;
      case LESS_THAN_OR_EQUAL:
        for (int i = 0; i < rows; i++) {
          out[i] = signs[i] <= 0;
        }
        break;
      case GREATER_THAN:
        for (int i = 0; i < rows; i++) {
          out[i] = signs[i] > 0;
        }
        break;
      case GREATER_THAN_OR_EQUAL:
        for (int i = 0; i < rows; i++) {
          out[i] = signs[i] >= 0;
        }
        break;
      default:
        throw new AssertionError(op);
    }
    return out;
  }

  /** -0.0 equals 0.0 in SQL; {@link Double#compare} alone would order them. */
  private static double normalize(double value) {
    return value == 0.0 ? 0.0 : value;
  }
}
