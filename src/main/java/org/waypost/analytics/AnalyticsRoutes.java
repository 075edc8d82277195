package org.waypost.analytics;

import io.javalin.config.RoutesConfig;
import org.waypost.error.ProblemException;
import org.waypost.governance.OperatorAuth;
import org.waypost.governance.Role;
import org.waypost.json.Json;
import org.waypost.web.Routes;

/** {@code GET /api/v1/admin/analytics}: the aggregates, for operators with the admin role. */
public final class AnalyticsRoutes implements Routes {
  private final Analytics analytics;
  private final OperatorAuth auth;

  public AnalyticsRoutes(Analytics analytics, OperatorAuth auth) {
    this.analytics = analytics;
    this.auth = auth;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get(
        "/api/v1/admin/analytics",
        ctx -> {
          auth.require(ctx.header("Authorization"), Role.ADMIN);
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
