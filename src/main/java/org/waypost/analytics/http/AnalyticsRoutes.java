package org.waypost.analytics.http;

import io.javalin.config.RoutesConfig;
import org.waypost.analytics.Analytics;
import org.waypost.error.ProblemException;
import org.waypost.governance.Role;
import org.waypost.governance.http.OperatorAccess;
import org.waypost.json.Json;
import org.waypost.web.Routes;

/** {@code GET /api/v1/admin/analytics}: the aggregates, for operators with the admin role. */
public final class AnalyticsRoutes implements Routes {
  private final Analytics analytics;
  private final OperatorAccess access;

  public AnalyticsRoutes(Analytics analytics, OperatorAccess access) {
    this.analytics = analytics;
    this.access = access;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get(
        "/api/v1/admin/analytics",
        ctx -> {
          access.require(ctx, Role.ADMIN);
          String resolution = ctx.queryParam("resolution");
          if (resolution != null && !resolution.equals("day") && !resolution.equals("hour")) {
            throw ProblemException.validation("resolution must be day or hour");
          }
          boolean hourly = "hour".equals(resolution);
          ctx.contentType("application/json")
              .result(
                  Json.bytes(
                      analytics
                          .report(ctx.queryParam("from"), ctx.queryParam("to"), hourly)
                          .json()));
        });
  }
}
