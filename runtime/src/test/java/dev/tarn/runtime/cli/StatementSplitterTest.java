package dev.tarn.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StatementSplitterTest {
  @Test
  void splitsAtSemicolonsAndKeepsTheRemainder() {
    StatementSplitter.Split split = StatementSplitter.split("SELECT 1; USE x;\n  SELECT 2");
    assertThat(split.statements()).containsExactly("SELECT 1", "USE x");
    assertThat(split.remainder()).isEqualTo("SELECT 2");
  }

  @Test
  void ignoresSemicolonsInLiteralsIdentifiersAndComments() {
    String text =
        "SELECT 'a;b', 'it''s;' FROM \"odd;name\" -- trailing; comment\n"
            + "WHERE /* block; comment */ x = 1;";
    StatementSplitter.Split split = StatementSplitter.split(text);
    assertThat(split.statements()).containsExactly(text.substring(0, text.length() - 1));
    assertThat(split.remainder()).isEmpty();
  }

  @Test
  void openLiteralOrCommentWithTextNeedsMoreInput() {
    assertThat(StatementSplitter.split("SELECT 'abc;").remainder()).isEqualTo("SELECT 'abc;");
    assertThat(StatementSplitter.split("SELECT 1 /* ;").remainder()).isEqualTo("SELECT 1 /* ;");
    assertThat(StatementSplitter.split("SELECT \"a;").statements()).isEmpty();
  }

  @Test
  void dropsEmptyStatementsAndCommentOnlyText() {
    StatementSplitter.Split split = StatementSplitter.split(" ; ;SELECT 1;; -- bye\n /* end */ ");
    assertThat(split.statements()).containsExactly("SELECT 1");
    assertThat(split.remainder()).isEmpty();
    assertThat(StatementSplitter.split("").statements()).isEmpty();
    assertThat(StatementSplitter.split("-- only a comment; really").remainder()).isEmpty();
  }

  @Test
  void multiLineStatementIsOneStatement() {
    StatementSplitter.Split split = StatementSplitter.split("SELECT a,\n  b\nFROM t\n;");
    assertThat(split.statements()).containsExactly("SELECT a,\n  b\nFROM t");
  }

  @Test
  void quitIsRecognisedWithOrWithoutSemicolon() {
    assertThat(Shell.isQuit(" QUIT ")).isTrue();
    assertThat(Shell.isQuit("exit;")).isTrue();
    assertThat(Shell.isQuit("select quit")).isFalse();
  }
}
