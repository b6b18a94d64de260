package dev.tarn.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.meta.Column;
import dev.tarn.core.meta.FileFormat;
import dev.tarn.core.meta.Partition;
import dev.tarn.core.meta.TableMetadata;
import dev.tarn.core.type.SqlType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HivePartitionsTest {

  @TempDir Path dir;

  static final List<Column> KEYS =
      List.of(new Column("year", SqlType.INTEGER), new Column("country", SqlType.VARCHAR));

  TableMetadata table(String location, List<Column> keys) {
    return new TableMetadata(
        "db",
        "sales",
        List.of(new Column("amount", SqlType.DOUBLE)),
        keys,
        FileFormat.PARQUET,
        location,
        Map.of());
  }

  void folder(String relative) throws IOException {
    Files.createDirectories(dir.resolve(relative));
  }

  @Test
  void discoversTwoLevelsIgnoringJunk() throws IOException {
    folder("year=2024/country=US");
    folder("year=2024/country=a%2Fb%3Dc%25");
    folder("year=2023/COUNTRY=fr");
    folder("Year=2023/country=__HIVE_DEFAULT_PARTITION__");
    folder("year=2022/country=caf%C3%A9");
    folder("year=2024/junk");
    folder("year=2024/region=EU");
    folder("tmp/country=US");
    folder("country=US/year=2024");
    folder("_temporary/year=2020");
    folder("year=2021"); // no second level: not a partition

    List<Partition> partitions =
        HivePartitions.discover(new LocalStorage(), table(dir.toString(), KEYS));
    assertThat(partitions)
        .containsExactly(
            new Partition(
                List.of("2023", Partition.DEFAULT_PARTITION),
                dir.resolve("Year=2023/country=__HIVE_DEFAULT_PARTITION__").toString()),
            new Partition(
                List.of("2022", "caf\u00e9"),
                dir.resolve("year=2022/country=caf%C3%A9").toString()),
            new Partition(List.of("2023", "fr"), dir.resolve("year=2023/COUNTRY=fr").toString()),
            new Partition(List.of("2024", "US"), dir.resolve("year=2024/country=US").toString()),
            new Partition(
                List.of("2024", "a/b=c%"),
                dir.resolve("year=2024/country=a%2Fb%3Dc%25").toString()));
  }

  @Test
  void unpartitionedTableHasNoPartitionsAndMissingLocationFails() {
    assertThat(HivePartitions.discover(new LocalStorage(), table(dir.toString(), List.of())))
        .isEmpty();
    String missing = dir.resolve("gone").toString();
    assertThatThrownBy(() -> HivePartitions.discover(new LocalStorage(), table(missing, KEYS)))
        .isInstanceOfSatisfying(
            TarnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PATH_NOT_FOUND))
        .hasMessageContaining(missing);
  }

  @Test
  void partitionPathEscapesAsHiveAndDiscoveryReadsItBack() throws IOException {
    List<String> values = Arrays.asList("2024", "x/y:z=1#%");
    String path = HivePartitions.partitionPath(KEYS, values);
    assertThat(path).isEqualTo("year=2024/country=x%2Fy%3Az%3D1%23%25");
    assertThat(HivePartitions.partitionPath(KEYS, Arrays.asList("1999", null)))
        .isEqualTo("year=1999/country=__HIVE_DEFAULT_PARTITION__");
    folder(path);
    assertThat(HivePartitions.discover(new LocalStorage(), table(dir.toString(), KEYS)))
        .extracting(Partition::values)
        .containsExactly(values);
  }
}
