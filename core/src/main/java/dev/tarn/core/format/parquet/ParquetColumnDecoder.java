package dev.tarn.core.format.parquet;

import dev.tarn.core.batch.ValidityBits;
import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.type.SqlType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.parquet.column.ColumnDescriptor;
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
  private final Path path;

  /** LONG path: table value = file value * multiplier, or / 1000 when {@code divideNanos}. */
  private final long multiplier;

  private final boolean divideNanos;

  /** LONG path into decimals of precision <= 18: |value| must stay below this; else 0. */
  private final long decimalLimit;

  /** Width in bytes of the target vector's values on the LONG path (1, 2, 4, 8, or 16). */
  private final int width;

  /** The LONG path's values of one run, after conversion, before they are stored. */
  private long[] longScratch = new long[0];

  ParquetColumnDecoder(String file, String column, ColumnDescriptor descriptor, SqlType tableType) {
    this.file = file;
    this.column = column;
    this.descriptor = descriptor;
    PrimitiveType type = descriptor.getPrimitiveType();
    this.physical = type.getPrimitiveTypeName();
    this.fileType = ParquetTypes.sqlTypeOf(type);
    this.tableType = tableType;
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
   * which is freshly allocated for at least {@code rows} values (all NULL). A batch may take
   * several runs when it crosses pages.
   */
  void read(ColumnChunkReader in, FieldVector out, int rows, int rowGroup) {
    int row = 0;
    while (row < rows) {
      ValueRun run = in.next(rows - row);
      write(run, out, row, rowGroup);
      row += run.rows;
    }
  }

  private void write(ValueRun run, FieldVector out, int start, int rowGroup) {
    switch (path) {
      case LONG:
        writeLongs(run, out, start, rowGroup);
        return;
      case REAL:
        writeReals(run, out, start);
        return;
      case DOUBLE:
        writeDoubles(run, out, start);
        return;
      case BOOLEAN:
        writeBooleans(run, out, start);
        return;
      case BYTES:
        writeBytes(run, (BaseVariableWidthVector) out, start);
        return;
      case BINARY_DECIMAL:
        writeBinaryDecimals(run, (DecimalVector) out, start);
        return;
      case INT96:
        writeInt96(run, out, start);
        return;
      case CONVERT:
        writeConverting(run, out, start, rowGroup);
        return;
    }
  }

  /**
   * The data buffer of {@code out}, checked to hold rows up to {@code end} of {@code bytes} each,
   * so that the unchecked writes below stay inside it.
   */
  private static ArrowBuf dataFor(FieldVector out, int end, int bytes) {
    ArrowBuf data = out.getDataBuffer();
    if (data.capacity() < (long) end * bytes) {
      throw new IllegalStateException(
          "vector holds " + data.capacity() + " bytes, " + end + " values need " + end * bytes);
    }
    return data;
  }

  /** Sets the validity bits of the run's non-NULL rows, whole bytes at a time when all are. */
  private static void markValid(ArrowBuf validity, ValueRun run, int start) {
    int rows = run.rows;
    if (!run.allValid) {
      for (int r = 0; r < rows; r++) {
        if (run.isValid(r)) {
          BitVectorHelper.setBit(validity, start + r);
        }
      }
      return;
    }
    ValidityBits.setRange(validity, start, start + rows);
  }

  private void writeLongs(ValueRun run, FieldVector out, int start, int rowGroup) {
    int rows = run.rows;
    ArrowBuf data = dataFor(out, start + rows, width);
    markValid(out.getValidityBuffer(), run, start);
    boolean int64 = physical == PrimitiveType.PrimitiveTypeName.INT64;
    int fileWidth = int64 ? 8 : 4;
    if (run.allValid
        && !run.dense
        && width == fileWidth
        && multiplier == 1
        && !divideNanos
        && decimalLimit == 0
        && !unsigned32) {
      // The file's little-endian values are the vector's: one copy.
      data.setBytes((long) start * width, run.fixed, run.fixedOffset, (long) rows * width);
      return;
    }
    int count = run.nonNull;
    long[] values;
    // One simple loop per step rather than one loop doing every step for each value.
    if (run.dense) {
      // Already longs (gathered from a dictionary): convert in place, the run is used once.
      values = run.longs;
      if (unsigned32) {
        for (int k = 0; k < count; k++) {
          values[k] &= 0xFFFF_FFFFL;
        }
      }
    } else if (int64) {
      values = longs(count);
      for (int k = 0; k < count; k++) {
        values[k] = run.longAt(k);
      }
    } else if (unsigned32) {
      values = longs(count);
      for (int k = 0; k < count; k++) {
        values[k] = run.intAt(k) & 0xFFFF_FFFFL;
      }
    } else {
      values = longs(count);
      for (int k = 0; k < count; k++) {
        values[k] = run.intAt(k);
      }
    }
    if (divideNanos) {
      for (int k = 0; k < count; k++) {
        values[k] = Math.floorDiv(values[k], 1000L);
      }
    } else if (multiplier != 1) {
      long factor = multiplier;
      for (int k = 0; k < count; k++) {
        values[k] *= factor;
      }
    }
    if (decimalLimit != 0) {
      for (int k = 0; k < count; k++) {
        long value = values[k];
        if (value >= decimalLimit || value <= -decimalLimit) {
          throw overflow(rowGroup, BigDecimal.valueOf(value, tableType.scale()).toPlainString());
        }
      }
    }
    long address = data.memoryAddress() + (long) start * width;
    if (run.allValid) {
      switch (width) {
        case 1:
          for (int r = 0; r < rows; r++) {
            MemoryUtil.putByte(address + r, (byte) values[r]);
          }
          return;
        case 2:
          for (int r = 0; r < rows; r++) {
            MemoryUtil.putShort(address + ((long) r << 1), (short) values[r]);
          }
          return;
        case 4:
          for (int r = 0; r < rows; r++) {
            MemoryUtil.putInt(address + ((long) r << 2), (int) values[r]);
          }
          return;
        case 8:
          for (int r = 0; r < rows; r++) {
            MemoryUtil.putLong(address + ((long) r << 3), values[r]);
          }
          return;
        default:
          // Decimal128, little-endian: low word, then the sign extension.
          for (int r = 0; r < rows; r++) {
            long value = values[r];
            MemoryUtil.putLong(address + ((long) r << 4), value);
            MemoryUtil.putLong(address + ((long) r << 4) + 8, value >> 63);
          }
          return;
      }
    }
    int k = 0;
    for (int r = 0; r < rows; r++) {
      if (!run.isValid(r)) {
        continue;
      }
      long value = values[k++];
      switch (width) {
        case 1:
          MemoryUtil.putByte(address + r, (byte) value);
          break;
        case 2:
          MemoryUtil.putShort(address + ((long) r << 1), (short) value);
          break;
        case 4:
          MemoryUtil.putInt(address + ((long) r << 2), (int) value);
          break;
        case 8:
          MemoryUtil.putLong(address + ((long) r << 3), value);
          break;
        default:
          MemoryUtil.putLong(address + ((long) r << 4), value);
          MemoryUtil.putLong(address + ((long) r << 4) + 8, value >> 63);
          break;
      }
    }
  }

  /** A scratch array of at least {@code count} longs, reused from run to run. */
  private long[] longs(int count) {
    if (longScratch.length < count) {
      longScratch = new long[Math.max(count, longScratch.length * 2)];
    }
    return longScratch;
  }

  private void writeReals(ValueRun run, FieldVector out, int start) {
    int rows = run.rows;
    ArrowBuf data = dataFor(out, start + rows, 4);
    markValid(out.getValidityBuffer(), run, start);
    if (run.allValid) {
      data.setBytes((long) start << 2, run.fixed, run.fixedOffset, (long) rows << 2);
      return;
    }
    long address = data.memoryAddress();
    int k = 0;
    for (int r = 0; r < rows; r++) {
      if (run.isValid(r)) {
        MemoryUtil.putInt(address + ((long) (start + r) << 2), run.intAt(k++));
      }
    }
  }

  private void writeDoubles(ValueRun run, FieldVector out, int start) {
    int rows = run.rows;
    ArrowBuf data = dataFor(out, start + rows, 8);
    markValid(out.getValidityBuffer(), run, start);
    boolean fromFloat = physical == PrimitiveType.PrimitiveTypeName.FLOAT;
    if (run.allValid && !fromFloat) {
      data.setBytes((long) start << 3, run.fixed, run.fixedOffset, (long) rows << 3);
      return;
    }
    long address = data.memoryAddress();
    int k = 0;
    for (int r = 0; r < rows; r++) {
      if (run.isValid(r)) {
        long bits = fromFloat ? Double.doubleToRawLongBits(run.floatAt(k)) : run.longAt(k);
        k++;
        MemoryUtil.putLong(address + ((long) (start + r) << 3), bits);
      }
    }
  }

  private static void writeBooleans(ValueRun run, FieldVector out, int start) {
    ArrowBuf data = out.getDataBuffer();
    markValid(out.getValidityBuffer(), run, start);
    byte[] values = run.booleans;
    int k = 0;
    for (int r = 0; r < run.rows; r++) {
      if (run.isValid(r) && values[k++] != 0) {
        BitVectorHelper.setBit(data, start + r);
      }
    }
  }

  /**
   * All of the run's bytes in one copy, then each row's end offset. FIXED_LEN_BYTE_ARRAY values
   * come as fixed-width bytes, every value {@code typeLength} long.
   */
  private void writeBytes(ValueRun run, BaseVariableWidthVector vector, int start) {
    int rows = run.rows;
    ArrowBuf offsets = vector.getOffsetBuffer();
    if (offsets.capacity() < (long) (start + rows + 1) << 2) {
      throw new IllegalStateException("offset buffer too small for " + (start + rows) + " rows");
    }
    boolean fixedWidth = physical == PrimitiveType.PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY;
    int length = descriptor.getPrimitiveType().getTypeLength();
    byte[] source = fixedWidth ? run.fixed : run.bytes;
    int sourceStart = fixedWidth ? run.fixedOffset : 0;
    long total = fixedWidth ? (long) run.nonNull * length : run.offsets[run.nonNull];
    int base = offsets.getInt((long) start << 2);
    long needed = base + total;
    if (needed > Integer.MAX_VALUE) {
      throw new TarnException(
          ErrorCode.BAD_DATA,
          file + ": column " + column + " holds more than 2 GB of values in one batch");
    }
    if (vector.getDataBuffer().capacity() < needed) {
      vector.reallocDataBuffer(needed);
    }
    vector.getDataBuffer().setBytes(base, source, sourceStart, total);
    markValid(vector.getValidityBuffer(), run, start);
    long address = offsets.memoryAddress() + ((long) (start + 1) << 2);
    int[] ends = run.offsets;
    int end = base;
    int k = 0;
    for (int r = 0; r < rows; r++) {
      if (run.isValid(r)) {
        k++;
        end = base + (fixedWidth ? k * length : ends[k]);
      }
      MemoryUtil.putInt(address + ((long) r << 2), end);
    }
    vector.setLastSet(start + rows - 1);
  }

  private void writeBinaryDecimals(ValueRun run, DecimalVector vector, int start) {
    boolean fixed = physical == PrimitiveType.PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY;
    int length = descriptor.getPrimitiveType().getTypeLength();
    int k = 0;
    for (int r = 0; r < run.rows; r++) {
      if (run.isValid(r)) {
        byte[] bigEndian = fixed ? run.fixedValue(k, length) : run.bytesValue(k);
        k++;
        vector.setBigEndian(start + r, bigEndian);
      }
    }
  }

  private static void writeInt96(ValueRun run, FieldVector out, int start) {
    ArrowBuf data = dataFor(out, start + run.rows, 8);
    markValid(out.getValidityBuffer(), run, start);
    long address = data.memoryAddress();
    int k = 0;
    for (int r = 0; r < run.rows; r++) {
      if (run.isValid(r)) {
        // 8 bytes of nanoseconds within the day, then 4 bytes of Julian day, little-endian.
        int at = run.fixedOffset + k * 12;
        k++;
        long nanosOfDay = ValueRun.readLong(run.fixed, at);
        long julianDay = ValueRun.readInt(run.fixed, at + 8);
        long micros = (julianDay - JULIAN_DAY_OF_EPOCH) * MICROS_PER_DAY + nanosOfDay / 1000;
        MemoryUtil.putLong(address + ((long) (start + r) << 3), micros);
      }
    }
  }

  /** The slow path: one exact {@link BigDecimal} or {@code double} per value. */
  private void writeConverting(ValueRun run, FieldVector out, int start, int rowGroup) {
    int k = 0;
    for (int r = 0; r < run.rows; r++) {
      if (!run.isValid(r)) {
        continue;
      }
      int row = start + r;
      switch (physical) {
        case FLOAT:
          writeDouble(out, row, run.floatAt(k), rowGroup);
          break;
        case DOUBLE:
          writeDouble(out, row, run.doubleAt(k), rowGroup);
          break;
        case INT32:
        case INT64:
          long unscaled =
              physical == PrimitiveType.PrimitiveTypeName.INT64
                  ? run.longAt(k)
                  : unsigned32 ? run.intAt(k) & 0xFFFF_FFFFL : run.intAt(k);
          int scale = fileType.kind() == SqlType.Kind.DECIMAL ? fileType.scale() : 0;
          writeDecimal(out, row, BigDecimal.valueOf(unscaled, scale), rowGroup);
          break;
        case FIXED_LEN_BYTE_ARRAY:
          BigInteger fixedUnscaled =
              new BigInteger(run.fixedValue(k, descriptor.getPrimitiveType().getTypeLength()));
          writeDecimal(out, row, new BigDecimal(fixedUnscaled, fileType.scale()), rowGroup);
          break;
        default:
          BigInteger bigUnscaled = new BigInteger(run.bytesValue(k));
          writeDecimal(out, row, new BigDecimal(bigUnscaled, fileType.scale()), rowGroup);
          break;
      }
      k++;
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
