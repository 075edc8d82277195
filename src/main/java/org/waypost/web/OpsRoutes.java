package org.waypost.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.function.BooleanSupplier;
import org.waypost.error.ProblemException;
import org.waypost.error.ProblemType;

/**
 * Liveness, readiness, Prometheus metrics and the OpenAPI description. The first three answer on
 * the management port when {@code server.managementPort} is set ({@link #isManagement}).
 */
public final class OpsRoutes implements Routes {
  static final String READY = "/health/ready";
  private static final byte[] UP = "{\"status\":\"UP\"}".getBytes();

  private final BooleanSupplier databaseReady;
  private final PrometheusMeterRegistry prometheus;
  private final byte[] openApi;

  public OpsRoutes(BooleanSupplier databaseReady, PrometheusMeterRegistry prometheus) {
    this.databaseReady = databaseReady;
    this.prometheus = prometheus;
    this.openApi = resource("/openapi.json");
  }

  /** A file of the build's resources, whole; a missing one is a broken build. */
  static byte[] resource(String name) {
    try (InputStream in = OpsRoutes.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the build");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get("/health/live", ctx -> ctx.contentType("application/json").result(UP));
    routes.get(READY, this::ready);
    routes.get(
        "/metrics",
        ctx ->
            ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                .result(prometheus.scrape()));
    routes.get("/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));
  }

  /** Whether {@code path} is one for machines watching the server: probes and scrapes. */
  static boolean isManagement(String path) {
    return path.startsWith("/health/") || path.equals("/metrics");
  }

  private void ready(Context ctx) {
    if (!databaseReady.getAsBoolean()) {
      throw new ProblemException(
          ProblemType.UNAVAILABLE, "The database is not answering or not taking writes.");
    }
    ctx.contentType("application/json").result("{\"status\":\"UP\",\"database\":\"UP\"}");
  }
}
