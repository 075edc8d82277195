package org.waypost.analytics;

/**
 * A count as operators are shown it. A stored counter below the threshold {@code k} ({@code
 * privacy.analyticsMinCount}) is reported as "&lt;k", never as its value. A total of reported
 * counts is their exact sum when none was hidden; when some were, it is only known to be at least
 * {@code known + hidden} (each hidden count is 1 to k-1), and is written "N+". Totals are summed
 * from reported counts, never from the stored ones, so that no total (or the difference of two
 * totals over overlapping ranges) reveals a hidden count.
 *
 * @param known the sum of the counts reported exactly
 * @param hidden how many counts below the threshold went into this one
 * @param threshold k: counts from 1 to k-1 are hidden
 */
public record Count(long known, int hidden, int threshold) {
  public Count {
    if (known < 0 || hidden < 0 || threshold < 1) {
      throw new IllegalArgumentException("a count is never negative");
    }
  }

  /** A stored counter as it may be reported: itself from k up (and 0), hidden below. */
  static Count reported(long stored, int threshold) {
    return stored == 0 || stored >= threshold
        ? new Count(stored, 0, threshold)
        : new Count(0, 1, threshold);
  }

  static Count zero(int threshold) {
    return new Count(0, 0, threshold);
  }

  public Count plus(Count other) {
    return new Count(known + other.known, hidden + other.hidden, threshold);
  }

  /** Whether the value is known exactly. */
  public boolean exact() {
    return hidden == 0;
  }

  /** Whether this is one hidden count and nothing else: shown as "&lt;k". */
  public boolean suppressed() {
    return known == 0 && hidden == 1;
  }

  /** The least the value can be. */
  public long atLeast() {
    return known + hidden;
  }

  /** The most the value can be. */
  public long atMost() {
    return known + (long) hidden * (threshold - 1);
  }

  /** As shown and exported: {@code 123}, {@code <5}, or {@code 128+} (at least 128). */
  public String text() {
    if (exact()) {
      return Long.toString(known);
    }
    return suppressed() ? "<" + threshold : atLeast() + "+";
  }

  /** In JSON: a number when exact, else the text. */
  Object json() {
    return exact() ? (Object) known : text();
  }

  @Override
  public String toString() {
    return text();
  }
}
