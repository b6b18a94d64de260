package dev.tarn.runtime.demo;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.format.parquet.ParquetBatchWriter;
import dev.tarn.core.meta.Column;
import dev.tarn.core.type.SqlType;
import io.trino.tpch.TpchColumn;
import io.trino.tpch.TpchEntity;
import io.trino.tpch.TpchTable;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;

/**
 * Generates TPC-H tables (the standard dbgen data, through {@code io.trino.tpch}) as Parquet, one
 * folder per table, with the types Trino's TPC-H connector gives them: identifiers bigint, integers
 * integer, money and quantities decimal(12,2), dates date, text varchar.
 */
public final class TpchData {
  private static final int BATCH_ROWS = 16_384;

  private TpchData() {}

  /** The Tarn column of a TPC-H column. */
  public static Column column(TpchColumn<?> column) {
    SqlType type;
    switch (column.getType().getBase()) {
      case IDENTIFIER:
        type = SqlType.BIGINT;
        break;
      case INTEGER:
        type = SqlType.INTEGER;
        break;
      case DATE:
        type = SqlType.DATE;
        break;
      case DOUBLE:
        type = SqlType.decimal(12, 2);
        break;
      case VARCHAR:
        type = SqlType.VARCHAR;
        break;
      default:
        throw new IllegalArgumentException("unknown TPC-H type " + column.getType());
    }
    return new Column(column.getColumnName(), type);
  }

  public static List<Column> columns(TpchTable<?> table) {
    List<Column> out = new ArrayList<>();
    for (TpchColumn<?> c : table.getColumns()) {
      out.add(column(c));
    }
    return out;
  }

  /** {@code CREATE EXTERNAL TABLE} for a table written by {@link #write}. */
  public static String createTableSql(String database, TpchTable<?> table, Path root) {
    StringBuilder sql = new StringBuilder();
    sql.append("CREATE EXTERNAL TABLE IF NOT EXISTS ")
        .append(database)
        .append('.')
        .append(table.getTableName())
        .append(" (");
    List<Column> columns = columns(table);
    for (int i = 0; i < columns.size(); i++) {
      sql.append(i == 0 ? "" : ", ")
          .append(columns.get(i).name())
          .append(' ')
          .append(columns.get(i).type());
    }
    sql.append(") STORED AS PARQUET LOCATION '")
        .append(root.resolve(table.getTableName()).toAbsolutePath())
        .append("'");
    return sql.toString();
  }

  /**
   * Writes every TPC-H table at the scale factor under {@code root}, each as {@code files} Parquet
   * files in {@code root/<table>/}. Skips a table whose folder already exists.
   */
  public static void write(Path root, double scaleFactor, int files, BufferAllocator allocator)
      throws IOException {
    for (TpchTable<?> table : TpchTable.getTables()) {
      Path dir = root.resolve(table.getTableName());
      if (Files.isDirectory(dir)) {
        continue;
      }
      Path tmp = root.resolve("." + table.getTableName() + ".tmp");
      deleteRecursively(tmp);
      Files.createDirectories(tmp);
      int parts = table == TpchTable.NATION || table == TpchTable.REGION ? 1 : files;
      for (int part = 1; part <= parts; part++) {
        writePart(
            table,
            scaleFactor,
            part,
            parts,
            tmp.resolve(String.format("part-%03d.parquet", part)),
            allocator);
      }
      // A table appears whole or not at all: an interrupted run leaves only the hidden folder.
      Files.move(tmp, dir);
    }
  }

  private static <E extends TpchEntity> void writePart(
      TpchTable<E> table, double sf, int part, int parts, Path file, BufferAllocator allocator)
      throws IOException {
    List<Column> columns = columns(table);
    List<TpchColumn<E>> tpchColumns = table.getColumns();
    try (ParquetBatchWriter writer = new ParquetBatchWriter(file, columns)) {
      List<E> rows = new ArrayList<>(BATCH_ROWS);
      for (E row : table.createGenerator(sf, part, parts)) {
        rows.add(row);
        if (rows.size() == BATCH_ROWS) {
          writeBatch(writer, columns, tpchColumns, rows, allocator);
          rows.clear();
        }
      }
      if (!rows.isEmpty()) {
        writeBatch(writer, columns, tpchColumns, rows, allocator);
      }
    }
  }

  private static <E extends TpchEntity> void writeBatch(
      ParquetBatchWriter writer,
      List<Column> columns,
      List<TpchColumn<E>> tpchColumns,
      List<E> rows,
      BufferAllocator allocator)
      throws IOException {
    List<FieldVector> vectors = new ArrayList<>();
    int n = rows.size();
    for (int c = 0; c < columns.size(); c++) {
      Column column = columns.get(c);
      TpchColumn<E> source = tpchColumns.get(c);
      FieldVector vector = column.type().toField(column.name()).createVector(allocator);
      vectors.add(vector);
      switch (column.type().kind()) {
        case BIGINT:
          BigIntVector longs = (BigIntVector) vector;
          longs.allocateNew(n);
          for (int i = 0; i < n; i++) {
            longs.set(i, source.getIdentifier(rows.get(i)));
          }
          break;
        case INTEGER:
          IntVector ints = (IntVector) vector;
          ints.allocateNew(n);
          for (int i = 0; i < n; i++) {
            ints.set(i, source.getInteger(rows.get(i)));
          }
          break;
        case DATE:
          DateDayVector dates = (DateDayVector) vector;
          dates.allocateNew(n);
          for (int i = 0; i < n; i++) {
            dates.set(i, source.getDate(rows.get(i)));
          }
          break;
        case DECIMAL:
          DecimalVector decimals = (DecimalVector) vector;
          decimals.allocateNew(n);
          for (int i = 0; i < n; i++) {
            // dbgen's values have two decimals; round the double to them exactly.
            long cents = Math.round(source.getDouble(rows.get(i)) * 100);
            decimals.set(i, BigDecimal.valueOf(cents, 2));
          }
          break;
        case VARCHAR:
          VarCharVector strings = (VarCharVector) vector;
          strings.allocateNew(n);
          for (int i = 0; i < n; i++) {
            strings.setSafe(i, source.getString(rows.get(i)).getBytes(StandardCharsets.UTF_8));
          }
          break;
        default:
          throw new IllegalStateException("unexpected TPC-H column type " + column.type());
      }
      vector.setValueCount(n);
    }
    try (Batch batch = Batch.of(vectors, n)) {
      writer.write(batch);
    }
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (var walk = Files.walk(path)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
