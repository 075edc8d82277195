package org.waypost.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;

/** A feature's HTTP routes, registered in one visible place by {@link HttpServer}. */
public interface Routes {
  void register(RoutesConfig routes);

  /** The matched route template, e.g. {@code /api/v1/tracking/{number}}; "unmatched" if none. */
  static String template(Context ctx) {
    try {
      Endpoint endpoint = ctx.endpoint();
      return endpoint == null ? "unmatched" : endpoint.path;
    } catch (RuntimeException e) {
      return "unmatched";
    }
  }
}
