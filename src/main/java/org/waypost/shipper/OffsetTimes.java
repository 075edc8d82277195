package org.waypost.shipper;

import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * {@link OffsetDateTime#parse} with a fast path for the one shape scanners send, {@code
 * 2026-11-28T14:03:00[.fraction](Z|+hh:mm|-hh:mm)}. java.time's formatter spends more on a scan's
 * time than the rest of reading the scan; this reads that shape directly, and leaves everything
 * else ISO-8601 allows (lower-case letters, no seconds, offsets with seconds, ...) and every error
 * to {@link OffsetDateTime#parse}, so the results are the same.
 */
final class OffsetTimes {
  private OffsetTimes() {}

  /**
   * @throws java.time.format.DateTimeParseException as {@link OffsetDateTime#parse} does
   */
  static OffsetDateTime parse(String text) {
    OffsetDateTime fast = parseCommonShape(text);
    return fast != null ? fast : OffsetDateTime.parse(text);
  }

  /** The time if {@code text} has the common shape and denotes a valid time; otherwise null. */
  static OffsetDateTime parseCommonShape(String text) {
    int n = text.length();
    if (n < 20
        || text.charAt(4) != '-'
        || text.charAt(7) != '-'
        || text.charAt(10) != 'T'
        || text.charAt(13) != ':'
        || text.charAt(16) != ':') {
      return null;
    }
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 2);
    int day = digits(text, 8, 2);
    int hour = digits(text, 11, 2);
    int minute = digits(text, 14, 2);
    int second = digits(text, 17, 2);
    if ((year | month | day | hour | minute | second) < 0) {
      return null;
    }
    int at = 19;
    int nano = 0;
    if (at < n && text.charAt(at) == '.') {
      int start = ++at;
      while (at < n && at - start < 9 && isDigit(text.charAt(at))) {
        nano = nano * 10 + (text.charAt(at++) - '0');
      }
      int length = at - start;
      if (length == 0) {
        return null;
      }
      for (int i = length; i < 9; i++) {
        nano *= 10;
      }
    }
    int offsetHours = 0;
    int offsetMinutes = 0;
    if (at == n - 6 && (text.charAt(at) == '+' || text.charAt(at) == '-')) {
      int hours = digits(text, at + 1, 2);
      int minutes = digits(text, at + 4, 2);
      if (text.charAt(at + 3) != ':' || (hours | minutes) < 0) {
        return null;
      }
      int sign = text.charAt(at) == '-' ? -1 : 1;
      offsetHours = sign * hours;
      offsetMinutes = sign * minutes;
    } else if (at != n - 1 || text.charAt(at) != 'Z') {
      return null;
    }
    try {
      return OffsetDateTime.of(
          year,
          month,
          day,
          hour,
          minute,
          second,
          nano,
          ZoneOffset.ofHoursMinutes(offsetHours, offsetMinutes));
    } catch (DateTimeException e) {
      return null; // out of range: let the formatter word the error
    }
  }

  /** The decimal value of {@code count} ASCII digits at {@code from}, or -1 if any is not one. */
  private static int digits(String text, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = text.charAt(i);
      if (!isDigit(c)) {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
