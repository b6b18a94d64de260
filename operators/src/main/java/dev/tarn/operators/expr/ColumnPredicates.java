package dev.tarn.operators.expr;

import dev.tarn.core.batch.BatchRows;
import dev.tarn.core.expr.Expr.Operator;
import dev.tarn.core.type.SqlType;
import dev.tarn.core.type.SqlType.Kind;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Arrays;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseVariableWidthVector;
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

  /** {@code column <op> key} for the first {@code rows} rows; NULL where the column is NULL. */
  static Lane.Bools compare(FieldVector vector, SqlType type, int rows, Operator op, Key key) {
    int[] signs = new int[rows];
    ArrowBuf data = type.kind() == Kind.VARCHAR ? null : vector.getDataBuffer();
    switch (type.kind()) {
      case TINYINT:
        for (int i = 0; i < rows; i++) {
          signs[i] = Long.compare(data.getByte(i), key.asLong);
        }
        break;
      case SMALLINT:
        for (int i = 0; i < rows; i++) {
          signs[i] = Long.compare(data.getShort((long) i * 2), key.asLong);
        }
        break;
      case INTEGER:
      case DATE:
        for (int i = 0; i < rows; i++) {
          signs[i] = Long.compare(data.getInt((long) i * 4), key.asLong);
        }
        break;
      case BIGINT:
      case TIMESTAMP:
        for (int i = 0; i < rows; i++) {
          signs[i] = Long.compare(data.getLong((long) i * 8), key.asLong);
        }
        break;
      case DECIMAL:
        // Precision <= 18: the low eight bytes of the 16-byte value are the whole value.
        for (int i = 0; i < rows; i++) {
          signs[i] = Long.compare(data.getLong((long) i * 16), key.asLong);
        }
        break;
      case REAL:
        {
          double constant = normalize(key.asDouble);
          for (int i = 0; i < rows; i++) {
            signs[i] = Double.compare(normalize(data.getFloat((long) i * 4)), constant);
          }
          break;
        }
      case DOUBLE:
        {
          double constant = normalize(key.asDouble);
          for (int i = 0; i < rows; i++) {
            signs[i] = Double.compare(normalize(data.getDouble((long) i * 8)), constant);
          }
          break;
        }
      case VARCHAR:
        compareStrings((BaseVariableWidthVector) vector, rows, op, key.bytes, signs);
        break;
      default:
        throw new AssertionError(type);
    }
    boolean[] out = outcome(signs, rows, op);
    return new Lane.Bools(out, Lanes.readNulls(vector, rows));
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
   * {@code left <op> right} for two columns of one type ({@link #comparableColumns}); NULL where
   * either is NULL.
   */
  static Lane.Bools compareColumns(
      FieldVector left, FieldVector right, SqlType type, int rows, Operator op) {
    int[] signs = new int[rows];
    ArrowBuf a = left.getDataBuffer();
    ArrowBuf b = right.getDataBuffer();
    switch (type.kind()) {
      case TINYINT:
        for (int i = 0; i < rows; i++) {
          signs[i] = Byte.compare(a.getByte(i), b.getByte(i));
        }
        break;
      case SMALLINT:
        for (int i = 0; i < rows; i++) {
          signs[i] = Short.compare(a.getShort((long) i * 2), b.getShort((long) i * 2));
        }
        break;
      case INTEGER:
      case DATE:
        for (int i = 0; i < rows; i++) {
          signs[i] = Integer.compare(a.getInt((long) i * 4), b.getInt((long) i * 4));
        }
        break;
      case BIGINT:
      case TIMESTAMP:
        for (int i = 0; i < rows; i++) {
          signs[i] = Long.compare(a.getLong((long) i * 8), b.getLong((long) i * 8));
        }
        break;
      case DECIMAL:
        // Precision <= 18: the low eight bytes of the 16-byte value are the whole value.
        for (int i = 0; i < rows; i++) {
          signs[i] = Long.compare(a.getLong((long) i * 16), b.getLong((long) i * 16));
        }
        break;
      case REAL:
        for (int i = 0; i < rows; i++) {
          signs[i] =
              Double.compare(
                  normalize(a.getFloat((long) i * 4)), normalize(b.getFloat((long) i * 4)));
        }
        break;
      case DOUBLE:
        for (int i = 0; i < rows; i++) {
          signs[i] =
              Double.compare(
                  normalize(a.getDouble((long) i * 8)), normalize(b.getDouble((long) i * 8)));
        }
        break;
      default:
        throw new AssertionError(type);
    }
    boolean[] nulls = Lanes.readNulls(left, rows);
    boolean[] rightNulls = Lanes.readNulls(right, rows);
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
   * {@code column IN (keys)}: TRUE when some key equals the value; NULL where the column is NULL.
   */
  static Lane.Bools in(FieldVector vector, SqlType type, int rows, Key[] keys) {
    boolean[] out = new boolean[rows];
    if (type.kind() == Kind.VARCHAR) {
      BaseVariableWidthVector strings = (BaseVariableWidthVector) vector;
      ArrowBuf offsets = strings.getOffsetBuffer();
      ArrowBuf data = strings.getDataBuffer();
      int longest = 0;
      for (Key key : keys) {
        longest = Math.max(longest, key.bytes.length);
      }
      byte[] scratch = new byte[longest];
      for (int i = 0; i < rows; i++) {
        int start = offsets.getInt((long) i * 4);
        int length = offsets.getInt((long) (i + 1) * 4) - start;
        boolean loaded = false;
        for (Key key : keys) {
          if (key.bytes.length == length) {
            if (!loaded) {
              data.getBytes(start, scratch, 0, length);
              loaded = true;
            }
            if (Arrays.equals(scratch, 0, length, key.bytes, 0, length)) {
              out[i] = true;
              break;
            }
          }
        }
      }
    } else {
      // IN lists are short: one in-place comparison per constant, OR-ed together.
      Lane.Bools any = null;
      for (Key key : keys) {
        Lane.Bools equal = compare(vector, type, rows, Operator.EQUAL, key);
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
    return new Lane.Bools(out, Lanes.readNulls(vector, rows));
  }

  private static void compareStrings(
      BaseVariableWidthVector vector, int rows, Operator op, byte[] constant, int[] signs) {
    ArrowBuf offsets = vector.getOffsetBuffer();
    ArrowBuf data = vector.getDataBuffer();
    boolean equality = op == Operator.EQUAL || op == Operator.NOT_EQUAL;
    byte[] scratch = new byte[64];
    for (int i = 0; i < rows; i++) {
      int start = offsets.getInt((long) i * 4);
      int length = offsets.getInt((long) (i + 1) * 4) - start;
      if (equality && length != constant.length) {
        signs[i] = 1;
        continue;
      }
      if (scratch.length < length) {
        scratch = new byte[Math.max(length, scratch.length * 2)];
      }
      data.getBytes(start, scratch, 0, length);
      signs[i] = Comparison.compareBytes(scratch, 0, length, constant, 0, constant.length);
    }
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
