package org.waypost.web;

import io.javalin.http.Context;
import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.waypost.abuse.AbuseDefence;
import org.waypost.keys.Tagger;
import org.waypost.visitor.Capture;
import org.waypost.visitor.ClientAddresses;
import org.waypost.visitor.Outcome;
import org.waypost.visitor.RouteClass;
import org.waypost.visitor.Visit;

/**
 * The request side of visitor capture. Before a request is handled it settles who the client is
 * (the socket peer, or the forwarded address when the peer is a trusted proxy); after it is
 * answered it hands one {@link Visit} to {@link Capture} and one line to the {@link AccessLog},
 * which names the client only by an hourly pseudonym. Handlers add what only they know: the numbers
 * asked and their outcomes, the shipper key used.
 */
public final class RequestCapture {
  private static final String CLIENT = "waypost.client";
  private static final String LOOKUPS = "waypost.lookups";
  private static final String SHIPPER_KEY = "waypost.shipperKey";
  private static final String PSEUDONYM = "waypost.pseudonym";

  private final ClientAddresses addresses;
  private final String forwardingHeader;
  private final Capture capture;
  private final Tagger hourly;
  private final Clock clock;
  private final AccessLog accessLog;

  public RequestCapture(
      ClientAddresses addresses,
      boolean forwardedHeader,
      Capture capture,
      Tagger hourly,
      Clock clock,
      AccessLog accessLog) {
    this.addresses = addresses;
    this.forwardingHeader = forwardedHeader ? "Forwarded" : "X-Forwarded-For";
    this.capture = capture;
    this.hourly = hourly;
    this.clock = clock;
    this.accessLog = accessLog;
  }

  /** Before-handler: settles the client address once per request. */
  void identify(Context ctx) {
    var req = ctx.req();
    String peer = req.getRemoteAddr();
    List<String> chain = Collections.list(req.getHeaders(forwardingHeader));
    InetAddress client =
        forwardingHeader.equals("Forwarded")
            ? addresses.resolve(peer, List.of(), chain)
            : addresses.resolve(peer, chain, List.of());
    req.setAttribute(CLIENT, client);
  }

  /**
   * The client's hourly pseudonym (tier 1), computed once per request: abuse defence keys its
   * counters by it, the access log prints a prefix of it, and {@code /api/v1/privacy/me} shows it.
   */
  public byte[] pseudonym(Context ctx) {
    byte[] tag = (byte[]) ctx.req().getAttribute(PSEUDONYM);
    if (tag == null) {
      tag = hourly.tag(AbuseDefence.CLIENT_DOMAIN, client(ctx).getAddress());
      ctx.req().setAttribute(PSEUDONYM, tag);
    }
    return tag;
  }

  /** The client of this request, as settled before it was handled. */
  public static InetAddress client(Context ctx) {
    return (InetAddress) ctx.req().getAttribute(CLIENT);
  }

  /**
   * Whether the client address came from a trusted proxy's forwarding header, that is, differs from
   * the socket peer. Worked out only when asked: few routes want it. False when no client was
   * settled.
   */
  public static boolean forwarded(Context ctx) {
    InetAddress client = client(ctx);
    if (client == null) {
      return false;
    }
    InetAddress peer = ClientAddresses.literal(ctx.req().getRemoteAddr());
    return peer != null && !peer.equals(client);
  }

  /** Whether the request asked not to be tracked ({@code Sec-GPC: 1} or {@code DNT: 1}). */
  public static boolean privacySignal(Context ctx) {
    return "1".equals(ctx.header("Sec-GPC")) || "1".equals(ctx.header("DNT"));
  }

  /** Records that this request asked for {@code number} (normalized) with this outcome. */
  public static void lookup(Context ctx, String number, Outcome outcome) {
    @SuppressWarnings("unchecked")
    List<Visit.Lookup> lookups = (List<Visit.Lookup>) ctx.req().getAttribute(LOOKUPS);
    if (lookups == null) {
      lookups = new ArrayList<>(2);
      ctx.req().setAttribute(LOOKUPS, lookups);
    }
    lookups.add(new Visit.Lookup(number, outcome));
  }

  /** The numbers this request asked for, with their outcomes (empty when none). */
  @SuppressWarnings("unchecked")
  public static List<Visit.Lookup> lookups(Context ctx) {
    List<Visit.Lookup> lookups = (List<Visit.Lookup>) ctx.req().getAttribute(LOOKUPS);
    return lookups == null ? List.of() : lookups;
  }

  public static void shipperKey(Context ctx, String keyId) {
    ctx.req().setAttribute(SHIPPER_KEY, keyId);
  }

  /** Request logger: one visit and one access-log line per request. */
  void record(Context ctx, String route, float millis) {
    InetAddress client = client(ctx);
    if (client == null) {
      return;
    }
    long micros = (long) (millis * 1000);
    if (accessLog != null && accessLog.enabled()) {
      accessLog.add(ctx.method().name(), route, ctx.statusCode(), micros, pseudonym(ctx));
    }
    boolean realRoute = !route.equals("unmatched") && !route.equals("*");
    RouteClass routeClass = RouteClass.of(ctx.path(), realRoute || ctx.statusCode() != 404);
    if (routeClass == null || capture == null) {
      return;
    }
    capture.offer(
        new Visit(
            clock.instant(),
            routeClass,
            ctx.statusCode(),
            micros,
            client,
            ctx.header("User-Agent"),
            ctx.header("Referer"),
            ctx.host(),
            privacySignal(ctx),
            (String) ctx.req().getAttribute(SHIPPER_KEY),
            lookups(ctx)));
  }
}
