package dev.tarn.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStorageTest {

  @TempDir Path dir;
  final LocalStorage storage = new LocalStorage();

  void touch(String relative, String content) throws IOException {
    Path file = dir.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }

  @Test
  void listsDataFilesRecursivelySortedSkippingHiddenOnes() throws IOException {
    touch("b/part-1.csv", "xx");
    touch("a/part-0.csv", "x");
    touch("a/.part-0.csv.crc", "crc");
    touch("_SUCCESS", "");
    touch("_temporary/0/part-9.csv", "tmp");
    touch(".hidden/part-8.csv", "h");
    touch("top.csv", "top");

    List<FileEntry> files = storage.listFiles(dir.toString());
    assertThat(files)
        .extracting(FileEntry::path)
        .containsExactly(
            dir.resolve("a/part-0.csv").toString(),
            dir.resolve("b/part-1.csv").toString(),
            dir.resolve("top.csv").toString());
    assertThat(files).extracting(FileEntry::size).containsExactly(1L, 2L, 3L);
    // A file: URI names the same files.
    assertThat(storage.listFiles(dir.toUri().toString())).isEqualTo(files);
    assertThat(storage.listFiles("file:" + dir)).isEqualTo(files);
  }

  @Test
  void listsImmediateFoldersSorted() throws IOException {
    touch("y=2/f.csv", "");
    touch("x=1/deeper/f.csv", "");
    touch("plain.csv", "");
    assertThat(storage.listFolders(dir.toString()))
        .containsExactly(dir.resolve("x=1").toString(), dir.resolve("y=2").toString());
  }

  @Test
  void opensFilesAndKnowsWhatExists() throws IOException {
    touch("a.txt", "hello");
    String location = dir.resolve("a.txt").toUri().toString();
    assertThat(storage.exists(location)).isTrue();
    assertThat(storage.exists(dir.resolve("nope").toString())).isFalse();
    try (InputStream in = storage.open(location)) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
    }
    assertThat(storage.localPath(location)).isEqualTo(dir.resolve("a.txt"));
  }

  @Test
  void missingLocationIsPathNotFoundNamingIt() {
    String missing = dir.resolve("no/such/table").toString();
    assertThatThrownBy(() -> storage.listFiles(missing))
        .isInstanceOfSatisfying(
            TarnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PATH_NOT_FOUND))
        .hasMessage("location does not exist: " + missing);
    assertThatThrownBy(() -> storage.listFolders(missing))
        .hasMessage("location does not exist: " + missing);
    assertThatThrownBy(() -> storage.open(missing))
        .isInstanceOf(TarnException.class)
        .hasMessage("file does not exist: " + missing);
  }
}
