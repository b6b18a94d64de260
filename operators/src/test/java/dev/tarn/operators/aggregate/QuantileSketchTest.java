package dev.tarn.operators.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class QuantileSketchTest {
  private static final double[] FRACTIONS = {0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1};

  /** The rank error of {@code value} as a quantile of sorted {@code values}: 0 when exact. */
  private static double rankError(double[] sorted, double value, double fraction) {
    int below = lowerBound(sorted, value);
    int atOrBelow = upperBound(sorted, value);
    double target = Math.max(1, Math.ceil(fraction * sorted.length));
    if (target <= below) {
      return (below - target + 1) / sorted.length;
    }
    if (target > atOrBelow) {
      return (target - atOrBelow) / sorted.length;
    }
    return 0;
  }

  private static int lowerBound(double[] sorted, double value) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] < value) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private static int upperBound(double[] sorted, double value) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] <= value) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  @Test
  void smallInputsAreExact() {
    QuantileSketch sketch = new QuantileSketch();
    for (int v = 10; v >= 1; v--) {
      sketch.add(v);
    }
    assertThat(sketch.quantile(0)).isEqualTo(1);
    assertThat(sketch.quantile(0.5)).isEqualTo(5);
    assertThat(sketch.quantile(0.51)).isEqualTo(6);
    assertThat(sketch.quantile(1)).isEqualTo(10);
    assertThat(new QuantileSketch().quantile(0.5)).isNaN();
  }

  @Test
  void millionValuesStayWithinOnePercentRankError() {
    Random random = new Random(7);
    int n = 1_000_000;
    double[] values = new double[n];
    QuantileSketch sketch = new QuantileSketch();
    for (int i = 0; i < n; i++) {
      // Skewed, with many duplicates in the tail.
      values[i] = i % 10 == 0 ? Math.floor(random.nextDouble() * 50) : random.nextGaussian() * 1e6;
      sketch.add(values[i]);
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    for (double fraction : FRACTIONS) {
      assertThat(rankError(sorted, sketch.quantile(fraction), fraction))
          .as("fraction %s", fraction)
          .isLessThanOrEqualTo(0.01);
    }
    assertThat(sketch.quantile(0)).isEqualTo(sorted[0]);
    assertThat(sketch.quantile(1)).isEqualTo(sorted[n - 1]);
  }

  @Test
  void mergedSketchesMatchOnePassWithinTheSameError() {
    Random random = new Random(13);
    int parts = 7;
    int n = 300_000;
    double[] values = new double[n];
    QuantileSketch[] partials = new QuantileSketch[parts];
    for (int p = 0; p < parts; p++) {
      partials[p] = new QuantileSketch();
    }
    // Sorted runs per part (the worst case for compactors), of different sizes.
    for (int i = 0; i < n; i++) {
      values[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      double t = values[i];
      values[i] = values[j];
      values[j] = t;
    }
    for (int i = 0; i < n; i++) {
      partials[(int) Math.min(parts - 1, (long) i * i / ((long) n * n / parts))].add(values[i]);
    }
    QuantileSketch merged = new QuantileSketch();
    for (QuantileSketch partial : partials) {
      byte[] bytes = partial.serialize();
      byte[] padded = new byte[bytes.length + 3];
      System.arraycopy(bytes, 0, padded, 3, bytes.length);
      merged.merge(padded, 3, bytes.length);
    }
    assertThat(merged.count()).isEqualTo(n);
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    for (double fraction : FRACTIONS) {
      assertThat(rankError(sorted, merged.quantile(fraction), fraction))
          .as("fraction %s", fraction)
          .isLessThanOrEqualTo(0.01);
    }
  }
}
