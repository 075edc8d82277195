package org.waypost.keys;

import java.time.LocalDate;

/**
 * The keys of a day were destroyed when its retention ended, so what was sealed or tagged under
 * them can no longer be opened or linked. This is the expected outcome after retention, not a
 * failure: callers answer "no longer kept" rather than an error.
 */
public final class DayKeyDestroyedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final LocalDate day;

  public DayKeyDestroyedException(LocalDate day) {
    super("the keys for " + day + " were destroyed when its retention ended");
    this.day = day;
  }

  public LocalDate day() {
    return day;
  }
}
