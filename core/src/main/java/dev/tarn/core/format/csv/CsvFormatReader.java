package dev.tarn.core.format.csv;

import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import dev.tarn.core.batch.Batch;
import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.format.BatchReader;
import dev.tarn.core.format.CountingInputStream;
import dev.tarn.core.format.FormatReader;
import dev.tarn.core.format.ScanRequest;
import dev.tarn.core.format.TextBatchBuilder;
import dev.tarn.core.meta.Column;
import dev.tarn.core.storage.FileEntry;
import dev.tarn.core.storage.LakeStorage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Reads delimited text files (Athena's CSV / TEXTFILE tables) with FastCSV.
 *
 * <p>Table properties:
 *
 * <ul>
 *   <li>{@code field.delim} (or {@code separatorChar}): one-character field separator, default
 *       {@code ,}; {@code \t} is accepted for a tab.
 *   <li>{@code quote.char} (or {@code quoteChar}): default {@code "}.
 *   <li>{@code skip.header.line.count}: leading records to skip, default 0.
 *   <li>{@code serialization.null.format}: a field equal to this text is NULL.
 * </ul>
 *
 * <p>NULLs: an empty field is NULL whatever the column type, as in DuckDB and Athena's
 * OpenCSVSerde-backed tables in practice; FastCSV does not tell a quoted {@code ""} from an empty
 * field, so both are NULL. Fields map to the table's data columns by position; only projected
 * columns are converted. Empty lines are skipped. A record with another number of fields than the
 * table has columns, or a value that does not parse, is BAD_DATA naming the file and the 1-based
 * line (header lines counted).
 */
public final class CsvFormatReader implements FormatReader {

  @Override
  public BatchReader open(
      LakeStorage storage, FileEntry file, ScanRequest request, BufferAllocator allocator) {
    InputStream raw;
    try {
      raw = storage.open(file.path());
    } catch (IOException e) {
      throw new TarnException(
          ErrorCode.PATH_NOT_FOUND, "cannot open " + file.path() + ": " + e.getMessage(), e);
    }
    return new CsvBatchReader(file.path(), raw, request, allocator);
  }

  static char singleChar(Map<String, String> properties, String key, String alias, char fallback) {
    String value = properties.getOrDefault(key, properties.get(alias));
    if (value == null || value.isEmpty()) {
      return fallback;
    }
    if (value.equals("\\t")) {
      return '\t';
    }
    if (value.length() != 1) {
      throw new TarnException(
          ErrorCode.INVALID_ARGUMENT,
          "table property " + key + " must be one character, was '" + value + "'");
    }
    return value.charAt(0);
  }

  private static final class CsvBatchReader implements BatchReader {
    private final String file;
    private final CountingInputStream input;
    private final CsvReader<CsvRecord> csv;
    private final Iterator<CsvRecord> records;
    private final List<Column> fileColumns;
    private final int[] projection;
    private final int batchRows;
    private final String nullFormat;
    private final TextBatchBuilder builder;
    private int headerRecordsLeft;
    private boolean closed;

    CsvBatchReader(String file, InputStream raw, ScanRequest request, BufferAllocator allocator) {
      this.file = file;
      this.input = new CountingInputStream(raw);
      Map<String, String> properties = request.properties();
      try {
        char delimiter = singleChar(properties, "field.delim", "separatorChar", ',');
        char quote = singleChar(properties, "quote.char", "quoteChar", '"');
        this.headerRecordsLeft =
            Integer.parseInt(properties.getOrDefault("skip.header.line.count", "0").trim());
        this.csv =
            CsvReader.builder()
                .fieldSeparator(delimiter)
                .quoteCharacter(quote)
                .skipEmptyLines(true)
                .ignoreDifferentFieldCount(true)
                .ofCsvRecord(input, StandardCharsets.UTF_8);
      } catch (NumberFormatException e) {
        closeInput();
        throw new TarnException(
            ErrorCode.INVALID_ARGUMENT,
            "table property skip.header.line.count must be an integer, was '"
                + properties.get("skip.header.line.count")
                + "'");
      } catch (RuntimeException e) {
        closeInput();
        throw e;
      }
      this.records = csv.iterator();
      this.fileColumns = request.fileColumns();
      this.projection = request.projection();
      this.batchRows = request.batchRows();
      this.nullFormat = properties.get("serialization.null.format");
      this.builder = new TextBatchBuilder(request.outputColumns(), allocator, batchRows);
    }

    @Override
    public Batch next() {
      int rows = 0;
      try {
        while (rows < batchRows) {
          CsvRecord record = nextRecord();
          if (record == null) {
            break;
          }
          if (!builder.started()) {
            builder.start();
          }
          if (record.getFieldCount() != fileColumns.size()) {
            throw TarnException.badData(
                file,
                record.getStartingLineNumber(),
                "expected " + fileColumns.size() + " fields, found " + record.getFieldCount());
          }
          for (int out = 0; out < projection.length; out++) {
            String text = record.getField(projection[out]);
            if (text.isEmpty() || text.equals(nullFormat)) {
              continue;
            }
            try {
              builder.setText(out, rows, text);
            } catch (IllegalArgumentException e) {
              throw TarnException.badData(
                  file,
                  record.getStartingLineNumber(),
                  "column "
                      + fileColumns.get(projection[out]).name()
                      + ": cannot read '"
                      + text
                      + "' as "
                      + builder.type(out)
                      + " ("
                      + e.getMessage()
                      + ")");
            }
          }
          rows++;
        }
      } catch (RuntimeException e) {
        builder.close();
        throw e;
      }
      if (rows == 0) {
        builder.close();
        return null;
      }
      return builder.finish(rows);
    }

    private CsvRecord nextRecord() {
      try {
        while (records.hasNext()) {
          CsvRecord record = records.next();
          if (headerRecordsLeft > 0) {
            headerRecordsLeft--;
            continue;
          }
          return record;
        }
        return null;
      } catch (CsvParseException e) {
        throw new TarnException(
            ErrorCode.BAD_DATA, file + ": malformed CSV (" + message(e) + ")", e);
      } catch (UncheckedIOException e) {
        throw new TarnException(
            ErrorCode.BAD_DATA, file + ": cannot read (" + e.getCause().getMessage() + ")", e);
      }
    }

    private static String message(Throwable e) {
      Throwable cause = e;
      while (cause.getCause() != null && cause.getCause() != cause) {
        cause = cause.getCause();
      }
      return e.getMessage() + (cause != e ? ": " + cause.getMessage() : "");
    }

    @Override
    public long bytesRead() {
      return input.count();
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      builder.close();
      try {
        csv.close();
      } catch (IOException e) {
        // A read handle: closing it cannot lose data.
      }
    }

    private void closeInput() {
      try {
        input.close();
      } catch (IOException e) {
        // A read handle: closing it cannot lose data.
      }
    }
  }
}
