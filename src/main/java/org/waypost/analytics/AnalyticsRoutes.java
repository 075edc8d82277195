package org.waypost.analytics;

import io.javalin.config.RoutesConfig;
import org.waypost.error.ProblemException;
import org.waypost.governance.Role;
import org.waypost.json.Json;
import org.waypost.web.AbuseGate;
import org.waypost.web.Routes;

/** {@code GET /api/v1/admin/analytics}: the aggregates, for operators with the admin role. */
public final class AnalyticsRoutes implements Routes {
  private final Analytics analytics;
  private final AbuseGate gate;

  public AnalyticsRoutes(Analytics analytics, AbuseGate gate) {
    this.analytics = analytics;
    this.gate = gate;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get(
        "/api/v1/admin/analytics",
        ctx -> {
          gate.operator(ctx, Role.ADMIN);
          String resolution = ctx.queryParam("resolution");
          if (resolution != null && !resolution.equals("day") && !resolution.equals("hour")) {
            throw ProblemException.validation("resolution must be day or hour");
          }
          boolean hourly = "hour".equals(resolution);
          ctx.contentType("application/json")
              .result(
                  Json.bytes(
                      analytics.report(ctx.queryParam("from"), ctx.queryParam("to"), hourly)));
        });
  }
}
