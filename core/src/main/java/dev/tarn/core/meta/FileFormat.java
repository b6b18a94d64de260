package dev.tarn.core.meta;

import java.util.Locale;

/** The file formats a table's files can be stored as. */
public enum FileFormat {
  PARQUET,
  CSV,
  JSON;

  /** Parses the word after {@code STORED AS}; {@code TEXTFILE} means CSV as in Athena. */
  public static FileFormat parse(String word) {
    switch (word.toUpperCase(Locale.ROOT)) {
      case "PARQUET":
        return PARQUET;
      case "CSV":
      case "TEXTFILE":
        return CSV;
      case "JSON":
        return JSON;
      default:
        throw new IllegalArgumentException("unknown file format '" + word + "'");
    }
  }
}
