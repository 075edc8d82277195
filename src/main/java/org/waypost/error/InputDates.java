package org.waypost.error;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;

/**
 * Calendar dates as clients write them ({@code 2026-11-29}), the one parser for every date that
 * comes from outside. Years have four digits, from 0001: {@link LocalDate#parse} also takes {@code
 * -999999999-01-01}, at the edge of what {@code LocalDate} can hold, where the next day's
 * arithmetic fails as if it were Waypost's fault.
 */
public final class InputDates {
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("uuuu-MM-dd").withResolverStyle(ResolverStyle.STRICT);

  private InputDates() {}

  /**
   * The date {@code text} names (surrounding blanks ignored).
   *
   * @throws ProblemException {@code validation-failed} with {@code detail} when it names none
   */
  public static LocalDate parse(String text, String detail) {
    String date = text == null ? "" : text.strip();
    try {
      if (date.length() != 10) {
        throw new DateTimeParseException("not YYYY-MM-DD", date, 0);
      }
      LocalDate parsed = LocalDate.parse(date, DATE);
      if (parsed.getYear() < 1) {
        throw new DateTimeParseException("before year 1", date, 0);
      }
      return parsed;
    } catch (DateTimeParseException e) {
      throw ProblemException.validation(detail);
    }
  }
}
