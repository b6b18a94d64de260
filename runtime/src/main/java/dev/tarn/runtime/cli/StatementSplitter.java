package dev.tarn.runtime.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Cuts SQL text into statements at every {@code ;} that is outside a string literal, a quoted
 * identifier and a comment.
 *
 * <pre>
 *   "SELECT 'a;b'; USE x;  SELECT 1"
 *     ->  statements ["SELECT 'a;b'", "USE x"], remainder "SELECT 1"
 * </pre>
 *
 * The CLI keeps reading lines while the remainder is not empty, which is what makes a statement
 * span lines until its semicolon. Statements that are only blanks and comments are dropped.
 */
public final class StatementSplitter {
  private StatementSplitter() {}

  /**
   * The outcome of a split.
   *
   * @param statements the complete statements, trimmed, without their {@code ;}
   * @param remainder the text after the last {@code ;}, trimmed; empty when it holds only blanks
   *     and comments
   */
  public record Split(List<String> statements, String remainder) {
    public Split {
      statements = List.copyOf(Objects.requireNonNull(statements, "statements"));
      Objects.requireNonNull(remainder, "remainder");
    }
  }

  /** Where the scanner is: each state ends at its own closing text. */
  private enum State {
    CODE,
    STRING,
    IDENTIFIER,
    LINE_COMMENT,
    BLOCK_COMMENT
  }

  public static Split split(String text) {
    List<String> statements = new ArrayList<>();
    State state = State.CODE;
    int start = 0;
    // Whether the current statement holds anything besides blanks and comments.
    boolean content = false;
    int length = text.length();
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      char next = i + 1 < length ? text.charAt(i + 1) : '\0';
      switch (state) {
        case CODE:
          if (c == ';') {
            if (content) {
              statements.add(text.substring(start, i).trim());
            }
            start = i + 1;
            content = false;
          } else if (c == '\'') {
            state = State.STRING;
            content = true;
          } else if (c == '"') {
            state = State.IDENTIFIER;
            content = true;
          } else if (c == '-' && next == '-') {
            state = State.LINE_COMMENT;
            i++;
          } else if (c == '/' && next == '*') {
            state = State.BLOCK_COMMENT;
            i++;
          } else if (!Character.isWhitespace(c)) {
            content = true;
          }
          break;
        case STRING:
          // A doubled quote inside a literal is an escaped quote: leaving and re-entering the
          // literal on the next character handles it without a special case.
          if (c == '\'') {
            state = State.CODE;
          }
          break;
        case IDENTIFIER:
          if (c == '"') {
            state = State.CODE;
          }
          break;
        case LINE_COMMENT:
          if (c == '\n') {
            state = State.CODE;
          }
          break;
        case BLOCK_COMMENT:
          if (c == '*' && next == '/') {
            state = State.CODE;
            i++;
          }
          break;
      }
    }
    // An open literal or identifier is content still being typed; an open comment is not.
    boolean open = state == State.STRING || state == State.IDENTIFIER;
    String remainder = content || open ? text.substring(start).trim() : "";
    return new Split(statements, remainder);
  }
}
