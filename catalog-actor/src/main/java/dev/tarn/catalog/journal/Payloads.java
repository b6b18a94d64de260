package dev.tarn.catalog.journal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.Serialization$;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;

/**
 * The byte layout of stored journal events and snapshots. A payload is written by the Pekko
 * serializer bound to its class (for catalog events, the versioned CBOR one) and stored with the
 * serializer id and manifest, so that it is read back by the same serializer.
 *
 * <pre>
 *   event:    format(1) persistenceId sequenceNr timestamp manifest writerUuid payload
 *   snapshot: format(1) timestamp payload
 *   payload:  serializerId serializerManifest length bytes
 * </pre>
 *
 * Strings are {@link DataOutputStream#writeUTF}, numbers big-endian. The leading format byte lets a
 * later layout coexist with this one.
 */
final class Payloads {
  private static final byte FORMAT_V1 = 1;

  private final Serialization serialization;
  private final ExtendedActorSystem system;

  Payloads(ActorSystem system) {
    this.system = (ExtendedActorSystem) system;
    this.serialization = SerializationExtension.get(system);
  }

  byte[] writeEvent(PersistentRepr repr) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeByte(FORMAT_V1);
    out.writeUTF(repr.persistenceId());
    out.writeLong(repr.sequenceNr());
    out.writeLong(repr.timestamp());
    out.writeUTF(repr.manifest());
    out.writeUTF(repr.writerUuid());
    writePayload(out, repr.payload());
    out.flush();
    return bytes.toByteArray();
  }

  PersistentRepr readEvent(byte[] value) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(value));
      checkFormat(in.readByte(), "event");
      String persistenceId = in.readUTF();
      long sequenceNr = in.readLong();
      long timestamp = in.readLong();
      String manifest = in.readUTF();
      String writerUuid = in.readUTF();
      Object payload = readPayload(in);
      return PersistentRepr.apply(
              payload, sequenceNr, persistenceId, manifest, false, ActorRef.noSender(), writerUuid)
          .withTimestamp(timestamp);
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt journal entry", e);
    }
  }

  byte[] writeSnapshot(long timestamp, Object snapshot) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeByte(FORMAT_V1);
    out.writeLong(timestamp);
    writePayload(out, snapshot);
    out.flush();
    return bytes.toByteArray();
  }

  static long snapshotTimestamp(byte[] value) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(value));
      checkFormat(in.readByte(), "snapshot");
      return in.readLong();
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt snapshot entry", e);
    }
  }

  Object readSnapshot(byte[] value) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(value));
    checkFormat(in.readByte(), "snapshot");
    in.readLong();
    return readPayload(in);
  }

  private void writePayload(DataOutputStream out, Object payload) throws IOException {
    Serializer serializer = serialization.findSerializerFor(payload);
    // Payloads holding actor references serialize them with this system's address.
    byte[] bytes =
        Serialization$.MODULE$.withTransportInformation(
            system, (scala.Function0<byte[]>) () -> serializer.toBinary(payload));
    out.writeInt(serializer.identifier());
    out.writeUTF(Serializers.manifestFor(serializer, payload));
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private Object readPayload(DataInputStream in) throws IOException {
    int serializerId = in.readInt();
    String manifest = in.readUTF();
    byte[] bytes = new byte[in.readInt()];
    in.readFully(bytes);
    return serialization.deserialize(bytes, serializerId, manifest).get();
  }

  private static void checkFormat(byte format, String what) throws IOException {
    if (format != FORMAT_V1) {
      throw new IOException(
          "stored " + what + " has format " + format + ", this version reads " + FORMAT_V1);
    }
  }
}
