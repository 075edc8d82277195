package org.waypost.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waypost.testing.Fixtures;
import org.waypost.testing.MutableClock;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;

/** Health checks, Prometheus metrics and an OpenAPI description that covers every API route. */
class OpsTest {
  private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

  @TempDir static Path dir;
  static TestApp server;

  @BeforeAll
  static void start() {
    // pinned, as the scan the metrics test sends is dated
    server = TestApp.start(StoreKind.SQLITE, dir, new MutableClock(NOW), Map.of());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void healthSaysLiveAndReadyWhileTheDatabaseAnswers() {
    assertThat(server.get("/health/live").status()).isEqualTo(200);
    var ready = server.get("/health/ready");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().get("database").asText()).isEqualTo("UP");
  }

  @Test
  void metricsCountRequestsByRouteAndEventsIngested() {
    String key = server.shipperKey("Acme");
    String number = registered(key);
    server.postAs(
        key,
        "/api/v1/events",
        "application/json",
        Fixtures.jsonArray(
            Fixtures.eventJson("m1", number, "ACCEPTED", "2026-11-27T09:00:00-08:00")));
    server.get("/api/v1/tracking/" + number);

    var metrics = server.get("/metrics");
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.contentType()).startsWith("text/plain");
    assertThat(metrics.body())
        .contains(
            "http_server_requests_seconds_count{method=\"GET\",route=\"/api/v1/tracking/{number}\",status=\"200\"}")
        .contains("waypost_events_ingested_total{outcome=\"accepted\"} 1.0")
        .doesNotContain(number);
  }

  @Test
  void metricsShowLatencyBucketsThePoolTheCacheJettyTheBuildAndTheJobs() throws Exception {
    String number = registered(server.shipperKey("Bucket Co"));
    server.get("/api/v1/tracking/" + number); // a miss, loaded from the database
    server.get("/api/v1/tracking/" + number); // a hit

    String metrics = scrapeOnceRetentionRan();
    String lookups = "method=\"GET\",route=\"/api/v1/tracking/{number}\",status=\"200\"";
    // fixed buckets from 1 ms, which add up across nodes into one p99
    assertThat(metrics)
        .contains("# TYPE http_server_requests_seconds histogram")
        .contains("http_server_requests_seconds_bucket{" + lookups + ",le=\"0.001\"}")
        .contains("http_server_requests_seconds_bucket{" + lookups + ",le=\"0.5\"}")
        .contains("http_server_requests_seconds_bucket{" + lookups + ",le=\"+Inf\"}");
    assertThat(value(metrics, "http_server_requests_seconds_bucket{" + lookups + ",le=\"+Inf\"}"))
        .isGreaterThanOrEqualTo(2);
    assertThat(value(metrics, "hikaricp_connections_max{pool=\"waypost\"}")).isPositive();
    assertThat(metrics).contains("hikaricp_connections_acquire_seconds_count{pool=\"waypost\"}");
    assertThat(value(metrics, "cache_gets_total{cache=\"lookups\",result=\"hit\"}"))
        .isGreaterThanOrEqualTo(1);
    assertThat(value(metrics, "cache_gets_total{cache=\"lookups\",result=\"miss\"}"))
        .isGreaterThanOrEqualTo(1);
    assertThat(value(metrics, "cache_size{cache=\"lookups\"}")).isGreaterThanOrEqualTo(1);
    // this very scrape is on an open connection and in flight
    assertThat(value(metrics, "jetty_connections_current{connector=\"main\"}")).isPositive();
    assertThat(value(metrics, "jetty_connections_opened_total{connector=\"main\"}")).isPositive();
    assertThat(metrics).contains("jetty_connections_received_bytes_total{connector=\"main\"}");
    assertThat(value(metrics, "http_server_requests_active")).isGreaterThanOrEqualTo(1);
    assertThat(metrics)
        .containsPattern(
            "waypost_build_info\\{commit=\"([0-9a-f]{7,40}(-dirty)?|unknown)\","
                + "version=\"\\d+\\.\\d+\\.\\d+[^\"]*\"} 1");
    // by the application's clock, pinned here
    assertThat(value(metrics, "waypost_job_last_success_seconds{job=\"retention\"}"))
        .isEqualTo(NOW.getEpochSecond());
    assertThat(metrics).doesNotContain(number);
  }

  /** The number of a shipment the shipper with {@code key} registers. */
  private static String registered(String key) {
    return server
        .postAs(
            key, "/api/v1/shipments", "application/json", Fixtures.shipmentJson("PRIORITY", "US"))
        .json()
        .get("trackingNumber")
        .asText();
  }

  /** /metrics, once the retention run the server starts with has succeeded. */
  private static String scrapeOnceRetentionRan() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      String metrics = server.get("/metrics").body();
      if (metrics.contains("waypost_job_last_success_seconds{job=\"retention\"}")
          || System.nanoTime() > deadline) {
        return metrics;
      }
      Thread.sleep(100);
    }
  }

  /** The value of the series written exactly as {@code series}; fails when there is none. */
  private static double value(String metrics, String series) {
    Matcher m =
        Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE)
            .matcher(metrics);
    assertThat(m.find()).as("/metrics has %s", series).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void theOpenApiDescriptionIsValidAndCoversEveryApiRoute() {
    var response = server.get("/openapi.json");
    assertThat(response.status()).isEqualTo(200);
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    SwaggerParseResult parsed = new OpenAPIParser().readContents(response.body(), null, options);
    assertThat(parsed.getMessages()).isEmpty();
    OpenAPI api = parsed.getOpenAPI();
    assertThat(api.getOpenapi()).startsWith("3.1");

    List<String> routes =
        server.app().server().javalin().unsafe.internalRouter.allHttpHandlers().stream()
            .map(parsedEndpoint -> parsedEndpoint.endpoint)
            .filter(e -> e.path.startsWith("/api/v1") && e.method.isHttpMethod())
            .map(e -> e.method.name() + " " + e.path)
            .toList();
    assertThat(routes)
        .isNotEmpty()
        .contains("GET /api/v1/tracking/{number}", "POST /api/v1/events");
    for (String route : routes) {
      String method = route.substring(0, route.indexOf(' '));
      String path = route.substring(route.indexOf(' ') + 1);
      PathItem item = api.getPaths().get(path);
      assertThat(item).as("OpenAPI describes %s", path).isNotNull();
      assertThat(
              item.readOperationsMap().keySet().stream()
                  .map(m -> m.name().toUpperCase(Locale.ROOT)))
          .as("OpenAPI describes %s", route)
          .contains(method);
    }
  }
}
