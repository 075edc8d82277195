package org.waypost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waypost.App;
import org.waypost.config.ConfigLoader;
import org.waypost.config.WaypostConfig;
import org.waypost.keys.MasterKey;
import org.waypost.shipper.ApiKeys;
import org.waypost.testing.Fixtures;
import org.waypost.testing.Sql;

/**
 * {@code waypost serve} in a process of its own, stopped as a supervisor stops it: SIGTERM while a
 * shipper is still sending a batch. Readiness fails at once while the server keeps answering, the
 * batch completes and is acknowledged, the visits captured are written, and the process exits 0.
 */
class ShutdownTest {
  @TempDir Path dir;

  @Test
  void sigtermDrainsTheRequestInFlightWritesCaptureAndExitsZero() throws Exception {
    Path config = dir.resolve("waypost.yaml");
    Files.writeString(
        config,
        """
        server: { host: 127.0.0.1, port: 0, drainSeconds: 20 }
        database: { url: "jdbc:sqlite:%s" }
        privacy: { keyDir: "%s", masterKeyFile: "%s" }
        """
            .formatted(dir.resolve("waypost.db"), dir.resolve("keys"), dir.resolve("master.key")));
    WaypostConfig loaded = ConfigLoader.load(config, Map.of(), Map.of());
    MasterKey.createIfMissing(dir.resolve("master.key"));
    String key;
    String number;
    try (App app = App.open(loaded, Clock.systemUTC())) {
      ApiKeys.Created created = app.apiKeys().create("Acme");
      key = created.key();
      number =
          app.shipments()
              .register(created.shipper().id(), Fixtures.priorityToFairfax())
              .trackingNumber();
    }
    Path output = dir.resolve("output");
    Process server = ServeProcess.start(config, output, output, Map.of());
    try {
      int port = ServeProcess.port(ServeProcess.awaitServing(server, output));
      String time =
          OffsetDateTime.now(ZoneOffset.UTC)
              .minusHours(1)
              .truncatedTo(ChronoUnit.SECONDS)
              .toString();
      byte[] body =
          Fixtures.jsonArray(Fixtures.eventJson("slow-1", number, "ACCEPTED", time))
              .getBytes(StandardCharsets.UTF_8);
      double idle = activeRequests(port); // the scrape may count itself
      try (Socket slow = new Socket("127.0.0.1", port)) {
        slow.setSoTimeout(30_000);
        OutputStream out = slow.getOutputStream();
        out.write(
            ("POST /api/v1/events HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                    + key
                    + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length
                    + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.write(body, 0, body.length / 2);
        out.flush();
        // the server is now reading the body; on a busy machine it may take a while to get there
        long dispatched = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (activeRequests(port) <= idle && System.nanoTime() < dispatched) {
          Thread.sleep(50);
        }

        server.destroy(); // SIGTERM

        HttpResponse<String> ready = awaitReadiness(port, 503);
        assertThat(ready.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(ready.body()).contains("/problems/unavailable").contains("shutting down");
        assertThat(server.isAlive()).as("still draining").isTrue();

        out.write(body, body.length / 2, body.length - body.length / 2);
        out.flush();
        String response = new String(slow.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(response).startsWith("HTTP/1.1 200").contains("\"accepted\":1");
      }

      assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("the server stopped").isTrue();
      assertThat(server.exitValue()).as(Files.readString(output)).isZero();
    } finally {
      server.destroyForcibly().waitFor();
    }
    assertThat(Files.readString(output))
        .contains("SIGTERM received")
        .doesNotContain("ERROR")
        .doesNotContain("Exception");
    try (App app = App.open(loaded, Clock.systemUTC())) {
      assertThat(
              Sql.longValue(
                  app.database(),
                  "SELECT COUNT(*) FROM security_log WHERE route_class = 'SHIPPER_API'"
                      + " AND status = 200"))
          .as("the batch's visit was written before the exit")
          .isEqualTo(1);
      assertThat(Sql.longValue(app.database(), "SELECT COUNT(*) FROM scan_events")).isEqualTo(1);
    }
  }

  /** The server's requests in flight, from its metrics. */
  private static double activeRequests(int port) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      String metrics =
          http.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      return metrics
          .lines()
          .filter(line -> line.startsWith("http_server_requests_active"))
          .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
          .sum();
    }
  }

  /** Polls readiness (new connections each time) until it answers {@code status}. */
  private static HttpResponse<String> awaitReadiness(int port, int status) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> response;
      do {
        response =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == status) {
          return response;
        }
        Thread.sleep(50);
      } while (System.nanoTime() < deadline);
      throw new AssertionError("readiness stayed " + response.statusCode());
    }
  }
}
