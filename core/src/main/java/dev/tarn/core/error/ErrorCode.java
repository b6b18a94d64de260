package dev.tarn.core.error;

/**
 * Every error Tarn reports to a user, with the Trino error type and code a Trino client expects.
 * User errors are the user's to fix; internal errors are Tarn's bugs.
 */
public enum ErrorCode {
  SYNTAX_ERROR(1, Type.USER_ERROR),
  NOT_SUPPORTED(13, Type.USER_ERROR),
  TABLE_NOT_FOUND(46, Type.USER_ERROR),
  COLUMN_NOT_FOUND(47, Type.USER_ERROR),
  SCHEMA_NOT_FOUND(41, Type.USER_ERROR),
  ALREADY_EXISTS(50, Type.USER_ERROR),
  TYPE_MISMATCH(58, Type.USER_ERROR),
  INVALID_ARGUMENT(7, Type.USER_ERROR),
  DIVISION_BY_ZERO(8, Type.USER_ERROR),
  PATH_NOT_FOUND(16777216 + 1, Type.EXTERNAL),
  BAD_DATA(16777216 + 2, Type.EXTERNAL),
  EXCEEDED_MEMORY_LIMIT(131072 + 3, Type.INSUFFICIENT_RESOURCES),
  QUERY_TIMEOUT(131072 + 6, Type.INSUFFICIENT_RESOURCES),
  QUERY_CANCELLED(3, Type.USER_ERROR),
  INTERNAL_ERROR(65536, Type.INTERNAL_ERROR),
  /**
   * A task failed only because a task it reads from failed: never the error a user should see when
   * the first failure is known (the coordinator waits briefly for it).
   */
  UPSTREAM_TASK_FAILED(65537, Type.INTERNAL_ERROR);

  /** Trino's error types. */
  public enum Type {
    USER_ERROR,
    INTERNAL_ERROR,
    INSUFFICIENT_RESOURCES,
    EXTERNAL
  }

  private final int code;
  private final Type type;

  ErrorCode(int code, Type type) {
    this.code = code;
    this.type = type;
  }

  public int code() {
    return code;
  }

  public Type type() {
    return type;
  }
}
