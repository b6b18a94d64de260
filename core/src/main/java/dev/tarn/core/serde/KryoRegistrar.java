package dev.tarn.core.serde;

import java.util.function.Consumer;

/**
 * A module's list of the classes it sends between actors. Found with {@link
 * java.util.ServiceLoader} (declare it in {@code
 * META-INF/services/dev.tarn.core.serde.KryoRegistrar}); every class a message can contain must be
 * named, nested records and enums included, because Kryo runs with registration required and never
 * instantiates a class named on the wire.
 */
public interface KryoRegistrar {
  void registerClasses(Consumer<Class<?>> register);
}
