package org.waypost.shipper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OffsetTimesTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-11-28T14:03:00-08:00",
        "2026-11-28T14:03:00Z",
        "2026-11-28T14:03:00.5+05:30",
        "2026-11-28T14:03:00.123456789-03:00",
        "2024-02-29T23:59:59+14:00",
        "2026-11-28T14:03:00-00:00",
        "0001-01-01T00:00:00+18:00"
      })
  void theCommonShapeIsReadWithoutTheFormatterAndAsItWouldRead(String text) {
    assertThat(OffsetTimes.parseCommonShape(text)).isEqualTo(OffsetDateTime.parse(text));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-11-28t14:03:00z",
        "2026-11-28T14:03-08:00",
        "2026-11-28T14:03:00+05:30:15",
        "2026-11-28T14:03:00.Z",
        "+12026-11-28T14:03:00Z"
      })
  void otherIsoShapesAreLeftToTheFormatter(String text) {
    assertThat(OffsetTimes.parseCommonShape(text)).isNull();
    assertThat(OffsetTimes.parse(text)).isEqualTo(OffsetDateTime.parse(text));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-02-29T10:00:00Z",
        "2026-11-28T24:00:00Z",
        "2026-13-01T10:00:00Z",
        "2026-11-28T14:03:00+18:30",
        "2026-11-28T14:03:00.1234567891Z",
        "2026-11-28T14:03:00",
        "2026-11-28 14:03:00Z",
        "2026-11-28T14:03:00+0800",
        "2026-11-28T1a:03:00Z",
        ""
      })
  void whatIsNotATimeFailsAsTheFormatterFails(String text) {
    assertThat(OffsetTimes.parseCommonShape(text)).isNull();
    assertThatThrownBy(() -> OffsetTimes.parse(text)).isInstanceOf(DateTimeParseException.class);
  }

  /** Valid times with one character changed: the fast path may decline, never disagree. */
  @Test
  void randomTimesAndTheirTyposReadAsTheFormatterReadsThem() {
    Random random = new Random(29L);
    String alphabet = "0123456789-:+.TZtz ";
    for (int i = 0; i < 50_000; i++) {
      StringBuilder text = new StringBuilder(randomTime(random));
      if (random.nextBoolean()) {
        text.setCharAt(
            random.nextInt(text.length()), alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String candidate = text.toString();
      OffsetDateTime expected;
      try {
        expected = OffsetDateTime.parse(candidate);
      } catch (DateTimeParseException e) {
        expected = null;
      }
      OffsetDateTime fast = OffsetTimes.parseCommonShape(candidate);
      if (fast != null) {
        assertThat(fast).as(candidate).isEqualTo(expected);
      }
      if (expected == null) {
        assertThatThrownBy(() -> OffsetTimes.parse(candidate))
            .as(candidate)
            .isInstanceOf(DateTimeParseException.class);
      } else {
        assertThat(OffsetTimes.parse(candidate)).as(candidate).isEqualTo(expected);
      }
    }
  }

  private static String randomTime(Random random) {
    String fraction =
        switch (random.nextInt(3)) {
          case 0 -> "";
          case 1 -> "." + (1 + random.nextInt(999));
          default -> "." + String.format("%09d", random.nextInt(1_000_000_000));
        };
    String offset =
        switch (random.nextInt(3)) {
          case 0 -> "Z";
          default ->
              String.format(
                  "%s%02d:%02d",
                  random.nextBoolean() ? "+" : "-", random.nextInt(19), random.nextInt(4) * 15);
        };
    return String.format(
        "%04d-%02d-%02dT%02d:%02d:%02d%s%s",
        1970 + random.nextInt(100),
        1 + random.nextInt(12),
        1 + random.nextInt(31),
        random.nextInt(24),
        random.nextInt(60),
        random.nextInt(60),
        fraction,
        offset);
  }
}
