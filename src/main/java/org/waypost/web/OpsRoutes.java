package org.waypost.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.function.BooleanSupplier;

/** Liveness, readiness, Prometheus metrics and the OpenAPI description. */
public final class OpsRoutes implements Routes {
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
    routes.get("/health/ready", this::ready);
    routes.get(
        "/metrics",
        ctx ->
            ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                .result(prometheus.scrape()));
    routes.get("/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));
  }

  private void ready(Context ctx) {
    if (!databaseReady.getAsBoolean()) {
      throw new org.waypost.error.ProblemException(
          org.waypost.error.ProblemType.UNAVAILABLE, "The database is not answering.");
    }
    ctx.contentType("application/json").result("{\"status\":\"UP\",\"database\":\"UP\"}");
  }
}
