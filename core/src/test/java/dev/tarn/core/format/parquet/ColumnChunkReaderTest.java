package dev.tarn.core.format.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;

/**
 * The hybrid decoder against parquet-mr's encoder, and the page decoder on hand-made pages: values
 * across pages and runs, and corrupt pages (a dictionary index out of range, values past a page's
 * end, too few values) failing with BAD_DATA that names the file, row group and column.
 */
class ColumnChunkReaderTest {
  private static final MessageType SCHEMA =
      MessageTypeParser.parseMessageType("message m { optional int64 v; required binary s; }");
  private static final ColumnDescriptor LONGS = SCHEMA.getColumnDescription(new String[] {"v"});
  private static final ColumnDescriptor STRINGS = SCHEMA.getColumnDescription(new String[] {"s"});

  private static byte[] encode(int bitWidth, int[] values) throws IOException {
    try (RunLengthBitPackingHybridEncoder encoder =
        new RunLengthBitPackingHybridEncoder(
            bitWidth, 64, 1 << 20, new HeapByteBufferAllocator())) {
      for (int value : values) {
        encoder.writeInt(value);
      }
      return encoder.toBytes().toByteArray();
    }
  }

  @Test
  void hybridDecoderReadsWhatParquetMrWritesAtEveryWidth() throws IOException {
    Random random = new Random(42);
    for (int bitWidth = 0; bitWidth <= 32; bitWidth++) {
      int[] values = new int[5000];
      for (int i = 0; i < values.length; i++) {
        // Stretches of repeats (RLE runs) between stretches of noise (bit-packed runs).
        int value = (i / 300) % 2 == 0 ? i / 300 : random.nextInt();
        values[i] = bitWidth == 32 ? value : value & ((1 << bitWidth) - 1);
      }
      byte[] encoded = encode(bitWidth, values);
      RleBitPackedDecoder decoder = new RleBitPackedDecoder(encoded, 0, encoded.length, bitWidth);
      int[] decoded = new int[values.length];
      // Uneven reads cross run boundaries.
      int done = 0;
      for (int step = 1; done < values.length; step = step * 3 % 997 + 1) {
        int n = Math.min(step, values.length - done);
        decoder.read(decoded, done, n);
        done += n;
      }
      assertThat(decoded).as("bit width %d", bitWidth).isEqualTo(values);
    }
  }

  @Test
  void hybridDecoderCountsMatchesAndRefusesReadsPastItsEnd() throws IOException {
    int[] levels = {1, 1, 0, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0};
    byte[] encoded = encode(1, levels);
    RleBitPackedDecoder decoder = new RleBitPackedDecoder(encoded, 0, encoded.length, 1);
    int[] out = new int[levels.length];
    assertThat(decoder.readCounting(out, 0, levels.length, 1)).isEqualTo(14);
    assertThat(out).isEqualTo(levels);
    // Bit-packed runs are whole groups of 8, so a few padding values may follow; not 64.
    assertThatThrownBy(() -> decoder.read(new int[64], 0, 64))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("past the end");
  }

  /** Pages served in order, like a column chunk's page reader. */
  private static PageReader pages(DictionaryPage dictionary, DataPage... data) {
    Deque<DataPage> queue = new ArrayDeque<>(List.of(data));
    return new PageReader() {
      @Override
      public DictionaryPage readDictionaryPage() {
        return dictionary;
      }

      @Override
      public long getTotalValueCount() {
        long total = 0;
        for (DataPage page : data) {
          total += page.getValueCount();
        }
        return total;
      }

      @Override
      public DataPage readPage() {
        return queue.poll();
      }
    };
  }

  /** A V1 page of an optional column: definition levels with their length, then the values. */
  private static DataPageV1 v1Page(int[] levels, byte[] values, Encoding encoding)
      throws IOException {
    byte[] encodedLevels = encode(1, levels);
    ByteArrayOutputStream page = new ByteArrayOutputStream();
    int length = encodedLevels.length;
    page.write(new byte[] {(byte) length, (byte) (length >>> 8), (byte) (length >>> 16), 0});
    page.write(encodedLevels);
    page.write(values);
    byte[] bytes = page.toByteArray();
    return new DataPageV1(
        BytesInput.from(bytes),
        levels.length,
        bytes.length,
        null,
        Encoding.RLE,
        Encoding.RLE,
        encoding);
  }

  private static byte[] plainLongs(long... values) {
    byte[] bytes = new byte[values.length * 8];
    for (int i = 0; i < values.length; i++) {
      ValueRun.writeLong(bytes, i * 8, values[i]);
    }
    return bytes;
  }

  /** Dictionary indices of a page: the bit width byte, then the hybrid encoding. */
  private static byte[] indices(int bitWidth, int... ids) throws IOException {
    byte[] encoded = encode(bitWidth, ids);
    byte[] out = new byte[encoded.length + 1];
    out[0] = (byte) bitWidth;
    System.arraycopy(encoded, 0, out, 1, encoded.length);
    return out;
  }

  private static ColumnChunkReader reader(ColumnDescriptor column, PageReader pages) {
    return new ColumnChunkReader("f.parquet", 3, column.getPath()[0], column, pages);
  }

  @Test
  void decodesRunsAcrossPagesThatSwitchFromDictionaryToPlain() throws IOException {
    DictionaryPage dictionary =
        new DictionaryPage(BytesInput.from(plainLongs(10, 20, 30)), 3, Encoding.PLAIN_DICTIONARY);
    ColumnChunkReader reader =
        reader(
            LONGS,
            pages(
                dictionary,
                v1Page(new int[] {1, 0, 1, 1}, indices(2, 2, 0, 1), Encoding.PLAIN_DICTIONARY),
                v1Page(new int[] {0, 1, 1}, plainLongs(-5, 7), Encoding.PLAIN)));
    ValueRun first = reader.next(3);
    assertThat(first.rows).isEqualTo(3);
    assertThat(first.nonNull).isEqualTo(2);
    assertThat(List.of(first.longAt(0), first.longAt(1))).containsExactly(30L, 10L);
    assertThat(List.of(first.isValid(0), first.isValid(1), first.isValid(2)))
        .containsExactly(true, false, true);
    // The rest of the first page only, though more rows are asked for.
    ValueRun second = reader.next(100);
    assertThat(second.rows).isEqualTo(1);
    assertThat(second.longAt(0)).isEqualTo(20L);
    ValueRun third = reader.next(100);
    assertThat(third.rows).isEqualTo(3);
    assertThat(third.isValid(0)).isFalse();
    assertThat(List.of(third.longAt(0), third.longAt(1))).containsExactly(-5L, 7L);
  }

  @Test
  void aDictionaryIndexOutOfRangeIsBadData() throws IOException {
    DictionaryPage dictionary =
        new DictionaryPage(BytesInput.from(plainLongs(10, 20)), 2, Encoding.PLAIN_DICTIONARY);
    ColumnChunkReader reader =
        reader(
            LONGS,
            pages(
                dictionary, v1Page(new int[] {1, 1}, indices(3, 1, 5), Encoding.PLAIN_DICTIONARY)));
    assertThatThrownBy(() -> reader.next(2))
        .isInstanceOfSatisfying(
            TarnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_DATA))
        .hasMessage(
            "f.parquet, row group 3: column v: dictionary index 5 outside the dictionary of 2");
  }

  @Test
  void valuesPastThePageEndAndMissingPagesAreBadData() throws IOException {
    ColumnChunkReader shortPage =
        reader(LONGS, pages(null, v1Page(new int[] {1, 1, 1}, plainLongs(1, 2), Encoding.PLAIN)));
    assertThatThrownBy(() -> shortPage.next(3))
        .isInstanceOf(TarnException.class)
        .hasMessage("f.parquet, row group 3: column v: values run past the end of a page");

    byte[] badLength = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F, 'a'};
    ColumnChunkReader strings =
        reader(
            STRINGS,
            pages(
                null,
                new DataPageV1(
                    BytesInput.from(badLength),
                    1,
                    badLength.length,
                    null,
                    Encoding.RLE,
                    Encoding.RLE,
                    Encoding.PLAIN)));
    assertThatThrownBy(() -> strings.next(1))
        .hasMessage("f.parquet, row group 3: column s: values run past the end of a page");

    ColumnChunkReader ended =
        reader(LONGS, pages(null, v1Page(new int[] {1}, plainLongs(1), Encoding.PLAIN)));
    ended.next(1);
    assertThatThrownBy(() -> ended.next(1))
        .isInstanceOfSatisfying(
            TarnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_DATA))
        .hasMessage(
            "f.parquet, row group 3: column v: the column chunk has fewer values than the row"
                + " group's rows");

    ColumnChunkReader noDictionary =
        reader(LONGS, pages(null, v1Page(new int[] {1}, indices(1, 0), Encoding.PLAIN_DICTIONARY)));
    assertThatThrownBy(() -> noDictionary.next(1))
        .hasMessage(
            "f.parquet, row group 3: column v: a dictionary-encoded page but no dictionary page");
  }
}
