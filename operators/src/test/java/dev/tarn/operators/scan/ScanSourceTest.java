package dev.tarn.operators.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.batch.BatchRows;
import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.format.BatchReader;
import dev.tarn.core.format.FormatReader;
import dev.tarn.core.format.ScanRequest;
import dev.tarn.core.meta.Column;
import dev.tarn.core.meta.FileFormat;
import dev.tarn.core.meta.Partition;
import dev.tarn.core.meta.TableMetadata;
import dev.tarn.core.stats.OperatorStats;
import dev.tarn.core.storage.FileEntry;
import dev.tarn.core.storage.LakeStorage;
import dev.tarn.operators.StreamTesting;
import dev.tarn.operators.limit.LimitStage;
import dev.tarn.testing.TestBatches;
import dev.tarn.testing.TestMemory;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.junit.jupiter.api.Test;

class ScanSourceTest {
  static final List<Column> DATA =
      TestBatches.columns("id bigint", "name varchar", "price decimal(8,2)");
  static final List<Column> PARTITIONS = TestBatches.columns("dt date", "region varchar");
  static final TableMetadata TABLE =
      new TableMetadata(
          "db", "sales", DATA, PARTITIONS, FileFormat.PARQUET, "/lake/sales", Map.of());

  /** Files as in-memory rows; each file reads as batches of at most {@code batchRows} rows. */
  static final class FakeFormat implements FormatReader {
    final Map<String, List<List<Object>>> files;
    final List<String> opened = new ArrayList<>();
    int open;

    FakeFormat(Map<String, List<List<Object>>> files) {
      this.files = files;
    }

    @Override
    public BatchReader open(
        LakeStorage storage, FileEntry file, ScanRequest request, BufferAllocator allocator) {
      List<List<Object>> rows = files.get(file.path());
      if (rows == null) {
        throw new TarnException(
            ErrorCode.PATH_NOT_FOUND, "file " + file.path() + " does not exist");
      }
      opened.add(file.path());
      open++;
      return new BatchReader() {
        int next;

        @Override
        public Batch next() {
          if (next >= rows.size()) {
            return null;
          }
          int end = Math.min(rows.size(), next + request.batchRows());
          List<List<Object>> projected = new ArrayList<>();
          for (List<Object> row : rows.subList(next, end)) {
            List<Object> p = new ArrayList<>();
            for (int index : request.projection()) {
              p.add(row.get(index));
            }
            projected.add(p);
          }
          next = end;
          return BatchRows.fromRows(request.outputColumns(), projected, allocator);
        }

        @Override
        public long bytesRead() {
          return next * 10L;
        }

        @Override
        public void close() {
          open--;
        }
      };
    }
  }

  static final LakeStorage NO_STORAGE =
      new LakeStorage() {
        @Override
        public boolean exists(String location) {
          return false;
        }

        @Override
        public List<FileEntry> listFiles(String location) {
          return List.of();
        }

        @Override
        public List<String> listFolders(String location) {
          return List.of();
        }

        @Override
        public InputStream open(String path) {
          throw new UnsupportedOperationException();
        }

        @Override
        public Path localPath(String location) {
          throw new UnsupportedOperationException();
        }
      };

  static List<List<Object>> rows(long from, int count) {
    List<List<Object>> rows = new ArrayList<>();
    for (long i = from; i < from + count; i++) {
      rows.add(Arrays.asList(i, "item" + i, new java.math.BigDecimal(i + ".25")));
    }
    return rows;
  }

  static ScanSplit split(String path, String... partitionValues) {
    return new ScanSplit(new FileEntry(path, 100, 0), List.of(partitionValues));
  }

  @Test
  void readsProjectedDataColumnsThenPartitionColumns() {
    FakeFormat format = new FakeFormat(Map.of("/a", rows(0, 5), "/b", rows(5, 3)));
    OperatorStats stats = new OperatorStats("Scan");
    List<ScanSplit> splits =
        List.of(split("/a", "2024-01-02", "eu"), split("/b", Partition.DEFAULT_PARTITION, "us"));
    List<List<Object>> actual;
    try (BufferAllocator allocator = TestMemory.allocator()) {
      ScanSource scan =
          new ScanSource(
              TABLE,
              splits,
              List.of(2, 0),
              List.of(1, 0),
              null,
              -1,
              format,
              NO_STORAGE,
              2,
              allocator,
              stats);
      assertThat(scan.outputColumns())
          .extracting(Column::name)
          .containsExactly("price", "id", "region", "dt");
      actual =
          TestBatches.rowsAndClose(
              StreamTesting.run(org.apache.pekko.stream.javadsl.Source.fromGraph(scan)));
    }
    List<List<Object>> expected = new ArrayList<>();
    for (List<Object> row : rows(0, 5)) {
      expected.add(Arrays.asList(row.get(2), row.get(0), "eu", LocalDate.of(2024, 1, 2)));
    }
    for (List<Object> row : rows(5, 3)) {
      expected.add(Arrays.asList(row.get(2), row.get(0), "us", null));
    }
    assertThat(actual).isEqualTo(expected);
    assertThat(format.open).isZero();
    assertThat(stats.filesOpened()).isEqualTo(2);
    assertThat(stats.bytesRead()).isEqualTo(80);
    assertThat(stats.rowsOut()).isEqualTo(8);
    assertThat(stats.batchesOut()).isEqualTo(5);
  }

  @Test
  void opensFilesLazilyAndClosesOnCancel() {
    FakeFormat format = new FakeFormat(Map.of("/a", rows(0, 5), "/b", rows(5, 3)));
    try (BufferAllocator allocator = TestMemory.allocator()) {
      ScanSource scan =
          new ScanSource(
              TABLE,
              List.of(split("/a", "2024-01-02", "eu"), split("/b", "2024-01-03", "eu")),
              List.of(0),
              List.of(),
              null,
              -1,
              format,
              NO_STORAGE,
              2,
              allocator,
              new OperatorStats("Scan"));
      List<Batch> out =
          StreamTesting.run(
              org.apache.pekko.stream.javadsl.Source.fromGraph(scan),
              LimitStage.flow(0, 3, new OperatorStats("Limit")));
      assertThat(TestBatches.rowsAndClose(out))
          .containsExactly(List.of(0L), List.of(1L), List.of(2L));
    }
    assertThat(format.opened).containsExactly("/a");
    assertThat(format.open).isZero();
  }

  /** A pushed-down limit asks the reader for small batches and stops at the limit by itself. */
  @Test
  void limitReadsOnlyTheRowsItNeeds() {
    FakeFormat format =
        new FakeFormat(Map.of("/a", rows(0, 3), "/b", rows(3, 50), "/c", rows(53, 50)));
    OperatorStats stats = new OperatorStats("Scan");
    try (BufferAllocator allocator = TestMemory.allocator()) {
      ScanSource scan =
          new ScanSource(
              TABLE,
              List.of(
                  split("/a", "2024-01-02", "eu"),
                  split("/b", "2024-01-03", "eu"),
                  split("/c", "2024-01-04", "eu")),
              List.of(0),
              List.of(1),
              null,
              5,
              format,
              NO_STORAGE,
              100,
              allocator,
              stats);
      List<List<Object>> out =
          TestBatches.rowsAndClose(
              StreamTesting.run(org.apache.pekko.stream.javadsl.Source.fromGraph(scan)));
      assertThat(out)
          .containsExactly(
              List.of(0L, "eu"),
              List.of(1L, "eu"),
              List.of(2L, "eu"),
              List.of(3L, "eu"),
              List.of(4L, "eu"));
    }
    assertThat(format.opened).containsExactly("/a", "/b");
    assertThat(format.open).isZero();
    assertThat(stats.rowsOut()).isEqualTo(5);
    assertThat(stats.batchesOut()).isEqualTo(2);
  }

  @Test
  void missingFileFailsWithItsPath() {
    FakeFormat format = new FakeFormat(Map.of("/a", rows(0, 1)));
    try (BufferAllocator allocator = TestMemory.allocator()) {
      ScanSource scan =
          new ScanSource(
              TABLE,
              List.of(split("/a", "2024-01-02", "eu"), split("/gone", "2024-01-02", "eu")),
              List.of(0),
              List.of(),
              null,
              -1,
              format,
              NO_STORAGE,
              2,
              allocator,
              new OperatorStats("Scan"));
      assertThatThrownBy(
              () -> StreamTesting.runRows(org.apache.pekko.stream.javadsl.Source.fromGraph(scan)))
          .isInstanceOfSatisfying(
              TarnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PATH_NOT_FOUND))
          .hasMessageContaining("/gone");
    }
  }

  @Test
  void badPartitionValueNamesFileColumnAndValue() {
    FakeFormat format = new FakeFormat(Map.of("/a", rows(0, 1)));
    try (BufferAllocator allocator = TestMemory.allocator()) {
      ScanSource scan =
          new ScanSource(
              TABLE,
              List.of(split("/a", "not-a-date", "eu")),
              List.of(0),
              List.of(0),
              null,
              -1,
              format,
              NO_STORAGE,
              2,
              allocator,
              new OperatorStats("Scan"));
      assertThatThrownBy(
              () -> StreamTesting.runRows(org.apache.pekko.stream.javadsl.Source.fromGraph(scan)))
          .isInstanceOfSatisfying(
              TarnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_DATA))
          .hasMessage("/a: partition value 'not-a-date' of column dt is not a date");
    }
  }
}
