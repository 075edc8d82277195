package org.waypost.csv;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** RFC 4180 quoting, and no formula a spreadsheet would run. */
class CsvTest {
  @Test
  void fieldsAreQuotedOnlyWhenTheyMustBe() {
    assertThat(new Csv().row("a", "b c", "", null).text()).isEqualTo("a,b c,,\r\n");
    assertThat(new Csv().row("1,5", "say \"hi\"", "two\nlines").text())
        .isEqualTo("\"1,5\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n");
  }

  @Test
  void aFieldThatWouldRunAsAFormulaIsDefused() {
    assertThat(Csv.field("=HYPERLINK(\"http://x\")"))
        .isEqualTo("\"'=HYPERLINK(\"\"http://x\"\")\"");
    assertThat(Csv.field("@SUM(A1)")).isEqualTo("'@SUM(A1)");
    assertThat(Csv.field("-2+3+cmd|' /C calc'!A0")).isEqualTo("'-2+3+cmd|' /C calc'!A0");
    assertThat(Csv.field("+12%")).as("a plain signed percentage").isEqualTo("+12%");
    assertThat(Csv.field("-5")).isEqualTo("-5");
    assertThat(Csv.field("<5")).isEqualTo("<5");
  }
}
