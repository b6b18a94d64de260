package dev.tarn.core.format;

import dev.tarn.core.format.csv.CsvFormatReader;
import dev.tarn.core.format.json.JsonFormatReader;
import dev.tarn.core.format.parquet.ParquetFormatReader;
import dev.tarn.core.meta.FileFormat;

/** The reader of each file format. Readers are stateless, so one instance of each is shared. */
public final class FormatReaders {
  private static final FormatReader PARQUET = new ParquetFormatReader();
  private static final FormatReader CSV = new CsvFormatReader();
  private static final FormatReader JSON = new JsonFormatReader();

  private FormatReaders() {}

  public static FormatReader forFormat(FileFormat format) {
    switch (format) {
      case PARQUET:
        return PARQUET;
      case CSV:
        return CSV;
      case JSON:
        return JSON;
    }
    throw new AssertionError(format);
  }
}
