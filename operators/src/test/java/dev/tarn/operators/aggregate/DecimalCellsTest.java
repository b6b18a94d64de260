package dev.tarn.operators.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tarn.testing.TestMemory;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Random;
import java.util.SplittableRandom;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.DecimalVector;
import org.junit.jupiter.api.Test;

/**
 * {@link DecimalCells}: 128-bit sums that equal BigDecimal arithmetic, from longs, BigDecimals and
 * Arrow decimal buffers, and the switch to BigDecimal when a sum passes 2^127.
 */
class DecimalCellsTest {
  private static final BigDecimal MAX_38 =
      new BigDecimal(BigInteger.TEN.pow(38).subtract(BigInteger.ONE), 2);

  @Test
  void longSumsPastTheLongRangeCarryIntoTheHighWord() {
    DecimalCells cells = new DecimalCells(2);
    cells.ensure(2);
    BigDecimal expected = BigDecimal.ZERO.setScale(2);
    for (int i = 0; i < 10; i++) {
      cells.add(0, Long.MAX_VALUE);
      cells.add(1, Long.MIN_VALUE);
      expected = expected.add(BigDecimal.valueOf(Long.MAX_VALUE, 2));
    }
    assertThat(cells.isWide()).isFalse();
    assertThat(cells.fitLongs(0, 2)).isFalse();
    assertThat(cells.get(0)).isEqualTo(expected);
    assertThat(cells.get(1))
        .isEqualTo(BigDecimal.valueOf(Long.MIN_VALUE, 2).multiply(BigDecimal.TEN));
    // Back within a long: the result is a long again.
    for (int i = 0; i < 10; i++) {
      cells.add(0, -Long.MAX_VALUE);
    }
    assertThat(cells.fitLongs(0, 1)).isTrue();
    assertThat(cells.unscaled(0)).isZero();
  }

  @Test
  void sumsBeyondDecimal38TurnWideAndStayExact() {
    DecimalCells cells = new DecimalCells(2);
    cells.ensure(3);
    BigDecimal expected = BigDecimal.ZERO.setScale(2);
    cells.add(1, MAX_38);
    expected = expected.add(MAX_38);
    cells.add(2, -7);
    // 10^38 - 1 is below 2^127, twice that is not.
    assertThat(cells.isWide()).isFalse();
    for (int i = 0; i < 3; i++) {
      cells.add(1, MAX_38);
      expected = expected.add(MAX_38);
    }
    assertThat(cells.isWide()).isTrue();
    assertThat(cells.get(1)).isEqualTo(expected);
    assertThat(cells.get(2)).isEqualTo(BigDecimal.valueOf(-7, 2));
    cells.add(2, -1);
    assertThat(cells.get(2)).isEqualTo(BigDecimal.valueOf(-8, 2));
  }

  @Test
  void arrowColumnsSumLikeBigDecimal() {
    assertThat(sumColumn(false).isWide()).isFalse();
  }

  @Test
  void arrowColumnsPassing2To127TurnWideMidColumn() {
    assertThat(sumColumn(true).isWide()).isTrue();
  }

  /**
   * Sums 1000 random decimal(38,4) values (NULLs, rows of group -1, longs, 100-bit negatives and,
   * when {@code huge}, 10^38 - 1) into 3 groups through an Arrow vector and checks each group
   * against BigDecimal sums.
   */
  private static DecimalCells sumColumn(boolean huge) {
    SplittableRandom random = new SplittableRandom(3);
    int rows = 1000;
    try (BufferAllocator allocator = TestMemory.allocator();
        DecimalVector vector = new DecimalVector("d", allocator, 38, 4)) {
      vector.allocateNew(rows);
      BigDecimal[] values = new BigDecimal[rows];
      int[] groups = new int[rows];
      for (int i = 0; i < rows; i++) {
        groups[i] = random.nextInt(4) - 1;
        if (random.nextInt(10) == 0) {
          vector.setNull(i);
          continue;
        }
        BigInteger unscaled =
            switch (random.nextInt(huge ? 3 : 2)) {
              case 0 -> BigInteger.valueOf(random.nextLong());
              case 1 -> new BigInteger(100, new Random(i)).negate();
              default -> BigInteger.TEN.pow(38).subtract(BigInteger.ONE);
            };
        values[i] = new BigDecimal(unscaled, 4);
        vector.setSafe(i, values[i]);
      }
      vector.setValueCount(rows);
      boolean[] nulls = new boolean[rows];
      for (int i = 0; i < rows; i++) {
        nulls[i] = vector.isNull(i);
      }
      DecimalCells cells = new DecimalCells(4);
      cells.ensure(3);
      boolean[] seen = new boolean[3];
      cells.addColumn(vector.getDataBuffer(), nulls, groups, rows, seen);
      BigDecimal[] expected = new BigDecimal[3];
      for (int g = 0; g < 3; g++) {
        expected[g] = BigDecimal.ZERO.setScale(4);
      }
      for (int i = 0; i < rows; i++) {
        if (groups[i] >= 0 && values[i] != null) {
          expected[groups[i]] = expected[groups[i]].add(values[i]);
        }
      }
      for (int g = 0; g < 3; g++) {
        assertThat(cells.get(g)).isEqualTo(expected[g]);
        assertThat(seen[g]).isTrue();
      }
      return cells;
    }
  }
}
