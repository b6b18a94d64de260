package dev.tarn.core.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A storage that lists each folder at most once: for one planning, where the cost estimates and the
 * scans both want a table's files (on object storage, each listing is a paged LIST request). A
 * listing that fails is not kept, so every caller sees its error. Not thread-safe: one per
 * planning.
 */
public final class ListingCache implements LakeStorage {
  private final LakeStorage storage;
  private final Map<String, List<FileEntry>> files = new HashMap<>();

  public ListingCache(LakeStorage storage) {
    this.storage = Objects.requireNonNull(storage, "storage");
  }

  @Override
  public boolean exists(String location) {
    return storage.exists(location);
  }

  @Override
  public List<FileEntry> listFiles(String location) {
    List<FileEntry> listed = files.get(location);
    if (listed == null) {
      listed = List.copyOf(storage.listFiles(location));
      files.put(location, listed);
    }
    return listed;
  }

  @Override
  public List<String> listFolders(String location) {
    return storage.listFolders(location);
  }

  @Override
  public InputStream open(String path) throws IOException {
    return storage.open(path);
  }

  @Override
  public Path localPath(String location) {
    return storage.localPath(location);
  }
}
