package dev.tarn.operators.exchange;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.meta.Column;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Batches as bytes between tasks: one Arrow IPC record-batch message per batch, uncompressed. The
 * schema is not sent; both ends know it from the plan, so a message is just the buffers.
 */
public final class ArrowIpc {
  private ArrowIpc() {}

  /** The batch as one IPC record batch message. The batch stays open and owned by the caller. */
  public static byte[] encode(Batch batch) {
    ByteArrayOutputStream bytes =
        new ByteArrayOutputStream(
            (int) Math.min(Integer.MAX_VALUE - 64, batch.sizeInBytes() + 256));
    try (ArrowRecordBatch record = new VectorUnloader(batch.root()).getRecordBatch()) {
      MessageSerializer.serialize(new WriteChannel(Channels.newChannel(bytes)), record);
    } catch (IOException e) {
      throw new TarnException(ErrorCode.INTERNAL_ERROR, "cannot encode a batch as Arrow IPC", e);
    }
    return bytes.toByteArray();
  }

  /**
   * A batch of {@code schema} from a message made by {@link #encode}; the caller owns it.
   *
   * @throws TarnException INTERNAL_ERROR if the bytes are not such a message
   */
  public static Batch decode(byte[] message, List<Column> schema, BufferAllocator allocator) {
    List<Field> fields = new ArrayList<>(schema.size());
    for (Column c : schema) {
      fields.add(c.type().toField(c.name()));
    }
    VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(fields), allocator);
    try (ArrowRecordBatch record =
        MessageSerializer.deserializeRecordBatch(
            new ReadChannel(Channels.newChannel(new ByteArrayInputStream(message))), allocator)) {
      if (record == null) {
        throw new IOException("no record batch in " + message.length + " bytes");
      }
      new VectorLoader(root).load(record);
      return new Batch(root);
    } catch (IOException | RuntimeException e) {
      root.close();
      throw new TarnException(
          ErrorCode.INTERNAL_ERROR, "cannot decode an Arrow IPC batch: " + e.getMessage(), e);
    }
  }
}
