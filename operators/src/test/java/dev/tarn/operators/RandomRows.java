package dev.tarn.operators;

import dev.tarn.core.meta.Column;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Seeded random rows of any Tarn type, with NULLs, for comparisons with DuckDB. */
public final class RandomRows {
  private static final String[] WORDS = {
    "apple", "Apricot", "banana", "b", "", "cherry", "ábaco", "Ärger", "zebra", "a_c", "a%b", "abc",
    " pad ", "x", "ab"
  };

  private RandomRows() {}

  /**
   * Rows whose first column is a unique bigint id (0, 1, ...) followed by random values for the
   * other {@code columns}, as {@link #generate} makes them: a total order for comparing results.
   */
  public static List<List<Object>> withIds(
      List<Column> columns, int count, double nullRate, long seed) {
    List<List<Object>> random = generate(columns.subList(1, columns.size()), count, nullRate, seed);
    List<List<Object>> rows = new ArrayList<>(random.size());
    for (int i = 0; i < random.size(); i++) {
      List<Object> row = new ArrayList<>(columns.size());
      row.add((long) i);
      row.addAll(random.get(i));
      rows.add(row);
    }
    return rows;
  }

  /**
   * {@code count} rows; each value is NULL with probability {@code nullRate}. Integers stay in
   * small ranges so that groups and join keys repeat.
   */
  public static List<List<Object>> generate(
      List<Column> columns, int count, double nullRate, long seed) {
    Random random = new Random(seed);
    List<List<Object>> rows = new ArrayList<>(count);
    for (int r = 0; r < count; r++) {
      List<Object> row = new ArrayList<>(columns.size());
      for (Column c : columns) {
        if (random.nextDouble() < nullRate) {
          row.add(null);
          continue;
        }
        switch (c.type().kind()) {
          case BOOLEAN:
            row.add(random.nextBoolean());
            break;
          case TINYINT:
          case SMALLINT:
          case INTEGER:
            row.add((long) (random.nextInt(41) - 20));
            break;
          case BIGINT:
            row.add((long) (random.nextInt(2001) - 1000));
            break;
          case REAL:
          case DOUBLE:
            row.add(Math.round((random.nextDouble() * 200 - 100) * 1000) / 1000.0);
            break;
          case DECIMAL:
            long bound = (long) Math.pow(10, Math.min(c.type().precision(), 9));
            row.add(BigDecimal.valueOf(random.nextLong() % bound, c.type().scale()));
            break;
          case VARCHAR:
            row.add(WORDS[random.nextInt(WORDS.length)]);
            break;
          case VARBINARY:
            row.add(new byte[] {(byte) random.nextInt(4), (byte) random.nextInt(256)});
            break;
          case DATE:
            row.add(LocalDate.of(1995, 1, 1).plusDays(random.nextInt(3000)));
            break;
          case TIMESTAMP:
            row.add(
                LocalDateTime.of(1995, 1, 1, 0, 0)
                    .plusSeconds(random.nextInt(100_000_000))
                    .plusNanos(random.nextInt(1000) * 1000L));
            break;
        }
      }
      rows.add(row);
    }
    return rows;
  }
}
