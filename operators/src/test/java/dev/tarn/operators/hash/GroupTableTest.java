package dev.tarn.operators.hash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tarn.core.type.SqlType;
import dev.tarn.operators.expr.Lane;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The packed-key path of {@link GroupTable}: every batch must get exactly the ids the byte-key path
 * gives (the reference), while the table stays packed as long as the values fit 64 bits, changes
 * layout as ranges grow, and falls back to byte keys mid-stream with the groups it already has.
 */
class GroupTableTest {
  /** A table on the packed path and the byte-key reference, fed the same batches. */
  private final GroupTable packed = new GroupTable(false, true, 16);

  private final GroupTable reference = new GroupTable(false, false, 16);

  private int[] insert(Lane... keys) {
    int rows = keys[0].size;
    int[] expected = reference.getOrInsert(keys, rows, true);
    int[] actual = packed.getOrInsert(keys, rows, true);
    assertThat(actual).isEqualTo(expected);
    assertThat(packed.size()).isEqualTo(reference.size());
    assertThat(packed.find(keys, rows)).isEqualTo(reference.find(keys, rows));
    return actual;
  }

  static Lane.Strings strings(String... values) {
    Lane.StringsBuilder builder = new Lane.StringsBuilder(SqlType.VARCHAR, values.length, 16);
    for (String v : values) {
      if (v == null) {
        builder.appendNull();
      } else {
        builder.append(v);
      }
    }
    return builder.build();
  }

  static Lane.Longs longs(SqlType type, Long... values) {
    long[] out = new long[values.length];
    boolean[] nulls = new boolean[values.length];
    for (int i = 0; i < values.length; i++) {
      nulls[i] = values[i] == null;
      out[i] = values[i] == null ? 0 : values[i];
    }
    return new Lane.Longs(type, out, nulls);
  }

  static Lane.Bools bools(Boolean... values) {
    boolean[] out = new boolean[values.length];
    boolean[] nulls = new boolean[values.length];
    for (int i = 0; i < values.length; i++) {
      nulls[i] = values[i] == null;
      out[i] = values[i] != null && values[i];
    }
    return new Lane.Bools(out, nulls);
  }

  @Test
  void nullKeysAndEmptyStringsAreDistinctGroups() {
    int[] ids =
        insert(
            strings("", null, "", null, "a", ""),
            longs(SqlType.INTEGER, 1L, 1L, null, null, 1L, 1L));
    assertThat(ids).containsExactly(0, 1, 2, 3, 4, 0);
    assertThat(packed.packed()).isTrue();
    insert(strings(null, "", "a", "b"), longs(SqlType.INTEGER, null, null, 1L, 1L));
    assertThat(packed.size()).isEqualTo(6);
    assertThat(packed.packed()).isTrue();
  }

  @Test
  void negativeNumbersAndBooleansPack() {
    insert(
        longs(SqlType.BIGINT, -5L, -1L, 0L, 3L, -5L, null),
        bools(true, false, null, true, true, false),
        longs(SqlType.DATE, -719_162L, 0L, 2_932_896L, 1L, -719_162L, -3L));
    assertThat(packed.packed()).isTrue();
    assertThat(packed.size()).isEqualTo(5);
  }

  @Test
  void stringsUpToSevenBytesPackAndAnEighthByteFallsBackWithTheGroupsFound() {
    // 7 bytes and their length code take 60 bits, the boolean 2.
    insert(strings("abcdefg", "", "x", "abcdefg"), bools(true, false, null, true));
    assertThat(packed.packed()).isTrue();
    insert(strings("gfedcba", "abcdefg"), bools(true, true));
    assertThat(packed.packed()).isTrue();
    // One byte too many: the four groups so far move to byte keys with their ids.
    int[] ids = insert(strings("abcdefgh", "x", "abcdefg"), bools(true, null, true));
    assertThat(packed.packed()).isFalse();
    assertThat(ids).containsExactly(4, 2, 0);
    insert(strings("", "gfedcba", "abcdefgh"), bools(false, true, true));
    assertThat(packed.size()).isEqualTo(5);
  }

  @Test
  void growingRangesChangeTheLayoutAndKeepTheIds() {
    // Each batch's values lie far outside the previous ranges.
    for (long scale = 1; scale < 1L << 40; scale *= 16) {
      insert(
          longs(SqlType.BIGINT, scale, -scale, 7 * scale, scale + 1),
          longs(SqlType.INTEGER, 1L, 2L, 3L, null));
      insert(longs(SqlType.BIGINT, 1L, 1L), longs(SqlType.INTEGER, 1L, 2L));
      assertThat(packed.packed()).isTrue();
    }
  }

  @Test
  void rangesBeyondSixtyFourBitsFallBack() {
    insert(longs(SqlType.BIGINT, 1L, 2L, 1L), longs(SqlType.BIGINT, 5L, 6L, 5L));
    assertThat(packed.packed()).isTrue();
    insert(
        longs(SqlType.BIGINT, Long.MIN_VALUE, Long.MAX_VALUE, 2L, null),
        longs(SqlType.BIGINT, 5L, 6L, 6L, Long.MIN_VALUE));
    assertThat(packed.packed()).isFalse();
  }

  @Test
  void findMissesValuesOutsideTheLayout() {
    insert(strings("a", "b"), longs(SqlType.INTEGER, 10L, 20L));
    int[] found =
        packed.find(
            new Lane[] {
              strings("a", "b", "abcdefghij", null, "a"),
              longs(SqlType.INTEGER, 10L, 20L, 10L, 10L, Long.MAX_VALUE)
            },
            5);
    assertThat(found).containsExactly(0, 1, -1, -1, -1);
    assertThat(packed.packed()).isTrue();
  }

  @Test
  void nullsMatchNothingWhenAsked() {
    Lane[] keys = {strings("a", null, "a"), longs(SqlType.INTEGER, 1L, 1L, null)};
    assertThat(packed.getOrInsert(keys, 3, false)).containsExactly(0, -1, -1);
    assertThat(packed.size()).isEqualTo(1);
  }

  @Test
  void unpackGivesBackTheExactKeys() {
    Lane[] keys = {
      strings("", null, "abc", "\u00e9t\u00e9"),
      longs(SqlType.DATE, -3L, 0L, null, 20_000L),
      bools(null, true, false, true)
    };
    KeyPacker.Ranges ranges = new KeyPacker.Ranges(3);
    ranges.include(keys, 4);
    KeyPacker packer = KeyPacker.choose(keys, ranges);
    assertThat(packer).isNotNull();
    long[] packedKeys = new long[4];
    packer.pack(keys, 4, packedKeys);
    Lane[] back = packer.unpack(packedKeys, 4);
    for (int i = 0; i < 4; i++) {
      assertThat(back[0].isNull(i)).isEqualTo(keys[0].isNull(i));
      if (!keys[0].isNull(i)) {
        assertThat(((Lane.Strings) back[0]).string(i))
            .isEqualTo(((Lane.Strings) keys[0]).string(i));
      }
      assertThat(back[1].isNull(i)).isEqualTo(keys[1].isNull(i));
      if (!keys[1].isNull(i)) {
        assertThat(((Lane.Longs) back[1]).values[i]).isEqualTo(((Lane.Longs) keys[1]).values[i]);
      }
      assertThat(back[2].isNull(i)).isEqualTo(keys[2].isNull(i));
      if (!keys[2].isNull(i)) {
        assertThat(((Lane.Bools) back[2]).values[i]).isEqualTo(((Lane.Bools) keys[2]).values[i]);
      }
    }
    assertThat(back[1].type).isEqualTo(SqlType.DATE);
  }

  @Test
  void randomBatchesMatchTheByteKeyPath() {
    SplittableRandom random = new SplittableRandom(17);
    for (int batch = 0; batch < 60; batch++) {
      int rows = 1 + random.nextInt(200);
      // Ranges and string lengths grow with the batch number; the last batches do not fit.
      long range = 1L << Math.min(60, 2 + batch);
      int maxLength = Math.min(8, batch / 6);
      List<String> text = new ArrayList<>();
      Long[] numbers = new Long[rows];
      Boolean[] flags = new Boolean[rows];
      for (int i = 0; i < rows; i++) {
        text.add(random.nextInt(10) == 0 ? null : word(random, maxLength));
        numbers[i] = random.nextInt(10) == 0 ? null : random.nextLong(range) - range / 2;
        flags[i] = random.nextInt(10) == 0 ? null : random.nextBoolean();
      }
      insert(strings(text.toArray(new String[0])), longs(SqlType.BIGINT, numbers), bools(flags));
    }
    assertThat(packed.packed()).isFalse();
  }

  private static String word(SplittableRandom random, int maxLength) {
    byte[] bytes = new byte[random.nextInt(maxLength + 1)];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) ('a' + random.nextInt(3));
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
