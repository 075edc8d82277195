package org.waypost.shipper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.waypost.testing.Fixtures.eventJson;
import static org.waypost.testing.Fixtures.jsonArray;
import static org.waypost.testing.Fixtures.shipmentJson;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waypost.testing.MutableClock;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;
import org.waypost.tracking.TrackingNumber;

/** Bad input to the shipper API gets a clear problem and changes nothing already stored. */
class ShipperApiValidationTest {
  private static final String JSON = "application/json";

  /** The server's "now", just after the scans the tests send, whatever the calendar says. */
  private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

  @TempDir static Path dir;
  static TestApp server;
  static String key;
  static String number;

  @BeforeAll
  static void start() {
    server =
        TestApp.start(
            StoreKind.SQLITE,
            dir,
            new MutableClock(NOW),
            Map.of("server.maxRequestBytes", "4096", "server.maxEventsPerRequest", "5"));
    key = server.shipperKey("Acme Parcels");
    number =
        server
            .postAs(key, "/api/v1/shipments", JSON, shipmentJson("PRIORITY", "US"))
            .json()
            .get("trackingNumber")
            .asText();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static void assertProblem(TestApp.Response response, int status, String slug) {
    assertThat(response.status()).isEqualTo(status);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.json().get("type").asText()).isEqualTo("/problems/" + slug);
    assertThat(response.body()).doesNotContain("Exception").doesNotContain("at org.");
  }

  @Test
  void noKeyOrAWrongKeyIsUnauthorized() {
    assertProblem(
        server.post("/api/v1/shipments", JSON, shipmentJson("PRIORITY", "US")),
        401,
        "unauthorized");
    var wrong =
        server.postAs(key.substring(0, key.length() - 2) + "xx", "/api/v1/events", JSON, "[]");
    assertProblem(wrong, 401, "unauthorized");
    assertThat(wrong.header("WWW-Authenticate")).isEqualTo("Bearer");
    assertProblem(server.postAs("nonsense", "/api/v1/events", JSON, "[]"), 401, "unauthorized");
  }

  @Test
  void shipmentFieldsAreCheckedByName() {
    var unknownField =
        server.postAs(
            key, "/api/v1/shipments", JSON, "{\"service\":\"PRIORITY\",\"colour\":\"red\"}");
    assertProblem(unknownField, 400, "validation-failed");
    assertThat(unknownField.json().get("detail").asText()).contains("colour");

    var badService =
        server.postAs(key, "/api/v1/shipments", JSON, shipmentJson("CARRIER_PIGEON", "US"));
    assertProblem(badService, 400, "validation-failed");
    assertThat(badService.json().get("detail").asText()).contains("service");

    var badZip =
        server.postAs(
            key,
            "/api/v1/shipments",
            JSON,
            shipmentJson("PRIORITY", "US").replace("22032", "2203"));
    assertThat(badZip.json().get("detail").asText()).contains("destination.postalCode");

    var domesticInternational =
        server.postAs(key, "/api/v1/shipments", JSON, shipmentJson("INTERNATIONAL", "US"));
    assertProblem(domesticInternational, 400, "validation-failed");
    var abroadDomestic =
        server.postAs(key, "/api/v1/shipments", JSON, shipmentJson("PRIORITY", "GB"));
    assertProblem(abroadDomestic, 400, "validation-failed");

    assertProblem(
        server.postAs(key, "/api/v1/shipments", JSON, "{not json"), 400, "validation-failed");
    assertProblem(server.postAs(key, "/api/v1/shipments", JSON, "[]"), 400, "validation-failed");
    assertProblem(
        server.postAs(key, "/api/v1/shipments", "text/plain", "hello"),
        415,
        "unsupported-media-type");
  }

  @Test
  void aGivenTrackingNumberMustBeValid() {
    String body =
        shipmentJson("PRIORITY", "US")
            .replace("{\"service\"", "{\"trackingNumber\":\"9400111206206406260788\",\"service\"");
    assertProblem(
        server.postAs(key, "/api/v1/shipments", JSON, body), 400, "invalid-tracking-number");
    String good = body.replace("260788", "260787");
    var created = server.postAs(key, "/api/v1/shipments", JSON, good);
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.json().get("trackingNumber").asText()).isEqualTo("9400111206206406260787");
  }

  @Test
  void oversizedBodiesAndBatchesAreRefusedWhole() {
    String big = "[" + "\"x\",".repeat(2000) + "\"x\"]";
    assertProblem(server.postAs(key, "/api/v1/events", JSON, big), 413, "payload-too-large");

    StringBuilder six = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      six.append(i == 0 ? "" : ",").append("{\"eventId\":\"big-" + i + "\"}");
    }
    assertProblem(
        server.postAs(key, "/api/v1/events", JSON, "[" + six + "]"), 413, "payload-too-large");
    assertThat(server.get("/api/v1/tracking/" + number).json().get("events")).isEmpty();
  }

  @Test
  void aMalformedBatchStoresNothing() {
    String broken =
        jsonArray(eventJson("m1", number, "ACCEPTED", "2026-11-27T09:00:00-08:00")) + "]";
    assertProblem(server.postAs(key, "/api/v1/events", JSON, broken), 400, "validation-failed");
    assertProblem(
        server.postAs(key, "/api/v1/events", JSON, "{\"eventId\":\"m2\"}"),
        400,
        "validation-failed");
    assertProblem(
        server.postAs(key, "/api/v1/events", "text/csv", "a,b"), 415, "unsupported-media-type");
    assertThat(server.get("/api/v1/tracking/" + number).json().get("events")).isEmpty();
  }

  @Test
  void eventsFarInTheFutureOrForUnknownNumbersAreRejectedOneByOne() {
    String neverRegistered = TrackingNumber.issueImpb("055", "654321", 1).value();
    var posted =
        server.postAs(
            key,
            "/api/v1/events",
            JSON,
            jsonArray(
                eventJson("f1", number, "ARRIVED", "2099-01-01T00:00:00Z"),
                eventJson("f2", neverRegistered, "ARRIVED", "2026-11-27T09:00:00-08:00")));
    assertThat(posted.status()).isEqualTo(200);
    assertThat(posted.json().get("accepted").asInt()).isZero();
    assertThat(posted.json().at("/rejected/0/problem/type").asText())
        .isEqualTo("/problems/validation-failed");
    assertThat(posted.json().at("/rejected/1/problem/type").asText())
        .isEqualTo("/problems/not-found");
  }
}
