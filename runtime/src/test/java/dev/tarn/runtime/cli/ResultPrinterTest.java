package dev.tarn.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResultPrinterTest {
  @Test
  void printsAnAlignedTable() {
    List<ResultPrinter.PrintColumn> columns =
        List.of(
            new ResultPrinter.PrintColumn("id", true),
            new ResultPrinter.PrintColumn("name", false),
            new ResultPrinter.PrintColumn("price", true));
    List<List<String>> rows =
        List.of(List.of("1", "apple", "1.50"), Arrays.asList("22", null, "120.00"));
    StringWriter text = new StringWriter();
    try (PrintWriter out = new PrintWriter(text)) {
      ResultPrinter.printTable(out, columns, rows);
    }
    assertThat(text.toString().split(System.lineSeparator()))
        .containsExactly(
            " id | name  | price  ",
            "----+-------+--------",
            "  1 | apple |   1.50 ",
            " 22 | NULL  | 120.00 ");
  }

  @Test
  void centresHeadersWiderThanNothing() {
    StringWriter text = new StringWriter();
    try (PrintWriter out = new PrintWriter(text)) {
      ResultPrinter.printTable(
          out, List.of(new ResultPrinter.PrintColumn("n", true)), List.of(List.of("12345")));
    }
    assertThat(text.toString().split(System.lineSeparator()))
        .containsExactly("   n   ", "-------", " 12345 ");
  }

  @Test
  void countsRows() {
    assertThat(ResultPrinter.rowCount(1)).isEqualTo("(1 row)");
    assertThat(ResultPrinter.rowCount(0)).isEqualTo("(0 rows)");
    assertThat(ResultPrinter.rowCount(3)).isEqualTo("(3 rows)");
  }

  @Test
  void knowsNumericTypes() {
    assertThat(ResultPrinter.isNumericType("decimal(12,2)")).isTrue();
    assertThat(ResultPrinter.isNumericType("bigint")).isTrue();
    assertThat(ResultPrinter.isNumericType("varchar")).isFalse();
    assertThat(ResultPrinter.isNumericType("timestamp(6)")).isFalse();
  }
}
