package dev.tarn.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ListingCacheTest {
  @TempDir Path lake;

  @Test
  void listsEachFolderOnceAndNeverKeepsAFailure() throws Exception {
    Files.createDirectories(lake.resolve("t"));
    Files.writeString(lake.resolve("t").resolve("a.csv"), "1\n");
    int[] listings = new int[1];
    LocalStorage local = new LocalStorage();
    LakeStorage counting =
        new LakeStorage() {
          @Override
          public boolean exists(String location) {
            return local.exists(location);
          }

          @Override
          public List<FileEntry> listFiles(String location) {
            listings[0]++;
            return local.listFiles(location);
          }

          @Override
          public List<String> listFolders(String location) {
            return local.listFolders(location);
          }

          @Override
          public java.io.InputStream open(String path) throws java.io.IOException {
            return local.open(path);
          }

          @Override
          public Path localPath(String location) {
            return local.localPath(location);
          }
        };
    ListingCache cache = new ListingCache(counting);
    String folder = lake.resolve("t").toString();

    List<FileEntry> first = cache.listFiles(folder);
    assertThat(cache.listFiles(folder)).isEqualTo(first).hasSize(1);
    assertThat(listings[0]).isEqualTo(1);

    String missing = lake.resolve("gone").toString();
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> cache.listFiles(missing))
          .isInstanceOfSatisfying(
              TarnException.class,
              e -> assertThat(e.info().code()).isEqualTo(ErrorCode.PATH_NOT_FOUND));
    }
    assertThat(listings[0]).isEqualTo(3);
  }
}
