package dev.tarn.catalog.entity;

import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.ErrorInfo;
import dev.tarn.core.serde.TarnMessage;

/**
 * The answer of a catalog entity to any command: a value or the user-facing error that explains why
 * there is none. One shape serves all three entities so that the client facade turns every answer
 * into a result or a {@link dev.tarn.core.error.TarnException} the same way.
 *
 * @param value the result when the command succeeded, else null
 * @param error the reason it failed, else null
 * @param <T> the result type: {@link Boolean} (whether something changed), {@link Integer} (how
 *     many items changed), {@code List<String>} (names), {@link dev.tarn.core.meta.TableSnapshot}
 *     or {@link DatabaseEntity.Description}
 */
public record CatalogReply<T>(T value, ErrorInfo error) implements TarnMessage {
  public CatalogReply {
    if ((value == null) == (error == null)) {
      throw new IllegalArgumentException("a reply holds exactly one of value and error");
    }
  }

  public static <T> CatalogReply<T> ok(T value) {
    return new CatalogReply<>(value, null);
  }

  public static <T> CatalogReply<T> failed(ErrorCode code, String message) {
    return new CatalogReply<>(null, new ErrorInfo(code, message, 0, 0));
  }

  public boolean isOk() {
    return error == null;
  }
}
