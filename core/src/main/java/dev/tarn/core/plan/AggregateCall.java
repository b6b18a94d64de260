package dev.tarn.core.plan;

import dev.tarn.core.serde.TarnMessage;
import dev.tarn.core.type.SqlType;
import java.util.Objects;

/**
 * One aggregate. Intermediate layout (PARTIAL output, FINAL input), per call in order, as {@link
 * AggregateFunction#intermediateTypes} gives it: AVG takes two columns (sum as double, or as
 * decimal(38,s) for decimal input; count bigint); COUNT, COUNT_STAR and COUNT_IF one bigint; SUM,
 * MIN, MAX, ARBITRARY, BOOL_AND and BOOL_OR one column of the result type; the variance family
 * three (count, mean, sum of squared deviations); the approximate ones a varbinary sketch.
 *
 * @param argument input column index; -1 for COUNT_STAR. For FINAL, the index of the call's first
 *     intermediate column.
 * @param parameter a constant argument: approx_percentile's percentile in [0, 1]; NaN for the
 *     functions that take none
 */
public record AggregateCall(
    AggregateFunction function,
    int argument,
    boolean distinct,
    SqlType resultType,
    String name,
    double parameter)
    implements TarnMessage {
  public AggregateCall {
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(resultType, "resultType");
    Objects.requireNonNull(name, "name");
    if (function == AggregateFunction.COUNT_STAR ? argument != -1 : argument < 0) {
      throw new IllegalArgumentException(function + " has argument " + argument);
    }
    if (function == AggregateFunction.APPROX_PERCENTILE && !(parameter >= 0 && parameter <= 1)) {
      throw new IllegalArgumentException("percentile must be in [0, 1], was " + parameter);
    }
  }

  /** A call without a constant argument. */
  public AggregateCall(
      AggregateFunction function, int argument, boolean distinct, SqlType resultType, String name) {
    this(function, argument, distinct, resultType, name, Double.NaN);
  }
}
