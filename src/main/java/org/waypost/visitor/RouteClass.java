package org.waypost.visitor;

/**
 * What kind of request a visit was, coarse enough to count. Operator routes have no class: they are
 * kept apart from visitor data altogether (the audit log records what operators do).
 */
public enum RouteClass {
  PAGE,
  TRACKING_API,
  SHIPPER_API,
  PRIVACY_API,
  STATIC,
  OPS,
  UNMATCHED;

  /** The class of a request path, or null for operator routes, which are not captured. */
  public static RouteClass of(String path, boolean matched) {
    if (path.startsWith("/api/v1/admin") || path.startsWith("/operator")) {
      return null;
    }
    if (!matched) {
      return UNMATCHED;
    }
    if (path.startsWith("/api/v1/tracking")) {
      return TRACKING_API;
    }
    if (path.startsWith("/api/v1/shipments") || path.startsWith("/api/v1/events")) {
      return SHIPPER_API;
    }
    if (path.startsWith("/api/")) {
      return PRIVACY_API;
    }
    if (path.startsWith("/static/")) {
      return STATIC;
    }
    if (path.startsWith("/health") || path.equals("/metrics") || path.equals("/openapi.json")) {
      return OPS;
    }
    return PAGE;
  }
}
