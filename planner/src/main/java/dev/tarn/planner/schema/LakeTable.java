package dev.tarn.planner.schema;

import dev.tarn.core.meta.Column;
import dev.tarn.core.meta.TableSnapshot;
import java.util.Objects;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.impl.AbstractTable;

/**
 * A lake table as Calcite's validator sees it: its row type is the data columns followed by the
 * partition columns, as {@link dev.tarn.core.meta.TableMetadata#allColumns()} lists them. The
 * planner unwraps it from a table scan to reach the snapshot.
 */
public final class LakeTable extends AbstractTable {
  private final TableSnapshot snapshot;

  public LakeTable(TableSnapshot snapshot) {
    this.snapshot = Objects.requireNonNull(snapshot, "snapshot");
  }

  public TableSnapshot snapshot() {
    return snapshot;
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory typeFactory) {
    RelDataTypeFactory.Builder builder = typeFactory.builder();
    for (Column column : snapshot.table().allColumns()) {
      builder.add(column.name(), TypeConversion.toRelType(typeFactory, column.type()));
    }
    return builder.build();
  }
}
