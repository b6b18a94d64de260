package dev.tarn.core.format.parquet;

import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.type.SqlType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.schema.PrimitiveType;

/**
 * Decodes one Parquet column chunk into Arrow vectors of the table's column type, a run of rows at
 * a time.
 *
 * <p>The decoder is chosen once per file and column, from the file's type and the table's type:
 *
 * <ul>
 *   <li>{@link Path#LONG}: INT32/INT64 values whose meaning is an integer (integers, dates,
 *       timestamps, decimals' unscaled values) and whose table value is that integer times a
 *       constant (widening, decimal scale-up, millis to micros, date to timestamp) or divided by
 *       1000 (nanos to micros). Written straight into the vector's data buffer by width.
 *   <li>{@link Path#REAL}, {@link Path#DOUBLE}, {@link Path#BOOLEAN}, {@link Path#BYTES}, {@link
 *       Path#BINARY_DECIMAL}, {@link Path#INT96}: the other same-type copies.
 *   <li>{@link Path#CONVERT}: every other legal conversion (narrowing decimals, decimal to double,
 *       double to decimal, integer to double). It goes through {@link BigDecimal} or {@code double}
 *       per value: slower, but only taken when a table's type differs from its files'.
 * </ul>
 *
 * <p>Conversions that cannot be right for any value (string to integer, double to date, ...) are
 * refused when the decoder is made, with a BAD_DATA error naming the file and the column.
 */
final class ParquetColumnDecoder {

  private enum Path {
    LONG,
    REAL,
    DOUBLE,
    BOOLEAN,
    BYTES,
    BINARY_DECIMAL,
    INT96,
    CONVERT
  }

  private static final long MICROS_PER_DAY = 86_400_000_000L;
  private static final long JULIAN_DAY_OF_EPOCH = 2_440_588L;

  private final String file;
  private final String column;
  private final ColumnDescriptor descriptor;
  private final PrimitiveType.PrimitiveTypeName physical;
  private final boolean unsigned32;
  private final SqlType fileType;
  private final SqlType tableType;
  private final int maxDefinition;
  private final Path path;

  /** LONG path: table value = file value * multiplier, or / 1000 when {@code divideNanos}. */
  private final long multiplier;

  private final boolean divideNanos;

  /** LONG path into decimals of precision <= 18: |value| must stay below this; else 0. */
  private final long decimalLimit;

  /** Width in bytes of the target vector's values on the LONG path (1, 2, 4, 8, or 16). */
  private final int width;

  ParquetColumnDecoder(String file, String column, ColumnDescriptor descriptor, SqlType tableType) {
    this.file = file;
    this.column = column;
    this.descriptor = descriptor;
    PrimitiveType type = descriptor.getPrimitiveType();
    this.physical = type.getPrimitiveTypeName();
    this.fileType = ParquetTypes.sqlTypeOf(type);
    this.tableType = tableType;
    this.maxDefinition = descriptor.getMaxDefinitionLevel();
    if (fileType == null) {
      throw new TarnException(
          ErrorCode.NOT_SUPPORTED,
          file + ": column " + column + " has Parquet type " + type + ", which Tarn cannot read");
    }
    this.unsigned32 =
        physical == PrimitiveType.PrimitiveTypeName.INT32 && fileType.kind() == SqlType.Kind.BIGINT;
    this.width = widthOf(tableType);
    checkConvertible();

    long factor = 1;
    boolean nanos = false;
    long limit = 0;
    Path chosen = Path.CONVERT;
    switch (physical) {
      case INT32:
      case INT64:
        long timeFactor = ParquetTypes.microsPerUnit(type);
        if (fileType.kind() == SqlType.Kind.TIMESTAMP) {
          chosen = Path.LONG;
          factor = timeFactor == 0 ? 1 : timeFactor;
          nanos = timeFactor == 0;
        } else if (fileType.kind() == SqlType.Kind.DATE) {
          chosen = Path.LONG;
          factor = tableType.kind() == SqlType.Kind.TIMESTAMP ? MICROS_PER_DAY : 1;
        } else if (isInteger(tableType) && isInteger(fileType)) {
          chosen = Path.LONG;
        } else if (tableType.kind() == SqlType.Kind.DECIMAL
            && (isInteger(fileType) || fileType.kind() == SqlType.Kind.DECIMAL)) {
          int fileScale = fileType.kind() == SqlType.Kind.DECIMAL ? fileType.scale() : 0;
          int fileIntegerDigits =
              fileType.kind() == SqlType.Kind.DECIMAL
                  ? fileType.precision() - fileScale
                  : integerDigits(fileType);
          boolean fitsAlways = tableType.precision() - tableType.scale() >= fileIntegerDigits;
          // The scaled value must fit a long and, unless it always fits, be range-checked.
          if (tableType.scale() >= fileScale && (tableType.precision() <= 18 || fitsAlways)) {
            int shift = tableType.scale() - fileScale;
            if (fileIntegerDigits + tableType.scale() <= 18 || shift == 0) {
              chosen = Path.LONG;
              factor = BigInteger.TEN.pow(shift).longValueExact();
              limit = fitsAlways ? 0 : BigInteger.TEN.pow(tableType.precision()).longValueExact();
            }
          }
        }
        break;
      case INT96:
        chosen = Path.INT96;
        break;
      case FLOAT:
        chosen =
            tableType.kind() == SqlType.Kind.REAL
                ? Path.REAL
                : tableType.kind() == SqlType.Kind.DOUBLE ? Path.DOUBLE : Path.CONVERT;
        break;
      case DOUBLE:
        chosen = tableType.kind() == SqlType.Kind.DOUBLE ? Path.DOUBLE : Path.CONVERT;
        break;
      case BOOLEAN:
        chosen = Path.BOOLEAN;
        break;
      case BINARY:
      case FIXED_LEN_BYTE_ARRAY:
        if (fileType.kind() == SqlType.Kind.DECIMAL) {
          chosen =
              tableType.scale() == fileType.scale() && tableType.precision() >= fileType.precision()
                  ? Path.BINARY_DECIMAL
                  : Path.CONVERT;
        } else {
          chosen = Path.BYTES;
        }
        break;
    }
    this.path = chosen;
    this.multiplier = factor;
    this.divideNanos = nanos;
    this.decimalLimit = limit;
  }

  ColumnDescriptor descriptor() {
    return descriptor;
  }

  /**
   * Reads the next {@code rows} values of {@code in} into rows {@code 0..rows-1} of {@code out},
   * which is freshly allocated for at least {@code rows} values (all NULL).
   */
  void read(ColumnReader in, FieldVector out, int rows, int rowGroup) {
    switch (path) {
      case LONG:
        readLongs(in, out, rows, rowGroup);
        return;
      case REAL:
        readReals(in, out, rows);
        return;
      case DOUBLE:
        readDoubles(in, out, rows);
        return;
      case BOOLEAN:
        readBooleans(in, out, rows);
        return;
      case BYTES:
        readBytes(in, out, rows);
        return;
      case BINARY_DECIMAL:
        readBinaryDecimals(in, out, rows);
        return;
      case INT96:
        readInt96(in, out, rows);
        return;
      case CONVERT:
        readConverting(in, out, rows, rowGroup);
        return;
    }
  }

  private void readLongs(ColumnReader in, FieldVector out, int rows, int rowGroup) {
    ArrowBuf data = out.getDataBuffer();
    ArrowBuf validity = out.getValidityBuffer();
    boolean int64 = physical == PrimitiveType.PrimitiveTypeName.INT64;
    for (int row = 0; row < rows; row++) {
      if (in.getCurrentDefinitionLevel() == maxDefinition) {
        long value;
        if (int64) {
          value = in.getLong();
        } else if (unsigned32) {
          value = in.getInteger() & 0xFFFF_FFFFL;
        } else {
          value = in.getInteger();
        }
        if (divideNanos) {
          value = Math.floorDiv(value, 1000L);
        } else if (multiplier != 1) {
          value *= multiplier;
        }
        if (decimalLimit != 0 && (value >= decimalLimit || value <= -decimalLimit)) {
          throw overflow(rowGroup, BigDecimal.valueOf(value, tableType.scale()).toPlainString());
        }
        switch (width) {
          case 1:
            data.setByte(row, (byte) value);
            break;
          case 2:
            data.setShort((long) row << 1, (short) value);
            break;
          case 4:
            data.setInt((long) row << 2, (int) value);
            break;
          case 8:
            data.setLong((long) row << 3, value);
            break;
          default:
            // Decimal128, little-endian: low word, then the sign extension.
            data.setLong((long) row << 4, value);
            data.setLong(((long) row << 4) + 8, value < 0 ? -1L : 0L);
            break;
        }
        BitVectorHelper.setBit(validity, row);
      }
      in.consume();
    }
  }

  private void readReals(ColumnReader in, FieldVector out, int rows) {
    ArrowBuf data = out.getDataBuffer();
    ArrowBuf validity = out.getValidityBuffer();
    for (int row = 0; row < rows; row++) {
      if (in.getCurrentDefinitionLevel() == maxDefinition) {
        data.setFloat((long) row << 2, in.getFloat());
        BitVectorHelper.setBit(validity, row);
      }
      in.consume();
    }
  }

  private void readDoubles(ColumnReader in, FieldVector out, int rows) {
    ArrowBuf data = out.getDataBuffer();
    ArrowBuf validity = out.getValidityBuffer();
    boolean fromFloat = physical == PrimitiveType.PrimitiveTypeName.FLOAT;
    for (int row = 0; row < rows; row++) {
      if (in.getCurrentDefinitionLevel() == maxDefinition) {
        data.setDouble((long) row << 3, fromFloat ? in.getFloat() : in.getDouble());
        BitVectorHelper.setBit(validity, row);
      }
      in.consume();
    }
  }

  private void readBooleans(ColumnReader in, FieldVector out, int rows) {
    ArrowBuf data = out.getDataBuffer();
    ArrowBuf validity = out.getValidityBuffer();
    for (int row = 0; row < rows; row++) {
      if (in.getCurrentDefinitionLevel() == maxDefinition) {
        if (in.getBoolean()) {
          BitVectorHelper.setBit(data, row);
        }
        BitVectorHelper.setBit(validity, row);
      }
      in.consume();
    }
  }

  private void readBytes(ColumnReader in, FieldVector out, int rows) {
    BaseVariableWidthVector vector = (BaseVariableWidthVector) out;
    for (int row = 0; row < rows; row++) {
      if (in.getCurrentDefinitionLevel() == maxDefinition) {
        // toByteBuffer wraps the page's (or dictionary's) bytes without copying them.
        ByteBuffer bytes = in.getBinary().toByteBuffer();
        vector.setSafe(row, bytes, bytes.position(), bytes.remaining());
      }
      in.consume();
    }
  }

  private void readBinaryDecimals(ColumnReader in, FieldVector out, int rows) {
    DecimalVector vector = (DecimalVector) out;
    for (int row = 0; row < rows; row++) {
      if (in.getCurrentDefinitionLevel() == maxDefinition) {
        vector.setBigEndian(row, in.getBinary().getBytesUnsafe());
      }
      in.consume();
    }
  }

  private void readInt96(ColumnReader in, FieldVector out, int rows) {
    ArrowBuf data = out.getDataBuffer();
    ArrowBuf validity = out.getValidityBuffer();
    for (int row = 0; row < rows; row++) {
      if (in.getCurrentDefinitionLevel() == maxDefinition) {
        // 8 bytes of nanoseconds within the day, then 4 bytes of Julian day, little-endian.
        ByteBuffer bytes = in.getBinary().toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        int start = bytes.position();
        long nanosOfDay = bytes.getLong(start);
        long julianDay = bytes.getInt(start + 8);
        long micros = (julianDay - JULIAN_DAY_OF_EPOCH) * MICROS_PER_DAY + nanosOfDay / 1000;
        data.setLong((long) row << 3, micros);
        BitVectorHelper.setBit(validity, row);
      }
      in.consume();
    }
  }

  /** The slow path: one exact {@link BigDecimal} or {@code double} per value. */
  private void readConverting(ColumnReader in, FieldVector out, int rows, int rowGroup) {
    for (int row = 0; row < rows; row++) {
      if (in.getCurrentDefinitionLevel() == maxDefinition) {
        switch (physical) {
          case FLOAT:
            writeDouble(out, row, in.getFloat(), rowGroup);
            break;
          case DOUBLE:
            writeDouble(out, row, in.getDouble(), rowGroup);
            break;
          case INT32:
          case INT64:
            long unscaled =
                physical == PrimitiveType.PrimitiveTypeName.INT64
                    ? in.getLong()
                    : unsigned32 ? in.getInteger() & 0xFFFF_FFFFL : in.getInteger();
            int scale = fileType.kind() == SqlType.Kind.DECIMAL ? fileType.scale() : 0;
            writeDecimal(out, row, BigDecimal.valueOf(unscaled, scale), rowGroup);
            break;
          default:
            BigInteger bigUnscaled = new BigInteger(in.getBinary().getBytesUnsafe());
            writeDecimal(out, row, new BigDecimal(bigUnscaled, fileType.scale()), rowGroup);
            break;
        }
      }
      in.consume();
    }
  }

  private void writeDouble(FieldVector out, int row, double value, int rowGroup) {
    switch (tableType.kind()) {
      case REAL:
        out.getDataBuffer().setFloat((long) row << 2, (float) value);
        BitVectorHelper.setBit(out.getValidityBuffer(), row);
        return;
      case DOUBLE:
        out.getDataBuffer().setDouble((long) row << 3, value);
        BitVectorHelper.setBit(out.getValidityBuffer(), row);
        return;
      default:
        if (Double.isNaN(value) || Double.isInfinite(value)) {
          throw overflow(rowGroup, Double.toString(value));
        }
        writeDecimal(out, row, BigDecimal.valueOf(value), rowGroup);
    }
  }

  private void writeDecimal(FieldVector out, int row, BigDecimal value, int rowGroup) {
    switch (tableType.kind()) {
      case REAL:
        out.getDataBuffer().setFloat((long) row << 2, value.floatValue());
        BitVectorHelper.setBit(out.getValidityBuffer(), row);
        return;
      case DOUBLE:
        out.getDataBuffer().setDouble((long) row << 3, value.doubleValue());
        BitVectorHelper.setBit(out.getValidityBuffer(), row);
        return;
      case DECIMAL:
        BigDecimal scaled = value.setScale(tableType.scale(), RoundingMode.HALF_UP);
        if (scaled.precision() > tableType.precision()) {
          throw overflow(rowGroup, value.toPlainString());
        }
        ((DecimalVector) out).setSafe(row, scaled);
        return;
      default:
        // Integers into integers take the LONG path; checkConvertible refused the rest.
        throw new IllegalStateException("no conversion from " + fileType + " to " + tableType);
    }
  }

  private TarnException overflow(int rowGroup, String value) {
    return new TarnException(
        ErrorCode.BAD_DATA,
        file
            + ", row group "
            + rowGroup
            + ": column "
            + column
            + " value "
            + value
            + " does not fit "
            + tableType);
  }

  private void checkConvertible() {
    SqlType.Kind from = fileType.kind();
    SqlType.Kind to = tableType.kind();
    boolean ok;
    switch (from) {
      case TINYINT:
      case SMALLINT:
      case INTEGER:
      case BIGINT:
        ok =
            (isInteger(tableType) && integerRank(to) >= integerRank(from))
                || to == SqlType.Kind.DECIMAL
                || to == SqlType.Kind.REAL
                || to == SqlType.Kind.DOUBLE;
        break;
      case DECIMAL:
      case REAL:
      case DOUBLE:
        ok = to == SqlType.Kind.DECIMAL || to == SqlType.Kind.REAL || to == SqlType.Kind.DOUBLE;
        break;
      case DATE:
        ok = to == SqlType.Kind.DATE || to == SqlType.Kind.TIMESTAMP;
        break;
      case TIMESTAMP:
        ok = to == SqlType.Kind.TIMESTAMP;
        break;
      case BOOLEAN:
        ok = to == SqlType.Kind.BOOLEAN;
        break;
      case VARCHAR:
      case VARBINARY:
        ok = to == SqlType.Kind.VARCHAR || to == SqlType.Kind.VARBINARY;
        break;
      default:
        ok = false;
    }
    if (!ok) {
      throw new TarnException(
          ErrorCode.BAD_DATA,
          file
              + ": column "
              + column
              + " is "
              + fileType
              + " in the file ("
              + descriptor.getPrimitiveType()
              + ") and cannot be read as "
              + tableType);
    }
  }

  private static boolean isInteger(SqlType type) {
    return integerRank(type.kind()) > 0;
  }

  private static int integerRank(SqlType.Kind kind) {
    switch (kind) {
      case TINYINT:
        return 1;
      case SMALLINT:
        return 2;
      case INTEGER:
        return 3;
      case BIGINT:
        return 4;
      default:
        return 0;
    }
  }

  private static int integerDigits(SqlType type) {
    switch (type.kind()) {
      case TINYINT:
        return 3;
      case SMALLINT:
        return 5;
      case INTEGER:
        return 10;
      default:
        return 19;
    }
  }

  private static int widthOf(SqlType type) {
    switch (type.kind()) {
      case BOOLEAN:
        return 0;
      case TINYINT:
        return 1;
      case SMALLINT:
        return 2;
      case INTEGER:
      case REAL:
      case DATE:
        return 4;
      case BIGINT:
      case DOUBLE:
      case TIMESTAMP:
        return 8;
      case DECIMAL:
        return 16;
      default:
        return 0;
    }
  }
}
