package org.waypost.web;

import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * Request counts and latency by route template, method and status. Labels come only from registered
 * route templates and status codes, never from the request path, so the number of series stays
 * small whatever clients send.
 *
 * <p>Each series carries fixed histogram buckets ({@link #BUCKETS}) rather than percentiles
 * computed on the node: buckets add up across nodes, so Prometheus can give the p99 of the whole
 * service ({@code histogram_quantile(0.99, sum by (le)
 * (rate(http_server_requests_seconds_bucket[5m])))}), which no combination of per-node percentiles
 * can. They are spaced for lookups (a cache hit answers in about a millisecond, a miss in a few) up
 * to the 500 ms beyond which a lookup has failed its purpose, with two more to tell a slow answer
 * from the 3 s an outage may take to be declared.
 */
final class HttpMetrics {
  static final Duration[] BUCKETS = {
    Duration.ofMillis(1),
    Duration.ofMillis(2),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofSeconds(5)
  };

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
                    .serviceLevelObjectives(BUCKETS)
                    .register(registry));
    timer.record((long) (millis * 1_000_000L), TimeUnit.NANOSECONDS);
  }
}
