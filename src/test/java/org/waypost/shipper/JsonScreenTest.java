package org.waypost.shipper;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the screen leaves for Jackson: what is over a limit overwritten in place, so that the body
 * keeps its length and its line breaks (and Jackson's positions stay those of the body as sent),
 * and the element that held it recorded.
 */
class JsonScreenTest {
  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String screened(String text) {
    byte[] body = utf8(text);
    JsonScreen.array(body);
    return new String(body, StandardCharsets.UTF_8);
  }

  @Test
  void aContainerTooDeepBecomesZeroAndBlanks() {
    String tooDeep = "[\"]\",{\"b\":[]}]"; // level 33: the object is 1, then 31 arrays
    String body = "[1,{\"a\":" + "[".repeat(31) + tooDeep + "]".repeat(31) + "}]";

    assertThat(screened(body))
        .isEqualTo(
            "[1,{\"a\":"
                + "[".repeat(31)
                + "0"
                + " ".repeat(tooDeep.length() - 1)
                + "]".repeat(31)
                + "}]");
    assertThat(JsonScreen.array(utf8(body))).isEqualTo(Map.of(1, JsonScreen.TOO_DEEP));
  }

  @Test
  void thirtyTwoLevelsAreLeftAlone() {
    String body = "[1,{\"a\":" + "[".repeat(31) + "]".repeat(31) + "}]";

    assertThat(screened(body)).isEqualTo(body);
  }

  @Test
  void aLongStringIsClosedAtTheLimitAndTheRestBlanked() {
    String body = "[\"" + "x".repeat(5000) + "\"]";

    assertThat(screened(body))
        .isEqualTo("[\"" + "x".repeat(4096) + "\"" + " ".repeat(5000 - 4096) + "]");
  }

  @Test
  void aLongNumberIsCutAfterADigit() {
    String body = "[" + "1".repeat(99) + ".5e+7" + "]";

    assertThat(screened(body)).isEqualTo("[" + "1".repeat(99) + ".5" + "   ]");
  }

  @Test
  void aByteThatIsNotUtf8BecomesAQuestionMark() {
    byte[] body = {'[', '"', 'a', (byte) 0xC3, '"', ',', '"', (byte) 0xC3, (byte) 0xA9, '"', ']'};

    assertThat(JsonScreen.array(body)).isEqualTo(Map.of(0, JsonScreen.NOT_UTF8));
    assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo("[\"a?\",\"é\"]");
  }

  @Test
  void whatIsUnderTheLimitsIsLeftAlone() {
    String body =
        "[{\"a\":\""
            + "é".repeat(2048)
            + "\",\"b\":"
            + "9".repeat(100)
            + ",\"c\":\"\\uD83D\\uDE00\"}]";

    assertThat(screened(body)).isEqualTo(body);
    assertThat(JsonScreen.array(utf8(body))).isEmpty();
  }

  @Test
  void lineBreaksAndLengthAreKept() {
    String body =
        "[\n  {\"a\": "
            + "[\n".repeat(40)
            + "]\n".repeat(40)
            + "},\n  \""
            + "y".repeat(5000)
            + "\",\n  "
            + "7".repeat(500)
            + "\n]";

    String screened = screened(body);

    assertThat(screened).hasSize(body.length());
    assertThat(screened.lines().count()).isEqualTo(body.lines().count());
    assertThat(JsonScreen.array(utf8(body)))
        .isEqualTo(
            Map.of(
                0,
                JsonScreen.TOO_DEEP,
                1,
                JsonScreen.STRING_TOO_LONG,
                2,
                JsonScreen.NUMBER_TOO_LONG));
  }

  @Test
  void oneValueReportsItsFirstReason() {
    byte[] line =
        utf8("{\"a\":" + "1".repeat(200) + ",\"b\":" + "[".repeat(40) + "]".repeat(40) + "}");

    assertThat(JsonScreen.value(line, 0, line.length)).isEqualTo(JsonScreen.NUMBER_TOO_LONG);
    assertThat(JsonScreen.value(utf8("{}"), 0, 2)).isNull();
  }
}
