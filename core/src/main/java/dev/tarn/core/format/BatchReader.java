package dev.tarn.core.format;

import dev.tarn.core.batch.Batch;

/**
 * Batches read from one file, in file order. Each batch returned by {@link #next()} is owned by the
 * caller. Errors in the data are {@link dev.tarn.core.error.TarnException}s of code BAD_DATA naming
 * the file and the row (or Parquet row group).
 */
public interface BatchReader extends AutoCloseable {
  /** The next batch, or {@code null} at the end of the file. */
  Batch next();

  /** Bytes read from storage so far. */
  long bytesRead();

  @Override
  void close();
}
