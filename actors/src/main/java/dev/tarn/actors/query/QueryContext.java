package dev.tarn.actors.query;

import dev.tarn.catalog.protocol.CatalogService;
import dev.tarn.core.storage.LakeStorage;
import dev.tarn.planner.physical.PlannerOptions;
import java.time.Duration;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;

/**
 * What the coordinator node lends its queries.
 *
 * @param catalog the catalog client
 * @param storage lake storage (for listing files and checking locations)
 * @param allocator the node's root allocator; each query takes a child of it
 * @param planner planner options (hash partition count, broadcast threshold)
 * @param scanParallelism the most tasks a scan stage is split into
 * @param queryTimeout a query running longer fails with QUERY_TIMEOUT
 * @param resultRetention how long a finished query's results stay fetchable without a fetch
 */
public record QueryContext(
    CatalogService catalog,
    LakeStorage storage,
    BufferAllocator allocator,
    PlannerOptions planner,
    int scanParallelism,
    Duration queryTimeout,
    Duration resultRetention) {
  public QueryContext {
    Objects.requireNonNull(catalog, "catalog");
    Objects.requireNonNull(storage, "storage");
    Objects.requireNonNull(allocator, "allocator");
    Objects.requireNonNull(planner, "planner");
    if (scanParallelism < 1) {
      throw new IllegalArgumentException("scanParallelism must be >= 1");
    }
    Objects.requireNonNull(queryTimeout, "queryTimeout");
    Objects.requireNonNull(resultRetention, "resultRetention");
  }
}
