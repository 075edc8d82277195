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
import org.waypost.visitor.PrivacyPolicy;
import org.waypost.visitor.VisitorLog;
import org.waypost.web.Exchange;
import org.waypost.web.Pages;
import org.waypost.web.Routes;

/** The privacy policy page, and {@code /api/v1/privacy/me}: what this very request leaves. */
public final class PrivacyRoutes implements Routes {
  private static final HexFormat HEX = HexFormat.of();

  private final PrivacyPolicy policy;
  private final Pages pages;
  private final KeyStore keys;
  private final Clock clock;

  public PrivacyRoutes(PrivacyPolicy policy, Pages pages, KeyStore keys, Clock clock) {
    this.policy = policy;
    this.pages = pages;
    this.keys = keys;
    this.clock = clock;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get(
        "/privacy",
        ctx -> ctx.html(pages.render("privacy.jte", new PrivacyPage(pages.site(ctx), policy))));
    routes.get("/api/v1/privacy/me", this::me);
  }

  private static String truncated(byte[] tag) {
    return HEX.formatHex(tag, 0, 8) + "…";
  }

  private void me(Context ctx) {
    Exchange exchange = Exchange.of(ctx);
    InetAddress client = exchange.client();
    boolean signal = exchange.privacySignal();
    LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
    Optional<DayKeys> day = keys.dayIfKept(today);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("ip", IpLiterals.normalized(client));
    out.put(
        "ipSource",
        exchange.forwarded()
            ? "forwarded by a trusted proxy (X-Forwarded-For or Forwarded)"
            : "the connection itself (forwarding headers are only believed from trusted proxies)");
    out.put("gpc", "1".equals(ctx.header("Sec-GPC")));
    out.put("dnt", "1".equals(ctx.header("DNT")));
    out.put("privacySignalHonoured", signal && policy.honorsPrivacySignals());
    out.put(
        "tiers",
        List.of(
            tier(
                "memory",
                "rate limits and abuse counters",
                Map.of(
                    "clientTag",
                    truncated(exchange.pseudonym()),
                    "form",
                    "keyed hash (HMAC-SHA256) under a key that never leaves memory"),
                "at most 2 hours; the key changes every hour"),
            day.map(keys -> securityLog(keys, client, today)).orElseGet(() -> notRecording(today)),
            tier(
                "aggregates",
                day.isEmpty()
                    ? "not counted: today's visits are not recorded (see securityLog)"
                    : signal && policy.honorsPrivacySignals()
                        ? "this request counts only in the number of excluded requests"
                        : "counted in hourly and daily totals (no address, no number)",
                Map.of("minCount", policy.minCount()),
                "kept")));
    out.put("retentionDays", policy.securityLogDays());
    out.put("policy", "/privacy");
    ctx.contentType("application/json").result(Json.bytes(out));
  }

  private Map<String, Object> securityLog(DayKeys day, InetAddress client, LocalDate today) {
    Map<String, Object> tier =
        tier(
            "securityLog",
            "one row per request, for security and lawful requests",
            Map.of(
                "ip",
                "sealed with AES-256-GCM under the key of " + today,
                "clientTag",
                truncated(day.tag(VisitorLog.CLIENT, client.getAddress())),
                "networkTag",
                truncated(day.tag(VisitorLog.PREFIX, IpLiterals.networkPrefix(client))),
                "numbersAsked",
                "one keyed hash per number, under the same day's key"),
            policy.securityLogDays()
                + " days: deleted, and the day's keys destroyed, from "
                + today.plusDays(policy.securityLogDays())
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
