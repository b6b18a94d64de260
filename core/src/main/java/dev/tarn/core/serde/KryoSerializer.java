package dev.tarn.core.serde;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.ImmutableCollectionsSerializers;
import com.esotericsoftware.kryo.util.Pool;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.JSerializer;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;

/**
 * Pekko serializer for every {@link TarnMessage}, over Kryo with registration required.
 *
 * <p>Class ids are assigned from the sorted names of all classes the {@link KryoRegistrar}s on the
 * class path declare, so that nodes of the same build agree on them without configuration. Actor
 * references and stream references inside messages are written by Pekko's own serializers (they
 * need the actor system to resolve), wrapped by {@link PekkoDelegate}.
 */
public final class KryoSerializer extends JSerializer {
  /** Pekko serializer id; must be unique among the system's serializers. */
  public static final int IDENTIFIER = 7_417_001;

  private static final int FIRST_ID = 100;

  private final ExtendedActorSystem system;
  private final List<Class<?>> messageClasses;
  private final Pool<Kryo> pool;

  public KryoSerializer(ExtendedActorSystem system) {
    this.system = system;
    this.messageClasses = discoverClasses();
    this.pool =
        new Pool<>(true, false, 16) {
          @Override
          protected Kryo create() {
            return newKryo();
          }
        };
  }

  static List<Class<?>> discoverClasses() {
    TreeMap<String, Class<?>> byName = new TreeMap<>();
    for (KryoRegistrar registrar :
        ServiceLoader.load(KryoRegistrar.class, KryoSerializer.class.getClassLoader())) {
      registrar.registerClasses(c -> byName.put(c.getName(), c));
    }
    List<Class<?>> out = new ArrayList<>(byName.values());
    out.sort(Comparator.comparing(Class::getName));
    return out;
  }

  private Kryo newKryo() {
    Kryo kryo = new Kryo();
    kryo.setRegistrationRequired(true);
    kryo.setReferences(false);
    // Standard value types; ids below FIRST_ID are Kryo's own defaults and these fixed ones.
    kryo.register(byte[].class, 20);
    kryo.register(int[].class, 21);
    kryo.register(long[].class, 22);
    kryo.register(double[].class, 23);
    kryo.register(boolean[].class, 24);
    kryo.register(String[].class, 25);
    kryo.register(Object[].class, 26);
    kryo.register(BigDecimal.class, 27);
    kryo.register(BigInteger.class, 28);
    kryo.register(ArrayList.class, 29);
    kryo.register(HashMap.class, 30);
    kryo.register(LinkedHashMap.class, 31);
    kryo.register(java.util.Optional.class, 32);
    kryo.register(java.time.Duration.class, 33);
    kryo.register(java.time.Instant.class, 34);
    kryo.register(java.time.LocalDate.class, 35);
    kryo.register(java.time.LocalDateTime.class, 36);
    ImmutableCollectionsSerializers.registerSerializers(kryo);
    PekkoDelegate delegate = new PekkoDelegate(system);
    kryo.addDefaultSerializer(org.apache.pekko.actor.typed.ActorRef.class, delegate);
    kryo.addDefaultSerializer(org.apache.pekko.actor.ActorRef.class, delegate);
    kryo.addDefaultSerializer(org.apache.pekko.stream.SourceRef.class, delegate);
    kryo.addDefaultSerializer(org.apache.pekko.stream.SinkRef.class, delegate);
    int id = 40;
    for (String name :
        List.of(
            "org.apache.pekko.actor.typed.internal.adapter.ActorRefAdapter",
            "org.apache.pekko.actor.LocalActorRef",
            "org.apache.pekko.actor.RepointableActorRef",
            "org.apache.pekko.remote.RemoteActorRef",
            "org.apache.pekko.stream.impl.streamref.SourceRefImpl",
            "org.apache.pekko.stream.impl.streamref.SinkRefImpl",
            "org.apache.pekko.actor.typed.internal.adapter.ActorSystemAdapter")) {
      try {
        kryo.register(Class.forName(name), delegate, id);
      } catch (ClassNotFoundException e) {
        // Not on this class path (remote module absent): nothing of that class can arrive.
      }
      id++;
    }
    int next = FIRST_ID;
    for (Class<?> c : messageClasses) {
      kryo.register(c, next++);
    }
    return kryo;
  }

  @Override
  public int identifier() {
    return IDENTIFIER;
  }

  @Override
  public boolean includeManifest() {
    return false;
  }

  @Override
  public byte[] toBinary(Object o) {
    Kryo kryo = pool.obtain();
    try (Output output = new Output(256, -1)) {
      kryo.writeClassAndObject(output, o);
      return output.toBytes();
    } finally {
      pool.free(kryo);
    }
  }

  @Override
  public Object fromBinaryJava(byte[] bytes, Class<?> manifest) {
    Kryo kryo = pool.obtain();
    try (Input input = new Input(bytes)) {
      return kryo.readClassAndObject(input);
    } finally {
      pool.free(kryo);
    }
  }

  /** Writes an object with the Pekko serializer bound to it: serializer id, manifest, bytes. */
  static final class PekkoDelegate extends Serializer<Object> {
    private final ExtendedActorSystem system;

    PekkoDelegate(ExtendedActorSystem system) {
      this.system = system;
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, Object object) {
      Serialization serialization = SerializationExtension.get(system);
      org.apache.pekko.serialization.Serializer serializer =
          serialization.findSerializerFor(object);
      byte[] bytes = serializer.toBinary(object);
      output.writeVarInt(serializer.identifier(), true);
      output.writeString(Serializers.manifestFor(serializer, object));
      output.writeVarInt(bytes.length, true);
      output.writeBytes(bytes);
    }

    @Override
    public Object read(Kryo kryo, Input input, Class<?> type) {
      int serializerId = input.readVarInt(true);
      String manifest = input.readString();
      byte[] bytes = input.readBytes(input.readVarInt(true));
      return SerializationExtension.get(system).deserialize(bytes, serializerId, manifest).get();
    }
  }
}
