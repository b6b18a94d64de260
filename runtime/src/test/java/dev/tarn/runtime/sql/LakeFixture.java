package dev.tarn.runtime.sql;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.batch.BatchRows;
import dev.tarn.core.format.parquet.ParquetBatchWriter;
import dev.tarn.core.meta.Column;
import dev.tarn.core.type.SqlType;
import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.arrow.memory.BufferAllocator;

/**
 * A small lake written by the tests themselves: one {@code sales} data set, Hive-partitioned on
 * {@code region}, stored three times (Parquet, CSV with a header, JSON lines), and an unpartitioned
 * {@code customers} table (Parquet) to join with. Values are drawn from a fixed seed, with NULLs.
 *
 * <pre>
 *   root/sales_parquet/region=east/part-0.parquet, part-1.parquet, region=west/..., ...
 *   root/sales_csv/region=east/part-0.csv ...
 *   root/sales_json/region=east/part-0.json ...
 *   root/customers/customers.parquet
 * </pre>
 */
public final class LakeFixture {
  public static final List<String> REGIONS = List.of("east", "north", "south", "west");
  public static final int FILES_PER_REGION = 2;
  public static final List<Column> SALES =
      List.of(
          new Column("id", SqlType.BIGINT),
          new Column("customer_id", SqlType.INTEGER),
          new Column("product", SqlType.VARCHAR),
          new Column("quantity", SqlType.INTEGER),
          new Column("price", SqlType.DOUBLE),
          new Column("amount", SqlType.decimal(10, 2)),
          new Column("sale_date", SqlType.DATE),
          new Column("sold_at", SqlType.TIMESTAMP),
          new Column("returned", SqlType.BOOLEAN));
  public static final List<Column> CUSTOMERS =
      List.of(
          new Column("customer_id", SqlType.INTEGER),
          new Column("name", SqlType.VARCHAR),
          new Column("segment", SqlType.VARCHAR),
          new Column("credit", SqlType.decimal(12, 2)));
  private static final String[] PRODUCTS = {
    "anchor", "buoy", "canoe", "dinghy", "oar", "paddle", "rope", "sail"
  };
  private static final String[] SEGMENTS = {"retail", "wholesale", "online"};
  private static final java.time.format.DateTimeFormatter TIMESTAMP_TEXT =
      java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

  private final Path root;
  private final Map<String, List<List<Object>>> salesByRegion = new TreeMap<>();

  private LakeFixture(Path root) {
    this.root = root;
  }

  /** Writes the lake under {@code root}. */
  public static LakeFixture write(Path root, BufferAllocator allocator) throws IOException {
    LakeFixture lake = new LakeFixture(root);
    lake.generate();
    lake.writeSales(allocator);
    lake.writeCustomers(allocator);
    return lake;
  }

  public Path root() {
    return root;
  }

  /** Parquet files in one region's partition folder. */
  public int filesIn(String region) {
    return FILES_PER_REGION;
  }

  private void generate() {
    Random random = new Random(20261124);
    long id = 1;
    for (String region : REGIONS) {
      List<List<Object>> rows = new ArrayList<>();
      int count = 150 + random.nextInt(100);
      for (int i = 0; i < count; i++) {
        List<Object> row = new ArrayList<>();
        row.add(id++);
        row.add(random.nextInt(10) == 0 ? null : (long) (1 + random.nextInt(40)));
        row.add(random.nextInt(20) == 0 ? null : PRODUCTS[random.nextInt(PRODUCTS.length)]);
        row.add((long) (1 + random.nextInt(20)));
        row.add(random.nextInt(15) == 0 ? null : Math.round(random.nextDouble() * 10000) / 100.0);
        row.add(BigDecimal.valueOf(random.nextInt(1_000_000), 2));
        LocalDate date = LocalDate.of(2024, 1, 1).plusDays(random.nextInt(500));
        row.add(random.nextInt(25) == 0 ? null : date);
        row.add(
            date.atStartOfDay()
                .plusSeconds(random.nextInt(86_400))
                .plusNanos(random.nextInt(1000) * 1000L));
        row.add(random.nextInt(12) == 0 ? null : random.nextInt(5) == 0);
        rows.add(row);
      }
      salesByRegion.put(region, rows);
    }
  }

  private void writeSales(BufferAllocator allocator) throws IOException {
    for (Map.Entry<String, List<List<Object>>> entry : salesByRegion.entrySet()) {
      List<List<Object>> rows = entry.getValue();
      int per = (rows.size() + FILES_PER_REGION - 1) / FILES_PER_REGION;
      for (int f = 0; f < FILES_PER_REGION; f++) {
        List<List<Object>> part = rows.subList(f * per, Math.min(rows.size(), (f + 1) * per));
        String folder = "region=" + entry.getKey();
        writeParquet(
            root.resolve("sales_parquet").resolve(folder).resolve("part-" + f + ".parquet"),
            SALES,
            part,
            allocator);
        writeCsv(root.resolve("sales_csv").resolve(folder).resolve("part-" + f + ".csv"), part);
        writeJson(root.resolve("sales_json").resolve(folder).resolve("part-" + f + ".json"), part);
      }
    }
  }

  private void writeCustomers(BufferAllocator allocator) throws IOException {
    List<List<Object>> rows = new ArrayList<>();
    Random random = new Random(7);
    for (int id = 1; id <= 30; id++) {
      rows.add(
          List.of(
              (long) id,
              "customer " + id,
              SEGMENTS[random.nextInt(SEGMENTS.length)],
              BigDecimal.valueOf(random.nextInt(10_000_000), 2)));
    }
    writeParquet(
        root.resolve("customers").resolve("customers.parquet"), CUSTOMERS, rows, allocator);
  }

  static void writeParquet(
      Path file, List<Column> columns, List<List<Object>> rows, BufferAllocator allocator)
      throws IOException {
    Files.createDirectories(file.getParent());
    try (ParquetBatchWriter writer = new ParquetBatchWriter(file, columns);
        Batch batch = BatchRows.fromRows(columns, rows, allocator)) {
      writer.write(batch);
    }
  }

  private static void writeCsv(Path file, List<List<Object>> rows) throws IOException {
    Files.createDirectories(file.getParent());
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      List<String> header = new ArrayList<>();
      for (Column c : SALES) {
        header.add(c.name());
      }
      out.write(String.join(",", header) + "\n");
      for (List<Object> row : rows) {
        List<String> fields = new ArrayList<>();
        for (Object v : row) {
          fields.add(v == null ? "" : csvText(v));
        }
        out.write(String.join(",", fields) + "\n");
      }
    }
  }

  private static String csvText(Object v) {
    if (v instanceof LocalDateTime ts) {
      return TIMESTAMP_TEXT.format(ts);
    }
    if (v instanceof String s && (s.contains(",") || s.contains("\""))) {
      return "\"" + s.replace("\"", "\"\"") + "\"";
    }
    return v.toString();
  }

  private static void writeJson(Path file, List<List<Object>> rows) throws IOException {
    Files.createDirectories(file.getParent());
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (List<Object> row : rows) {
        StringBuilder line = new StringBuilder("{");
        for (int c = 0; c < SALES.size(); c++) {
          Object v = row.get(c);
          if (v == null) {
            continue; // a missing key reads as NULL
          }
          if (line.length() > 1) {
            line.append(',');
          }
          line.append('"').append(SALES.get(c).name()).append("\":");
          if (v instanceof String || v instanceof LocalDate || v instanceof LocalDateTime) {
            String text = v instanceof LocalDateTime ts ? TIMESTAMP_TEXT.format(ts) : v.toString();
            line.append('"').append(text.replace("\"", "\\\"")).append('"');
          } else {
            line.append(v);
          }
        }
        out.write(line.append("}\n").toString());
      }
    }
  }
}
