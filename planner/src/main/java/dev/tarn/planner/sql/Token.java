package dev.tarn.planner.sql;

import java.util.Objects;

/**
 * One token of a statement, with where it starts: a 1-based line and column for messages and the
 * 0-based character offset for cutting the statement text.
 *
 * @param text the word as written (quotes removed for quoted names and strings)
 */
record Token(Kind kind, String text, int line, int column, int offset) {

  /** Token kinds the DDL grammar distinguishes. */
  enum Kind {
    /** An unquoted word: a keyword or a name. */
    WORD,
    /** A name in double quotes or back quotes; its case is kept. */
    QUOTED_NAME,
    /** A string literal in single quotes. */
    STRING,
    NUMBER,
    /** Any other single character: {@code ( ) , . = ;} and the rest. */
    SYMBOL,
    END
  }

  Token {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(text, "text");
  }

  boolean isWord(String word) {
    return kind == Kind.WORD && text.equalsIgnoreCase(word);
  }

  boolean isSymbol(char symbol) {
    return kind == Kind.SYMBOL && text.length() == 1 && text.charAt(0) == symbol;
  }

  /** How the token reads in an error message. */
  String describe() {
    switch (kind) {
      case END:
        return "end of statement";
      case STRING:
        return "'" + text + "'";
      case QUOTED_NAME:
        return "\"" + text + "\"";
      default:
        return "'" + text + "'";
    }
  }
}
