package org.waypost.web;

import io.javalin.http.Context;

/**
 * Headers every response carries. Pages load nothing but their own stylesheet, cannot be framed,
 * and leak no referrer; API responses allow nothing at all.
 */
public final class SecurityHeaders {
  static final String PAGE_CSP =
      "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self';"
          + " base-uri 'none'; frame-ancestors 'none'";
  static final String API_CSP = "default-src 'none'; frame-ancestors 'none'";

  private SecurityHeaders() {}

  public static void apply(Context ctx) {
    var res = ctx.res();
    boolean api = ctx.path().startsWith("/api/");
    res.setHeader("Content-Security-Policy", api ? API_CSP : PAGE_CSP);
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "no-referrer");
    res.setHeader("X-Frame-Options", "DENY");
    res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    res.setHeader("Cross-Origin-Resource-Policy", "same-origin");
    res.setHeader(
        "Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()");
    res.setHeader("Cache-Control", "no-store");
    if ("https".equals(ctx.scheme())) {
      res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    }
  }
}
