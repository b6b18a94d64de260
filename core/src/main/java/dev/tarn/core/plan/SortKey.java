package dev.tarn.core.plan;

import dev.tarn.core.serde.TarnMessage;

/** A sort key over the input columns. */
public record SortKey(int column, boolean ascending, boolean nullsFirst) implements TarnMessage {}
