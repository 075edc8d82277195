package org.waypost.web;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How pages write dates: in words, and a scan's time in the local time of the scan. */
public final class Format {
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("EEEE, MMMM d, yyyy", Locale.US);
  private static final DateTimeFormatter DATE_TIME =
      DateTimeFormatter.ofPattern("MMMM d, yyyy, h:mm a", Locale.US);

  private Format() {}

  public static String date(LocalDate date) {
    return date == null ? "" : DATE.format(date);
  }

  public static String dateTime(OffsetDateTime time) {
    return time == null ? "" : DATE_TIME.format(time);
  }

  /** The machine-readable form for a {@code <time datetime>} attribute. */
  public static String iso(OffsetDateTime time) {
    return time == null ? "" : time.toString();
  }

  public static String iso(LocalDate date) {
    return date == null ? "" : date.toString();
  }
}
