package dev.tarn.core.error;

/**
 * The one exception type users see. Its message says what went wrong and where: a statement
 * position (line:column) for SQL errors, a file and row for data errors.
 */
public class TarnException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final int line;
  private final int column;

  public TarnException(ErrorCode code, String message) {
    this(code, message, 0, 0);
  }

  public TarnException(ErrorCode code, String message, int line, int column) {
    super(message);
    this.code = code;
    this.line = line;
    this.column = column;
  }

  public TarnException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.line = 0;
    this.column = 0;
  }

  /** An error about data in a file: the message names the file and the 1-based row. */
  public static TarnException badData(String file, long row, String what) {
    return new TarnException(ErrorCode.BAD_DATA, file + ", row " + row + ": " + what);
  }

  public ErrorCode code() {
    return code;
  }

  public int line() {
    return line;
  }

  public int column() {
    return column;
  }

  public ErrorInfo info() {
    return new ErrorInfo(code, getMessage(), line, column);
  }

  @Override
  public String toString() {
    String where = line > 0 ? " at line " + line + ":" + column : "";
    return code + where + ": " + getMessage();
  }
}
