package dev.tarn.core.batch;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BitVectorHelper;

/** Writes to Arrow validity buffers in bulk, for the loops that fill vectors directly. */
public final class ValidityBits {
  private ValidityBits() {}

  /**
   * Marks rows {@code [from, to)} valid: whole bytes at once, single bits at the edges. The buffer
   * must hold {@code to} bits.
   */
  public static void setRange(ArrowBuf validity, int from, int to) {
    int i = from;
    while (i < to && (i & 7) != 0) {
      BitVectorHelper.setBit(validity, i);
      i++;
    }
    int wholeEnd = to & ~7;
    if (i < wholeEnd) {
      validity.setOne((long) (i >>> 3), (long) ((wholeEnd - i) >>> 3));
      i = wholeEnd;
    }
    while (i < to) {
      BitVectorHelper.setBit(validity, i);
      i++;
    }
  }
}
