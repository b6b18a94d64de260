package dev.tarn.core.storage;

import dev.tarn.core.meta.Column;
import dev.tarn.core.meta.Partition;
import dev.tarn.core.meta.TableMetadata;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Hive-style partition folders: {@code <table location>/k1=v1/k2=v2/...}.
 *
 * <p>Example, for a table partitioned by {@code (year, country)}:
 *
 * <pre>
 *   /lake/sales/year=2024/country=US/part-0.parquet   -> Partition([2024, US], /lake/sales/year=2024/country=US)
 *   /lake/sales/year=2024/country=a%2Fb/              -> Partition([2024, a/b], ...)
 *   /lake/sales/year=2024/country=__HIVE_DEFAULT_PARTITION__/ -> the value stays as is (SQL NULL)
 *   /lake/sales/tmp/, /lake/sales/year=2024/junk/     -> ignored
 * </pre>
 *
 * <p>Values are escaped the way Hive escapes them: characters that are special in paths become
 * {@code %XX} (upper-case hex). Decoding reads {@code %XX} sequences as UTF-8 bytes, which is
 * Hive's behaviour for the ASCII characters Hive escapes and also reads folders that other writers
 * URL-encoded.
 */
public final class HivePartitions {

  private HivePartitions() {}

  /**
   * The partitions found below the table's location, sorted by location. An unpartitioned table has
   * none. Folders whose name is not {@code <expected column>=<value>} at their depth are ignored,
   * as are hidden folders (names starting with {@code .} or {@code _}).
   *
   * @throws dev.tarn.core.error.TarnException PATH_NOT_FOUND if the table location is missing
   */
  public static List<Partition> discover(LakeStorage storage, TableMetadata table) {
    List<Column> keys = table.partitionColumns();
    List<Partition> out = new ArrayList<>();
    if (keys.isEmpty()) {
      return out;
    }
    walk(storage, keys, table.location(), 0, new ArrayList<>(), out);
    out.sort(Comparator.comparing(Partition::location));
    return out;
  }

  private static void walk(
      LakeStorage storage,
      List<Column> keys,
      String folder,
      int depth,
      List<String> values,
      List<Partition> out) {
    String expected = keys.get(depth).name();
    for (String child : storage.listFolders(folder)) {
      String name = lastSegment(child);
      int eq = name.indexOf('=');
      if (eq <= 0 || !name.substring(0, eq).equalsIgnoreCase(expected)) {
        continue;
      }
      String raw = name.substring(eq + 1);
      String value = Partition.DEFAULT_PARTITION.equals(raw) ? raw : unescape(raw);
      values.add(value);
      if (depth + 1 == keys.size()) {
        out.add(new Partition(values, child));
      } else {
        walk(storage, keys, child, depth + 1, values, out);
      }
      values.remove(values.size() - 1);
    }
  }

  /**
   * The relative folder of a partition, {@code k1=v1/k2=v2}, with Hive's escaping; a {@code null}
   * value is written as {@value Partition#DEFAULT_PARTITION}. Column names are lower-cased as Hive
   * writes them.
   */
  public static String partitionPath(List<Column> partitionColumns, List<String> values) {
    Objects.requireNonNull(partitionColumns, "partitionColumns");
    Objects.requireNonNull(values, "values");
    if (partitionColumns.size() != values.size()) {
      throw new IllegalArgumentException(
          "expected " + partitionColumns.size() + " partition values, got " + values.size());
    }
    StringBuilder path = new StringBuilder();
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        path.append('/');
      }
      path.append(escape(partitionColumns.get(i).name().toLowerCase(Locale.ROOT))).append('=');
      String value = values.get(i);
      path.append(value == null || value.isEmpty() ? Partition.DEFAULT_PARTITION : escape(value));
    }
    return path.toString();
  }

  /** Hive's {@code FileUtils.escapePathName}. */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (needsEscape(c)) {
        out.append('%').append(String.format(Locale.ROOT, "%02X", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean needsEscape(char c) {
    if (c < 0x20 || c == 0x7F) {
      return true;
    }
    return "\"#%'*/:=?\\{[]^".indexOf(c) >= 0;
  }

  /** Decodes {@code %XX} sequences (as UTF-8 bytes); a {@code %} not followed by hex stays. */
  static String unescape(String text) {
    if (text.indexOf('%') < 0) {
      return text;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
    StringBuilder out = new StringBuilder(text.length());
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '%' && isHex(text, i + 1) && isHex(text, i + 2)) {
        bytes.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
        i += 3;
        continue;
      }
      flush(bytes, out);
      out.append(c);
      i++;
    }
    flush(bytes, out);
    return out.toString();
  }

  private static boolean isHex(String text, int index) {
    return index < text.length() && Character.digit(text.charAt(index), 16) >= 0;
  }

  private static void flush(ByteArrayOutputStream bytes, StringBuilder out) {
    if (bytes.size() > 0) {
      out.append(new String(bytes.toByteArray(), StandardCharsets.UTF_8));
      bytes.reset();
    }
  }

  private static String lastSegment(String location) {
    String trimmed =
        location.endsWith("/") ? location.substring(0, location.length() - 1) : location;
    int slash = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
    return slash < 0 ? trimmed : trimmed.substring(slash + 1);
  }
}
