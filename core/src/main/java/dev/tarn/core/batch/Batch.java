package dev.tarn.core.batch;

import dev.tarn.core.meta.Column;
import dev.tarn.core.type.SqlType;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * An owned Arrow record batch: the unit that flows between operators.
 *
 * <p>Ownership: exactly one party owns a batch at a time. Pushing a batch downstream hands it over;
 * whoever owns it last closes it, which releases every buffer of its vectors. A batch is never
 * shared; to keep data past a hand-over, transfer or slice its vectors into a new batch.
 */
public final class Batch implements AutoCloseable {
  private final VectorSchemaRoot root;
  private boolean closed;

  public Batch(VectorSchemaRoot root) {
    this.root = Objects.requireNonNull(root, "root");
  }

  /** Wraps vectors (which this batch then owns) with a row count. */
  public static Batch of(List<FieldVector> vectors, int rowCount) {
    VectorSchemaRoot root = new VectorSchemaRoot(vectors);
    root.setRowCount(rowCount);
    return new Batch(root);
  }

  public VectorSchemaRoot root() {
    return root;
  }

  public int rowCount() {
    return root.getRowCount();
  }

  public int columnCount() {
    return root.getFieldVectors().size();
  }

  public FieldVector vector(int index) {
    return root.getVector(index);
  }

  /** The batch's columns with their SQL types. */
  public List<Column> columns() {
    List<Column> out = new ArrayList<>();
    for (Field f : root.getSchema().getFields()) {
      out.add(new Column(f.getName(), SqlType.fromField(f)));
    }
    return out;
  }

  /** Bytes held by the batch's buffers. */
  public long sizeInBytes() {
    long size = 0;
    for (FieldVector v : root.getFieldVectors()) {
      size += v.getBufferSize();
    }
    return size;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      root.close();
    }
  }

  @Override
  public String toString() {
    return "Batch[" + rowCount() + " rows, " + columnCount() + " columns]";
  }
}
