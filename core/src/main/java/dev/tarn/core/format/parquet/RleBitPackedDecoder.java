package dev.tarn.core.format.parquet;

import java.util.Arrays;

/**
 * Decodes Parquet's RLE/bit-packed hybrid encoding (definition levels, dictionary indices) many
 * values at a time into an {@code int[]}.
 *
 * <pre>
 *   run    := header (unsigned LEB128)
 *             header even: RLE run of (header >>> 1) copies of one value stored in
 *                          ceil(bitWidth / 8) little-endian bytes
 *             header odd:  (header >>> 1) groups of 8 values, bitWidth bits each, LSB first
 *   e.g. bit width 1, bytes 0x03 0xA5: one group, values 1 0 1 0 0 1 0 1
 * </pre>
 *
 * <p>The decoder reads a byte range of a page's array and keeps its position between calls, so a
 * page may be consumed over several batches. A bit-packed run is unpacked whole into a buffer
 * (groups of 8 with plain shifts); an RLE run is filled with {@link java.util.Arrays#fill}. A
 * truncated last bit-packed run (some writers stop at the page end) reads the missing bits as 0;
 * any other read past the range throws {@link IllegalStateException}, which the reader reports as
 * corrupt data.
 */
final class RleBitPackedDecoder {
  private final byte[] data;
  private final int end;
  private final int bitWidth;
  private final int mask;
  private int position;

  /** Values left in the current run. */
  private int left;

  private boolean packed;
  private int rleValue;
  private int[] unpacked = new int[0];
  private int unpackedPosition;

  /**
   * A decoder of the values in {@code data[offset..end)}, each {@code bitWidth} bits (0..32) wide.
   */
  RleBitPackedDecoder(byte[] data, int offset, int end, int bitWidth) {
    if (bitWidth < 0 || bitWidth > 32) {
      throw new IllegalStateException("bit width " + bitWidth + " outside 0..32");
    }
    if (offset < 0 || end > data.length || offset > end) {
      throw new IllegalStateException(
          "encoded range " + offset + ".." + end + " outside a page of " + data.length + " bytes");
    }
    this.data = data;
    this.position = offset;
    this.end = end;
    this.bitWidth = bitWidth;
    this.mask = bitWidth == 32 ? -1 : (1 << bitWidth) - 1;
  }

  /** Decodes the next {@code count} values into {@code out[offset..offset+count)}. */
  void read(int[] out, int offset, int count) {
    int done = 0;
    while (done < count) {
      if (left == 0) {
        nextRun();
      }
      int n = Math.min(left, count - done);
      if (packed) {
        System.arraycopy(unpacked, unpackedPosition, out, offset + done, n);
        unpackedPosition += n;
      } else {
        Arrays.fill(out, offset + done, offset + done + n, rleValue);
      }
      left -= n;
      done += n;
    }
  }

  /**
   * Decodes the next {@code count} values and returns how many equal {@code value}; {@code out}
   * receives them as {@link #read} would.
   */
  int readCounting(int[] out, int offset, int count, int value) {
    int matches = 0;
    int done = 0;
    while (done < count) {
      if (left == 0) {
        nextRun();
      }
      int n = Math.min(left, count - done);
      if (packed) {
        int from = unpackedPosition;
        int to = offset + done;
        for (int i = 0; i < n; i++) {
          int v = unpacked[from + i];
          out[to + i] = v;
          if (v == value) {
            matches++;
          }
        }
        unpackedPosition += n;
      } else {
        Arrays.fill(out, offset + done, offset + done + n, rleValue);
        if (rleValue == value) {
          matches += n;
        }
      }
      left -= n;
      done += n;
    }
    return matches;
  }

  /**
   * Skips the next {@code count} values if they are all {@code value} within the current RLE run,
   * and says whether it did; otherwise reads nothing. Spares filling an array with copies of the
   * same level when a column has no NULLs.
   */
  boolean skipRepeated(int count, int value) {
    if (left == 0) {
      nextRun();
    }
    if (!packed && rleValue == value && left >= count) {
      left -= count;
      return true;
    }
    return false;
  }

  private void nextRun() {
    int header = readUnsignedVarInt();
    int count = header >>> 1;
    if ((header & 1) == 0) {
      if (count == 0) {
        throw new IllegalStateException("empty RLE run at byte " + position);
      }
      int bytes = (bitWidth + 7) >>> 3;
      if (position + bytes > end) {
        throw new IllegalStateException("RLE value past the end of the encoded data");
      }
      int value = 0;
      for (int i = 0; i < bytes; i++) {
        value |= (data[position + i] & 0xFF) << (i << 3);
      }
      position += bytes;
      packed = false;
      rleValue = value & mask;
      left = count;
    } else {
      if (count == 0 || count > (1 << 24)) {
        throw new IllegalStateException("bit-packed run of " + count + " groups");
      }
      int values = count << 3;
      if (unpacked.length < values) {
        unpacked = new int[Math.max(values, unpacked.length * 2)];
      }
      unpack(count);
      packed = true;
      unpackedPosition = 0;
      left = values;
    }
  }

  /** Unpacks {@code groups} groups of 8 values from {@code position} into {@link #unpacked}. */
  private void unpack(int groups) {
    int[] out = unpacked;
    int w = bitWidth;
    if (w == 0) {
      Arrays.fill(out, 0, groups << 3, 0);
      return;
    }
    long bytesNeeded = (long) groups * w;
    int fullGroups = Math.min(groups, (end - position) / w);
    int p = position;
    byte[] in = data;
    if (w <= 8) {
      // A group of 8 values of w bits is exactly w bytes: load them as one long, then shift.
      int m = mask;
      for (int g = 0; g < fullGroups; g++) {
        long word = 0;
        for (int i = 0; i < w; i++) {
          word |= (in[p + i] & 0xFFL) << (i << 3);
        }
        p += w;
        int o = g << 3;
        out[o] = (int) word & m;
        out[o + 1] = (int) (word >>> w) & m;
        out[o + 2] = (int) (word >>> (2 * w)) & m;
        out[o + 3] = (int) (word >>> (3 * w)) & m;
        out[o + 4] = (int) (word >>> (4 * w)) & m;
        out[o + 5] = (int) (word >>> (5 * w)) & m;
        out[o + 6] = (int) (word >>> (6 * w)) & m;
        out[o + 7] = (int) (word >>> (7 * w)) & m;
      }
    } else {
      long m = mask & 0xFFFF_FFFFL;
      for (int g = 0; g < fullGroups; g++) {
        long buffer = 0;
        int bits = 0;
        int o = g << 3;
        for (int k = 0; k < 8; k++) {
          while (bits < w) {
            buffer |= (in[p++] & 0xFFL) << bits;
            bits += 8;
          }
          out[o + k] = (int) (buffer & m);
          buffer >>>= w;
          bits -= w;
        }
      }
    }
    if (fullGroups < groups) {
      // The run ends early: a writer may stop at the last value it has, so read zero bits.
      unpackTruncated(fullGroups, groups, p);
    }
    position = (int) Math.min(end, position + bytesNeeded);
  }

  private void unpackTruncated(int fromGroup, int groups, int p) {
    long m = mask & 0xFFFF_FFFFL;
    long buffer = 0;
    int bits = 0;
    for (int o = fromGroup << 3; o < groups << 3; o++) {
      while (bits < bitWidth) {
        long next = p < end ? data[p] & 0xFFL : 0;
        p++;
        buffer |= next << bits;
        bits += 8;
      }
      unpacked[o] = (int) (buffer & m);
      buffer >>>= bitWidth;
      bits -= bitWidth;
    }
  }

  private int readUnsignedVarInt() {
    int value = 0;
    int shift = 0;
    while (true) {
      if (position >= end) {
        throw new IllegalStateException("run header past the end of the encoded data");
      }
      int b = data[position++] & 0xFF;
      value |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
      shift += 7;
      if (shift > 28) {
        throw new IllegalStateException("run header longer than 5 bytes");
      }
    }
  }
}
