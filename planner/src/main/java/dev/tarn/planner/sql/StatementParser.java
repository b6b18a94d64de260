package dev.tarn.planner.sql;

import dev.tarn.core.error.ErrorCode;
import dev.tarn.core.error.TarnException;
import dev.tarn.core.meta.Column;
import dev.tarn.core.meta.FileFormat;
import dev.tarn.core.meta.TableMetadata;
import dev.tarn.core.type.SqlType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Turns statement text into a {@link Statement}. Athena's Hive-style DDL, SHOW, DESCRIBE, USE and
 * MSCK REPAIR TABLE are read by a small recursive-descent parser over {@link Token}s; queries (text
 * starting with SELECT, WITH, VALUES or a parenthesis) are parsed by Calcite, which reports their
 * syntax errors, and the tables they name are collected for the catalog lookup.
 *
 * <p>Names fold to lower case unless double- or back-quoted. A trailing {@code ;} is allowed. Every
 * error is a {@link TarnException} with the 1-based line:column of the offending token.
 */
public final class StatementParser {
  private static final String SUPPORTED =
      "SELECT, WITH, VALUES, EXPLAIN, CREATE DATABASE|SCHEMA, DROP DATABASE|SCHEMA, "
          + "CREATE [EXTERNAL] TABLE, DROP TABLE, SHOW DATABASES|SCHEMAS|TABLES|COLUMNS, "
          + "SHOW STATS FOR, DESCRIBE, USE, MSCK REPAIR TABLE, ANALYZE";

  private final String sql;
  private final String currentDatabase;
  private final List<Token> tokens;
  private int position;

  private StatementParser(String sql, String currentDatabase) {
    this.sql = sql;
    this.currentDatabase = currentDatabase;
    this.tokens = Tokenizer.tokenize(sql);
  }

  /**
   * Parses one statement.
   *
   * @param currentDatabase the session's database, for unqualified table names
   * @throws TarnException SYNTAX_ERROR (or another user error) with line:column
   */
  public static Statement parse(String sql, String currentDatabase) {
    Objects.requireNonNull(sql, "sql");
    Objects.requireNonNull(currentDatabase, "currentDatabase");
    return new StatementParser(sql, currentDatabase).statement();
  }

  private Statement statement() {
    Token first = peek();
    if (first.kind() == Token.Kind.END) {
      throw error(first, "Empty statement");
    }
    if (isQueryStart(first)) {
      return query(first);
    }
    if (first.isWord("EXPLAIN")) {
      next();
      boolean analyze = accept("ANALYZE");
      Token start = peek();
      if (!isQueryStart(start)) {
        throw error(start, "EXPLAIN expects a query, found " + start.describe());
      }
      return new Statement.Explain(query(start), analyze);
    }
    Statement statement;
    if (first.isWord("CREATE")) {
      statement = create();
    } else if (first.isWord("DROP")) {
      statement = drop();
    } else if (first.isWord("SHOW")) {
      statement = show();
    } else if (first.isWord("DESCRIBE") || first.isWord("DESC")) {
      next();
      statement = new Statement.ShowColumns(tableName());
    } else if (first.isWord("USE")) {
      next();
      statement = use();
    } else if (first.isWord("MSCK")) {
      next();
      expect("REPAIR");
      expect("TABLE");
      statement = new Statement.MsckRepair(tableName());
    } else if (first.isWord("ANALYZE")) {
      next();
      statement = new Statement.Analyze(tableName());
      // Trino's ANALYZE t WITH (partitions = ...) limits the work to some partitions; Tarn
      // always analyzes the whole table, so the clause is refused rather than ignored.
      Token with = peek();
      if (with.isWord("WITH")) {
        throw new TarnException(
            ErrorCode.NOT_SUPPORTED,
            "ANALYZE ... WITH (...) is not supported; ANALYZE reads every partition",
            with.line(),
            with.column());
      }
    } else {
      throw error(
          first,
          "Unknown statement starting with " + first.describe() + "; supported: " + SUPPORTED);
    }
    endOfStatement();
    return statement;
  }

  private static boolean isQueryStart(Token token) {
    return token.isWord("SELECT")
        || token.isWord("WITH")
        || token.isWord("VALUES")
        || token.isSymbol('(');
  }

  /**
   * The query from {@code start} to the end. The text before it (an EXPLAIN prefix) and a trailing
   * {@code ;} are blanked rather than cut, so that line:column positions Calcite reports later
   * still point into the statement as the user wrote it.
   */
  private Statement.Query query(Token start) {
    char[] text = sql.toCharArray();
    for (int i = 0; i < start.offset(); i++) {
      if (text[i] != '\n' && text[i] != '\r') {
        text[i] = ' ';
      }
    }
    Token last = tokens.get(tokens.size() - 2);
    if (last.isSymbol(';')) {
      text[last.offset()] = ' ';
    }
    String queryText = new String(text);
    List<Statement.TableName> tables =
        TableCollector.collect(QuerySyntax.parseQuery(queryText), currentDatabase);
    return new Statement.Query(queryText, currentDatabase, tables);
  }

  private Statement create() {
    next();
    if (accept("DATABASE") || accept("SCHEMA")) {
      boolean ifNotExists = ifNotExists();
      String name = name();
      skipDatabaseOptions();
      return new Statement.CreateDatabase(name, ifNotExists);
    }
    accept("EXTERNAL");
    expect("TABLE");
    return createTable();
  }

  /**
   * Athena accepts {@code COMMENT '...'}, {@code LOCATION '...'} and properties; Tarn keeps none.
   */
  private void skipDatabaseOptions() {
    while (true) {
      if (accept("COMMENT") || accept("LOCATION")) {
        string();
      } else if (accept("WITH")) {
        expect("DBPROPERTIES");
        properties(new LinkedHashMap<>());
      } else {
        return;
      }
    }
  }

  private Statement.CreateTable createTable() {
    boolean ifNotExists = ifNotExists();
    Statement.TableName name = tableName();
    List<Column> columns = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    expectSymbol('(');
    do {
      columns.add(columnDefinition(seen));
    } while (acceptSymbol(','));
    expectSymbol(')');

    List<Column> partitionColumns = new ArrayList<>();
    Map<String, String> properties = new LinkedHashMap<>();
    FileFormat format = null;
    String location = null;
    String serde = null;
    while (peek().kind() == Token.Kind.WORD) {
      Token clause = peek();
      if (accept("COMMENT")) {
        string();
      } else if (accept("PARTITIONED")) {
        expect("BY");
        expectSymbol('(');
        do {
          partitionColumns.add(columnDefinition(seen));
        } while (acceptSymbol(','));
        expectSymbol(')');
      } else if (accept("ROW")) {
        expect("FORMAT");
        serde = rowFormat(properties);
      } else if (accept("STORED")) {
        expect("AS");
        format = storedAs(serde);
      } else if (accept("LOCATION")) {
        location = string();
      } else if (accept("TBLPROPERTIES")) {
        properties(properties);
      } else {
        throw error(clause, "Unexpected " + clause.describe() + " in CREATE TABLE");
      }
    }
    Token end = peek();
    if (format == null) {
      if (serde != null && serde.toLowerCase(Locale.ROOT).contains("json")) {
        format = FileFormat.JSON;
      } else {
        throw error(end, "CREATE TABLE needs STORED AS PARQUET|CSV|TEXTFILE|JSON");
      }
    }
    if (location == null) {
      throw error(end, "CREATE TABLE needs LOCATION '...'");
    }
    TableMetadata table =
        new TableMetadata(
            name.database(), name.table(), columns, partitionColumns, format, location, properties);
    return new Statement.CreateTable(table, ifNotExists);
  }

  /** {@code name type [COMMENT '...']}; a name already in {@code seen} is an error. */
  private Column columnDefinition(Set<String> seen) {
    Token nameToken = peek();
    String name = name();
    if (!seen.add(name)) {
      throw new TarnException(
          ErrorCode.INVALID_ARGUMENT,
          "Column '" + name + "' specified more than once",
          nameToken.line(),
          nameToken.column());
    }
    SqlType type = type();
    if (accept("COMMENT")) {
      string();
    }
    return new Column(name, type);
  }

  /**
   * A type name with optional {@code (p[, s])} arguments, or a nested type ({@code array(..)},
   * {@code map<..>}, {@code struct<a:int>}), read by {@link SqlType#parse}.
   */
  private SqlType type() {
    Token start = peek();
    if (start.kind() != Token.Kind.WORD) {
      throw error(start, "Expected a column type, found " + start.describe());
    }
    next();
    StringBuilder text = new StringBuilder(start.text());
    if (start.isWord("DOUBLE")) {
      accept("PRECISION");
    }
    if (peek().isSymbol('(') || peek().isSymbol('<')) {
      // Nested types nest brackets; the words inside keep a space between them so that
      // "row(a bigint)" stays readable for SqlType.parse.
      int depth = 0;
      do {
        Token part = next();
        if (part.kind() == Token.Kind.END) {
          throw error(part, "Expected ')' or '>' to close the type arguments");
        }
        if (part.isSymbol('(') || part.isSymbol('<')) {
          depth++;
        } else if (part.isSymbol(')') || part.isSymbol('>')) {
          depth--;
        }
        text.append(' ')
            .append(part.kind() == Token.Kind.QUOTED_NAME ? '"' + part.text() + '"' : part.text());
      } while (depth > 0);
    }
    try {
      return SqlType.parse(text.toString());
    } catch (IllegalArgumentException e) {
      throw new TarnException(
          ErrorCode.NOT_SUPPORTED,
          "Type '" + text + "' is not supported",
          start.line(),
          start.column());
    }
  }

  /**
   * {@code DELIMITED [FIELDS TERMINATED BY 'x'] [ESCAPED BY 'x'] [LINES TERMINATED BY 'x']} or
   * {@code SERDE 'class' [WITH SERDEPROPERTIES (...)]}. Returns the serde class, if named.
   */
  private String rowFormat(Map<String, String> properties) {
    if (accept("DELIMITED")) {
      while (true) {
        if (accept("FIELDS")) {
          expect("TERMINATED");
          expect("BY");
          properties.put("field.delim", string());
          if (accept("ESCAPED")) {
            expect("BY");
            properties.put("escape.delim", string());
          }
        } else if (accept("LINES")) {
          expect("TERMINATED");
          expect("BY");
          properties.put("line.delim", string());
        } else {
          return null;
        }
      }
    }
    expect("SERDE");
    String serde = string();
    properties.put("serialization.lib", serde);
    if (accept("WITH")) {
      expect("SERDEPROPERTIES");
      properties(properties);
    }
    return serde;
  }

  /** {@code PARQUET|CSV|TEXTFILE|JSON}, or Hive's {@code INPUTFORMAT 'x' OUTPUTFORMAT 'y'}. */
  private FileFormat storedAs(String serde) {
    Token token = peek();
    if (accept("INPUTFORMAT")) {
      String inputFormat = string().toLowerCase(Locale.ROOT);
      expect("OUTPUTFORMAT");
      string();
      if (inputFormat.contains("parquet")) {
        return FileFormat.PARQUET;
      }
      boolean json = serde != null && serde.toLowerCase(Locale.ROOT).contains("json");
      if (inputFormat.contains("textinputformat")) {
        return json ? FileFormat.JSON : FileFormat.CSV;
      }
      throw new TarnException(
          ErrorCode.NOT_SUPPORTED,
          "Input format '" + inputFormat + "' is not supported",
          token.line(),
          token.column());
    }
    if (token.kind() != Token.Kind.WORD) {
      throw error(token, "Expected PARQUET, CSV, TEXTFILE or JSON, found " + token.describe());
    }
    next();
    try {
      FileFormat format = FileFormat.parse(token.text());
      boolean json = serde != null && serde.toLowerCase(Locale.ROOT).contains("json");
      return format == FileFormat.CSV && json ? FileFormat.JSON : format;
    } catch (IllegalArgumentException e) {
      throw new TarnException(
          ErrorCode.NOT_SUPPORTED,
          "File format '" + token.text() + "' is not supported; use PARQUET, CSV, TEXTFILE or JSON",
          token.line(),
          token.column());
    }
  }

  /** {@code ('k'='v', ...)} into {@code properties}. */
  private void properties(Map<String, String> properties) {
    expectSymbol('(');
    if (acceptSymbol(')')) {
      return;
    }
    do {
      String key = string();
      expectSymbol('=');
      properties.put(key, string());
    } while (acceptSymbol(','));
    expectSymbol(')');
  }

  private Statement drop() {
    next();
    if (accept("DATABASE") || accept("SCHEMA")) {
      boolean ifExists = ifExists();
      String name = name();
      // Athena accepts CASCADE and RESTRICT; whether a non-empty database may go is the
      // catalog's rule, so the word is read and dropped.
      if (!accept("CASCADE")) {
        accept("RESTRICT");
      }
      return new Statement.DropDatabase(name, ifExists);
    }
    expect("TABLE");
    boolean ifExists = ifExists();
    return new Statement.DropTable(tableName(), ifExists);
  }

  private Statement show() {
    next();
    if (accept("DATABASES") || accept("SCHEMAS")) {
      return new Statement.ShowDatabases(likePattern());
    }
    if (accept("TABLES")) {
      String database = currentDatabase;
      if (accept("FROM") || accept("IN")) {
        database = databaseName();
      }
      return new Statement.ShowTables(database, likePattern());
    }
    if (accept("COLUMNS")) {
      if (!accept("FROM") && !accept("IN")) {
        throw error(peek(), "Expected FROM or IN after SHOW COLUMNS, found " + peek().describe());
      }
      return new Statement.ShowColumns(tableName());
    }
    if (accept("STATS")) {
      expect("FOR");
      if (peek().isSymbol('(')) {
        // Trino also accepts SHOW STATS FOR (SELECT ...): estimates of a query, which need the
        // planner's cost model; only stored table statistics are shown here.
        throw new TarnException(
            ErrorCode.NOT_SUPPORTED,
            "SHOW STATS FOR (query) is not supported; name a table",
            peek().line(),
            peek().column());
      }
      return new Statement.ShowStats(tableName());
    }
    throw error(
        peek(),
        "Expected DATABASES, SCHEMAS, TABLES, COLUMNS or STATS after SHOW, found "
            + peek().describe());
  }

  private String likePattern() {
    return accept("LIKE") ? string() : null;
  }

  private Statement use() {
    return new Statement.Use(databaseName());
  }

  /** {@code db} or {@code tarn.db}. */
  private String databaseName() {
    String first = name();
    if (acceptSymbol('.')) {
      Token catalogToken = tokens.get(position - 2);
      String second = name();
      if (!first.equals(TableCollector.CATALOG)) {
        throw new TarnException(
            ErrorCode.SCHEMA_NOT_FOUND,
            "Catalog '"
                + first
                + "' does not exist; the catalog is '"
                + TableCollector.CATALOG
                + "'",
            catalogToken.line(),
            catalogToken.column());
      }
      return second;
    }
    return first;
  }

  /** {@code t}, {@code db.t} or {@code tarn.db.t}. */
  private Statement.TableName tableName() {
    Token start = peek();
    List<String> parts = new ArrayList<>();
    parts.add(name());
    while (acceptSymbol('.')) {
      parts.add(name());
    }
    if (parts.size() == 1) {
      return new Statement.TableName(currentDatabase, parts.get(0), start.line(), start.column());
    }
    if (parts.size() == 2) {
      return new Statement.TableName(parts.get(0), parts.get(1), start.line(), start.column());
    }
    if (parts.size() == 3 && parts.get(0).equals(TableCollector.CATALOG)) {
      return new Statement.TableName(parts.get(1), parts.get(2), start.line(), start.column());
    }
    throw error(start, "Invalid table name '" + String.join(".", parts) + "'");
  }

  /** A name: lower-cased when unquoted, as written when double- or back-quoted. */
  private String name() {
    Token token = peek();
    if (token.kind() == Token.Kind.WORD) {
      next();
      return token.text().toLowerCase(Locale.ROOT);
    }
    if (token.kind() == Token.Kind.QUOTED_NAME) {
      next();
      return token.text();
    }
    throw error(token, "Expected a name, found " + token.describe());
  }

  private String string() {
    Token token = peek();
    if (token.kind() != Token.Kind.STRING) {
      throw error(token, "Expected a string literal, found " + token.describe());
    }
    next();
    return token.text();
  }

  private boolean ifNotExists() {
    if (accept("IF")) {
      expect("NOT");
      expect("EXISTS");
      return true;
    }
    return false;
  }

  private boolean ifExists() {
    if (accept("IF")) {
      expect("EXISTS");
      return true;
    }
    return false;
  }

  private void endOfStatement() {
    acceptSymbol(';');
    Token token = peek();
    if (token.kind() != Token.Kind.END) {
      throw error(token, "Unexpected " + token.describe() + " after the end of the statement");
    }
  }

  private Token peek() {
    return tokens.get(position);
  }

  private Token next() {
    Token token = tokens.get(position);
    if (token.kind() != Token.Kind.END) {
      position++;
    }
    return token;
  }

  private boolean accept(String word) {
    if (peek().isWord(word)) {
      position++;
      return true;
    }
    return false;
  }

  private boolean acceptSymbol(char symbol) {
    if (peek().isSymbol(symbol)) {
      position++;
      return true;
    }
    return false;
  }

  private void expect(String word) {
    if (!accept(word)) {
      throw error(peek(), "Expected " + word + ", found " + peek().describe());
    }
  }

  private void expectSymbol(char symbol) {
    if (!acceptSymbol(symbol)) {
      throw error(peek(), "Expected '" + symbol + "', found " + peek().describe());
    }
  }

  private static TarnException error(Token token, String message) {
    return new TarnException(ErrorCode.SYNTAX_ERROR, message, token.line(), token.column());
  }
}
