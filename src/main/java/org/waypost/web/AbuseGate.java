package org.waypost.web;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.router.Endpoint;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.waypost.abuse.AbuseDefence;
import org.waypost.abuse.Decision;
import org.waypost.error.ProblemException;
import org.waypost.error.ProblemType;
import org.waypost.governance.Operator;
import org.waypost.governance.OperatorAuth;
import org.waypost.governance.Role;
import org.waypost.tracking.NumberQuery;
import org.waypost.visitor.Visit;

/**
 * Where abuse defence meets HTTP: charges lookups before they run, counts their outcomes after, and
 * puts every key, token and password check behind the authentication-failure lockout.
 */
public final class AbuseGate {
  private static final String SUBJECT = "waypost.abuseSubject";

  private final AbuseDefence defence;
  private final RequestCapture capture;
  private final OperatorAuth operators;

  public AbuseGate(AbuseDefence defence, OperatorAuth operators, RequestCapture capture) {
    this.defence = defence;
    this.capture = capture;
    this.operators = operators;
  }

  /** Before-matched handler: refuses a lookup from a blocked or over-limit client or network. */
  void admit(Context ctx) {
    int cost = lookupCost(ctx);
    if (cost > 0) {
      AbuseDefence.Subject subject =
          defence.subject(RequestCapture.client(ctx), capture.pseudonym(ctx));
      ctx.req().setAttribute(SUBJECT, subject);
      enforce(defence.admitLookup(subject, cost));
    }
  }

  /** After the response: feeds the lookups' outcomes to enumeration detection. */
  void observe(Context ctx) {
    // admit() set the subject for every request that can look a number up
    List<Visit.Lookup> lookups = RequestCapture.lookups(ctx);
    if (!lookups.isEmpty()
        && ctx.statusCode() != 429
        && ctx.req().getAttribute(SUBJECT) instanceof AbuseDefence.Subject subject) {
      defence.observeLookups(subject, lookups);
    }
  }

  /**
   * The operator behind this request's token, if it has one of {@code roles}; locked out after
   * failures.
   */
  public Operator operator(Context ctx, Role... roles) {
    return authenticated(ctx, () -> operators.requireAny(ctx.header("Authorization"), roles));
  }

  /**
   * Runs an authentication check behind the lockout: refused while the client is locked out, and a
   * failed check counts towards the lockout. Whether a key or user exists is never revealed: every
   * failure looks the same.
   */
  public <T> T authenticated(Context ctx, Supplier<T> check) {
    InetAddress client = RequestCapture.client(ctx);
    enforce(defence.admitAuthentication(client));
    try {
      return check.get();
    } catch (ProblemException e) {
      if (e.type() == ProblemType.UNAUTHORIZED) {
        defence.authenticationFailed(client);
      }
      throw e;
    }
  }

  /** Charges one request to a shipper key's quota. */
  public void shipperRequest(String keyId) {
    enforce(defence.admitShipper(keyId));
  }

  private static void enforce(Decision decision) {
    if (decision.allowed()) {
      return;
    }
    boolean blocked = decision.verdict() == Decision.Verdict.BLOCKED;
    String detail =
        blocked
            ? "Requests from your address are blocked for now ("
                + decision.rule()
                + "). Try again in "
                + minutes(decision.retryAfterSeconds())
                + "."
            : "Too many lookups in a short time ("
                + decision.rule()
                + "). Try again in "
                + minutes(decision.retryAfterSeconds())
                + ".";
    throw new ProblemException(
        blocked ? ProblemType.BLOCKED : ProblemType.RATE_LIMITED,
        detail,
        Map.of("rule", decision.rule()),
        decision.retryAfterSeconds());
  }

  private static String minutes(long seconds) {
    if (seconds < 90) {
      return seconds + " seconds";
    }
    long minutes = (seconds + 59) / 60;
    return minutes < 120 ? minutes + " minutes" : (minutes + 59) / 60 + " hours";
  }

  /**
   * How many numbers a request asks for: 0 for anything that is not a lookup. Decided by the route
   * the request matched, not its raw path, so that every spelling the router accepts (a trailing
   * slash, say) is charged the same.
   */
  static int lookupCost(Context ctx) {
    if (ctx.method() != HandlerType.GET) {
      return 0;
    }
    return switch (matchedTemplate(ctx)) {
      case "/api/v1/tracking/{number}" -> 1;
      case "/api/v1/tracking", "/track" -> {
        try {
          yield NumberQuery.parse(ctx.queryParam("numbers")).numbers().size();
        } catch (ProblemException e) {
          yield 1;
        }
      }
      default -> 0;
    };
  }

  /** The template of the HTTP endpoint the request matched; empty when none (a static file). */
  private static String matchedTemplate(Context ctx) {
    Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
    return endpoint == null ? "" : endpoint.path;
  }
}
