package org.waypost.web;

import java.util.function.BiConsumer;

/**
 * Headers every response carries, Jetty's own error responses included ({@link ProtocolErrors}).
 * Pages load nothing but their own stylesheet, cannot be framed, and leak no referrer; API
 * responses allow nothing at all. HSTS goes with every response to a client that reached us over
 * TLS, directly or at a trusted proxy that says so ({@link Exchange#overTls()}).
 */
public final class SecurityHeaders {
  static final String PAGE_CSP =
      "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self';"
          + " base-uri 'none'; frame-ancestors 'none'";
  static final String API_CSP = "default-src 'none'; frame-ancestors 'none'";
  static final String HSTS = "max-age=31536000; includeSubDomains";

  private SecurityHeaders() {}

  /** The headers of a response to a request Waypost handles. */
  static void apply(io.javalin.http.Context ctx, Exchange exchange) {
    apply(ctx.path().startsWith("/api/"), exchange.overTls(), ctx.res()::setHeader);
  }

  /**
   * Sets the headers through {@code header}: {@code api} for a response on an API path, {@code
   * overTls} when the client reached us over TLS.
   */
  static void apply(boolean api, boolean overTls, BiConsumer<String, String> header) {
    header.accept("Content-Security-Policy", api ? API_CSP : PAGE_CSP);
    header.accept("X-Content-Type-Options", "nosniff");
    header.accept("Referrer-Policy", "no-referrer");
    header.accept("X-Frame-Options", "DENY");
    header.accept("Cross-Origin-Opener-Policy", "same-origin");
    header.accept("Cross-Origin-Resource-Policy", "same-origin");
    header.accept(
        "Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()");
    header.accept("Cache-Control", "no-store");
    if (overTls) {
      header.accept("Strict-Transport-Security", HSTS);
    }
  }
}
