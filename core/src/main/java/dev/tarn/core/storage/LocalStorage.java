package dev.tarn.core.storage;

import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Lake storage on the local file system (or anything mounted into it).
 *
 * <p>Accepts plain paths ({@code /data/lake/orders}, {@code ./tarn-data/x}) and {@code file:} URIs
 * ({@code file:/data/lake}, {@code file:///data/lake}). Every location this class returns (file
 * paths of {@link #listFiles}, folders of {@link #listFolders}) is an absolute, normalized plain
 * path, so that the same file always has the same name whichever way its table was declared.
 */
public final class LocalStorage implements LakeStorage {

  @Override
  public boolean exists(String location) {
    return Files.exists(localPath(location));
  }

  @Override
  public List<FileEntry> listFiles(String location) {
    Path root = existingFolderOrFile(location);
    List<FileEntry> files = new ArrayList<>();
    try {
      if (Files.isRegularFile(root)) {
        // A table location may name a single file; Athena does not allow it, but crawlers and
        // tests find it convenient, and it has one obvious meaning.
        files.add(entry(root, Files.readAttributes(root, BasicFileAttributes.class)));
        return files;
      }
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              return !dir.equals(root) && isHidden(dir)
                  ? FileVisitResult.SKIP_SUBTREE
                  : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              if (attrs.isRegularFile() && !isHidden(file)) {
                files.add(entry(file, attrs));
              }
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new TarnException(
          ErrorCode.PATH_NOT_FOUND, "cannot list " + location + ": " + e.getMessage(), e);
    }
    files.sort(Comparator.comparing(FileEntry::path));
    return files;
  }

  @Override
  public List<String> listFolders(String location) {
    Path root = existingFolderOrFile(location);
    List<String> folders = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return folders;
    }
    try (Stream<Path> children = Files.list(root)) {
      children.filter(Files::isDirectory).forEach(p -> folders.add(p.toString()));
    } catch (IOException | UncheckedIOException e) {
      throw new TarnException(
          ErrorCode.PATH_NOT_FOUND, "cannot list " + location + ": " + e.getMessage(), e);
    }
    folders.sort(Comparator.naturalOrder());
    return folders;
  }

  @Override
  public InputStream open(String path) throws IOException {
    try {
      return Files.newInputStream(localPath(path));
    } catch (NoSuchFileException e) {
      throw new TarnException(ErrorCode.PATH_NOT_FOUND, "file does not exist: " + path, e);
    }
  }

  @Override
  public Path localPath(String location) {
    try {
      Path path = location.startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location);
      return path.toAbsolutePath().normalize();
    } catch (IllegalArgumentException e) { // also InvalidPathException
      throw new TarnException(
          ErrorCode.INVALID_ARGUMENT, "not a valid local location: " + location, e);
    }
  }

  private Path existingFolderOrFile(String location) {
    Path path = localPath(location);
    if (!Files.exists(path)) {
      throw new TarnException(ErrorCode.PATH_NOT_FOUND, "location does not exist: " + location);
    }
    return path;
  }

  /** Hive and Athena skip {@code .hidden} and {@code _SUCCESS}/{@code _temporary} entries. */
  private static boolean isHidden(Path path) {
    Path name = path.getFileName();
    if (name == null) {
      return false;
    }
    String text = name.toString();
    return text.startsWith(".") || text.startsWith("_");
  }

  private static FileEntry entry(Path file, BasicFileAttributes attrs) {
    return new FileEntry(file.toString(), attrs.size(), attrs.lastModifiedTime().toMillis());
  }
}
