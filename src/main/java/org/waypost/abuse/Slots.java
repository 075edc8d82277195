package org.waypost.abuse;

/**
 * Lookups and failures of a whole network prefix per minute, over a sliding window: a fixed ring of
 * counters, whatever the traffic.
 */
final class Slots {
  private final int[] lookups;
  private final int[] failures;
  private long newestMinute = Long.MIN_VALUE;

  Slots(int windowMinutes) {
    lookups = new int[windowMinutes];
    failures = new int[windowMinutes];
  }

  /** New, empty slots over the same window. */
  Slots empty() {
    return new Slots(lookups.length);
  }

  /** Adds to the current minute; returns {lookups, failures} over the window. */
  int[] add(long minute, int newLookups, int newFailures) {
    advance(minute);
    int slot = (int) Math.floorMod(minute, (long) lookups.length);
    lookups[slot] += newLookups;
    failures[slot] += newFailures;
    int totalLookups = 0;
    int totalFailures = 0;
    for (int i = 0; i < lookups.length; i++) {
      totalLookups += lookups[i];
      totalFailures += failures[i];
    }
    return new int[] {totalLookups, totalFailures};
  }

  private void advance(long minute) {
    if (newestMinute == Long.MIN_VALUE || minute - newestMinute >= lookups.length) {
      java.util.Arrays.fill(lookups, 0);
      java.util.Arrays.fill(failures, 0);
    } else {
      for (long m = newestMinute + 1; m <= minute; m++) {
        int slot = (int) Math.floorMod(m, (long) lookups.length);
        lookups[slot] = 0;
        failures[slot] = 0;
      }
    }
    newestMinute = Math.max(newestMinute, minute);
  }
}
