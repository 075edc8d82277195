package org.waypost.visitor;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;

/**
 * What one request leaves behind, as captured on the request thread. It lives in memory for a few
 * seconds, until the capture worker turns it into tier-2 and tier-3 records; the address and
 * numbers in it are never written anywhere in this form.
 *
 * @param privacySignal the request carried {@code Sec-GPC: 1} or {@code DNT: 1}
 */
public record Visit(
    Instant time,
    RouteClass route,
    int status,
    long latencyMicros,
    InetAddress client,
    String userAgent,
    String referrer,
    String ownHost,
    boolean privacySignal,
    String shipperKeyId,
    List<Lookup> lookups) {

  /** One number asked, normalized, and what came of it. */
  public record Lookup(String number, Outcome outcome) {}
}
