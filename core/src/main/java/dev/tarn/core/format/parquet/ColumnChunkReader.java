package dev.tarn.core.format.parquet;

import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.parquet.bytes.ByteBufferInputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ValuesType;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.column.values.RequiresPreviousReader;
import org.apache.parquet.column.values.ValuesReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * Decodes the pages of one flat column chunk into {@link ValueRun}s, a page at most per run, the
 * way Spark's and Trino's vectorized readers do: parquet-mr only finds and decompresses the pages;
 * levels and values are decoded here, many at a time.
 *
 * <pre>
 *   chunk := [dictionary page] data page*      (pages of one chunk may switch encoding:
 *                                               writers fall back from dictionary to PLAIN)
 *   V1 data page := [4-byte length, definition levels (RLE/bit-packed hybrid)] values
 *   V2 data page := definition levels (hybrid, uncompressed, no length)  +  values
 *   values := PLAIN                       fixed width: little-endian bytes, used in place
 *                                         BYTE_ARRAY: (4-byte length, bytes)*   BOOLEAN: bits
 *           | PLAIN_/RLE_DICTIONARY       bit width byte, hybrid indices into the dictionary
 *           | anything else               parquet-mr's ValuesReader, a value at a time
 * </pre>
 *
 * <p>The dictionary is decoded once per chunk: fixed-width values stay as the dictionary page's
 * PLAIN bytes, strings become one byte array plus offsets. A dictionary index outside the
 * dictionary, a value past a page's end, or a chunk with fewer values than its row group's rows is
 * a BAD_DATA error naming the file, row group and column; all reads are of Java arrays, so corrupt
 * bytes cannot reach memory outside them.
 */
final class ColumnChunkReader {
  private enum Mode {
    PLAIN,
    DICTIONARY,
    OTHER
  }

  private final String file;
  private final int rowGroup;
  private final String column;
  private final ColumnDescriptor descriptor;
  private final PageReader pages;
  private final PrimitiveTypeName physical;

  /** Bytes per value of fixed-width types; 0 for BYTE_ARRAY and BOOLEAN. */
  private final int width;

  private final int maxDefinition;
  private final int definitionBitWidth;
  private final ValueRun run;

  /** Dictionary: fixed-width values as PLAIN bytes, or strings as bytes plus offsets. */
  private int dictionarySize = -1;

  private byte[] dictionaryBytes;
  private int[] dictionaryOffsets;

  /** INT32 (sign-extended) and INT64 dictionaries, decoded to gather without byte views. */
  private long[] dictionaryLongs;

  private int pageLeft;
  private RleBitPackedDecoder definitions;
  private Mode mode;
  private byte[] page;
  private int position;
  private int pageEnd;
  private int bitOffset;
  private RleBitPackedDecoder indices;
  private ValuesReader values;
  private int[] indexBuffer = new int[0];
  private byte[] scratch = new byte[0];

  ColumnChunkReader(
      String file, int rowGroup, String column, ColumnDescriptor descriptor, PageReader pages) {
    this.file = file;
    this.rowGroup = rowGroup;
    this.column = column;
    this.descriptor = descriptor;
    this.pages = pages;
    this.physical = descriptor.getPrimitiveType().getPrimitiveTypeName();
    this.width = widthOf(descriptor);
    this.maxDefinition = descriptor.getMaxDefinitionLevel();
    this.definitionBitWidth = 32 - Integer.numberOfLeadingZeros(maxDefinition);
    this.run = new ValueRun(maxDefinition);
    if (descriptor.getMaxRepetitionLevel() != 0) {
      throw new IllegalStateException("repeated column " + column + " reached the flat reader");
    }
    DictionaryPage dictionary = pages.readDictionaryPage();
    if (dictionary != null) {
      readDictionary(dictionary);
    }
  }

  private static int widthOf(ColumnDescriptor descriptor) {
    switch (descriptor.getPrimitiveType().getPrimitiveTypeName()) {
      case INT32:
      case FLOAT:
        return 4;
      case INT64:
      case DOUBLE:
        return 8;
      case INT96:
        return 12;
      case FIXED_LEN_BYTE_ARRAY:
        return descriptor.getPrimitiveType().getTypeLength();
      default:
        return 0;
    }
  }

  /**
   * Decodes the next run of at most {@code maxRows} rows, all from one page. The returned run is
   * overwritten by the next call.
   */
  ValueRun next(int maxRows) {
    while (pageLeft == 0) {
      readPage();
    }
    int n = Math.min(maxRows, pageLeft);
    run.rows = n;
    if (maxDefinition == 0 || definitions.skipRepeated(n, maxDefinition)) {
      run.nonNull = n;
      run.allValid = true;
    } else {
      if (run.definitions.length < n) {
        run.definitions = new int[Math.max(n, run.definitions.length * 2)];
      }
      run.nonNull = definitions.readCounting(run.definitions, 0, n, maxDefinition);
      run.allValid = run.nonNull == n;
    }
    decodeValues(run.nonNull);
    pageLeft -= n;
    return run;
  }

  private void readPage() {
    DataPage next = pages.readPage();
    if (next == null) {
      throw corrupt("the column chunk has fewer values than the row group's rows");
    }
    int count = next.getValueCount();
    if (count < 0) {
      throw corrupt("a page claims " + count + " values");
    }
    if (next instanceof DataPageV1 v1) {
      byte[] bytes = bytesOf(v1.getBytes());
      int start = 0;
      if (maxDefinition > 0) {
        if (v1.getDlEncoding() != Encoding.RLE) {
          throw new TarnException(
              ErrorCode.NOT_SUPPORTED,
              where() + ": definition levels encoded " + v1.getDlEncoding() + " are not read");
        }
        if (bytes.length < 4) {
          throw corrupt("a page of " + bytes.length + " bytes has no definition levels");
        }
        int length = ValueRun.readInt(bytes, 0);
        if (length < 0 || length > bytes.length - 4) {
          throw corrupt("definition levels of " + length + " bytes in a page of " + bytes.length);
        }
        definitions = new RleBitPackedDecoder(bytes, 4, 4 + length, definitionBitWidth);
        start = 4 + length;
      }
      startValues(v1.getValueEncoding(), bytes, start, count);
    } else if (next instanceof DataPageV2 v2) {
      if (maxDefinition > 0) {
        byte[] levels = bytesOf(v2.getDefinitionLevels());
        definitions = new RleBitPackedDecoder(levels, 0, levels.length, definitionBitWidth);
      }
      startValues(v2.getDataEncoding(), bytesOf(v2.getData()), 0, count);
    } else {
      throw corrupt("unknown page kind " + next.getClass().getSimpleName());
    }
    pageLeft = count;
  }

  private void startValues(Encoding encoding, byte[] bytes, int start, int count) {
    page = bytes;
    position = start;
    pageEnd = bytes.length;
    bitOffset = 0;
    if (encoding.usesDictionary()) {
      if (dictionarySize < 0) {
        throw corrupt("a dictionary-encoded page but no dictionary page");
      }
      mode = Mode.DICTIONARY;
      // A page of only NULLs may omit even the bit width: indices is read only for values.
      indices =
          start < bytes.length
              ? new RleBitPackedDecoder(bytes, start + 1, bytes.length, bytes[start] & 0xFF)
              : null;
    } else if (encoding == Encoding.PLAIN) {
      mode = Mode.PLAIN;
    } else {
      mode = Mode.OTHER;
      ValuesReader reader = encoding.getValuesReader(descriptor, ValuesType.VALUES);
      if (reader instanceof RequiresPreviousReader requires && values != null) {
        // DELTA_BYTE_ARRAY continues the previous page's last value.
        requires.setPreviousReader(values);
      }
      try {
        reader.initFromPage(
            count, ByteBufferInputStream.wrap(ByteBuffer.wrap(bytes, start, bytes.length - start)));
      } catch (IOException e) {
        throw corrupt("cannot start " + encoding + " values (" + e.getMessage() + ")");
      }
      values = reader;
    }
  }

  /**
   * A page's bytes as one heap array. {@code toByteArray} is deprecated in favour of variants that
   * hand out pooled buffers to be released; the decoder wants a plain array it can index and keep,
   * and for a decompressed page this is the one copy out of the decompressor.
   */
  @SuppressWarnings("deprecation")
  private byte[] bytesOf(BytesInput input) {
    try {
      return input.toByteArray();
    } catch (IOException e) {
      throw corrupt("cannot read a page (" + e.getMessage() + ")");
    }
  }

  private void readDictionary(DictionaryPage dictionary) {
    Encoding encoding = dictionary.getEncoding();
    // Dictionary pages are PLAIN, labelled PLAIN or (by older writers) PLAIN_DICTIONARY.
    if (encoding != Encoding.PLAIN && !encoding.usesDictionary()) {
      throw corrupt("a dictionary page encoded " + encoding);
    }
    int size = dictionary.getDictionarySize();
    byte[] bytes = bytesOf(dictionary.getBytes());
    if (size < 0) {
      throw corrupt("a dictionary of " + size + " values");
    }
    if (physical == PrimitiveTypeName.BOOLEAN) {
      throw corrupt("a dictionary page for a BOOLEAN column");
    }
    if (physical == PrimitiveTypeName.BINARY) {
      int[] offsets = new int[size + 1];
      // 16 bytes of padding let the gather copy short strings as two longs, see decodeDictionary.
      byte[] data = new byte[Math.max(0, bytes.length - 4 * size) + 16];
      int p = 0;
      int out = 0;
      for (int i = 0; i < size; i++) {
        int length = p + 4 <= bytes.length ? ValueRun.readInt(bytes, p) : -1;
        if (length < 0 || length > bytes.length - p - 4) {
          throw corrupt("dictionary value " + i + " runs past the dictionary page");
        }
        System.arraycopy(bytes, p + 4, data, out, length);
        p += 4 + length;
        out += length;
        offsets[i + 1] = out;
      }
      dictionaryBytes = data;
      dictionaryOffsets = offsets;
    } else {
      if ((long) size * width > bytes.length) {
        throw corrupt("a dictionary of " + size + " values has only " + bytes.length + " bytes");
      }
      dictionaryBytes = bytes;
      if (physical == PrimitiveTypeName.INT32 || physical == PrimitiveTypeName.INT64) {
        long[] longs = new long[size];
        for (int i = 0; i < size; i++) {
          longs[i] =
              width == 8 ? ValueRun.readLong(bytes, i << 3) : ValueRun.readInt(bytes, i << 2);
        }
        dictionaryLongs = longs;
      }
    }
    dictionarySize = size;
  }

  private void decodeValues(int count) {
    run.dense = false;
    switch (mode) {
      case PLAIN:
        decodePlain(count);
        return;
      case DICTIONARY:
        decodeDictionary(count);
        return;
      case OTHER:
        decodeOther(count);
        return;
    }
  }

  private void decodePlain(int count) {
    switch (physical) {
      case BOOLEAN:
        {
          long lastByte = position + (((long) bitOffset + count + 7) >>> 3);
          if (lastByte > pageEnd) {
            throw pastEnd();
          }
          byte[] out = booleans(count);
          byte[] in = page;
          int base = position;
          int bit = bitOffset;
          for (int k = 0; k < count; k++, bit++) {
            out[k] = (byte) ((in[base + (bit >>> 3)] >>> (bit & 7)) & 1);
          }
          position += bit >>> 3;
          bitOffset = bit & 7;
          return;
        }
      case BINARY:
        {
          int[] offsets = offsets(count);
          byte[] in = page;
          int p = position;
          int out = 0;
          for (int k = 0; k < count; k++) {
            if (p > pageEnd - 4) {
              throw pastEnd();
            }
            int length = ValueRun.readInt(in, p);
            if (length < 0 || length > pageEnd - p - 4) {
              throw pastEnd();
            }
            byte[] target = run.bytes;
            if (out + length > target.length) {
              target = growBytes(out + length);
            }
            System.arraycopy(in, p + 4, target, out, length);
            p += 4 + length;
            out += length;
            offsets[k + 1] = out;
          }
          position = p;
          return;
        }
      default:
        {
          long bytes = (long) count * width;
          if (position + bytes > pageEnd) {
            throw pastEnd();
          }
          run.fixed = page;
          run.fixedOffset = position;
          position += (int) bytes;
        }
    }
  }

  private void decodeDictionary(int count) {
    if (count == 0) {
      return;
    }
    if (indices == null) {
      throw pastEnd();
    }
    if (indexBuffer.length < count) {
      indexBuffer = new int[Math.max(count, indexBuffer.length * 2)];
    }
    int[] ids = indexBuffer;
    indices.read(ids, 0, count);
    int size = dictionarySize;
    byte[] dictionary = dictionaryBytes;
    if (physical == PrimitiveTypeName.BINARY) {
      int[] offsets = offsets(count);
      int[] from = dictionaryOffsets;
      int out = 0;
      for (int k = 0; k < count; k++) {
        int id = ids[k];
        if (id < 0 || id >= size) {
          throw badIndex(id);
        }
        int start = from[id];
        int length = from[id + 1] - start;
        byte[] target = run.bytes;
        if (out + Math.max(length, 16) > target.length) {
          target = growBytes(out + Math.max(length, 16));
        }
        if (length <= 16) {
          // Most dictionary strings are short: two long moves beat a call to arraycopy. Bytes
          // past the value land in the target's free space and are overwritten by the next one.
          ValueRun.writeLong(target, out, ValueRun.readLong(dictionary, start));
          ValueRun.writeLong(target, out + 8, ValueRun.readLong(dictionary, start + 8));
        } else {
          System.arraycopy(dictionary, start, target, out, length);
        }
        out += length;
        offsets[k + 1] = out;
      }
      return;
    }
    if (dictionaryLongs != null) {
      long[] from = dictionaryLongs;
      if (run.longs.length < count) {
        run.longs = new long[Math.max(count, run.longs.length * 2)];
      }
      long[] out = run.longs;
      for (int k = 0; k < count; k++) {
        int id = ids[k];
        if (id < 0 || id >= size) {
          throw badIndex(id);
        }
        out[k] = from[id];
      }
      run.dense = true;
      return;
    }
    byte[] out = fixedScratch(count);
    switch (width) {
      case 4:
        for (int k = 0; k < count; k++) {
          int id = ids[k];
          if (id < 0 || id >= size) {
            throw badIndex(id);
          }
          ValueRun.writeInt(out, k << 2, ValueRun.readInt(dictionary, id << 2));
        }
        break;
      case 8:
        for (int k = 0; k < count; k++) {
          int id = ids[k];
          if (id < 0 || id >= size) {
            throw badIndex(id);
          }
          ValueRun.writeLong(out, k << 3, ValueRun.readLong(dictionary, id << 3));
        }
        break;
      default:
        for (int k = 0; k < count; k++) {
          int id = ids[k];
          if (id < 0 || id >= size) {
            throw badIndex(id);
          }
          System.arraycopy(dictionary, id * width, out, k * width, width);
        }
    }
  }

  /** Encodings Tarn does not decode itself: parquet-mr's reader, one value at a time. */
  private void decodeOther(int count) {
    ValuesReader in = values;
    switch (physical) {
      case BOOLEAN:
        {
          byte[] out = booleans(count);
          for (int k = 0; k < count; k++) {
            out[k] = in.readBoolean() ? (byte) 1 : 0;
          }
          return;
        }
      case BINARY:
        {
          int[] offsets = offsets(count);
          int out = 0;
          for (int k = 0; k < count; k++) {
            Binary value = in.readBytes();
            int length = value.length();
            byte[] target = run.bytes;
            if (out + length > target.length) {
              target = growBytes(out + length);
            }
            System.arraycopy(value.getBytesUnsafe(), 0, target, out, length);
            out += length;
            offsets[k + 1] = out;
          }
          return;
        }
      case INT32:
        {
          byte[] out = fixedScratch(count);
          for (int k = 0; k < count; k++) {
            ValueRun.writeInt(out, k << 2, in.readInteger());
          }
          return;
        }
      case FLOAT:
        {
          byte[] out = fixedScratch(count);
          for (int k = 0; k < count; k++) {
            ValueRun.writeInt(out, k << 2, Float.floatToRawIntBits(in.readFloat()));
          }
          return;
        }
      case INT64:
        {
          byte[] out = fixedScratch(count);
          for (int k = 0; k < count; k++) {
            ValueRun.writeLong(out, k << 3, in.readLong());
          }
          return;
        }
      case DOUBLE:
        {
          byte[] out = fixedScratch(count);
          for (int k = 0; k < count; k++) {
            ValueRun.writeLong(out, k << 3, Double.doubleToRawLongBits(in.readDouble()));
          }
          return;
        }
      default:
        {
          byte[] out = fixedScratch(count);
          for (int k = 0; k < count; k++) {
            Binary value = in.readBytes();
            if (value.length() != width) {
              throw corrupt("a value of " + value.length() + " bytes in a column of " + width);
            }
            System.arraycopy(value.getBytesUnsafe(), 0, out, k * width, width);
          }
        }
    }
  }

  private byte[] booleans(int count) {
    if (run.booleans.length < count) {
      run.booleans = new byte[Math.max(count, run.booleans.length * 2)];
    }
    return run.booleans;
  }

  private int[] offsets(int count) {
    if (run.offsets.length < count + 1) {
      run.offsets = new int[Math.max(count + 1, run.offsets.length * 2)];
    }
    run.offsets[0] = 0;
    return run.offsets;
  }

  private byte[] growBytes(int needed) {
    byte[] grown = new byte[Math.max(needed, run.bytes.length * 2)];
    System.arraycopy(run.bytes, 0, grown, 0, run.bytes.length);
    run.bytes = grown;
    return grown;
  }

  private byte[] fixedScratch(int count) {
    int needed = count * width;
    if (scratch.length < needed) {
      scratch = new byte[Math.max(needed, scratch.length * 2)];
    }
    run.fixed = scratch;
    run.fixedOffset = 0;
    return scratch;
  }

  private String where() {
    return file + ", row group " + rowGroup + ": column " + column;
  }

  private TarnException corrupt(String detail) {
    return new TarnException(ErrorCode.BAD_DATA, where() + ": " + detail);
  }

  private TarnException pastEnd() {
    return corrupt("values run past the end of a page");
  }

  private TarnException badIndex(int id) {
    return corrupt("dictionary index " + id + " outside the dictionary of " + dictionarySize);
  }
}
