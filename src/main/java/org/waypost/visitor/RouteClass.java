package org.waypost.visitor;

/**
 * What kind of request a visit was, coarse enough to count. Operator routes have no class: they are
 * kept apart from visitor data altogether (the audit log records what operators do). Nor have
 * health probes and metrics scrapes: machines asking how the server is are no visits, and would
 * swamp the security log and the counts.
 */
public enum RouteClass {
  PAGE,
  TRACKING_API,
  SHIPPER_API,
  PRIVACY_API,
  STATIC,
  OPS,
  UNMATCHED;

  /** The class of a request path, or null for operator, probe and scrape routes: not captured. */
  public static RouteClass of(String path, boolean matched) {
    if (path.startsWith("/api/v1/admin")
        || path.startsWith("/operator")
        || path.startsWith("/health/")
        || path.equals("/metrics")) {
      return null;
    }
    if (!matched) {
      return UNMATCHED;
    }
    if (path.startsWith("/api/v1/tracking")) {
      return TRACKING_API;
    }
    if (path.startsWith("/api/v1/shipments")
        || path.startsWith("/api/v1/events")
        || path.startsWith("/api/v1/webhooks")) {
      return SHIPPER_API;
    }
    if (path.startsWith("/api/")) {
      return PRIVACY_API;
    }
    if (path.startsWith("/static/")) {
      return STATIC;
    }
    if (path.equals("/openapi.json")) {
      return OPS;
    }
    return PAGE;
  }
}
