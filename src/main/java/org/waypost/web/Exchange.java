package org.waypost.web;

import io.javalin.http.Context;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.waypost.net.TrustedProxies;

/**
 * What Waypost knows about one request while it is handled, made by {@link HttpServer} before
 * anything else runs and read through {@link #of(Context)}. It replaces string-keyed request
 * attributes: what several packages share has a typed field here (the client, the numbers asked and
 * what came of them, the shipper key used); what one feature keeps for itself between two moments
 * of a request lives in a {@link Slot} only that feature holds.
 *
 * <p>The client's scheme, host and pseudonym are worked out only when asked: most requests never
 * ask.
 */
public final class Exchange {
  /** What a lookup of one number found. */
  public enum Outcome {
    FOUND,
    NOT_FOUND,
    INVALID
  }

  /** One number asked, normalized, and what came of it. */
  public record Lookup(String number, Outcome outcome) {}

  /** A typed place for one feature's own per-request state; keep the instance private. */
  public static final class Slot<T> {
    private static final AtomicInteger NEXT = new AtomicInteger();
    private final int index = NEXT.getAndIncrement();

    public Slot() {
      if (index >= SLOTS) {
        throw new IllegalStateException("raise Exchange.SLOTS: more than " + SLOTS + " slots");
      }
    }
  }

  /** Computes a client's hourly pseudonym (tier 1); never stored. */
  public interface Pseudonyms {
    byte[] of(InetAddress client);
  }

  private static final String ATTRIBUTE = Exchange.class.getName();
  private static final int SLOTS = 8;

  private final Context ctx;
  private final TrustedProxies proxies;
  private final TrustedProxies.Origin origin;
  private final Pseudonyms pseudonyms;
  private byte[] pseudonym;
  private Boolean overTls;
  private Language language;
  private List<Lookup> lookups = List.of();
  private String shipperKeyId;
  private Object[] slots;

  private Exchange(Context ctx, TrustedProxies proxies, Pseudonyms pseudonyms) {
    this.ctx = ctx;
    this.proxies = proxies;
    this.pseudonyms = pseudonyms;
    this.origin = proxies.origin(ctx.req().getRemoteAddr(), this::headers);
  }

  /** Settles who the client is and attaches the exchange to the request. */
  static Exchange begin(Context ctx, TrustedProxies proxies, Pseudonyms pseudonyms) {
    Exchange exchange = new Exchange(ctx, proxies, pseudonyms);
    ctx.req().setAttribute(ATTRIBUTE, exchange);
    return exchange;
  }

  /**
   * The exchange of this request; null only for a request that failed before Waypost saw it (an
   * error Jetty answers itself).
   */
  public static Exchange of(Context ctx) {
    return (Exchange) ctx.req().getAttribute(ATTRIBUTE);
  }

  private List<String> headers(String name) {
    return Collections.list(ctx.req().getHeaders(name));
  }

  /** The client: the socket peer, or the address a trusted proxy forwarded. */
  public InetAddress client() {
    return origin.client();
  }

  /** Whether the client address came from a trusted proxy's forwarding header. */
  public boolean forwarded() {
    return origin.forwarded();
  }

  /** Whether the client reached us over TLS: directly, or at a trusted proxy that says so. */
  public boolean overTls() {
    if (overTls == null) {
      overTls =
          "https".equalsIgnoreCase(ctx.scheme())
              || proxies.forwardedHttps(ctx.req().getRemoteAddr(), origin, this::headers);
    }
    return overTls;
  }

  /** The host the client asked for: from a trusted proxy when forwarded, else {@code Host}. */
  public String host() {
    String forwardedHost = proxies.forwardedHost(ctx.req().getRemoteAddr(), origin, this::headers);
    return forwardedHost != null ? forwardedHost : ctx.header("Host");
  }

  /**
   * The client's hourly pseudonym (tier 1), computed once per request: abuse defence keys its
   * counters by it, the access log prints a prefix of it, and {@code /api/v1/privacy/me} shows it.
   */
  public byte[] pseudonym() {
    if (pseudonym == null) {
      pseudonym = pseudonyms.of(origin.client());
    }
    return pseudonym;
  }

  /** The language the request's pages and texts are in: {@code ?lang=}, then Accept-Language. */
  public Language language() {
    if (language == null) {
      language = Language.choose(ctx.queryParam("lang"), ctx.header("Accept-Language"));
    }
    return language;
  }

  /** Whether the request asked not to be tracked ({@code Sec-GPC: 1} or {@code DNT: 1}). */
  public boolean privacySignal() {
    return "1".equals(ctx.header("Sec-GPC")) || "1".equals(ctx.header("DNT"));
  }

  /** Records that this request asked for {@code number} (normalized) with this outcome. */
  public void lookup(String number, Outcome outcome) {
    if (lookups.isEmpty()) {
      lookups = new ArrayList<>(2);
    }
    lookups.add(new Lookup(number, outcome));
  }

  /** The numbers this request asked for, with their outcomes (empty when none). */
  public List<Lookup> lookups() {
    return lookups;
  }

  /** Records the public id of the shipper key this request was made with. */
  public void shipperKey(String keyId) {
    this.shipperKeyId = keyId;
  }

  /** The public id of the shipper key this request was made with; null when none. */
  public String shipperKeyId() {
    return shipperKeyId;
  }

  public <T> void put(Slot<T> slot, T value) {
    if (slots == null) {
      slots = new Object[SLOTS];
    }
    slots[slot.index] = value;
  }

  @SuppressWarnings("unchecked") // only put(Slot<T>, T) writes a slot
  public <T> T get(Slot<T> slot) {
    return slots == null ? null : (T) slots[slot.index];
  }
}
