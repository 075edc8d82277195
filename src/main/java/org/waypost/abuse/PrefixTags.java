package org.waypost.abuse;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import org.waypost.keys.EphemeralKeys;

/**
 * Networks' pseudonyms for this hour, remembered: networks repeat far more than addresses, and the
 * HMAC is the largest single cost of lookup limits per request (bench/README.md), so a new client
 * from a busy network costs one HMAC, not two. Bounded: emptied at each hour (when the key changes)
 * and whenever it grows past {@link #CAPACITY}.
 */
final class PrefixTags {
  /** The tag domain of a network's hourly pseudonym. */
  static final String DOMAIN = "abuse-prefix";

  private static final int CAPACITY = 100_000;

  private final EphemeralKeys hourly;
  private final ConcurrentHashMap<Long, Pseudonym> tags = new ConcurrentHashMap<>();
  private volatile long hour = Long.MIN_VALUE;

  PrefixTags(EphemeralKeys hourly) {
    this.hourly = hourly;
  }

  /** The pseudonym of {@code client}'s network, whose /24 or /48 prefix is {@code prefix}. */
  Pseudonym of(InetAddress client, byte[] prefix, long now) {
    long currentHour = now / 3_600_000;
    if (currentHour != hour) {
      tags.clear();
      hour = currentHour;
    }
    byte[] a = client.getAddress();
    long network =
        a.length == 4
            ? (1L << 56) | ((a[0] & 0xFFL) << 16) | ((a[1] & 0xFFL) << 8) | (a[2] & 0xFFL)
            : (2L << 56)
                | ((a[0] & 0xFFL) << 40)
                | ((a[1] & 0xFFL) << 32)
                | ((a[2] & 0xFFL) << 24)
                | ((a[3] & 0xFFL) << 16)
                | ((a[4] & 0xFFL) << 8)
                | (a[5] & 0xFFL);
    Pseudonym known = tags.get(network);
    if (known != null) {
      return known;
    }
    if (tags.size() >= CAPACITY) {
      tags.clear();
    }
    Pseudonym computed = Pseudonym.of(hourly.tag(DOMAIN, prefix));
    tags.put(network, computed);
    return computed;
  }
}
