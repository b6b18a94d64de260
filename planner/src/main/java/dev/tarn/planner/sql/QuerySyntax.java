package dev.tarn.planner.sql;

import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.validate.SqlConformanceEnum;

/**
 * How Tarn reads query text with Calcite's parser: Trino's quoting and case rules ({@code "x"}
 * keeps case, unquoted names fold to lower case, lookups ignore case) and a lenient conformance for
 * {@code LIMIT n OFFSET m}, {@code GROUP BY 1} and the like.
 */
public final class QuerySyntax {
  /** The conformance the parser and the validator share. */
  public static final SqlConformanceEnum CONFORMANCE = SqlConformanceEnum.LENIENT;

  /** Calcite parser settings for Tarn queries. */
  public static final SqlParser.Config PARSER_CONFIG =
      SqlParser.config()
          .withQuoting(Quoting.DOUBLE_QUOTE)
          .withUnquotedCasing(Casing.TO_LOWER)
          .withQuotedCasing(Casing.UNCHANGED)
          .withCaseSensitive(false)
          .withConformance(CONFORMANCE);

  /**
   * Words Calcite reserves but Trino lets a query use as a column alias ({@code sum(x) AS value} in
   * TPC-H Q11): after {@code AS} they are quoted like {@code default}; {@code value} is quoted
   * wherever it stands, as the alias is also referred to.
   */
  private static final Set<String> RESERVED_ALIASES =
      Set.of("value", "year", "month", "day", "hour", "minute", "second", "result", "position");

  private QuerySyntax() {}

  /**
   * Query text as Calcite's parser reads it, and how to map its positions back to the user's.
   *
   * <p>{@code default} is a reserved word to Calcite, yet it is Athena's default database: an
   * unquoted {@code default} next to a dot ({@code default.orders}, {@code tarn.default.t}) is
   * quoted before parsing, which moves later columns of that line two characters right. So is a
   * column alias after {@code AS} that Calcite reserves and Trino does not ({@code AS value}).
   *
   * @param text the text to hand to Calcite
   * @param quotedAt per rewritten line (1-based), the rewritten columns where a quote was added
   */
  public record Prepared(String text, Map<Integer, List<Integer>> quotedAt) {
    /** The user's column for a column Calcite reports on {@code line}. */
    public int originalColumn(int line, int column) {
      int original = column;
      for (int start : quotedAt.getOrDefault(line, List.of())) {
        if (column > start) {
          original -= Math.min(2, column - start);
        }
      }
      return original;
    }
  }

  /** Prepares query text for Calcite (see {@link Prepared}). */
  public static Prepared prepare(String sql) {
    List<Token> tokens;
    try {
      tokens = Tokenizer.tokenize(sql);
    } catch (TarnException e) {
      // Unterminated quotes and the like: Calcite reports them in its own words.
      return new Prepared(sql, Map.of());
    }
    StringBuilder text = new StringBuilder(sql.length() + 8);
    Map<Integer, List<Integer>> quotedAt = new HashMap<>();
    int copied = 0;
    for (int i = 0; i < tokens.size(); i++) {
      Token token = tokens.get(i);
      boolean nextToDot =
          (i > 0 && tokens.get(i - 1).isSymbol('.'))
              || (i + 1 < tokens.size() && tokens.get(i + 1).isSymbol('.'));
      boolean reservedAlias =
          i > 0
              && tokens.get(i - 1).isWord("as")
              && RESERVED_ALIASES.contains(token.text().toLowerCase(Locale.ROOT));
      // VALUE is only a keyword in NEXT VALUE FOR; elsewhere it names a column.
      reservedAlias |= token.isWord("value") && (i == 0 || !tokens.get(i - 1).isWord("next"));
      // Calcite's grammar has BigQuery's DATE_DIFF(date, date, unit); Trino's date_diff(unit,
      // date, date) is an ordinary function, which a quoted name reaches.
      // Likewise Trino's contains(array, value), which Calcite reserves for period predicates.
      reservedAlias |=
          (token.isWord("date_diff") || token.isWord("contains"))
              && i + 1 < tokens.size()
              && tokens.get(i + 1).isSymbol('(');
      if ((token.isWord("default") && nextToDot) || reservedAlias) {
        text.append(sql, copied, token.offset());
        List<Integer> line = quotedAt.computeIfAbsent(token.line(), key -> new ArrayList<>());
        line.add(token.column() + 2 * line.size());
        text.append('"').append(token.text().toLowerCase(Locale.ROOT)).append('"');
        copied = token.offset() + token.text().length();
      }
    }
    text.append(sql, copied, sql.length());
    return new Prepared(text.toString(), quotedAt);
  }

  /**
   * Parses query text (a SELECT, WITH, VALUES or parenthesized query).
   *
   * @throws TarnException SYNTAX_ERROR at the line:column Calcite reports
   */
  public static SqlNode parseQuery(String sql) {
    Prepared prepared = prepare(sql);
    try {
      return SqlParser.create(prepared.text(), PARSER_CONFIG).parseQuery();
    } catch (SqlParseException e) {
      throw syntaxError(e, prepared);
    }
  }

  /** A Calcite parse error as a SYNTAX_ERROR at the user's line:column. */
  public static TarnException syntaxError(SqlParseException e, Prepared prepared) {
    SqlParserPos pos = e.getPos();
    int line = pos == null ? 1 : Math.max(1, pos.getLineNum());
    int column = pos == null ? 1 : Math.max(1, pos.getColumnNum());
    return new TarnException(
        ErrorCode.SYNTAX_ERROR,
        firstLine(e.getMessage()),
        line,
        prepared.originalColumn(line, column));
  }

  /** Calcite's parse messages list every expected token after the first line; keep the gist. */
  private static String firstLine(String message) {
    if (message == null) {
      return "Syntax error";
    }
    String first = message.strip();
    int newline = first.indexOf('\n');
    if (newline >= 0) {
      first = first.substring(0, newline).strip();
    }
    first = first.endsWith(".") ? first.substring(0, first.length() - 1) : first;
    if (first.startsWith("Encountered \"<EOF>\"")) {
      return "Statement ends unexpectedly" + first.substring("Encountered \"<EOF>\"".length());
    }
    return first;
  }
}
