package dev.tarn.catalog.entity;

/**
 * Marker for the state of a catalog entity as its snapshots store it. Bound, like {@link
 * CatalogEvent}, to the versioned CBOR serializer.
 */
public interface CatalogState {}
