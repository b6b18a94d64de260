package dev.tarn.core.batch;

import dev.tarn.core.type.SqlType;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.util.TransferPair;

/**
 * Copies rows between vectors with type-specialized loops: what filter, join, sort and exchange use
 * to build output batches. Every method returns new vectors (owned by the caller) allocated from
 * the allocator given, and never closes its inputs.
 *
 * <p>Row index arrays may hold {@code -1}, which yields NULL (a LEFT join's unmatched rows).
 */
public final class BatchGather {
  /** Runs of at most this many bytes are copied byte by byte rather than with one memory copy. */
  private static final int SHORT_VALUE_BYTES = 16;

  private BatchGather() {}

  /** A batch of the {@code count} rows {@code rows[0..count)} of {@code input}. */
  public static Batch gather(Batch input, int[] rows, int count, BufferAllocator allocator) {
    List<FieldVector> out = new ArrayList<>(input.columnCount());
    try {
      for (int c = 0; c < input.columnCount(); c++) {
        out.add(gather(input.vector(c), rows, count, allocator));
      }
    } catch (RuntimeException e) {
      closeAll(out);
      throw e;
    }
    return Batch.of(out, count);
  }

  /** A vector of the {@code count} rows {@code rows[0..count)} of {@code source}. */
  public static FieldVector gather(
      FieldVector source, int[] rows, int count, BufferAllocator allocator) {
    FieldVector target = source.getField().createVector(allocator);
    try {
      if (source instanceof BitVector bits) {
        BitVector out = (BitVector) target;
        out.allocateNew(count);
        for (int i = 0; i < count; i++) {
          int r = rows[i];
          if (r < 0 || bits.isNull(r)) {
            out.setNull(i);
          } else {
            out.set(i, bits.get(r));
          }
        }
      } else if (source instanceof BaseFixedWidthVector fixed) {
        gatherFixed(fixed, (BaseFixedWidthVector) target, rows, count);
      } else if (source instanceof BaseVariableWidthVector variable) {
        gatherVariable(variable, (BaseVariableWidthVector) target, rows, count);
      } else if (isNested(source)) {
        gatherNested(source, target, rows, count);
      } else {
        target.allocateNew();
        for (int i = 0; i < count; i++) {
          if (rows[i] < 0) {
            target.setNull(i);
          } else {
            target.copyFromSafe(rows[i], i, source);
          }
        }
      }
      target.setValueCount(count);
      return target;
    } catch (RuntimeException e) {
      target.close();
      throw e;
    }
  }

  /** Arrays, maps and rows: boxed row by row, which is simple and rare enough to be fine. */
  private static boolean isNested(FieldVector vector) {
    return vector instanceof ListVector || vector instanceof StructVector;
  }

  private static void gatherNested(FieldVector source, FieldVector target, int[] rows, int count) {
    SqlType type = SqlType.fromField(source.getField());
    target.allocateNew();
    for (int i = 0; i < count; i++) {
      int r = rows[i];
      BatchRows.set(target, type, i, r < 0 ? null : BatchRows.value(source, type, r));
    }
  }

  /**
   * The end (exclusive) of the run of consecutive source rows that starts at {@code rows[from]}:
   * the largest {@code end} with {@code rows[k] == rows[from] + (k - from)} for every {@code k} in
   * {@code [from, end)}. After a filter that keeps most rows, runs are long, and a run is copied
   * with one memory copy instead of one call per row.
   */
  private static int runEnd(int[] rows, int from, int count) {
    int first = rows[from];
    int end = from + 1;
    while (end < count && rows[end] == first + (end - from)) {
      end++;
    }
    return end;
  }

  private static void gatherFixed(
      BaseFixedWidthVector source, BaseFixedWidthVector target, int[] rows, int count) {
    target.allocateNew(count);
    int width = source.getTypeWidth();
    ArrowBuf from = source.getDataBuffer();
    ArrowBuf to = target.getDataBuffer();
    // Slots of NULL rows are copied like any other: their content is unspecified either way.
    int i = 0;
    while (i < count) {
      int r = rows[i];
      if (r < 0) {
        i++;
        continue;
      }
      int end = runEnd(rows, i, count);
      int length = end - i;
      if (length == 1) {
        switch (width) {
          case 16:
            to.setLong((long) i * 16, from.getLong((long) r * 16));
            to.setLong((long) i * 16 + 8, from.getLong((long) r * 16 + 8));
            break;
          case 8:
            to.setLong((long) i * 8, from.getLong((long) r * 8));
            break;
          case 4:
            to.setInt((long) i * 4, from.getInt((long) r * 4));
            break;
          default:
            to.setBytes((long) i * width, from, (long) r * width, width);
            break;
        }
      } else {
        to.setBytes((long) i * width, from, (long) r * width, (long) length * width);
      }
      i = end;
    }
    gatherValidity(source, target.getValidityBuffer(), rows, count);
  }

  private static void gatherVariable(
      BaseVariableWidthVector source, BaseVariableWidthVector target, int[] rows, int count) {
    ArrowBuf fromOffsets = source.getOffsetBuffer();
    long bytes = 0;
    for (int i = 0; i < count; ) {
      int r = rows[i];
      if (r < 0) {
        i++;
        continue;
      }
      int end = runEnd(rows, i, count);
      bytes += fromOffsets.getInt((long) (r + end - i) * 4) - fromOffsets.getInt((long) r * 4);
      i = end;
    }
    target.allocateNew(Math.max(bytes, 1), count);
    ArrowBuf from = source.getDataBuffer();
    ArrowBuf to = target.getDataBuffer();
    ArrowBuf toOffsets = target.getOffsetBuffer();
    // NULL rows keep their bytes (usually none): copying runs whole is cheaper than skipping them.
    int offset = 0;
    toOffsets.setInt(0, 0);
    int i = 0;
    while (i < count) {
      int r = rows[i];
      if (r < 0) {
        toOffsets.setInt((long) (i + 1) * 4, offset);
        i++;
        continue;
      }
      int end = runEnd(rows, i, count);
      int start = fromOffsets.getInt((long) r * 4);
      int length = fromOffsets.getInt((long) (r + end - i) * 4) - start;
      if (length <= SHORT_VALUE_BYTES) {
        // A call per value costs more than the value's few bytes (varchar(1) flags).
        for (int b = 0; b < length; b++) {
          to.setByte(offset + b, from.getByte(start + b));
        }
      } else {
        to.setBytes(offset, from, start, length);
      }
      int shift = offset - start;
      for (int k = i; k < end; k++) {
        toOffsets.setInt(
            (long) (k + 1) * 4, fromOffsets.getInt((long) (r + k - i + 1) * 4) + shift);
      }
      offset += length;
      i = end;
    }
    gatherValidity(source, target.getValidityBuffer(), rows, count);
    target.setLastSet(count - 1);
  }

  /**
   * Sets the validity bits of the {@code count} gathered rows in {@code to} (zeroed): word by word
   * over runs when the source has no NULL, else bit by bit; {@code -1} rows stay NULL.
   */
  private static void gatherValidity(FieldVector source, ArrowBuf to, int[] rows, int count) {
    if (source.getNullCount() == 0) {
      int i = 0;
      while (i < count) {
        if (rows[i] < 0) {
          i++;
          continue;
        }
        int end = i + 1;
        while (end < count && rows[end] >= 0) {
          end++;
        }
        ValidityBits.setRange(to, i, end);
        i = end;
      }
      return;
    }
    ArrowBuf from = source.getValidityBuffer();
    for (int i = 0; i < count; i++) {
      int r = rows[i];
      if (r >= 0 && BitVectorHelper.get(from, r) != 0) {
        BitVectorHelper.setBit(to, i);
      }
    }
  }

  /** One batch holding the rows of all {@code inputs} in order (which must share columns). */
  public static Batch concat(List<Batch> inputs, BufferAllocator allocator) {
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException("concat needs at least one batch");
    }
    int total = 0;
    for (Batch b : inputs) {
      total += b.rowCount();
    }
    int columns = inputs.get(0).columnCount();
    List<FieldVector> out = new ArrayList<>(columns);
    try {
      for (int c = 0; c < columns; c++) {
        out.add(concatColumn(inputs, c, total, allocator));
      }
    } catch (RuntimeException e) {
      closeAll(out);
      throw e;
    }
    return Batch.of(out, total);
  }

  private static FieldVector concatColumn(
      List<Batch> inputs, int column, int total, BufferAllocator allocator) {
    FieldVector first = inputs.get(0).vector(column);
    FieldVector target = first.getField().createVector(allocator);
    try {
      if (first instanceof BitVector) {
        BitVector out = (BitVector) target;
        out.allocateNew(total);
        int at = 0;
        for (Batch b : inputs) {
          BitVector in = (BitVector) b.vector(column);
          int n = b.rowCount();
          for (int r = 0; r < n; r++, at++) {
            if (!in.isNull(r)) {
              out.set(at, in.get(r));
            }
          }
        }
      } else if (first instanceof BaseFixedWidthVector) {
        BaseFixedWidthVector out = (BaseFixedWidthVector) target;
        out.allocateNew(total);
        int width = out.getTypeWidth();
        int at = 0;
        for (Batch b : inputs) {
          BaseFixedWidthVector in = (BaseFixedWidthVector) b.vector(column);
          int n = b.rowCount();
          out.getDataBuffer().setBytes((long) at * width, in.getDataBuffer(), 0, (long) n * width);
          copyValidity(in.getValidityBuffer(), out.getValidityBuffer(), n, at);
          at += n;
        }
      } else if (first instanceof BaseVariableWidthVector) {
        BaseVariableWidthVector out = (BaseVariableWidthVector) target;
        long bytes = 0;
        for (Batch b : inputs) {
          BaseVariableWidthVector in = (BaseVariableWidthVector) b.vector(column);
          bytes += in.getOffsetBuffer().getInt((long) b.rowCount() * 4);
        }
        out.allocateNew(Math.max(bytes, 1), total);
        int at = 0;
        int offset = 0;
        out.getOffsetBuffer().setInt(0, 0);
        for (Batch b : inputs) {
          BaseVariableWidthVector in = (BaseVariableWidthVector) b.vector(column);
          int n = b.rowCount();
          ArrowBuf inOffsets = in.getOffsetBuffer();
          int length = n == 0 ? 0 : inOffsets.getInt((long) n * 4);
          out.getDataBuffer().setBytes(offset, in.getDataBuffer(), 0, length);
          for (int r = 0; r < n; r++) {
            out.getOffsetBuffer()
                .setInt((long) (at + r + 1) * 4, offset + inOffsets.getInt((long) (r + 1) * 4));
          }
          copyValidity(in.getValidityBuffer(), out.getValidityBuffer(), n, at);
          offset += length;
          at += n;
        }
        out.setLastSet(total - 1);
      } else if (isNested(first)) {
        SqlType type = SqlType.fromField(first.getField());
        target.allocateNew();
        int at = 0;
        for (Batch b : inputs) {
          for (int r = 0; r < b.rowCount(); r++, at++) {
            BatchRows.set(target, type, at, BatchRows.value(b.vector(column), type, r));
          }
        }
      } else {
        target.allocateNew();
        int at = 0;
        for (Batch b : inputs) {
          for (int r = 0; r < b.rowCount(); r++, at++) {
            target.copyFromSafe(r, at, b.vector(column));
          }
        }
      }
      target.setValueCount(total);
      return target;
    } catch (RuntimeException e) {
      target.close();
      throw e;
    }
  }

  private static void copyValidity(ArrowBuf from, ArrowBuf to, int n, int at) {
    for (int r = 0; r < n; r++) {
      if (BitVectorHelper.get(from, r) != 0) {
        BitVectorHelper.setBit(to, at + r);
      }
    }
  }

  /**
   * A batch sharing the buffers of rows {@code [start, start + length)} of {@code input} (no copy:
   * Arrow's split-and-transfer slices with reference counts). {@code input} stays valid and owned
   * by the caller.
   */
  public static Batch slice(Batch input, int start, int length, BufferAllocator allocator) {
    List<FieldVector> out = new ArrayList<>(input.columnCount());
    try {
      for (int c = 0; c < input.columnCount(); c++) {
        TransferPair pair = input.vector(c).getTransferPair(allocator);
        pair.splitAndTransfer(start, length);
        out.add((FieldVector) pair.getTo());
      }
    } catch (RuntimeException e) {
      closeAll(out);
      throw e;
    }
    return Batch.of(out, length);
  }

  /**
   * A batch of columns {@code [from, to)} of {@code input}, sharing their buffers (zero-copy);
   * {@code input} stays valid and owned by the caller.
   */
  public static Batch columns(Batch input, int from, int to, BufferAllocator allocator) {
    List<FieldVector> out = new ArrayList<>(to - from);
    try {
      for (int c = from; c < to; c++) {
        TransferPair pair = input.vector(c).getTransferPair(allocator);
        pair.splitAndTransfer(0, input.rowCount());
        out.add((FieldVector) pair.getTo());
      }
    } catch (RuntimeException e) {
      closeAll(out);
      throw e;
    }
    return Batch.of(out, input.rowCount());
  }

  /** Closes vectors that were not (yet) handed to a batch. */
  public static void closeAll(List<? extends FieldVector> vectors) {
    for (FieldVector v : vectors) {
      v.close();
    }
  }
}
