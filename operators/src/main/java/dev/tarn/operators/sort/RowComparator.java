package dev.tarn.operators.sort;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.plan.SortKey;
import dev.tarn.core.type.SqlType;
import dev.tarn.operators.expr.Lane;
import dev.tarn.operators.expr.Lanes;
import java.math.BigDecimal;
import java.util.List;

/**
 * Compares two rows of one batch by sort keys. The key columns are read once into lanes; each
 * comparison then walks the keys with a switch on the lane kind (no boxing, except for decimals too
 * wide for a long).
 */
public final class RowComparator {
  private final Lane[] lanes;
  private final boolean[] ascending;
  private final boolean[] nullsFirst;

  public RowComparator(Batch batch, List<SortKey> keys) {
    int k = keys.size();
    lanes = new Lane[k];
    ascending = new boolean[k];
    nullsFirst = new boolean[k];
    List<dev.tarn.core.meta.Column> columns = batch.columns();
    for (int i = 0; i < k; i++) {
      SortKey key = keys.get(i);
      SqlType type = columns.get(key.column()).type();
      lanes[i] = Lanes.read(batch.vector(key.column()), type, batch.rowCount());
      ascending[i] = key.ascending();
      nullsFirst[i] = key.nullsFirst();
    }
  }

  public int compare(int a, int b) {
    return compare(a, this, b);
  }

  /**
   * Compares row {@code a} of this comparator's batch with row {@code b} of {@code other}'s (a
   * batch of the same layout and keys): what merging sorted runs needs.
   */
  public int compare(int a, RowComparator other, int b) {
    for (int k = 0; k < lanes.length; k++) {
      Lane lane = lanes[k];
      Lane otherLane = other.lanes[k];
      boolean na = lane.isNull(a);
      boolean nb = otherLane.isNull(b);
      if (na || nb) {
        if (na && nb) {
          continue;
        }
        // NULL placement is independent of the direction.
        return na == nullsFirst[k] ? -1 : 1;
      }
      int c;
      if (lane instanceof Lane.Longs l) {
        c = Long.compare(l.values[a], ((Lane.Longs) otherLane).values[b]);
      } else if (lane instanceof Lane.Doubles d) {
        c = Double.compare(d.values[a], ((Lane.Doubles) otherLane).values[b]);
      } else if (lane instanceof Lane.Decimals d) {
        Lane.Decimals e = (Lane.Decimals) otherLane;
        if (d.unscaled != null && e.unscaled != null) {
          c = Long.compare(d.unscaled[a], e.unscaled[b]);
        } else {
          BigDecimal x =
              d.unscaled != null ? BigDecimal.valueOf(d.unscaled[a], d.type.scale()) : d.big[a];
          BigDecimal y =
              e.unscaled != null ? BigDecimal.valueOf(e.unscaled[b], e.type.scale()) : e.big[b];
          c = x.compareTo(y);
        }
      } else if (lane instanceof Lane.Strings s) {
        c = compareBytes(s, a, (Lane.Strings) otherLane, b);
      } else {
        Lane.Bools bools = (Lane.Bools) lane;
        c = Boolean.compare(bools.values[a], ((Lane.Bools) otherLane).values[b]);
      }
      if (c != 0) {
        return ascending[k] ? c : -c;
      }
    }
    return 0;
  }

  private static int compareBytes(Lane.Strings s, int a, Lane.Strings t, int b) {
    int as = s.offsets[a];
    int ae = s.offsets[a + 1];
    int bs = t.offsets[b];
    int be = t.offsets[b + 1];
    int common = Math.min(ae - as, be - bs);
    int mismatch = java.util.Arrays.mismatch(s.data, as, as + common, t.data, bs, bs + common);
    if (mismatch >= 0) {
      return Integer.compare(s.data[as + mismatch] & 0xff, t.data[bs + mismatch] & 0xff);
    }
    return Integer.compare(ae - as, be - bs);
  }

  /** A stable merge sort of {@code rows} by this comparator (no boxing of indexes). */
  public void sort(int[] rows) {
    int[] scratch = rows.clone();
    mergeSort(scratch, rows, 0, rows.length);
  }

  private void mergeSort(int[] src, int[] dst, int from, int to) {
    int length = to - from;
    if (length < 16) {
      for (int i = from + 1; i < to; i++) {
        int v = dst[i];
        int j = i - 1;
        while (j >= from && compare(dst[j], v) > 0) {
          dst[j + 1] = dst[j];
          j--;
        }
        dst[j + 1] = v;
      }
      return;
    }
    int mid = (from + to) >>> 1;
    mergeSort(dst, src, from, mid);
    mergeSort(dst, src, mid, to);
    if (compare(src[mid - 1], src[mid]) <= 0) {
      System.arraycopy(src, from, dst, from, length);
      return;
    }
    for (int i = from, p = from, q = mid; i < to; i++) {
      if (q >= to || (p < mid && compare(src[p], src[q]) <= 0)) {
        dst[i] = src[p++];
      } else {
        dst[i] = src[q++];
      }
    }
  }
}
