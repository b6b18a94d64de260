package dev.tarn.core.meta;

import dev.tarn.core.type.SqlType;
import java.util.Objects;

/** A named, typed column of a table or of an operator's output. Names are lower case. */
public record Column(String name, SqlType type) {
  public Column {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
  }
}
