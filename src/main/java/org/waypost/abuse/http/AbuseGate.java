package org.waypost.abuse.http;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.waypost.abuse.AuthLockout;
import org.waypost.abuse.Decision;
import org.waypost.abuse.LookupLimits;
import org.waypost.abuse.ShipperQuota;
import org.waypost.error.Phrase;
import org.waypost.error.ProblemException;
import org.waypost.error.ProblemType;
import org.waypost.visitor.Visit;
import org.waypost.visitor.http.VisitorCapture;
import org.waypost.web.Exchange;
import org.waypost.web.Gate;
import org.waypost.web.RequestHook;

/**
 * Where abuse defence meets HTTP: charges lookups before they run, counts their outcomes after the
 * response, puts every key, token and password check behind the authentication-failure lockout, and
 * holds each shipper key to its quota. The client's abuse state is looked up once per lookup
 * request and kept in the exchange between the two moments.
 */
public final class AbuseGate implements Gate, RequestHook {
  private static final Exchange.Slot<LookupLimits.Subject> SUBJECT = new Exchange.Slot<>();

  private final LookupLimits lookupLimits;
  private final AuthLockout lockout;
  private final ShipperQuota shippers;

  public AbuseGate(LookupLimits lookupLimits, AuthLockout lockout, ShipperQuota shippers) {
    this.lookupLimits = lookupLimits;
    this.lockout = lockout;
    this.shippers = shippers;
  }

  @Override
  public void admitLookups(Exchange exchange, int numbers) {
    LookupLimits.Subject subject = lookupLimits.subject(exchange.client(), exchange.pseudonym());
    exchange.put(SUBJECT, subject);
    enforce(lookupLimits.admit(subject, numbers));
  }

  /** After the response: feeds the lookups' outcomes to enumeration detection. */
  @Override
  public void answered(Context ctx, Exchange exchange, String route, float millis) {
    LookupLimits.Subject subject = exchange.get(SUBJECT);
    if (subject != null && !exchange.lookups().isEmpty() && ctx.statusCode() != 429) {
      List<Visit.Lookup> lookups = VisitorCapture.lookups(exchange);
      lookupLimits.observe(subject, lookups);
    }
  }

  @Override
  public <T> T authenticate(Exchange exchange, String account, Supplier<T> check) {
    enforce(lockout.admit(exchange.client(), account));
    try {
      return check.get();
    } catch (ProblemException e) {
      if (e.type() == ProblemType.UNAUTHORIZED) {
        lockout.failed(exchange.client(), account);
      }
      throw e;
    }
  }

  @Override
  public void admitShipper(Exchange exchange, String keyId) {
    enforce(shippers.admit(keyId));
  }

  private static void enforce(Decision decision) {
    if (decision.allowed()) {
      return;
    }
    boolean blocked = decision.verdict() == Decision.Verdict.BLOCKED;
    String key =
        switch (decision.rule()) {
          case AuthLockout.RULE_NETWORK -> "abuse.network";
          case AuthLockout.RULE_ACCOUNT -> "abuse.account";
          case LookupLimits.RULE_ENUMERATION -> "abuse.enumeration";
          case LookupLimits.RULE_PREFIX_ENUMERATION -> "abuse.prefixEnumeration";
          default -> blocked ? "abuse.blocked" : "abuse.limited";
        };
    String what =
        switch (decision.rule()) {
          case AuthLockout.RULE_NETWORK -> "Requests from your network are blocked for now";
          case AuthLockout.RULE_ACCOUNT ->
              "Logins to this account are paused for now after many failed attempts";
          case LookupLimits.RULE_ENUMERATION ->
              "Lookups from your address are blocked for now: it asked for many tracking numbers"
                  + " that do not exist";
          case LookupLimits.RULE_PREFIX_ENUMERATION ->
              "Lookups from your network are blocked for now: it asked for many tracking numbers"
                  + " that do not exist";
          default ->
              blocked
                  ? "Requests from your address are blocked for now"
                  : "Too many lookups in a short time";
        };
    Map<String, Object> extensions = new LinkedHashMap<>();
    extensions.put("rule", decision.rule());
    String reference = "";
    Object reason = decision.rule();
    if (decision.incident() > 0) {
      extensions.put("incident", decision.incident());
      reference = ", incident " + decision.incident();
      reason = Phrase.of("abuse.incident", decision.rule(), decision.incident());
    }
    String detail =
        what
            + " ("
            + decision.rule()
            + reference
            + "). Try again in "
            + minutes(decision.retryAfterSeconds())
            + ".";
    throw new ProblemException(
        blocked ? ProblemType.BLOCKED : ProblemType.RATE_LIMITED,
        detail,
        extensions,
        decision.retryAfterSeconds(),
        Phrase.of(key, reason, waitPhrase(decision.retryAfterSeconds())));
  }

  /** The wait as pages word it: seconds, minutes or hours, as {@link #minutes} says it. */
  private static Phrase waitPhrase(long seconds) {
    if (seconds < 90) {
      return Phrase.of("wait.seconds", seconds);
    }
    long minutes = (seconds + 59) / 60;
    return minutes < 120
        ? Phrase.of("wait.minutes", minutes)
        : Phrase.of("wait.hours", (minutes + 59) / 60);
  }

  private static String minutes(long seconds) {
    if (seconds < 90) {
      return seconds + " seconds";
    }
    long minutes = (seconds + 59) / 60;
    return minutes < 120 ? minutes + " minutes" : (minutes + 59) / 60 + " hours";
  }
}
