package org.waypost.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waypost.config.WaypostConfig;
import org.waypost.governance.Role;
import org.waypost.testing.Fixtures;
import org.waypost.testing.MutableClock;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;
import org.waypost.tracking.TrackingNumber;

/**
 * Guarantee 8 over HTTP: guessers and scrapers are stopped, households never are, and security
 * operators see incidents by pseudonym and reveal an address only with a reason.
 */
class AbuseTest {
  private static final Map<String, String> TRUST_LOOPBACK =
      Map.of("server.trustedProxies", "127.0.0.0/8,::1");
  private static final String GUESSER = "203.0.113.50";

  @TempDir Path dir;

  private static String unknown(int i) {
    return TrackingNumber.issueImpb("055", "654321", 900_000 + i).value();
  }

  private static List<String> register(TestApp server, int count) {
    long shipper = server.app().apiKeys().create("Acme").shipper().id();
    List<String> numbers = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      numbers.add(
          server
              .app()
              .shipments()
              .register(shipper, Fixtures.priorityToFairfax())
              .trackingNumber());
    }
    return numbers;
  }

  private static TestApp.Response lookupFrom(TestApp server, String client, String number) {
    return server.get("/api/v1/tracking/" + number, "X-Forwarded-For", client);
  }

  @Test
  void aGuesserIsBlockedWithinThirtyNumbersAndStaysBlockedOnTheApiAndThePage() {
    try (TestApp server = TestApp.start(StoreKind.SQLITE, dir, Clock.systemUTC(), TRUST_LOOPBACK)) {
      int firstRefusal = -1;
      for (int i = 0; i < 30 && firstRefusal < 0; i++) {
        var response = lookupFrom(server, GUESSER, unknown(i));
        if (response.status() == 429) {
          firstRefusal = i;
          assertThat(response.json().get("type").asText()).isEqualTo("/problems/blocked");
          assertThat(Long.parseLong(response.header("Retry-After"))).isBetween(3000L, 3600L);
        } else {
          assertThat(response.status()).isEqualTo(404);
        }
      }
      assertThat(firstRefusal).isBetween(1, 29);

      var api = lookupFrom(server, GUESSER, unknown(100));
      assertThat(api.status()).isEqualTo(429);
      var page =
          server.get(
              "/track?numbers=" + unknown(101), "X-Forwarded-For", GUESSER, "Accept", "text/html");
      assertThat(page.status()).isEqualTo(429);
      assertThat(page.contentType()).startsWith("text/html");
      assertThat(page.body()).contains("Blocked");
      assertThat(page.header("Retry-After")).isNotBlank();
      var otherClient = lookupFrom(server, "198.51.100.7", unknown(102));
      assertThat(otherClient.status()).as("someone else is not affected").isEqualTo(404);
    }
  }

  @Test
  void fiftyAddressesInOneNetworkAreStoppedByThePrefixRule() {
    try (TestApp server = TestApp.start(StoreKind.SQLITE, dir, Clock.systemUTC(), TRUST_LOOPBACK)) {
      int served = 0;
      int n = 0;
      for (int round = 0; round < 5; round++) {
        for (int host = 1; host <= 50; host++) {
          var response = lookupFrom(server, "198.51.100." + host, unknown(n++));
          if (response.status() != 429) {
            served++;
          } else {
            assertThat(response.json().get("type").asText()).isEqualTo("/problems/blocked");
          }
        }
      }
      assertThat(served).isLessThan(150);
    }
  }

  @Test
  void householdsAndOfficesLookingUpRealParcelsAreNeverLimited() {
    try (TestApp server = TestApp.start(StoreKind.SQLITE, dir, Clock.systemUTC(), TRUST_LOOPBACK)) {
      List<String> parcels = register(server, 40);
      for (String number : parcels.subList(0, 10)) {
        assertThat(lookupFrom(server, "203.0.113.61", number).status()).isEqualTo(200);
      }
      for (int person = 0; person < 5; person++) {
        for (String number : parcels.subList(person * 8, person * 8 + 8)) {
          assertThat(lookupFrom(server, "203.0.113.62", number).status()).isEqualTo(200);
        }
        // and one of them mistypes a number now and then
        assertThat(lookupFrom(server, "203.0.113.62", "9400111206206406260788").status())
            .isEqualTo(400);
      }
      String all = String.join(",", parcels.subList(0, 10));
      assertThat(
              server
                  .get("/api/v1/tracking?numbers=" + all, "X-Forwarded-For", "203.0.113.61")
                  .status())
          .isEqualTo(200);
    }
  }

  @Test
  void aBatchOfThirtyFiveUnknownNumbersCountsAsThirtyFive() {
    try (TestApp server = TestApp.start(StoreKind.SQLITE, dir, Clock.systemUTC(), TRUST_LOOPBACK)) {
      List<String> batch = new ArrayList<>();
      for (int i = 0; i < 35; i++) {
        batch.add(unknown(i));
      }
      var first =
          server.get(
              "/api/v1/tracking?numbers=" + String.join(",", batch), "X-Forwarded-For", GUESSER);
      assertThat(first.status()).isEqualTo(200);
      var next = lookupFrom(server, GUESSER, unknown(99));
      assertThat(next.status()).isEqualTo(429);
      assertThat(next.json().get("type").asText()).isEqualTo("/problems/blocked");
    }
  }

  @Test
  void aGuesserUsingTheResultsPageWithATrailingSlashIsBlockedToo() {
    try (TestApp server = TestApp.start(StoreKind.SQLITE, dir, Clock.systemUTC(), TRUST_LOOPBACK)) {
      int firstRefusal = -1;
      for (int i = 0; i < 30 && firstRefusal < 0; i++) {
        var page =
            server.get(
                "/track/?numbers=" + unknown(i), "X-Forwarded-For", GUESSER, "Accept", "text/html");
        if (page.status() == 429) {
          firstRefusal = i;
          assertThat(page.body()).contains("Blocked");
        }
      }
      assertThat(firstRefusal).isBetween(1, 29);
      assertThat(lookupFrom(server, GUESSER, unknown(100)).status()).isEqualTo(429);
    }
  }

  @Test
  void aBatchWithATrailingSlashCostsAsManyTokensAsItHasNumbers() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));
    try (TestApp server = TestApp.start(StoreKind.SQLITE, dir, clock, TRUST_LOOPBACK)) {
      String all = String.join(",", register(server, 35));
      var first = server.get("/api/v1/tracking/?numbers=" + all, "X-Forwarded-For", GUESSER);
      assertThat(first.status()).isEqualTo(200);
      var second = server.get("/api/v1/tracking/?numbers=" + all, "X-Forwarded-For", GUESSER);
      assertThat(second.status()).as("70 numbers in a minute").isEqualTo(429);
      assertThat(second.json().get("type").asText()).isEqualTo("/problems/rate-limited");

      List<String> batch = new ArrayList<>();
      for (int i = 0; i < 35; i++) {
        batch.add(unknown(i));
      }
      String other = "198.51.100.9";
      var guess =
          server.get(
              "/api/v1/tracking/?numbers=" + String.join(",", batch), "X-Forwarded-For", other);
      assertThat(guess.status()).isEqualTo(200);
      var next = lookupFrom(server, other, unknown(99));
      assertThat(next.status()).isEqualTo(429);
      assertThat(next.json().get("type").asText()).isEqualTo("/problems/blocked");
    }
  }

  @Test
  void reloadingOneUnknownNumberBlocksNeitherTheClientNorItsNetwork() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));
    try (TestApp server = TestApp.start(StoreKind.SQLITE, dir, clock, TRUST_LOOPBACK)) {
      String typo = unknown(7);
      for (int i = 0; i < 110; i++) {
        assertThat(lookupFrom(server, "198.51.100.20", typo).status())
            .as("reload %d", i)
            .isEqualTo(404);
        clock.advance(java.time.Duration.ofSeconds(5));
      }
      assertThat(lookupFrom(server, "198.51.100.21", unknown(8)).status())
          .as("a neighbour in the same /24")
          .isEqualTo(404);
    }
  }

  @Test
  void tooManyLookupsOfRealNumbersAreRateLimitedNotBlocked() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));
    try (TestApp server = TestApp.start(StoreKind.SQLITE, dir, clock, TRUST_LOOPBACK)) {
      String parcel = register(server, 1).get(0);
      int limited = 0;
      for (int i = 0; i < 61; i++) {
        var response = lookupFrom(server, "203.0.113.70", parcel);
        if (response.status() == 429) {
          limited++;
          assertThat(response.json().get("type").asText()).isEqualTo("/problems/rate-limited");
          assertThat(response.header("Retry-After")).isNotBlank();
        }
      }
      assertThat(limited).isEqualTo(1);
      clock.advance(java.time.Duration.ofSeconds(2));
      assertThat(lookupFrom(server, "203.0.113.70", parcel).status())
          .as("tokens refill")
          .isEqualTo(200);
    }
  }

  @Test
  void securityOperatorsSeePseudonymsAndRevealOnlyWithAReason() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));
    try (TestApp server = TestApp.start(StoreKind.SQLITE, dir, clock, TRUST_LOOPBACK)) {
      for (int i = 0; i < 25; i++) {
        lookupFrom(server, GUESSER, unknown(i));
      }
      server.app().operators().add("sec", Set.of(Role.SECURITY), "correct horse battery");
      server
          .app()
          .operators()
          .add("adm", Set.of(Role.ADMIN, Role.LEGAL, Role.PRIVACY), "correct horse battery");
      String security = "Bearer " + server.app().operators().issueToken("sec");
      String admin = "Bearer " + server.app().operators().issueToken("adm");

      assertThat(server.get("/api/v1/admin/incidents").status()).isEqualTo(401);
      assertThat(server.get("/api/v1/admin/incidents", "Authorization", admin).status())
          .isEqualTo(403);
      var list = server.get("/api/v1/admin/incidents", "Authorization", security);
      assertThat(list.status()).isEqualTo(200);
      assertThat(list.body()).doesNotContain(GUESSER);
      JsonNode incident = list.json().get("incidents").get(0);
      assertThat(incident.get("rule").asText()).isEqualTo("enumeration");
      assertThat(incident.get("scope").asText()).isEqualTo("CLIENT");
      assertThat(incident.get("client").asText()).hasSize(16);
      assertThat(incident.get("unknownOrInvalid").asInt()).isGreaterThanOrEqualTo(20);
      assertThat(incident.get("revealable").asBoolean()).isTrue();
      long id = incident.get("id").asLong();
      String reveal = "/api/v1/admin/incidents/" + id + "/reveal";

      assertThat(server.post(reveal, "application/json", "{}", "Authorization", security).status())
          .isEqualTo(400);
      assertThat(
              server
                  .post(
                      reveal, "application/json", "{\"reason\":\"  \"}", "Authorization", security)
                  .status())
          .isEqualTo(400);
      assertThat(
              server
                  .post(reveal, "application/json", "{\"reason\":\"x\"}", "Authorization", admin)
                  .status())
          .isEqualTo(403);
      var revealed =
          server.post(
              reveal,
              "application/json",
              "{\"reason\":\"Ticket SEC-42: scraping report\"}",
              "Authorization",
              security);
      assertThat(revealed.status()).isEqualTo(200);
      assertThat(revealed.json().get("ip").asText()).isEqualTo(GUESSER);
      long seq = revealed.json().get("auditSeq").asLong();
      var audit = server.app().audit().list(seq - 1, 1).get(0);
      assertThat(audit.action()).isEqualTo("incident.reveal");
      assertThat(audit.actor()).isEqualTo("sec");
      assertThat(audit.details()).contains("Ticket SEC-42").doesNotContain(GUESSER);

      server.app().retention().run(Instant.parse("2026-12-07T00:00:00Z"));
      var gone =
          server.post(
              reveal, "application/json", "{\"reason\":\"again\"}", "Authorization", security);
      assertThat(gone.status()).isEqualTo(404);
      assertThat(gone.json().get("detail").asText()).contains("destroyed").contains("7-day");
    }
  }

  @Test
  void repeatedBadKeysLockTheClientOutWithoutSayingWhichKeysExist() {
    try (TestApp server = TestApp.start(StoreKind.SQLITE, dir, Clock.systemUTC(), TRUST_LOOPBACK)) {
      String good = server.shipperKey("Acme");
      String nonexistent = "wpk_0123456789abcdef_" + "A".repeat(43);
      String wrongSecret = good.substring(0, good.length() - 3) + "AAA";
      var first =
          server.post(
              "/api/v1/events",
              "application/json",
              "[]",
              "Authorization",
              "Bearer " + nonexistent,
              "X-Forwarded-For",
              "203.0.113.80");
      var second =
          server.post(
              "/api/v1/events",
              "application/json",
              "[]",
              "Authorization",
              "Bearer " + wrongSecret,
              "X-Forwarded-For",
              "203.0.113.80");
      assertThat(first.status()).isEqualTo(401);
      assertThat(second.body()).isEqualTo(first.body());
      for (int i = 2; i < 10; i++) {
        server.post(
            "/api/v1/events",
            "application/json",
            "[]",
            "Authorization",
            "Bearer " + nonexistent,
            "X-Forwarded-For",
            "203.0.113.80");
      }
      var locked =
          server.post(
              "/api/v1/events",
              "application/json",
              "[]",
              "Authorization",
              "Bearer " + good,
              "X-Forwarded-For",
              "203.0.113.80");
      assertThat(locked.status()).isEqualTo(429);
      assertThat(locked.json().get("type").asText()).isEqualTo("/problems/blocked");
      var elsewhere =
          server.post(
              "/api/v1/events",
              "application/json",
              "[]",
              "Authorization",
              "Bearer " + good,
              "X-Forwarded-For",
              "203.0.113.81");
      assertThat(elsewhere.status()).isEqualTo(200);
    }
  }

  @Test
  void aBlockSurvivesARestart() {
    Map<String, String> overrides = new HashMap<>(StoreKind.SQLITE.freshStore(dir));
    overrides.putAll(TRUST_LOOPBACK);
    overrides.put("server.port", "0");
    WaypostConfig config = TestApp.config(overrides);
    try (TestApp server = TestApp.start(config, Clock.systemUTC())) {
      for (int i = 0; i < 25; i++) {
        lookupFrom(server, GUESSER, unknown(i));
      }
      assertThat(lookupFrom(server, GUESSER, unknown(50)).status()).isEqualTo(429);
    }
    try (TestApp restarted = TestApp.start(config, Clock.systemUTC())) {
      assertThat(lookupFrom(restarted, GUESSER, unknown(51)).status()).isEqualTo(429);
      assertThat(lookupFrom(restarted, "203.0.113.51", unknown(52)).status()).isEqualTo(404);
    }
  }
}
