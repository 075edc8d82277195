package org.waypost.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
  @TempDir static Path dir;
  static TestApp server;

  @BeforeAll
  static void start() {
    // pinned, as the scan the metrics test sends is dated
    server =
        TestApp.start(
            StoreKind.SQLITE,
            dir,
            new MutableClock(Instant.parse("2026-11-29T12:00:00Z")),
            Map.of());
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
    String number =
        server
            .postAs(
                key,
                "/api/v1/shipments",
                "application/json",
                Fixtures.shipmentJson("PRIORITY", "US"))
            .json()
            .get("trackingNumber")
            .asText();
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
