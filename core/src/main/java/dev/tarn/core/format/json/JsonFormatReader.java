package dev.tarn.core.format.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tarn.core.batch.Batch;
import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.format.BatchReader;
import dev.tarn.core.format.CountingInputStream;
import dev.tarn.core.format.FormatReader;
import dev.tarn.core.format.ScanRequest;
import dev.tarn.core.format.TextBatchBuilder;
import dev.tarn.core.format.TextValues;
import dev.tarn.core.meta.Column;
import dev.tarn.core.storage.FileEntry;
import dev.tarn.core.storage.LakeStorage;
import dev.tarn.core.type.SqlType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Reads JSON lines files: one JSON object per line, as Athena's JSON SerDes read them.
 *
 * <p>Keys match the table's columns case-insensitively (the last of duplicate keys wins); a missing
 * key or JSON {@code null} is NULL; keys of no projected column are skipped without building
 * anything. Values convert to the column type: numbers to numeric columns (exactly, for decimals),
 * strings parsed as for CSV ({@code "2024-01-02"} for a date, {@code "12.50"} for a decimal),
 * anything to varchar as its text, nested objects and arrays to varchar as their JSON. Array
 * columns read JSON arrays; map columns read JSON objects (keys converted to the key type); row
 * columns read JSON objects whose keys match the field names case-insensitively (missing fields are
 * NULL). Blank lines are skipped. Malformed JSON, or a line that is not an object, is BAD_DATA
 * naming the file and 1-based line.
 */
public final class JsonFormatReader implements FormatReader {

  /** A mapper-backed factory, so that nested values can be read back as JSON text. */
  private static final JsonFactory FACTORY = new ObjectMapper().getFactory();

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
    return new JsonBatchReader(file.path(), raw, request, allocator);
  }

  private static final class JsonBatchReader implements BatchReader {
    private final String file;
    private final BufferedReader lines;
    private final List<Column> outputColumns;
    private final Map<String, Integer> outputByKey = new HashMap<>();
    private final int batchRows;
    private final TextBatchBuilder builder;
    private long lineNumber;
    private final CountingInputStream input;
    private boolean closed;

    JsonBatchReader(String file, InputStream raw, ScanRequest request, BufferAllocator allocator) {
      this.file = file;
      this.input = new CountingInputStream(raw);
      this.lines =
          new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8), 1 << 16);
      this.outputColumns = request.outputColumns();
      for (int i = 0; i < outputColumns.size(); i++) {
        outputByKey.putIfAbsent(outputColumns.get(i).name().toLowerCase(Locale.ROOT), i);
      }
      this.batchRows = request.batchRows();
      this.builder = new TextBatchBuilder(outputColumns, allocator, batchRows);
    }

    @Override
    public Batch next() {
      int rows = 0;
      try {
        while (rows < batchRows) {
          String line = lines.readLine();
          if (line == null) {
            break;
          }
          lineNumber++;
          if (line.isBlank()) {
            continue;
          }
          if (!builder.started()) {
            builder.start();
          }
          readObject(line, rows);
          rows++;
        }
      } catch (IOException e) {
        builder.close();
        throw new TarnException(
            ErrorCode.BAD_DATA, file + ": cannot read (" + e.getMessage() + ")", e);
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

    private void readObject(String line, int row) {
      try (JsonParser parser = FACTORY.createParser(line)) {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
          throw TarnException.badData(file, lineNumber, "expected a JSON object");
        }
        // Duplicate keys: the last one wins, so a key seen again overwrites (NULL included).
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
          Integer column = outputByKey.get(parser.currentName().toLowerCase(Locale.ROOT));
          JsonToken value = parser.nextToken();
          if (column == null) {
            parser.skipChildren();
            continue;
          }
          setValue(parser, value, column, row);
        }
        if (token != JsonToken.END_OBJECT) {
          throw TarnException.badData(file, lineNumber, "malformed JSON object");
        }
        if (parser.nextToken() != null) {
          throw TarnException.badData(file, lineNumber, "text after the JSON object");
        }
      } catch (JsonProcessingException e) {
        throw TarnException.badData(
            file, lineNumber, "malformed JSON (" + e.getOriginalMessage() + ")");
      } catch (IOException e) {
        throw TarnException.badData(file, lineNumber, "malformed JSON (" + e.getMessage() + ")");
      }
    }

    private void setValue(JsonParser parser, JsonToken value, int column, int row)
        throws IOException {
      SqlType type = builder.type(column);
      try {
        if (type.isNested() && value != JsonToken.VALUE_NULL) {
          builder.setNested(column, row, nested(parser, value, type));
          return;
        }
        switch (value) {
          case VALUE_NULL:
            builder.setNull(column, row);
            return;
          case VALUE_TRUE:
          case VALUE_FALSE:
            builder.setBoolean(column, row, value == JsonToken.VALUE_TRUE);
            return;
          case VALUE_NUMBER_INT:
            if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
              builder.setDecimal(column, row, parser.getDecimalValue());
            } else {
              builder.setLong(column, row, parser.getLongValue());
            }
            return;
          case VALUE_NUMBER_FLOAT:
            if (type.kind() == SqlType.Kind.REAL || type.kind() == SqlType.Kind.DOUBLE) {
              builder.setDouble(column, row, parser.getDoubleValue());
            } else {
              builder.setDecimal(column, row, parser.getDecimalValue());
            }
            return;
          case VALUE_STRING:
            builder.setText(column, row, parser.getText());
            return;
          case START_OBJECT:
          case START_ARRAY:
            if (type.kind() != SqlType.Kind.VARCHAR) {
              throw new IllegalArgumentException("expected " + type + ", found nested JSON");
            }
            builder.setText(column, row, parser.readValueAsTree().toString());
            return;
          default:
            throw new IllegalArgumentException("unexpected " + value);
        }
      } catch (IllegalArgumentException e) {
        throw TarnException.badData(
            file,
            lineNumber,
            "column "
                + outputColumns.get(column).name()
                + ": cannot read "
                + parser.getText()
                + " as "
                + type
                + " ("
                + e.getMessage()
                + ")");
      }
    }

    /**
     * The Java value ({@link dev.tarn.core.batch.BatchRows} conventions) of the JSON value that
     * starts at {@code token}, converted to {@code type}.
     */
    private Object nested(JsonParser parser, JsonToken token, SqlType type) throws IOException {
      if (token == JsonToken.VALUE_NULL) {
        return null;
      }
      switch (type.kind()) {
        case ARRAY:
          {
            expectToken(token, JsonToken.START_ARRAY, type);
            List<Object> elements = new ArrayList<>();
            JsonToken next;
            while ((next = parser.nextToken()) != JsonToken.END_ARRAY) {
              elements.add(nested(parser, next, type.elementType()));
            }
            return elements;
          }
        case MAP:
          {
            expectToken(token, JsonToken.START_OBJECT, type);
            Map<Object, Object> entries = new LinkedHashMap<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
              Object key = TextValues.parse(parser.currentName(), type.keyType());
              entries.put(key, nested(parser, parser.nextToken(), type.valueType()));
            }
            return entries;
          }
        case ROW:
          {
            expectToken(token, JsonToken.START_OBJECT, type);
            Object[] fields = new Object[type.children().size()];
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
              int field = fieldIndex(type, parser.currentName());
              JsonToken next = parser.nextToken();
              if (field < 0) {
                parser.skipChildren();
              } else {
                fields[field] = nested(parser, next, type.children().get(field));
              }
            }
            return Arrays.asList(fields);
          }
        case VARCHAR:
          if (token == JsonToken.START_ARRAY || token == JsonToken.START_OBJECT) {
            return parser.readValueAsTree().toString();
          }
          return parser.getText();
        case BOOLEAN:
          if (token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE) {
            return token == JsonToken.VALUE_TRUE;
          }
          break;
        case REAL:
        case DOUBLE:
          if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
            return parser.getDoubleValue();
          }
          break;
        case TINYINT:
        case SMALLINT:
        case INTEGER:
        case BIGINT:
          if (token == JsonToken.VALUE_NUMBER_INT) {
            return parser.getLongValue();
          }
          break;
        case DECIMAL:
          if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
            return parser.getDecimalValue();
          }
          break;
        default:
          break;
      }
      if (token == JsonToken.VALUE_STRING) {
        return TextValues.parse(parser.getText(), type);
      }
      throw new IllegalArgumentException("expected " + type + ", found " + parser.getText());
    }

    private static void expectToken(JsonToken token, JsonToken expected, SqlType type) {
      if (token != expected) {
        throw new IllegalArgumentException(
            "expected "
                + type
                + " as a JSON "
                + (expected == JsonToken.START_ARRAY ? "array" : "object"));
      }
    }

    private static int fieldIndex(SqlType row, String name) {
      for (int f = 0; f < row.fieldNames().size(); f++) {
        if (row.fieldNames().get(f).equalsIgnoreCase(name)) {
          return f;
        }
      }
      return -1;
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
        lines.close();
      } catch (IOException e) {
        // A read handle: closing it cannot lose data.
      }
    }
  }
}
