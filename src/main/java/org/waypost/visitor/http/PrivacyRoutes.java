package org.waypost.visitor.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.InetAddress;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.waypost.json.Json;
import org.waypost.keys.DayKeys;
import org.waypost.keys.KeyStore;
import org.waypost.net.IpLiterals;
import org.waypost.visitor.PolicyVersions;
import org.waypost.visitor.PrivacyPolicy;
import org.waypost.visitor.VisitorLog;
import org.waypost.web.Exchange;
import org.waypost.web.Pages;
import org.waypost.web.Pages.Site;
import org.waypost.web.Routes;

/**
 * The privacy policy page, and what this very request leaves behind: {@code /api/v1/privacy/me} as
 * JSON (in English, like all the API) and {@code /privacy/me} as a page in the reader's language.
 */
public final class PrivacyRoutes implements Routes {
  private static final HexFormat HEX = HexFormat.of();

  private final PrivacyPolicy policy;
  private final List<PolicyVersions.Change> history;
  private final Pages pages;
  private final KeyStore keys;
  private final Clock clock;

  /**
   * @param history the policy's versions, newest first, as recorded when this server started
   */
  public PrivacyRoutes(
      PrivacyPolicy policy,
      List<PolicyVersions.Change> history,
      Pages pages,
      KeyStore keys,
      Clock clock) {
    this.policy = policy;
    this.history = List.copyOf(history);
    this.pages = pages;
    this.keys = keys;
    this.clock = clock;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get(
        "/privacy",
        ctx ->
            ctx.html(
                pages.render("privacy.jte", new PrivacyPage(pages.site(ctx), policy, history))));
    routes.get("/api/v1/privacy/me", this::me);
    routes.get(
        "/privacy/me",
        ctx ->
            ctx.html(
                pages.render(
                    "privacy-me.jte", new TracePage(pages.site(ctx), trace(ctx), policy))));
  }

  /**
   * What this very request leaves behind, as both {@code /api/v1/privacy/me} and {@code
   * /privacy/me} show it.
   *
   * @param recording false when today's keys were destroyed ahead of time, so nothing of today is
   *     sealed or counted; {@code clientTag} and {@code networkTag} are then null
   * @param until the day from which the security log's rows of today are deleted
   */
  public record Trace(
      String ip,
      boolean forwarded,
      boolean gpc,
      boolean dnt,
      boolean honoured,
      String memoryTag,
      LocalDate today,
      boolean recording,
      String clientTag,
      String networkTag,
      int days,
      LocalDate until,
      int minCount) {}

  /** The page's model; the policy says what a subscription request would leave. */
  public record TracePage(Site site, Trace trace, PrivacyPolicy policy) {}

  private Trace trace(Context ctx) {
    Exchange exchange = Exchange.of(ctx);
    InetAddress client = exchange.client();
    boolean signal = exchange.privacySignal();
    LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
    Optional<DayKeys> day = keys.dayIfKept(today);
    return new Trace(
        IpLiterals.normalized(client),
        exchange.forwarded(),
        "1".equals(ctx.header("Sec-GPC")),
        "1".equals(ctx.header("DNT")),
        signal && policy.honorsPrivacySignals(),
        truncated(exchange.pseudonym()),
        today,
        day.isPresent(),
        day.map(keys -> truncated(keys.tag(VisitorLog.CLIENT, client.getAddress()))).orElse(null),
        day.map(keys -> truncated(keys.tag(VisitorLog.PREFIX, IpLiterals.networkPrefix(client))))
            .orElse(null),
        policy.securityLogDays(),
        today.plusDays(policy.securityLogDays()),
        policy.minCount());
  }

  private static String truncated(byte[] tag) {
    return HEX.formatHex(tag, 0, 8) + "…";
  }

  private void me(Context ctx) {
    Trace trace = trace(ctx);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("ip", trace.ip());
    out.put(
        "ipSource",
        trace.forwarded()
            ? "forwarded by a trusted proxy (X-Forwarded-For or Forwarded)"
            : "the connection itself (forwarding headers are only believed from trusted proxies)");
    out.put("gpc", trace.gpc());
    out.put("dnt", trace.dnt());
    out.put("privacySignalHonoured", trace.honoured());
    out.put(
        "tiers",
        List.of(
            tier(
                "memory",
                "rate limits and abuse counters",
                Map.of(
                    "clientTag",
                    trace.memoryTag(),
                    "form",
                    "keyed hash (HMAC-SHA256) under a key that never leaves memory"),
                "at most 2 hours; the key changes every hour"),
            trace.recording() ? securityLog(trace) : notRecording(trace.today()),
            tier(
                "aggregates",
                !trace.recording()
                    ? "not counted: today's visits are not recorded (see securityLog)"
                    : trace.honoured()
                        ? "this request counts only in the number of excluded requests"
                        : "counted in hourly and daily totals (no address, no number)",
                Map.of("minCount", trace.minCount()),
                "kept"),
            subscriptions()));
    out.put("retentionDays", trace.days());
    out.put("policy", "/privacy");
    out.put("page", "/privacy/me");
    ctx.contentType("application/json").result(Json.bytes(out));
  }

  /**
   * What a request for email updates ({@code POST /api/v1/subscriptions}) would leave: this GET
   * leaves none, but it is the one place a visitor can read it before giving an address.
   */
  private Map<String, Object> subscriptions() {
    if (!policy.mail()) {
      Map<String, Object> tier =
          tier("subscriptions", "email updates on a package", Map.of(), "nothing: not offered");
      tier.put("offered", false);
      return tier;
    }
    Map<String, Object> stored = new LinkedHashMap<>();
    stored.put(
        "email",
        "sealed with AES-256-GCM under the mail key of the day the subscription ends, a key kept"
            + " apart from the database and destroyed when that day is over; never in a log, the"
            + " security log or the aggregates");
    stored.put("trackingNumber", "the number asked about, in clear (it must be mailed about)");
    stored.put("events", "ALL or KEY, as chosen");
    stored.put("language", "the language the mails are written in");
    stored.put(
        "estimateChanges",
        "whether a mail is also sent when the expected delivery day moves, and the last expected"
            + " day mailed about (read from the public tracking result)");
    stored.put(
        "confirmationCount",
        "a keyed hash (HMAC-SHA256) of the address with the time, to send at most 3"
            + " confirmation mails an hour to one address; deleted after an hour");
    stored.put(
        "lookup",
        "the request is charged and recorded as one lookup of the number (see securityLog)");
    Map<String, Object> tier =
        tier(
            "subscriptions",
            "email updates on one package, only when asked for (POST /api/v1/subscriptions),"
                + " with double opt-in",
            stored,
            "unconfirmed: 24 hours; confirmed: "
                + policy.mailDaysAfterDelivery()
                + " days after the package is delivered or returned, or "
                + policy.mailDaysAfterLastScan()
                + " days after its last scan, whichever comes first, or until unsubscribed;"
                + " the key is destroyed by the end of that day");
    tier.put("offered", true);
    tier.put("legalRequestsReachIt", policy.legalReachesSubscriptions());
    return tier;
  }

  private static Map<String, Object> securityLog(Trace trace) {
    Map<String, Object> tier =
        tier(
            "securityLog",
            "one row per request, for security and lawful requests",
            Map.of(
                "ip",
                "sealed with AES-256-GCM under the key of " + trace.today(),
                "clientTag",
                trace.clientTag(),
                "networkTag",
                trace.networkTag(),
                "numbersAsked",
                "one keyed hash per number, under the same day's key"),
            trace.days()
                + " days: deleted, and the day's keys destroyed, from "
                + trace.until()
                + " 00:00 UTC");
    tier.put("recording", true);
    return tier;
  }

  /**
   * The security log when today's keys are already destroyed: retention was run for a later
   * instant, so nothing of today can be sealed, and nothing of this request is kept.
   */
  private static Map<String, Object> notRecording(LocalDate today) {
    Map<String, Object> tier =
        tier(
            "securityLog",
            "one row per request, for security and lawful requests",
            Map.of(),
            "nothing is kept of " + today);
    tier.put("recording", false);
    tier.put(
        "why",
        "The keys of "
            + today
            + " were destroyed ahead of time (retention was applied as of a later date), so"
            + " requests made on "
            + today
            + " cannot be sealed and nothing of them is recorded, not even in the aggregates."
            + " Recording resumes with the first day whose keys were not destroyed.");
    return tier;
  }

  private static Map<String, Object> tier(
      String name, String purpose, Map<String, Object> form, String kept) {
    Map<String, Object> tier = new LinkedHashMap<>();
    tier.put("tier", name);
    tier.put("purpose", purpose);
    tier.put("stored", form);
    tier.put("kept", kept);
    return tier;
  }
}
