package org.waypost.web;

import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * Request counts and latency by route template, method and status. Labels come only from registered
 * route templates and status codes, never from the request path, so the number of series stays
 * small whatever clients send.
 */
final class HttpMetrics {
  private final MeterRegistry registry;
  private final ConcurrentMap<String, Timer> timers = new ConcurrentHashMap<>();

  HttpMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * @param route the request's route template ({@link Routes#template})
   */
  void record(Context ctx, String route, float millis) {
    String method = ctx.method().name();
    int status = ctx.statusCode();
    String key = method + ' ' + route + ' ' + status;
    Timer timer =
        timers.computeIfAbsent(
            key,
            k ->
                Timer.builder("http.server.requests")
                    .description("HTTP requests by route, method and status")
                    .tag("route", route)
                    .tag("method", method)
                    .tag("status", Integer.toString(status))
                    .register(registry));
    timer.record((long) (millis * 1_000_000L), TimeUnit.NANOSECONDS);
  }
}
