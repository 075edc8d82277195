package org.waypost.shipper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.waypost.testing.Fixtures.eventJson;
import static org.waypost.testing.Fixtures.jsonArray;
import static org.waypost.testing.Fixtures.shipmentJson;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.waypost.config.WaypostConfig;
import org.waypost.testing.MutableClock;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;
import org.waypost.tracking.TrackingNumber;

/**
 * The shipper's whole flow over HTTP, on SQLite and on PostgreSQL: register pieces (numbers
 * issued), post scans out of order with duplicates and a malformed one, read the result, and find
 * it all again after a restart.
 */
class ShipperApiTest {
  private static final String JSON = "application/json";

  /** The server's "now", just after the scans the tests send, whatever the calendar says. */
  private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void registerScanTrackAndSurviveARestart(StoreKind kind) {
    Map<String, String> store = new HashMap<>(kind.freshStore(dir));
    store.put("server.port", "0");
    WaypostConfig config = TestApp.config(store);
    String domestic;
    String international;
    MutableClock clock = new MutableClock(NOW);
    try (TestApp server = TestApp.start(config, clock)) {
      String key = server.shipperKey("Acme Parcels");

      var registered =
          server.postAs(key, "/api/v1/shipments", JSON, shipmentJson("PRIORITY", "US"));
      assertThat(registered.status()).isEqualTo(201);
      domestic = registered.json().get("trackingNumber").asText();
      assertThat(TrackingNumber.parse(domestic).scheme()).isEqualTo(TrackingNumber.Scheme.IMPB);
      assertThat(domestic).hasSize(22).startsWith("94055123456");
      assertThat(registered.header("Location")).isEqualTo("/api/v1/tracking/" + domestic);
      assertThat(registered.json().get("status").asText()).isEqualTo("PRE_TRANSIT");

      var abroad =
          server.postAs(key, "/api/v1/shipments", JSON, shipmentJson("INTERNATIONAL", "GB"));
      assertThat(abroad.status()).isEqualTo(201);
      international = abroad.json().get("trackingNumber").asText();
      assertThat(TrackingNumber.parse(international).scheme()).isEqualTo(TrackingNumber.Scheme.S10);
      assertThat(international).matches("CP[0-9]{9}US");

      String events =
          jsonArray(
              eventJson("e3", domestic, "ARRIVED", "2026-11-28T14:03:00-08:00"),
              eventJson("e1", domestic, "ACCEPTED", "2026-11-27T09:00:00-08:00"),
              eventJson("e3", domestic, "ARRIVED", "2026-11-28T14:03:00-08:00"),
              "{\"eventId\":\"e4\",\"trackingNumber\":\"" + domestic + "\",\"type\":\"ARRIVED\"}",
              eventJson("e2", domestic, "DEPARTED", "2026-11-27T23:30:00-08:00"),
              eventJson("i1", international, "ACCEPTED", "2026-11-27T10:00:00-08:00"));
      var posted = server.postAs(key, "/api/v1/events", JSON, events);
      assertThat(posted.status()).isEqualTo(200);
      JsonNode outcome = posted.json();
      assertThat(outcome.get("accepted").asInt()).isEqualTo(4);
      assertThat(outcome.get("duplicates").asInt()).isEqualTo(1);
      assertThat(outcome.get("rejected")).hasSize(1);
      assertThat(outcome.at("/rejected/0/index").asInt()).isEqualTo(3);
      assertThat(outcome.at("/rejected/0/problem/type").asText())
          .isEqualTo("/problems/validation-failed");
      assertThat(outcome.at("/rejected/0/problem/detail").asText()).contains("time");

      var again = server.postAs(key, "/api/v1/events", JSON, events);
      assertThat(again.json().get("accepted").asInt()).isZero();
      assertThat(again.json().get("duplicates").asInt()).isEqualTo(5);
    }

    try (TestApp restarted = TestApp.start(config, clock)) {
      JsonNode piece = restarted.get("/api/v1/tracking/" + domestic).json();
      assertThat(piece.get("status").asText()).isEqualTo("IN_TRANSIT");
      assertThat(piece.get("statusText").asText()).isEqualTo("Arrived at facility");
      assertThat(piece.get("events")).hasSize(3);
      assertThat(piece.at("/events/0/type").asText()).isEqualTo("ARRIVED");
      assertThat(piece.at("/events/1/type").asText()).isEqualTo("DEPARTED");
      assertThat(piece.at("/events/2/type").asText()).isEqualTo("ACCEPTED");
      assertThat(restarted.get("/api/v1/tracking/" + international).json().get("status").asText())
          .isEqualTo("IN_TRANSIT");
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void ndjsonLinesAreJudgedOneByOne(StoreKind kind) {
    try (TestApp server = TestApp.start(kind, dir, new MutableClock(NOW), Map.of())) {
      String key = server.shipperKey("Acme Parcels");
      String number =
          server
              .postAs(key, "/api/v1/shipments", JSON, shipmentJson("GROUND_ADVANTAGE", "US"))
              .json()
              .get("trackingNumber")
              .asText();
      String ndjson =
          eventJson("n1", number, "ACCEPTED", "2026-11-27T09:00:00-08:00")
              + "\n\nnot json\n"
              + eventJson("n2", number, "OUT_FOR_DELIVERY", "2026-11-28T07:30:00-05:00")
              + "\n";
      var posted = server.postAs(key, "/api/v1/events", "application/x-ndjson", ndjson);
      assertThat(posted.json().get("accepted").asInt()).isEqualTo(2);
      assertThat(posted.json().at("/rejected/0/index").asInt()).isEqualTo(1);
      JsonNode piece = server.get("/api/v1/tracking/" + number).json();
      assertThat(piece.get("status").asText()).isEqualTo("OUT_FOR_DELIVERY");
      assertThat(piece.get("expectedDelivery").asText()).isEqualTo("2026-11-28");
    }
  }
}
