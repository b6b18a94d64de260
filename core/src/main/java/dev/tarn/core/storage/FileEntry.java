package dev.tarn.core.storage;

import java.util.Objects;

/** A file in lake storage: its path (as storage names it), size in bytes and modification time. */
public record FileEntry(String path, long size, long modifiedMillis) {
  public FileEntry {
    Objects.requireNonNull(path, "path");
  }
}
