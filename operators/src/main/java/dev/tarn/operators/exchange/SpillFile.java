package dev.tarn.operators.exchange;

import dev.tarn.core.batch.Batch;
import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.meta.Column;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Batches spilled to a local file and read back in order: each batch is a 4-byte length and its
 * Arrow IPC record batch message (as {@link ArrowIpc} encodes it for exchanges). The schema is not
 * written; the reader is given it.
 */
public final class SpillFile {
  private SpillFile() {}

  /** Appends batches to a new spill file. */
  public static final class Writer implements AutoCloseable {
    private final Path path;
    private final DataOutputStream out;
    private long bytes;

    public Writer(Path path) {
      this.path = path;
      try {
        this.out =
            new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(path), 1 << 16));
      } catch (IOException e) {
        throw failure("create", path, e);
      }
    }

    /** Writes the batch; the caller keeps ownership of it. */
    public void write(Batch batch) {
      byte[] message = ArrowIpc.encode(batch);
      try {
        out.writeInt(message.length);
        out.write(message);
      } catch (IOException e) {
        throw failure("write", path, e);
      }
      bytes += 4 + message.length;
    }

    /** Bytes written so far. */
    public long bytes() {
      return bytes;
    }

    @Override
    public void close() {
      try {
        out.close();
      } catch (IOException e) {
        throw failure("close", path, e);
      }
    }
  }

  /** Reads a spill file's batches back, one at a time, into the given allocator. */
  public static final class Reader implements AutoCloseable {
    private final Path path;
    private final List<Column> columns;
    private final BufferAllocator allocator;
    private final DataInputStream in;

    public Reader(Path path, List<Column> columns, BufferAllocator allocator) {
      this.path = path;
      this.columns = List.copyOf(columns);
      this.allocator = allocator;
      try {
        this.in = new DataInputStream(new BufferedInputStream(Files.newInputStream(path), 1 << 16));
      } catch (IOException e) {
        throw failure("open", path, e);
      }
    }

    /** The next batch (owned by the caller), or null at the end of the file. */
    public Batch next() {
      int length;
      try {
        length = in.readInt();
      } catch (EOFException end) {
        return null;
      } catch (IOException e) {
        throw failure("read", path, e);
      }
      byte[] message = new byte[length];
      try {
        in.readFully(message);
      } catch (IOException e) {
        throw failure("read", path, e);
      }
      return ArrowIpc.decode(message, columns, allocator);
    }

    @Override
    public void close() {
      try {
        in.close();
      } catch (IOException e) {
        throw failure("close", path, e);
      }
    }
  }

  private static TarnException failure(String action, Path path, IOException e) {
    return new TarnException(
        ErrorCode.INTERNAL_ERROR,
        "cannot " + action + " spill file " + path + ": " + e.getMessage(),
        e);
  }
}
