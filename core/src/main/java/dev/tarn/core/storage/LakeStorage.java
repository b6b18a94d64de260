package dev.tarn.core.storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Where a lake's files live. Locations are local paths or {@code file:} URIs today; S3-compatible
 * storage comes later behind the same interface.
 */
public interface LakeStorage {
  /** Whether a file or folder exists at the location. */
  boolean exists(String location);

  /**
   * Data files below a folder, recursively, sorted by path; hidden files and folders (names
   * starting with {@code .} or {@code _}) are skipped as Hive and Athena skip them.
   *
   * @throws dev.tarn.core.error.TarnException PATH_NOT_FOUND naming the location if it is missing
   */
  List<FileEntry> listFiles(String location);

  /**
   * Immediate sub-folders of a folder, as full locations sorted by name (for partition discovery);
   * hidden ones are included, callers that walk partitions skip them by name.
   *
   * @throws dev.tarn.core.error.TarnException PATH_NOT_FOUND naming the location if it is missing
   */
  List<String> listFolders(String location);

  InputStream open(String path) throws IOException;

  /** A local file system path for the location (local storage only; used by Parquet I/O). */
  java.nio.file.Path localPath(String location);
}
