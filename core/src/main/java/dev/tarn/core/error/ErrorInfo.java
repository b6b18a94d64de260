package dev.tarn.core.error;

import dev.tarn.core.serde.TarnMessage;
import java.util.Objects;

/**
 * A {@link TarnException} as data: what travels in actor replies and HTTP responses.
 *
 * @param line 1-based statement line of the error, 0 when not about a statement position
 * @param column 1-based statement column, 0 when unknown
 */
public record ErrorInfo(ErrorCode code, String message, int line, int column)
    implements TarnMessage {
  public ErrorInfo {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
  }

  public TarnException toException() {
    return new TarnException(code, message, line, column);
  }

  /** The info of any throwable: a TarnException as it is, anything else as an internal error. */
  public static ErrorInfo of(Throwable t) {
    Throwable cause = t;
    while (cause != null) {
      if (cause instanceof TarnException te) {
        return te.info();
      }
      cause = cause.getCause();
    }
    String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return new ErrorInfo(ErrorCode.INTERNAL_ERROR, "internal error: " + msg, 0, 0);
  }
}
