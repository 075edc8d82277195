package org.waypost.abuse;

/**
 * The distinct numbers one client asked for in the last few minutes, and which of them were unknown
 * or invalid: a small array of packed longs (minute, failed bit, 32-bit hash), grown only for
 * clients that ask for many. A person checking their parcels never grows it past a handful; a
 * guesser is blocked long before it reaches {@link #CAPACITY}.
 */
final class Window {
  static final int CAPACITY = 128;
  private static final long[] EMPTY = new long[0];

  private long[] entries = EMPTY;
  private int size;

  /** Counts in the window. */
  record Counts(int distinct, int failed, long firstMinute) {}

  /**
   * Records one asked number (by hash) at {@code minute}; a number asked again counts once, and
   * counts as failed if any of its lookups failed. Returns whether the number was new to the
   * window.
   */
  boolean record(long minute, int windowMinutes, int hash, boolean failed) {
    prune(minute - windowMinutes + 1);
    for (int i = 0; i < size; i++) {
      if ((int) entries[i] == hash) {
        boolean wasFailed = (entries[i] & FAILED) != 0;
        entries[i] = pack(minute, failed || wasFailed, hash);
        return false;
      }
    }
    if (size == entries.length) {
      if (size == CAPACITY) {
        System.arraycopy(entries, 1, entries, 0, size - 1);
        size--;
      } else {
        long[] grown = new long[Math.min(CAPACITY, Math.max(4, size * 2))];
        System.arraycopy(entries, 0, grown, 0, size);
        entries = grown;
      }
    }
    entries[size++] = pack(minute, failed, hash);
    return true;
  }

  private static final long FAILED = 1L << 32;

  private static long pack(long minute, boolean failed, int hash) {
    return (minute << 33) | (failed ? FAILED : 0) | (hash & 0xFFFFFFFFL);
  }

  private void prune(long oldestMinute) {
    int kept = 0;
    for (int i = 0; i < size; i++) {
      if ((entries[i] >>> 33) >= oldestMinute) {
        entries[kept++] = entries[i];
      }
    }
    size = kept;
  }

  /** The counts as of the last {@link #record}. */
  Counts counts() {
    int failed = 0;
    long first = Long.MAX_VALUE;
    for (int i = 0; i < size; i++) {
      if ((entries[i] & FAILED) != 0) {
        failed++;
      }
      first = Math.min(first, entries[i] >>> 33);
    }
    return new Counts(size, failed, first);
  }
}
