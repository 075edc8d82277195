package org.waypost.visitor.http;

import io.javalin.http.Context;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.waypost.visitor.Capture;
import org.waypost.visitor.Outcome;
import org.waypost.visitor.RouteClass;
import org.waypost.visitor.Visit;
import org.waypost.web.Exchange;
import org.waypost.web.RequestHook;

/**
 * The request side of visitor capture: once a request is answered, hands one {@link Visit} to
 * {@link Capture}, which turns it into tier-2 and tier-3 records off the request thread. Handlers
 * add what only they know to the {@link Exchange}: the numbers asked and their outcomes, the
 * shipper key used.
 */
public final class VisitorCapture implements RequestHook {
  private final Capture capture;
  private final Clock clock;

  public VisitorCapture(Capture capture, Clock clock) {
    this.capture = capture;
    this.clock = clock;
  }

  @Override
  public void answered(Context ctx, Exchange exchange, String route, float millis) {
    boolean realRoute = !route.equals("unmatched") && !route.equals("*");
    RouteClass routeClass = RouteClass.of(ctx.path(), realRoute || ctx.statusCode() != 404);
    if (routeClass == null) {
      return;
    }
    capture.offer(
        new Visit(
            clock.instant(),
            routeClass,
            ctx.statusCode(),
            (long) (millis * 1000),
            exchange.client(),
            ctx.header("User-Agent"),
            ctx.header("Referer"),
            ctx.host(),
            exchange.privacySignal(),
            exchange.shipperKeyId(),
            lookups(exchange)));
  }

  /** The request's lookups in the visitor's own terms. */
  public static List<Visit.Lookup> lookups(Exchange exchange) {
    List<Exchange.Lookup> asked = exchange.lookups();
    if (asked.isEmpty()) {
      return List.of();
    }
    List<Visit.Lookup> out = new ArrayList<>(asked.size());
    for (Exchange.Lookup lookup : asked) {
      out.add(new Visit.Lookup(lookup.number(), Outcome.valueOf(lookup.outcome().name())));
    }
    return out;
  }
}
