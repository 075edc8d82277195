package org.waypost.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.parser.core.models.ParseOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waypost.testing.RouteServer;
import org.waypost.testing.Sql;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;
import org.waypost.testing.TestServer;

/**
 * How the server behaves for the machines around it: probes and scrapes are no visits, {@code
 * server.managementPort} keeps them apart from the public listener, and HSTS goes with every
 * response to a client that came over TLS, also through a trusted proxy.
 */
class OperationsConventionsTest {
  private static final String NUMBER = "9400111206206406260787";

  @TempDir Path dir;

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The visits handed to capture, whatever became of them: recorded, dropped (capture sheds visits
   * on a saturated machine, as during a full test run) or failed.
   */
  private static double visitsOffered(TestApp server) {
    MeterRegistry meters = server.app().meters();
    return meters.get("waypost.capture.recorded").counter().count()
        + meters.get("waypost.capture.dropped").counters().stream()
            .mapToDouble(Counter::count)
            .sum()
        + meters.get("waypost.capture.failed").counter().count();
  }

  private static long count(TestApp server, String table) {
    return Sql.longValue(server.app().database(), "SELECT COUNT(*) FROM " + table);
  }

  @Test
  void probesAndScrapesAreNotVisits() {
    try (TestApp server = TestApp.start(StoreKind.SQLITE, dir)) {
      for (int i = 0; i < 5; i++) {
        assertThat(server.get("/health/live").status()).isEqualTo(200);
        assertThat(server.get("/health/ready").status()).isEqualTo(200);
        assertThat(server.get("/metrics").status()).isEqualTo(200);
      }
      server.app().capture().flush();
      assertThat(visitsOffered(server)).isZero();
      assertThat(count(server, "security_log")).isZero();
      assertThat(count(server, "traffic_counts")).isZero();

      server.get("/api/v1/tracking/" + NUMBER);
      server.app().capture().flush();
      assertThat(visitsOffered(server)).as("a lookup still is one").isEqualTo(1);
    }
  }

  @Test
  void withAManagementPortProbesAndMetricsAnswerOnlyThereAndNothingThereIsCaptured() {
    int management = freePort();
    try (TestApp server =
        TestApp.start(
            StoreKind.SQLITE,
            dir,
            Clock.systemUTC(),
            Map.of("server.managementPort", Integer.toString(management)))) {
      TestServer ops = path -> URI.create("http://127.0.0.1:" + management).resolve(path);

      for (String path : new String[] {"/metrics", "/health/live", "/health/ready"}) {
        var there = ops.get(path);
        assertThat(there.status()).as(path).isEqualTo(200);
        assertThat(there.header("X-Content-Type-Options")).isEqualTo("nosniff");
        var main = server.get(path);
        assertThat(main.status()).as("%s on the main port", path).isEqualTo(404);
        assertThat(main.json().get("type").asText()).isEqualTo("/problems/not-found");
      }
      assertThat(ops.get("/metrics").body())
          .contains("http_server_requests_seconds")
          .as("each listener's connections apart")
          .containsPattern("jetty_connections_opened_total\\{connector=\"main\"} [1-9]")
          .containsPattern("jetty_connections_opened_total\\{connector=\"management\"} [1-9]");
      for (String path : new String[] {"/api/v1/tracking/" + NUMBER, "/", "/openapi.json"}) {
        assertThat(ops.get(path).status()).as("%s on the management port", path).isEqualTo(404);
      }
      assertThat(server.get("/api/v1/tracking/" + NUMBER).status()).isEqualTo(404);
      assertThat(server.get("/openapi.json").status()).isEqualTo(200);

      server.app().capture().flush();
      assertThat(visitsOffered(server))
          .as("the lookup and /openapi.json; not the main port's 404s for /metrics and /health")
          .isEqualTo(2);
      assertThat(count(server, "security_log WHERE route_class NOT IN ('TRACKING_API', 'OPS')"))
          .isZero();
    }
  }

  @Test
  void hstsGoesWithEveryResponseToAClientThatCameOverTls() {
    Routes hello = routes -> routes.get("/api/v1/hello", ctx -> ctx.result("hello"));
    try (RouteServer server = RouteServer.start(hello)) {
      String[] viaTlsProxy = {"X-Forwarded-For", "203.0.113.7", "X-Forwarded-Proto", "https"};
      assertThat(server.get("/api/v1/hello", viaTlsProxy).header("Strict-Transport-Security"))
          .isEqualTo("max-age=31536000; includeSubDomains");
      assertThat(server.get("/api/v1/nothing", viaTlsProxy).header("Strict-Transport-Security"))
          .as("on errors too")
          .isNotNull();
      assertThat(server.get("/api/v1/hello").header("Strict-Transport-Security"))
          .as("plain HTTP")
          .isNull();
      assertThat(
              server
                  .get(
                      "/api/v1/hello",
                      "X-Forwarded-For",
                      "203.0.113.7",
                      "X-Forwarded-Proto",
                      "http")
                  .header("Strict-Transport-Security"))
          .isNull();
    }
  }

  @Test
  void aProxyThatIsNotTrustedCannotClaimTls() {
    try (TestApp server = TestApp.start(StoreKind.SQLITE, dir)) {
      var response =
          server.send(
              HttpRequest.newBuilder(server.uri("/api/v1/tracking/" + NUMBER)).GET(),
              "X-Forwarded-For",
              "203.0.113.7",
              "X-Forwarded-Proto",
              "https");
      assertThat(response.header("Strict-Transport-Security")).isNull();
    }
  }

  @Test
  void theOpenApiDescriptionSaysEveryRouteThatNeedsTheDatabaseMayBeUnavailable() {
    try (TestApp server = TestApp.start(StoreKind.SQLITE, dir)) {
      ParseOptions options = new ParseOptions();
      options.setResolve(true);
      OpenAPI api =
          new OpenAPIParser()
              .readContents(server.get("/openapi.json").body(), null, options)
              .getOpenAPI();
      api.getPaths()
          .forEach(
              (path, item) ->
                  item.readOperationsMap()
                      .forEach(
                          (method, operation) -> {
                            ApiResponse unavailable = operation.getResponses().get("503");
                            if (path.equals("/api/v1/privacy/me")) {
                              assertThat(unavailable).as("privacy/me needs no database").isNull();
                              return;
                            }
                            assertThat(unavailable).as("%s %s", method, path).isNotNull();
                            assertThat(unavailable.get$ref())
                                .isEqualTo("#/components/responses/Unavailable");
                          }));
      ApiResponse shared = api.getComponents().getResponses().get("Unavailable");
      assertThat(shared.getHeaders()).containsKey("Retry-After");
      assertThat(shared.getContent()).containsKey("application/problem+json");
    }
  }
}
