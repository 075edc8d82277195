package org.waypost.shipper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.waypost.testing.Fixtures.eventJson;
import static org.waypost.testing.Fixtures.jsonArray;
import static org.waypost.testing.Fixtures.shipmentJson;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.waypost.error.ProblemException;
import org.waypost.error.ProblemType;
import org.waypost.testing.Fixtures;
import org.waypost.testing.MutableClock;
import org.waypost.testing.Sql;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;
import org.waypost.tracking.TrackingNumber;

/**
 * Registering and reading one's shipments, on SQLite and PostgreSQL: a number in use cannot be
 * taken over (also when two accounts try at once), a retried registration gets its first answer,
 * and an account reads its own shipments and nobody else's.
 */
class ShipmentRegistrationTest {
  private static final String JSON = "application/json";
  private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
  private static final String NUMBER = "9400111206206406260787";

  @TempDir Path dir;

  private final MutableClock clock = new MutableClock(NOW);

  private TestApp start(StoreKind kind) {
    return TestApp.start(kind, dir, clock, Map.of());
  }

  /** Priority Mail to Fairfax under {@code number}, with reference {@code reference}. */
  private static String shipment(String number, String reference) {
    return shipmentJson("PRIORITY", "US")
        .replace(
            "{\"service\"",
            "{\"trackingNumber\":\""
                + number
                + "\",\"reference\":\""
                + reference
                + "\",\"service\"");
  }

  private static TestApp.Response register(
      TestApp server, String key, String body, String... headers) {
    String[] all = new String[headers.length + 4];
    all[0] = "Authorization";
    all[1] = "Bearer " + key;
    all[2] = "Content-Type";
    all[3] = JSON;
    System.arraycopy(headers, 0, all, 4, headers.length);
    return server.send(
        java.net.http.HttpRequest.newBuilder(server.uri("/api/v1/shipments"))
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)),
        all);
  }

  /** A registration over a plain socket with {@code idempotencyKey}'s bytes as they are. */
  private static String rawRegistration(
      TestApp server, String key, String body, byte[] idempotencyKey) throws IOException {
    URI uri = server.uri("/api/v1/shipments");
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(10_000);
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      byte[] json = body.getBytes(StandardCharsets.UTF_8);
      request.writeBytes(
          ("POST /api/v1/shipments HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                  + "Authorization: Bearer "
                  + key
                  + "\r\nContent-Type: application/json\r\nContent-Length: "
                  + json.length
                  + "\r\nIdempotency-Key: ")
              .getBytes(StandardCharsets.US_ASCII));
      request.writeBytes(idempotencyKey);
      request.writeBytes("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      request.writeBytes(json);
      socket.getOutputStream().write(request.toByteArray());
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static long pieces(TestApp server) {
    return Sql.longValue(server.app().database(), "SELECT COUNT(*) FROM shipments");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aNumberInUseCannotBeTakenOverAndItsOwnerReusesItOnlyOnceDelivered(StoreKind kind) {
    try (TestApp server = start(kind)) {
      String victim = server.shipperKey("Acme Parcels");
      String attacker = server.shipperKey("Mallory Freight");
      assertThat(register(server, victim, shipment(NUMBER, "A-1")).status()).isEqualTo(201);

      var takeover = register(server, attacker, shipment(NUMBER, "M-1"));
      assertThat(takeover.status()).isEqualTo(409);
      assertThat(takeover.json().get("type").asText()).isEqualTo("/problems/conflict");
      var twice = register(server, victim, shipment(NUMBER, "A-2"));
      assertThat(twice.status()).as("its own undelivered piece").isEqualTo(409);
      assertThat(twice.json().get("detail").asText()).contains("not delivered");
      assertThat(pieces(server)).isOne();

      server.postAs(
          victim,
          "/api/v1/events",
          JSON,
          jsonArray(eventJson("d", NUMBER, "DELIVERED", "2026-11-29T10:00:00Z")));
      assertThat(register(server, attacker, shipment(NUMBER, "M-2")).status())
          .as("still trackable by its owner's users")
          .isEqualTo(409);
      var reused = register(server, victim, shipment(NUMBER, "A-3"));
      assertThat(reused.status()).isEqualTo(201);
      JsonNode tracked = server.get("/api/v1/tracking/" + NUMBER).json();
      assertThat(tracked.get("status").asText()).as("the newest piece").isEqualTo("PRE_TRANSIT");
      assertThat(tracked.get("events")).isEmpty();
      assertThat(register(server, attacker, shipment(NUMBER, "M-3")).status()).isEqualTo(409);
      assertThat(pieces(server)).isEqualTo(2);
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void twoAccountsRegisteringOneNumberAtOnceLeaveOneOwner(StoreKind kind) throws Exception {
    try (TestApp server = start(kind)) {
      var registry = server.app().shipments();
      long[] accounts = {
        server.app().apiKeys().create("Acme Parcels").shipper().id(),
        server.app().apiKeys().create("Mallory Freight").shipper().id()
      };
      ExecutorService pool = Executors.newFixedThreadPool(4);
      for (int round = 0; round < 5; round++) {
        String number = TrackingNumber.issueImpb("001", "654321", 1000 + round).value();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> tries = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          long account = accounts[t % 2];
          tries.add(
              pool.submit(
                  () -> {
                    go.await();
                    try {
                      registry.register(account, Fixtures.priorityWithNumber(number));
                      return true;
                    } catch (ProblemException e) {
                      assertThat(e.type()).isEqualTo(ProblemType.CONFLICT);
                      return false;
                    }
                  }));
        }
        go.countDown();
        int won = 0;
        for (Future<Boolean> attempt : tries) {
          won += attempt.get() ? 1 : 0;
        }
        assertThat(won).as("round %d", round).isOne();
        assertThat(
                Sql.longValue(
                    server.app().database(),
                    "SELECT COUNT(*) FROM shipments WHERE tracking_number = '" + number + "'"))
            .isOne();
      }
      pool.shutdown();
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void anIssuedNumberNeverLandsOnANumberAShipperRegisteredItself(StoreKind kind) {
    try (TestApp server = start(kind)) {
      String squatter = server.shipperKey("Mallory Freight");
      String issuer = server.shipperKey("Acme Parcels");
      // the operator's next two IMpb numbers for Priority Mail, registered beforehand
      for (int serial = 1; serial <= 2; serial++) {
        String next = TrackingNumber.issueImpb("055", "123456", serial).value();
        assertThat(register(server, squatter, shipment(next, "M")).status()).isEqualTo(201);
      }
      var issued = server.postAs(issuer, "/api/v1/shipments", JSON, shipmentJson("PRIORITY", "US"));
      assertThat(issued.status()).isEqualTo(201);
      assertThat(issued.json().get("trackingNumber").asText())
          .isEqualTo(TrackingNumber.issueImpb("055", "123456", 3).value());
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aRetryWithTheSameIdempotencyKeyGetsTheFirstAnswer(StoreKind kind) throws Exception {
    try (TestApp server = start(kind)) {
      String acme = server.shipperKey("Acme Parcels");
      String globex = server.shipperKey("Globex");
      String body = shipmentJson("PRIORITY", "US");

      var first = register(server, acme, body, "Idempotency-Key", "order-4711");
      assertThat(first.status()).isEqualTo(201);
      var retry = register(server, acme, body, "Idempotency-Key", "order-4711");
      assertThat(retry.status()).isEqualTo(201);
      assertThat(retry.body()).isEqualTo(first.body());
      assertThat(retry.header("Location")).isEqualTo(first.header("Location"));
      assertThat(pieces(server)).isOne();

      var otherBody =
          register(
              server,
              acme,
              shipmentJson("GROUND_ADVANTAGE", "US"),
              "Idempotency-Key",
              "order-4711");
      assertThat(otherBody.status()).isEqualTo(409);
      assertThat(otherBody.json().get("type").asText()).isEqualTo("/problems/conflict");
      var otherAccount = register(server, globex, body, "Idempotency-Key", "order-4711");
      assertThat(otherAccount.status()).as("keys are per account").isEqualTo(201);
      assertThat(otherAccount.json().get("trackingNumber").asText())
          .isNotEqualTo(first.json().get("trackingNumber").asText());
      assertThat(pieces(server)).isEqualTo(2);

      // concurrent requests with one key make one piece, and all get its number
      ExecutorService pool = Executors.newFixedThreadPool(6);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<TestApp.Response>> sends = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        sends.add(
            pool.submit(
                () -> {
                  go.await();
                  return register(server, acme, body, "Idempotency-Key", "burst");
                }));
      }
      go.countDown();
      List<String> numbers = new ArrayList<>();
      for (Future<TestApp.Response> send : sends) {
        TestApp.Response response = send.get();
        assertThat(response.status()).isEqualTo(201);
        numbers.add(response.json().get("trackingNumber").asText());
      }
      pool.shutdown();
      assertThat(numbers).containsOnly(numbers.get(0));
      assertThat(pieces(server)).isEqualTo(3);

      // remembered 24 hours, then forgotten: the same request makes a new piece
      clock.advance(Duration.ofHours(25));
      var later = register(server, acme, body, "Idempotency-Key", "order-4711");
      assertThat(later.status()).isEqualTo(201);
      assertThat(later.json().get("trackingNumber").asText())
          .isNotEqualTo(first.json().get("trackingNumber").asText());
      // retention deletes the expired keys ("burst" and Globex's) and says how many
      var report = server.app().retention().run(clock.instant());
      assertThat(report.idempotencyKeysDeleted()).isEqualTo(2);
      assertThat(report.lines()).contains("  idempotency keys deleted:      2");
      assertThat(Sql.longValue(server.app().database(), "SELECT COUNT(*) FROM idempotency_keys"))
          .isOne();
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aBadIdempotencyKeyIsRefusedAndNothingIsRegistered(StoreKind kind) throws IOException {
    try (TestApp server = start(kind)) {
      String acme = server.shipperKey("Acme Parcels");
      String body = shipmentJson("PRIORITY", "US");
      for (String bad : List.of("x".repeat(256), "tab\there")) {
        var refused = register(server, acme, body, "Idempotency-Key", bad);
        assertThat(refused.status()).as(bad).isEqualTo(400);
        assertThat(refused.json().get("type").asText()).isEqualTo("/problems/validation-failed");
        assertThat(refused.json().get("detail").asText()).contains("Idempotency-Key");
      }
      // java.net.http sends header values as ASCII, so the raw bytes go through a socket
      String raw =
          rawRegistration(server, acme, body, "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1));
      assertThat(raw).startsWith("HTTP/1.1 400").contains("/problems/validation-failed");
      assertThat(register(server, acme, body, "Idempotency-Key", "x".repeat(255)).status())
          .isEqualTo(201);
      assertThat(pieces(server)).isOne();
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void anAccountReadsItsOwnShipmentsAndNobodyElses(StoreKind kind) {
    try (TestApp server = start(kind)) {
      String acme = server.shipperKey("Acme Parcels");
      String globex = server.shipperKey("Globex");
      var created = register(server, acme, shipment(NUMBER, "ORDER-9"));
      assertThat(created.json().get("trackingUrl").asText()).isEqualTo("/track/" + NUMBER);
      String other = TrackingNumber.issueImpb("001", "654321", 7).value();
      register(server, acme, shipment(other, "ORDER-9"));
      register(
          server,
          globex,
          shipment(TrackingNumber.issueImpb("001", "654321", 8).value(), "ORDER-9"));
      server.postAs(
          acme,
          "/api/v1/events",
          JSON,
          jsonArray(
              eventJson("a", NUMBER, "ACCEPTED", "2026-11-28T09:00:00Z"),
              eventJson("b", NUMBER, "ARRIVED", "2026-11-28T15:00:00Z")));

      var own = server.get("/api/v1/shipments/" + NUMBER, "Authorization", "Bearer " + acme);
      assertThat(own.status()).isEqualTo(200);
      JsonNode piece = own.json();
      assertThat(piece.get("reference").asText()).isEqualTo("ORDER-9");
      assertThat(piece.get("status").asText()).isEqualTo("IN_TRANSIT");
      assertThat(piece.get("trackingUrl").asText()).isEqualTo("/track/" + NUMBER);
      assertThat(piece.get("events").findValuesAsText("type"))
          .containsExactly("ARRIVED", "ACCEPTED");

      var notTheirs =
          server.get("/api/v1/shipments/" + NUMBER, "Authorization", "Bearer " + globex);
      String unknownNumber = TrackingNumber.issueImpb("001", "654321", 9).value();
      var unknown =
          server.get("/api/v1/shipments/" + unknownNumber, "Authorization", "Bearer " + globex);
      assertThat(notTheirs.status()).isEqualTo(404);
      assertThat(notTheirs.contentType()).startsWith("application/problem+json");
      assertThat(notTheirs.json().get("detail")).isEqualTo(unknown.json().get("detail"));
      assertThat(notTheirs.json().get("type")).isEqualTo(unknown.json().get("type"));

      var mine =
          server.get("/api/v1/shipments?reference=ORDER-9", "Authorization", "Bearer " + acme);
      assertThat(mine.status()).isEqualTo(200);
      assertThat(mine.json().get("shipments").findValuesAsText("trackingNumber"))
          .containsExactly(other, NUMBER);
      assertThat(mine.json().at("/shipments/1/trackingUrl").asText()).isEqualTo("/track/" + NUMBER);
      assertThat(
              server
                  .get("/api/v1/shipments?reference=NOPE", "Authorization", "Bearer " + acme)
                  .json()
                  .get("shipments"))
          .isEmpty();
      assertThat(server.get("/api/v1/shipments", "Authorization", "Bearer " + acme).status())
          .isEqualTo(400);
      assertThat(server.get("/api/v1/shipments/" + NUMBER).status()).isEqualTo(401);
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void theTrackingUrlIsTheResultsPageOfOneNumber(StoreKind kind) {
    try (TestApp server = start(kind)) {
      String acme = server.shipperKey("Acme Parcels");
      String url = register(server, acme, shipment(NUMBER, "R")).json().get("trackingUrl").asText();

      var page = server.get(url);
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.contentType()).startsWith("text/html");
      assertThat(page.body()).contains(NUMBER).contains("awaiting item");

      var spaced = server.get("/track/9400%201112%2006206406260787");
      assertThat(spaced.status()).isEqualTo(200);
      assertThat(spaced.body()).contains(NUMBER);

      var invalid = server.get("/track/9400111206206406260788");
      assertThat(invalid.status()).isEqualTo(400);
      assertThat(invalid.body()).contains("id=\"numbers-error\"").contains("check digit");
    }
  }
}
