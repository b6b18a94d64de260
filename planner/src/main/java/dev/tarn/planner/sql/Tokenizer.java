package dev.tarn.planner.sql;

import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a statement into {@link Token}s for the DDL grammar. It is lenient about characters the
 * DDL does not use (they become one-character symbols), because a query is handed to Calcite's
 * parser instead and only its first words are looked at here. Comments ({@code --} to end of line
 * and {@code /* ... *}{@code /}) are skipped.
 */
final class Tokenizer {
  private final String text;
  private int offset;
  private int line = 1;
  private int column = 1;

  private Tokenizer(String text) {
    this.text = text;
  }

  /**
   * The tokens of {@code text}, ending with one {@link Token.Kind#END} token.
   *
   * @throws TarnException SYNTAX_ERROR at the opening quote of an unterminated string or name
   */
  static List<Token> tokenize(String text) {
    return new Tokenizer(text).run();
  }

  private List<Token> run() {
    List<Token> tokens = new ArrayList<>();
    while (true) {
      skipSpaceAndComments();
      if (offset >= text.length()) {
        tokens.add(new Token(Token.Kind.END, "", line, column, offset));
        return tokens;
      }
      tokens.add(next());
    }
  }

  private void skipSpaceAndComments() {
    while (offset < text.length()) {
      char c = text.charAt(offset);
      if (Character.isWhitespace(c)) {
        advance();
      } else if (text.startsWith("--", offset)) {
        while (offset < text.length() && text.charAt(offset) != '\n') {
          advance();
        }
      } else if (text.startsWith("/*", offset)) {
        int startLine = line;
        int startColumn = column;
        advance();
        advance();
        while (offset < text.length() && !text.startsWith("*/", offset)) {
          advance();
        }
        if (offset >= text.length()) {
          throw new TarnException(
              ErrorCode.SYNTAX_ERROR, "Unterminated comment", startLine, startColumn);
        }
        advance();
        advance();
      } else {
        return;
      }
    }
  }

  private Token next() {
    int startLine = line;
    int startColumn = column;
    int start = offset;
    char c = text.charAt(offset);
    if (Character.isLetter(c) || c == '_') {
      while (offset < text.length()
          && (Character.isLetterOrDigit(text.charAt(offset)) || text.charAt(offset) == '_')) {
        advance();
      }
      return new Token(
          Token.Kind.WORD, text.substring(start, offset), startLine, startColumn, start);
    }
    if (Character.isDigit(c)) {
      while (offset < text.length()
          && (Character.isDigit(text.charAt(offset)) || text.charAt(offset) == '.')) {
        advance();
      }
      return new Token(
          Token.Kind.NUMBER, text.substring(start, offset), startLine, startColumn, start);
    }
    if (c == '\'' || c == '"' || c == '`') {
      String value = quoted(c, startLine, startColumn);
      Token.Kind kind = c == '\'' ? Token.Kind.STRING : Token.Kind.QUOTED_NAME;
      return new Token(kind, value, startLine, startColumn, start);
    }
    advance();
    return new Token(Token.Kind.SYMBOL, String.valueOf(c), startLine, startColumn, start);
  }

  /** Reads a quoted string or name; a doubled quote character stands for itself. */
  private String quoted(char quote, int startLine, int startColumn) {
    StringBuilder value = new StringBuilder();
    advance();
    while (true) {
      if (offset >= text.length()) {
        String what = quote == '\'' ? "string literal" : "quoted name";
        throw new TarnException(
            ErrorCode.SYNTAX_ERROR, "Unterminated " + what, startLine, startColumn);
      }
      char c = text.charAt(offset);
      advance();
      if (c == quote) {
        if (offset < text.length() && text.charAt(offset) == quote) {
          value.append(quote);
          advance();
        } else {
          return value.toString();
        }
      } else {
        value.append(c);
      }
    }
  }

  private void advance() {
    if (text.charAt(offset) == '\n') {
      line++;
      column = 1;
    } else {
      column++;
    }
    offset++;
  }
}
