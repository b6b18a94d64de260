package dev.tarn.core.plan;

import dev.tarn.core.serde.TarnMessage;
import dev.tarn.core.type.SqlType;
import java.util.Objects;

/**
 * One aggregate. Intermediate layout (PARTIAL output, FINAL input), per call in order: AVG takes
 * two columns (sum as double, or as decimal(38,s) for decimal input; count bigint); COUNT and
 * COUNT_STAR one bigint; SUM, MIN, MAX one column of the result type.
 *
 * @param argument input column index; -1 for COUNT_STAR. For FINAL, the index of the call's first
 *     intermediate column.
 */
public record AggregateCall(
    AggregateFunction function, int argument, boolean distinct, SqlType resultType, String name)
    implements TarnMessage {
  public AggregateCall {
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(resultType, "resultType");
    Objects.requireNonNull(name, "name");
    if (function == AggregateFunction.COUNT_STAR ? argument != -1 : argument < 0) {
      throw new IllegalArgumentException(function + " has argument " + argument);
    }
  }
}
