package dev.tarn.core.format;

import dev.tarn.core.storage.FileEntry;
import dev.tarn.core.storage.LakeStorage;
import org.apache.arrow.memory.BufferAllocator;

/** Reads files of one format into Arrow batches. Implementations are stateless and shareable. */
public interface FormatReader {
  /**
   * Opens a file for reading. Vectors are allocated from {@code allocator}.
   *
   * @throws dev.tarn.core.error.TarnException BAD_DATA if the file is not of this format, naming
   *     the file; PATH_NOT_FOUND if it does not exist
   */
  BatchReader open(
      LakeStorage storage, FileEntry file, ScanRequest request, BufferAllocator allocator);
}
