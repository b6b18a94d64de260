package dev.tarn.core.type;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.batch.BatchGather;
import dev.tarn.core.batch.BatchRows;
import dev.tarn.core.meta.Column;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

class NestedSqlTypeTest {

  @Test
  void parsesTrinoAndHiveSpellings() {
    assertThat(SqlType.parse("array(varchar)")).isEqualTo(SqlType.array(SqlType.VARCHAR));
    assertThat(SqlType.parse("array<string>")).isEqualTo(SqlType.array(SqlType.VARCHAR));
    assertThat(SqlType.parse("map(varchar, bigint)"))
        .isEqualTo(SqlType.map(SqlType.VARCHAR, SqlType.BIGINT));
    assertThat(SqlType.parse("MAP<string,int>"))
        .isEqualTo(SqlType.map(SqlType.VARCHAR, SqlType.INTEGER));
    SqlType row = SqlType.row(List.of("a", "b"), List.of(SqlType.BIGINT, SqlType.VARCHAR));
    assertThat(SqlType.parse("row(a bigint, b varchar)")).isEqualTo(row);
    assertThat(SqlType.parse("struct<a:bigint,b:string>")).isEqualTo(row);
    assertThat(SqlType.parse("array(row(x decimal(10, 2)))"))
        .isEqualTo(SqlType.array(SqlType.row(List.of("x"), List.of(SqlType.decimal(10, 2)))));
    assertThat(SqlType.parse("double precision")).isEqualTo(SqlType.DOUBLE);
  }

  @Test
  void printsTrinoSpelling() {
    assertThat(SqlType.parse("struct<a:int,m:map<string,array<bigint>>>").toString())
        .isEqualTo("row(a integer, m map(varchar, array(bigint)))");
  }

  @Test
  void refusesMalformedTypes() {
    assertThatThrownBy(() -> SqlType.parse("array<string"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("array<string");
    assertThatThrownBy(() -> SqlType.parse("map(varchar)"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SqlType.parse("row()")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void arrowFieldsRoundTrip() {
    for (String text :
        List.of(
            "array(bigint)",
            "map(varchar, double)",
            "row(a bigint, b array(varchar))",
            "map(bigint, row(x date, y map(varchar, boolean)))")) {
      SqlType type = SqlType.parse(text);
      assertThat(SqlType.fromField(type.toField("c"))).as(text).isEqualTo(type);
    }
  }

  @Test
  void rowsRoundTripThroughVectorsAndGather() {
    SqlType type =
        SqlType.row(
            List.of("a", "m"),
            List.of(SqlType.array(SqlType.BIGINT), SqlType.map(SqlType.VARCHAR, SqlType.BIGINT)));
    Map<Object, Object> map = new LinkedHashMap<>();
    map.put("k", 1L);
    map.put("z", null);
    List<List<Object>> rows =
        List.of(
            List.of(Arrays.asList(List.of(1L, 2L), map)),
            Arrays.asList((Object) null),
            List.of(Arrays.asList(Arrays.asList(3L, null), new LinkedHashMap<>())),
            List.of(Arrays.asList(null, null)));
    List<Column> columns = List.of(new Column("c", type));
    try (RootAllocator allocator = new RootAllocator();
        Batch batch = BatchRows.fromRows(columns, rows, allocator)) {
      assertThat(batch.columns()).isEqualTo(columns);
      assertThat(BatchRows.toRows(batch)).isEqualTo(rows);
      try (Batch gathered = BatchGather.gather(batch, new int[] {2, -1, 0}, 3, allocator);
          Batch concat = BatchGather.concat(List.of(batch, batch), allocator)) {
        assertThat(BatchRows.toRows(gathered))
            .isEqualTo(List.of(rows.get(2), Arrays.asList((Object) null), rows.get(0)));
        assertThat(BatchRows.toRows(concat)).hasSize(8).endsWith(rows.get(3));
      }
      try (Batch slice = BatchGather.slice(batch, 1, 3, allocator)) {
        assertThat(BatchRows.toRows(slice)).isEqualTo(rows.subList(1, 4));
      }
      org.apache.arrow.vector.util.TransferPair pair =
          batch.vector(0).getTransferPair("renamed", allocator);
      pair.splitAndTransfer(0, 4);
      try (org.apache.arrow.vector.FieldVector renamed =
          (org.apache.arrow.vector.FieldVector) pair.getTo()) {
        assertThat(BatchRows.value(renamed, type, 1)).isNull();
      }
    }
  }
}
