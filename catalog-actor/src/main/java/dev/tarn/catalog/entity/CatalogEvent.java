package dev.tarn.catalog.entity;

/**
 * Marker for every event a catalog entity persists. The configuration binds it to {@code
 * dev.tarn.catalog.serde.CatalogSerializer} (versioned Jackson CBOR), never to Kryo: journals
 * outlive builds, so their format must be explicit and readable by later versions.
 */
public interface CatalogEvent {}
