package dev.tarn.core.serde;

/**
 * Marker for every message that crosses between actors. The configuration binds it to {@link
 * KryoSerializer}; each concrete class must also be registered through a {@link KryoRegistrar}.
 */
public interface TarnMessage {}
