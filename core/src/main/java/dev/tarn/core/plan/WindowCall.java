package dev.tarn.core.plan;

import dev.tarn.core.serde.TarnMessage;
import dev.tarn.core.type.SqlType;
import java.util.List;
import java.util.Objects;

/**
 * One window function call.
 *
 * @param function the function
 * @param arguments input column indexes: none for ROW_NUMBER/RANK/DENSE_RANK/COUNT_STAR; the value
 *     for aggregates, FIRST_VALUE, LAST_VALUE, LAG and LEAD (LAG/LEAD may add a second index: the
 *     default value's column)
 * @param offset LAG/LEAD offset (default 1), NTILE bucket count; 0 otherwise
 * @param frame the frame (used by aggregates, FIRST_VALUE and LAST_VALUE)
 * @param resultType the output type
 * @param name the output column name
 */
public record WindowCall(
    WindowFunction function,
    List<Integer> arguments,
    long offset,
    WindowFrame frame,
    SqlType resultType,
    String name)
    implements TarnMessage {
  public WindowCall {
    Objects.requireNonNull(function, "function");
    arguments = List.copyOf(Objects.requireNonNull(arguments, "arguments"));
    Objects.requireNonNull(frame, "frame");
    Objects.requireNonNull(resultType, "resultType");
    Objects.requireNonNull(name, "name");
  }
}
