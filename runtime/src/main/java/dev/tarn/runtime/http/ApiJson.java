package dev.tarn.runtime.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.ErrorInfo;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * JSON responses of Tarn's own API, and the one error shape every Tarn JSON error has:
 *
 * <pre>
 *   {"error":{"code":"COLUMN_NOT_FOUND","message":"Column 'x' cannot be resolved",
 *             "line":1,"column":8}}
 * </pre>
 *
 * {@code line} and {@code column} are 1-based statement positions, 0 when the error is not about a
 * position.
 */
final class ApiJson {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private ApiJson() {}

  static HttpResponse json(StatusCode status, Object value) {
    try {
      return HttpResponse.create()
          .withStatus(status)
          .withEntity(ContentTypes.APPLICATION_JSON, MAPPER.writeValueAsBytes(value));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static HttpResponse error(StatusCode status, String code, String message, int line, int column) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", code);
    error.put("message", message);
    error.put("line", line);
    error.put("column", column);
    return json(status, Map.of("error", error));
  }

  /**
   * A failed statement's response: 400 for errors the user can fix, 503 when resources ran out, 500
   * for Tarn's own bugs.
   */
  static HttpResponse error(ErrorInfo info) {
    return error(
        statusOf(info.code().type()),
        info.code().name(),
        info.message(),
        info.line(),
        info.column());
  }

  private static StatusCode statusOf(ErrorCode.Type type) {
    switch (type) {
      case USER_ERROR:
      case EXTERNAL:
        return StatusCodes.BAD_REQUEST;
      case INSUFFICIENT_RESOURCES:
        return StatusCodes.SERVICE_UNAVAILABLE;
      case INTERNAL_ERROR:
        return StatusCodes.INTERNAL_SERVER_ERROR;
    }
    throw new AssertionError(type);
  }
}
