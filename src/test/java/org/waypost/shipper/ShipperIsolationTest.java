package org.waypost.shipper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.waypost.testing.Fixtures.eventJson;
import static org.waypost.testing.Fixtures.jsonArray;
import static org.waypost.testing.Fixtures.shipmentJson;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.waypost.governance.Role;
import org.waypost.testing.MutableClock;
import org.waypost.testing.Sql;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;
import org.waypost.tracking.TrackingNumber;

/**
 * Guarantee 10 against the attacks of issue 11, over HTTP on SQLite and PostgreSQL: a second
 * shipper's key cannot write, date back or probe the first shipper's pieces, and its answers are
 * the same whether or not a number it does not own exists. Each writer writes only its own; the
 * operator's scanning network has keys of its own, and operators see who sent every scan.
 */
class ShipperIsolationTest {
  private static final String JSON = "application/json";
  private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

  /** A valid number that is never registered here (another Mailer ID). */
  private static final String NEVER_REGISTERED =
      TrackingNumber.issueImpb("055", "654321", 1).value();

  @TempDir Path dir;

  private final MutableClock clock = new MutableClock(NOW);

  /** Lookups uncached, so that each one reads what is stored now. */
  private TestApp start(StoreKind kind) {
    return TestApp.start(kind, dir, clock, Map.of("tracking.cacheSeconds", "0"));
  }

  private static String register(TestApp server, String key) {
    var created = server.postAs(key, "/api/v1/shipments", JSON, shipmentJson("PRIORITY", "US"));
    assertThat(created.status()).isEqualTo(201);
    return created.json().get("trackingNumber").asText();
  }

  private static JsonNode post(TestApp server, String key, String... events) {
    var posted = server.postAs(key, "/api/v1/events", JSON, jsonArray(events));
    assertThat(posted.status()).isEqualTo(200);
    return posted.json();
  }

  private static long scansStored(TestApp server) {
    return Sql.longValue(server.app().database(), "SELECT COUNT(*) FROM scan_events");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aSecondShippersDeliveryToAnothersPieceIsNotFoundAsForAnUnknownNumber(StoreKind kind) {
    try (TestApp server = start(kind)) {
      String victim = server.shipperKey("Acme Parcels");
      String attacker = server.shipperKey("Mallory Freight");
      String piece = register(server, victim);
      register(server, attacker);

      JsonNode outcome =
          post(
              server,
              attacker,
              eventJson("m1", piece, "DELIVERED", "2026-11-29T10:00:00Z"),
              eventJson("m2", NEVER_REGISTERED, "DELIVERED", "2026-11-29T10:00:00Z"));

      assertThat(outcome.get("accepted").asInt()).isZero();
      assertThat(outcome.get("duplicates").asInt()).isZero();
      assertThat(outcome.at("/rejected/0/problem/type").asText()).isEqualTo("/problems/not-found");
      assertThat(outcome.at("/rejected/0/problem"))
          .as("the answer for another's piece is the answer for a number with no piece")
          .isEqualTo(outcome.at("/rejected/1/problem"));
      JsonNode tracked = server.get("/api/v1/tracking/" + piece).json();
      assertThat(tracked.get("status").asText()).isEqualTo("PRE_TRANSIT");
      assertThat(tracked.get("events")).isEmpty();
      assertThat(scansStored(server)).isZero();

      // the owner's own key still writes it
      assertThat(
              post(server, victim, eventJson("v1", piece, "ACCEPTED", "2026-11-29T09:00:00Z"))
                  .get("accepted")
                  .asInt())
          .isOne();
    }
  }

  /**
   * The oracle of issue 11: event ids already used (the victim's, and the attacker's own) posted
   * against candidate numbers answered "duplicates" for numbers that exist and "not-found" for the
   * others. Now a number the key does not own answers exactly as one that does not exist.
   */
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void reusedEventIdsAnswerAlikeForNumbersThatExistAndNumbersThatDoNot(StoreKind kind) {
    try (TestApp server = start(kind)) {
      String victim = server.shipperKey("Acme Parcels");
      String attacker = server.shipperKey("Mallory Freight");
      String existing = register(server, victim);
      String own = register(server, attacker);
      post(
          server,
          victim,
          eventJson("used-by-victim", existing, "ACCEPTED", "2026-11-29T09:00:00Z"));
      post(server, attacker, eventJson("used-by-me", own, "ACCEPTED", "2026-11-29T09:00:00Z"));
      long before = scansStored(server);

      JsonNode outcome =
          post(
              server,
              attacker,
              eventJson("used-by-victim", existing, "ACCEPTED", "2026-11-29T09:00:00Z"),
              eventJson("used-by-me", existing, "ACCEPTED", "2026-11-29T09:00:00Z"),
              eventJson("used-by-victim", NEVER_REGISTERED, "ACCEPTED", "2026-11-29T09:00:00Z"),
              eventJson("used-by-me", NEVER_REGISTERED, "ACCEPTED", "2026-11-29T09:00:00Z"),
              eventJson("fresh", existing, "DELIVERED", "1970-01-01T00:00:00Z"),
              eventJson("fresh", NEVER_REGISTERED, "DELIVERED", "1970-01-01T00:00:00Z"));

      assertThat(outcome.get("accepted").asInt()).isZero();
      assertThat(outcome.get("duplicates").asInt()).isZero();
      assertThat(outcome.get("rejected")).hasSize(6);
      for (int i = 0; i < 6; i++) {
        assertThat(outcome.at("/rejected/" + i + "/index").asInt()).isEqualTo(i);
      }
      assertThat(outcome.at("/rejected/0/problem")).isEqualTo(outcome.at("/rejected/2/problem"));
      assertThat(outcome.at("/rejected/1/problem")).isEqualTo(outcome.at("/rejected/3/problem"));
      assertThat(outcome.at("/rejected/4/problem")).isEqualTo(outcome.at("/rejected/5/problem"));
      assertThat(outcome.at("/rejected/0/problem/type").asText()).isEqualTo("/problems/not-found");
      assertThat(scansStored(server)).isEqualTo(before);
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aDeliveryDated1970IsRejectedAndABackdatedOneCannotHastenRetention(StoreKind kind) {
    try (TestApp server = start(kind)) {
      String key = server.shipperKey("Acme Parcels");
      String piece = register(server, key);

      JsonNode ancient =
          post(server, key, eventJson("d0", piece, "DELIVERED", "1970-01-01T00:00:00Z"));
      assertThat(ancient.get("accepted").asInt()).isZero();
      assertThat(ancient.at("/rejected/0/problem/type").asText())
          .isEqualTo("/problems/validation-failed");
      assertThat(ancient.at("/rejected/0/problem/detail").asText())
          .contains("30 days before the piece was registered")
          .contains("from " + NOW.minus(Duration.ofDays(30)))
          .contains("to " + NOW.plus(Duration.ofHours(24)));
      assertThat(server.get("/api/v1/tracking/" + piece).json().get("status").asText())
          .isEqualTo("PRE_TRANSIT");

      // dated 29 days before registration: allowed, and delivered...
      Instant claimed = NOW.minus(Duration.ofDays(29));
      JsonNode backdated =
          post(server, key, eventJson("d1", piece, "DELIVERED", claimed.toString()));
      assertThat(backdated.get("accepted").asInt()).isOne();
      assertThat(server.get("/api/v1/tracking/" + piece).json().get("deliveredAt").asText())
          .startsWith(claimed.toString().substring(0, 16));

      // ...but kept 120 days from when the scan came in, not from the time it claims
      var retention = server.app().retention();
      assertThat(retention.run(claimed.plus(Duration.ofDays(121))).shipmentsDeleted()).isZero();
      assertThat(retention.run(NOW.plus(Duration.ofDays(119))).shipmentsDeleted()).isZero();
      assertThat(server.get("/api/v1/tracking/" + piece).status()).isEqualTo(200);
      assertThat(retention.run(NOW.plus(Duration.ofDays(121))).shipmentsDeleted()).isOne();
      assertThat(server.get("/api/v1/tracking/" + piece).status()).isEqualTo(404);
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void eventIdsAreUniquePerAccountAndAReusedIdWithOtherContentIsAConflict(StoreKind kind) {
    try (TestApp server = start(kind)) {
      String acme = server.shipperKey("Acme Parcels");
      String globex = server.shipperKey("Globex");
      String acmePiece = register(server, acme);
      String globexPiece = register(server, globex);
      String arrived = eventJson("e1", acmePiece, "ARRIVED", "2026-11-29T09:00:00Z");
      assertThat(post(server, acme, arrived).get("accepted").asInt()).isOne();

      // another account's id is as good as a fresh one, whoever used it first
      JsonNode other =
          post(server, globex, eventJson("e1", globexPiece, "ARRIVED", "2026-11-29T09:00:00Z"));
      assertThat(other.get("accepted").asInt()).isOne();
      assertThat(other.get("rejected")).isEmpty();

      JsonNode resent = post(server, acme, arrived);
      assertThat(resent.get("accepted").asInt()).isZero();
      assertThat(resent.get("duplicates").asInt()).isOne();

      // the same id for another scan: a conflict naming the id, never a silent drop
      JsonNode changed =
          post(server, acme, eventJson("e1", acmePiece, "DELIVERED", "2026-11-29T09:00:00Z"));
      assertThat(changed.get("duplicates").asInt()).isZero();
      assertThat(changed.at("/rejected/0/problem/type").asText()).isEqualTo("/problems/conflict");
      assertThat(changed.at("/rejected/0/problem/status").asInt()).isEqualTo(409);
      assertThat(changed.at("/rejected/0/problem/detail").asText()).contains("'e1'");
      assertThat(
              post(server, acme, eventJson("e1", acmePiece, "ARRIVED", "2026-11-29T09:01:00Z"))
                  .at("/rejected/0/problem/type")
                  .asText())
          .as("a minute later is another scan")
          .isEqualTo("/problems/conflict");

      // within one batch alike
      JsonNode batch =
          post(
              server,
              acme,
              eventJson("x1", acmePiece, "DEPARTED", "2026-11-29T10:00:00Z"),
              eventJson("x1", acmePiece, "DEPARTED", "2026-11-29T10:00:00Z"),
              eventJson("x1", acmePiece, "IN_TRANSIT", "2026-11-29T10:00:00Z"));
      assertThat(batch.get("accepted").asInt()).isOne();
      assertThat(batch.get("duplicates").asInt()).isOne();
      assertThat(batch.at("/rejected/0/index").asInt()).isEqualTo(2);
      assertThat(batch.at("/rejected/0/problem/type").asText()).isEqualTo("/problems/conflict");

      JsonNode tracked = server.get("/api/v1/tracking/" + acmePiece).json();
      assertThat(tracked.get("status").asText()).isEqualTo("IN_TRANSIT");
      assertThat(tracked.get("events")).hasSize(2);
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void everyValidEventOfAMixedBatchIsStored(StoreKind kind) {
    try (TestApp server = start(kind)) {
      String acme = server.shipperKey("Acme Parcels");
      String globex = server.shipperKey("Globex");
      String mine = register(server, acme);
      String theirs = register(server, globex);
      post(server, acme, eventJson("taken", mine, "ACCEPTED", "2026-11-28T09:00:00Z"));

      JsonNode outcome =
          post(
              server,
              acme,
              eventJson("ok-1", mine, "ARRIVED", "2026-11-28T12:00:00Z"),
              eventJson("bad-1", theirs, "ARRIVED", "2026-11-28T12:00:00Z"),
              eventJson("ok-2", mine, "DEPARTED", "2026-11-28T14:00:00Z"),
              eventJson("bad-2", NEVER_REGISTERED, "ARRIVED", "2026-11-28T12:00:00Z"),
              eventJson("bad-3", mine, "ARRIVED", "2026-12-01T12:00:00Z"),
              "{\"eventId\":\"bad-4\",\"trackingNumber\":\"" + mine + "\",\"type\":\"ARRIVED\"}",
              eventJson("ok-3", mine, "IN_TRANSIT", "2026-11-28T18:00:00Z"),
              eventJson("bad-5", mine, "ARRIVED", "2026-10-01T12:00:00Z"),
              eventJson("taken", mine, "DELIVERED", "2026-11-28T19:00:00Z"),
              eventJson("ok-4", mine, "OUT_FOR_DELIVERY", "2026-11-29T07:00:00Z"));

      assertThat(outcome.get("accepted").asInt()).isEqualTo(4);
      assertThat(outcome.get("rejected").findValuesAsText("index"))
          .containsExactly("1", "3", "4", "5", "7", "8");
      assertThat(outcome.get("rejected").findValues("type"))
          .extracting(JsonNode::asText)
          .containsExactly(
              "/problems/not-found",
              "/problems/not-found",
              "/problems/validation-failed",
              "/problems/validation-failed",
              "/problems/validation-failed",
              "/problems/conflict");
      JsonNode tracked = server.get("/api/v1/tracking/" + mine).json();
      assertThat(tracked.get("status").asText()).isEqualTo("OUT_FOR_DELIVERY");
      assertThat(tracked.get("events").findValuesAsText("type"))
          .containsExactly("OUT_FOR_DELIVERY", "IN_TRANSIT", "DEPARTED", "ARRIVED", "ACCEPTED");
      assertThat(server.get("/api/v1/tracking/" + theirs).json().get("events")).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aNetworkKeyWritesAnyPieceAndOperatorsSeeWhoSentEachScan(StoreKind kind) {
    try (TestApp server = start(kind)) {
      var acme = server.app().apiKeys().create("Acme Parcels");
      var network = server.app().apiKeys().create("Example Post network", true);
      String globex = server.shipperKey("Globex");
      assertThat(network.shipper().network()).isTrue();
      assertThat(
              Sql.longValue(
                  server.app().database(),
                  "SELECT COUNT(*) FROM audit_log WHERE action = 'apikey.create-network'"
                      + " AND target = 'shipper:Example Post network'"
                      + " AND details LIKE '%\"network\":true%'"))
          .as("creating a network key is on the record, and says so")
          .isOne();
      String acmePiece = register(server, acme.key());
      String globexPiece = register(server, globex);

      JsonNode byNetwork =
          post(
              server,
              network.key(),
              eventJson("n1", acmePiece, "ARRIVED", "2026-11-29T08:00:00Z"),
              eventJson("n2", globexPiece, "ARRIVED", "2026-11-29T08:00:00Z"));
      assertThat(byNetwork.get("accepted").asInt()).isEqualTo(2);
      post(server, acme.key(), eventJson("a1", acmePiece, "ACCEPTED", "2026-11-29T06:00:00Z"));
      // keys are revoked, never deleted: the scans a key sent stay attributed to it
      server.app().apiKeys().revoke(acme.keyId());

      server.app().operators().add("ada", Set.of(Role.ADMIN), "correct horse battery");
      server.app().operators().add("sam", Set.of(Role.SECURITY), "correct horse battery");
      String admin = "Bearer " + server.app().operators().issueToken("ada");
      var record = server.get("/api/v1/admin/shipments/" + acmePiece, "Authorization", admin);
      assertThat(record.status()).isEqualTo(200);
      JsonNode piece = record.json();
      assertThat(piece.at("/account/name").asText()).isEqualTo("Acme Parcels");
      assertThat(piece.get("status").asText()).isEqualTo("IN_TRANSIT");
      assertThat(piece.get("scans")).hasSize(2);
      assertThat(piece.at("/scans/0/eventId").asText()).isEqualTo("n1");
      assertThat(piece.at("/scans/0/keyId").asText()).isEqualTo(network.keyId());
      assertThat(piece.at("/scans/0/network").asBoolean()).isTrue();
      assertThat(piece.at("/scans/0/account/name").asText()).isEqualTo("Example Post network");
      assertThat(piece.at("/scans/1/eventId").asText()).isEqualTo("a1");
      assertThat(piece.at("/scans/1/keyId").asText()).isEqualTo(acme.keyId());
      assertThat(piece.at("/scans/1/network").asBoolean()).isFalse();
      assertThat(piece.at("/scans/1/account/name").asText()).isEqualTo("Acme Parcels");

      String security = "Bearer " + server.app().operators().issueToken("sam");
      assertThat(
              server
                  .get("/api/v1/admin/shipments/" + acmePiece, "Authorization", security)
                  .status())
          .isEqualTo(403);
      assertThat(server.get("/api/v1/admin/shipments/" + acmePiece).status()).isEqualTo(401);
      var unknown =
          server.get("/api/v1/admin/shipments/" + NEVER_REGISTERED, "Authorization", admin);
      assertThat(unknown.status()).isEqualTo(404);
      assertThat(unknown.contentType()).startsWith("application/problem+json");
    }
  }
}
