package org.waypost.abuse;

/**
 * Clients (or networks) seen once this hour, in a fixed table of primitives instead of one object
 * each. Most visitors look up their parcels once; giving each of them a token bucket and a map
 * entry would make memory and garbage grow with every new address, which is what a flood of
 * distinct addresses would exploit. A client is only given full state ({@link Tracked}) when it
 * comes back or asks for an unknown number; what its first request spent is carried over then.
 *
 * <p>The table is open-addressed with short probes; when it is full, the oldest occupant of a probe
 * run is overwritten, so a newcomer may be forgotten (and treated as new once more) — the price of
 * a hard bound on memory. Entries are keyed by the hourly pseudonym, so the table is emptied when
 * the hour (and with it the key) changes.
 */
final class Newcomers {
  private static final int PROBES = 8;

  private final long[] keys;
  private final int[] spent;
  private final int mask;
  private long hour = Long.MIN_VALUE;

  /**
   * @param capacity rounded up to a power of two; 12 bytes per slot
   */
  Newcomers(int capacity) {
    int size = Integer.highestOneBit(Math.max(1024, capacity - 1)) << 1;
    keys = new long[size];
    spent = new int[size];
    mask = size - 1;
  }

  private static long key(Pseudonym pseudonym) {
    long key = pseudonym.high() ^ (pseudonym.low() * 0x9E3779B97F4A7C15L);
    return key == 0 ? 1 : key;
  }

  /**
   * Takes the newcomer out of the table if it is there; returns the tokens its first request(s)
   * spent, or -1 when it was not seen this hour.
   */
  synchronized int remove(Pseudonym pseudonym, long currentHour) {
    roll(currentHour);
    long key = key(pseudonym);
    int start = (int) (key ^ (key >>> 32)) & mask;
    for (int i = 0; i < PROBES; i++) {
      int slot = (start + i) & mask;
      if (keys[slot] == key) {
        keys[slot] = 0;
        return spent[slot];
      }
    }
    return -1;
  }

  /** Records a first request that spent {@code tokens}. */
  synchronized void add(Pseudonym pseudonym, int tokens, long currentHour) {
    roll(currentHour);
    long key = key(pseudonym);
    int start = (int) (key ^ (key >>> 32)) & mask;
    for (int i = 0; i < PROBES; i++) {
      int slot = (start + i) & mask;
      if (keys[slot] == 0 || keys[slot] == key) {
        keys[slot] = key;
        spent[slot] = tokens;
        return;
      }
    }
    keys[start] = key;
    spent[start] = tokens;
  }

  private void roll(long currentHour) {
    if (currentHour != hour) {
      java.util.Arrays.fill(keys, 0);
      hour = currentHour;
    }
  }
}
