package org.waypost.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waypost.governance.AuditLog;
import org.waypost.governance.Role;
import org.waypost.testing.ConsoleVisitor;
import org.waypost.testing.MutableClock;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;
import org.waypost.testing.TestServer;
import org.waypost.tracking.TrackingNumber;

/**
 * What security operators do about an incident, over HTTP: lift its block, allow its network for a
 * while, mark it a false positive. Each needs a reason, is audited in the same transaction, shows
 * in the incidents API, and applies to the running node at once; the blocked page tells a person
 * how to reach the operator.
 */
class IncidentActionsTest {
  private static final String PASSWORD = "correct horse battery staple";
  private static final String GUESSER = "203.0.113.50";
  private static final String NEIGHBOUR = "203.0.113.51";
  private static final Instant START = Instant.parse("2026-11-29T10:00:00Z");

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(START);
  private TestApp server;
  private String security;
  private int next;

  @BeforeEach
  void start() {
    startWith(Map.of());
  }

  private void startWith(Map<String, String> extra) {
    if (server != null) {
      server.close();
    }
    Map<String, String> config = new HashMap<>(extra);
    config.put("server.trustedProxies", "127.0.0.0/8,::1");
    server = TestApp.start(StoreKind.SQLITE, dir.resolve("run" + next++), clock, config);
    server.app().operators().add("sam", Set.of(Role.SECURITY), PASSWORD);
    server.app().operators().add("lena", Set.of(Role.LEGAL), PASSWORD);
    security = "Bearer " + server.app().operators().issueToken("sam");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void anUnblockedClientLooksUpAgainAtOnceAndTheUnblockIsAudited() {
    long incident = blockGuesser();
    assertThat(lookUp(GUESSER, unknown(500)).status()).isEqualTo(429);
    JsonNode listed = incident(incident);
    assertThat(listed.get("action").asText()).isEqualTo("BLOCKED");
    assertThat(listed.get("blockActive").asBoolean()).isTrue();

    String unblock = "/api/v1/admin/incidents/" + incident + "/unblock";
    assertThat(post(unblock, "{}").status()).as("no reason").isEqualTo(400);
    assertThat(post(unblock, "{\"reason\": \"   \"}").status()).isEqualTo(400);
    String lena = "Bearer " + server.app().operators().issueToken("lena");
    assertThat(
            server
                .post(unblock, "application/json", "{\"reason\": \"x\"}", "Authorization", lena)
                .status())
        .isEqualTo(403);
    assertThat(post("/api/v1/admin/incidents/999/unblock", "{\"reason\": \"x\"}").status())
        .isEqualTo(404);

    TestServer.Response done =
        post(unblock, "{\"reason\": \"Ticket SEC-7: a library behind one address\"}");
    assertThat(done.status()).isEqualTo(200);
    assertThat(done.json().get("action").asText()).isEqualTo("UNBLOCKED");
    assertAudited(
        done.json().get("auditSeq").asLong(), "incident.unblock", incident, "Ticket SEC-7");

    assertThat(lookUp(GUESSER, unknown(501)).status()).as("at once").isEqualTo(404);
    for (int i = 0; i < 5; i++) {
      assertThat(lookUp(GUESSER, unknown(510 + i)).status())
          .as("the count starts afresh: a few more unknown numbers do not block again")
          .isEqualTo(404);
    }
    listed = incident(incident);
    assertThat(listed.get("action").asText()).isEqualTo("UNBLOCKED");
    assertThat(listed.get("blockActive").asBoolean()).isFalse();
    assertThat(listed.at("/actions/0/by").asText()).isEqualTo("sam");
    assertThat(listed.at("/actions/0/reason").asText()).startsWith("Ticket SEC-7");
    assertThat(listed.at("/actions/0/auditSeq").asLong())
        .isEqualTo(done.json().get("auditSeq").asLong());

    TestServer.Response again = post(unblock, "{\"reason\": \"again\"}");
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.json().get("detail").asText()).contains("lifted already").contains("sam");
  }

  @Test
  void anAllowedNetworkIsNeitherBlockedNorRateLimitedUntilItsAllowanceEnds() {
    long incident = blockGuesser();
    String allow = "/api/v1/admin/incidents/" + incident + "/allow";
    assertThat(post(allow, "{\"reason\": \"office\"}").status()).as("no hours").isEqualTo(400);
    assertThat(post(allow, "{\"reason\": \"office\", \"hours\": 0}").status()).isEqualTo(400);
    assertThat(post(allow, "{\"reason\": \"office\", \"hours\": 169}").status()).isEqualTo(400);
    assertThat(post(allow, "{\"reason\": \"office\", \"hours\": 2.5}").status()).isEqualTo(400);

    TestServer.Response done =
        post(allow, "{\"reason\": \"Ticket SEC-8: a post office's counter\", \"hours\": 4}");
    assertThat(done.status()).isEqualTo(200);
    assertThat(done.json().get("allowedUntil").asText())
        .isEqualTo(START.plus(Duration.ofHours(4)).toString());
    assertAudited(done.json().get("auditSeq").asLong(), "incident.allow", incident, "SEC-8");
    assertThat(incident(incident).get("networkAllowedUntil").asText())
        .isEqualTo(START.plus(Duration.ofHours(4)).toString());

    assertThat(lookUp(GUESSER, unknown(600)).status())
        .as("the block is not enforced")
        .isEqualTo(404);
    for (int i = 0; i < 120; i++) {
      assertThat(lookUp(i % 2 == 0 ? GUESSER : NEIGHBOUR, unknown(700 + i)).status())
          .as("lookup %d: neither the enumeration rule nor the rate limits apply", i)
          .isEqualTo(404);
    }
    assertThat(lookUpMany("198.51.100.9", 35, 2000).status()).isEqualTo(200);
    assertThat(lookUp("198.51.100.9", unknown(3000)).status())
        .as("another network is still held")
        .isEqualTo(429);

    clock.advance(Duration.ofHours(4).plusMinutes(1));
    int refused = 0;
    for (int i = 0; i < 40; i++) {
      refused += lookUp(NEIGHBOUR, unknown(4000 + i)).status() == 429 ? 1 : 0;
    }
    assertThat(refused).as("the allowance has ended").isPositive();
  }

  @Test
  void anAllowanceEndsWhenTheIncidentDaysKeysAreDestroyed() {
    long incident = blockGuesser();
    TestServer.Response done =
        post(
            "/api/v1/admin/incidents/" + incident + "/allow",
            "{\"reason\": \"a week for the school\", \"hours\": 168}");
    assertThat(done.status()).isEqualTo(200);
    assertThat(done.json().get("allowedUntil").asText())
        .as("the 7-day retention destroys 2026-11-29's keys on 2026-12-06")
        .isEqualTo("2026-12-06T00:00:00Z");
  }

  @Test
  void aFalsePositiveIsLiftedAndNotCountedAsARepeatOffence() {
    long first = blockGuesser();
    TestServer.Response done =
        post(
            "/api/v1/admin/incidents/" + first + "/false-positive",
            "{\"reason\": \"a test run by our own QA team\"}");
    assertThat(done.status()).isEqualTo(200);
    assertAudited(
        done.json().get("auditSeq").asLong(), "incident.false-positive", first, "QA team");
    assertThat(incident(first).get("falsePositive").asBoolean()).isTrue();
    assertThat(
            post("/api/v1/admin/incidents/" + first + "/false-positive", "{\"reason\": \"x\"}")
                .status())
        .isEqualTo(409);
    assertThat(lookUp(GUESSER, unknown(800)).status()).isEqualTo(404);

    clock.advance(Duration.ofMinutes(11));
    assertThat(lookUpMany(GUESSER, 35, 900).status()).isEqualTo(200);
    JsonNode second = newestIncident();
    assertThat(second.get("id").asLong()).isNotEqualTo(first);
    assertThat(second.get("offence").asInt()).as("the wrong block does not count").isEqualTo(1);
    assertThat(
            Duration.between(
                Instant.parse(second.get("lastSeen").asText()),
                Instant.parse(second.get("blockedUntil").asText())))
        .isEqualTo(Duration.ofHours(1));
  }

  @Test
  void aBlockFoundWrongAfterItEndedDoesNotDoubleTheNext() {
    long first = blockGuesser();
    clock.advance(Duration.ofMinutes(61));
    assertThat(lookUp(GUESSER, unknown(850)).status()).as("the block has ended").isEqualTo(404);
    assertThat(
            post(
                    "/api/v1/admin/incidents/" + first + "/false-positive",
                    "{\"reason\": \"our own load test\"}")
                .status())
        .isEqualTo(200);
    assertThat(incident(first).get("blockActive").asBoolean()).isFalse();
    clock.advance(Duration.ofMinutes(11));
    assertThat(lookUpMany(GUESSER, 35, 1900).status()).isEqualTo(200);
    JsonNode second = newestIncident();
    assertThat(second.get("id").asLong()).isNotEqualTo(first);
    assertThat(second.get("offence").asInt()).isEqualTo(1);
  }

  @Test
  void anotherNodeLearnsOfAnActionAtItsNextRefresh() throws Exception {
    Blocks here = new Blocks(server.app().database(), server.app().keys(), 7);
    Blocks there = new Blocks(server.app().database(), server.app().keys(), 7);
    Incidents incidents =
        new Incidents(
            server.app().database(), server.app().keys(), server.app().audit(), here, clock, 7, 7);
    java.net.InetAddress client = java.net.InetAddress.getByName("192.0.2.77");
    java.net.InetAddress sameNetwork = java.net.InetAddress.getByName("192.0.2.78");
    long now = clock.millis();
    long id =
        here.record(
            client, Blocks.Scope.CLIENT, "enumeration", 30, 30, now, now, now + 3_600_000, 1);
    there.refresh(clock.instant());
    assertThat(there.activeBlock(client, Blocks.Scope.CLIENT, now)).isPresent();

    var sam = server.app().operators().find("sam").orElseThrow();
    incidents.unblock(id, "checked with the client", sam);
    assertThat(here.activeBlock(client, Blocks.Scope.CLIENT, now)).as("at once").isEmpty();
    assertThat(there.activeBlock(client, Blocks.Scope.CLIENT, now)).isPresent();
    incidents.allow(id, 2, "their office", sam);
    assertThat(here.allowed(sameNetwork, now)).isTrue();
    assertThat(there.allowed(sameNetwork, now)).isFalse();

    there.refresh(clock.instant());
    assertThat(there.activeBlock(client, Blocks.Scope.CLIENT, now)).isEmpty();
    assertThat(there.allowed(sameNetwork, now)).isTrue();
    assertThat(there.allowed(java.net.InetAddress.getByName("198.51.100.1"), now)).isFalse();
    assertThat(there.allowed(sameNetwork, now + Duration.ofHours(2).toMillis())).isFalse();
  }

  @Test
  void theConsoleActsWithAReasonAndSaysWhatItDid() {
    long incident = blockGuesser();
    ConsoleVisitor sam = new ConsoleVisitor(server, null);
    sam.login("sam", PASSWORD);
    Document list = Jsoup.parse(sam.get("/operator/incidents").body());
    assertThat(list.select("#incident-" + incident + " .incident-state").text())
        .startsWith("Blocked until");
    assertThat(list.select("#incident-" + incident + " button[formaction]").eachAttr("formaction"))
        .containsExactly(
            "/operator/incidents/" + incident + "/unblock",
            "/operator/incidents/" + incident + "/false-positive",
            "/operator/incidents/" + incident + "/allow");
    assertThat(list.select("label[for=act-reason-" + incident + "]").text()).startsWith("Reason");
    assertThat(list.select("#hours-" + incident + " option[selected]").text()).isEqualTo("1 day");

    String unblock = "/operator/incidents/" + incident + "/unblock";
    TestServer.Response noReason = sam.post(unblock, Map.of("csrf", sam.csrf("/operator")));
    assertThat(noReason.status()).isEqualTo(400);
    assertThat(Jsoup.parse(noReason.body()).select("[role=alert]").text()).contains("reason");

    TestServer.Response done =
        sam.post(unblock, Map.of("csrf", sam.csrf("/operator"), "reason", "Ticket SEC-9"));
    assertThat(done.status()).isEqualTo(303);
    assertThat(done.header("Location"))
        .isEqualTo("/operator/incidents?done=UNBLOCKED&incident=" + incident);
    Document after = Jsoup.parse(sam.get(done.header("Location")).body());
    assertThat(after.select("[role=status]").text())
        .isEqualTo(
            "Incident "
                + incident
                + ": its block is lifted. The audit log records it with your reason.");
    assertThat(after.select("#incident-" + incident + " .incident-state").text())
        .contains("Unblocked by sam")
        .contains("Ticket SEC-9");
    assertThat(lookUp(GUESSER, unknown(950)).status()).isEqualTo(404);

    TestServer.Response twice =
        sam.post(unblock, Map.of("csrf", sam.csrf("/operator"), "reason", "again"));
    assertThat(twice.status()).isEqualTo(409);
    assertThat(Jsoup.parse(twice.body()).select("a").eachAttr("href"))
        .contains("/operator/incidents");

    TestServer.Response allowed =
        sam.post(
            "/operator/incidents/" + incident + "/allow",
            Map.of("csrf", sam.csrf("/operator"), "reason", "their office", "hours", "72"));
    assertThat(allowed.status()).isEqualTo(303);
    assertThat(Jsoup.parse(sam.get("/operator/incidents").body()).select(".allowed").text())
        .startsWith("Network allowed until 2026-12-02 10:00:00 UTC");

    ConsoleVisitor lena = new ConsoleVisitor(server, null);
    lena.login("lena", PASSWORD);
    assertThat(
            lena.post(
                    "/operator/incidents/" + incident + "/false-positive",
                    Map.of("csrf", lena.csrf("/operator"), "reason", "x"))
                .status())
        .isEqualTo(403);
  }

  @Test
  void theBlockedPageSaysHowToReachTheOperatorInTheVisitorsLanguage() {
    startWith(
        Map.of(
            "site.contactEmail", "abuse@example.org",
            "site.contactUrl", "https://example.org/contact"));
    long incident = blockGuesser();
    TestServer.Response api = lookUp(GUESSER, unknown(500));
    assertThat(api.json().get("incident").asLong()).isEqualTo(incident);
    assertThat(api.json().get("detail").asText())
        .contains("many tracking numbers that do not exist")
        .contains("incident " + incident);

    TestServer.Response page =
        server.get(
            "/track?numbers=" + unknown(501), "X-Forwarded-For", GUESSER, "Accept", "text/html");
    assertThat(page.status()).isEqualTo(429);
    Document html = Jsoup.parse(page.body());
    assertThat(html.select("h2").text()).isEqualTo("Blocked by mistake?");
    assertThat(html.select(".refused-help a[href^=mailto:]").attr("href"))
        .isEqualTo("mailto:abuse@example.org");
    assertThat(html.select(".refused-help a[href=https://example.org/contact]")).hasSize(1);
    assertThat(html.text()).contains("Mention reference " + incident);

    Document spanish =
        Jsoup.parse(
            server
                .get(
                    "/track?lang=es&numbers=" + unknown(502),
                    "X-Forwarded-For",
                    GUESSER,
                    "Accept",
                    "text/html")
                .body());
    assertThat(spanish.select("html").attr("lang")).isEqualTo("es");
    assertThat(spanish.select("h2").text()).isEqualTo("¿Bloqueado por error?");
    assertThat(spanish.text()).contains("Mencione la referencia " + incident);

    startWith(Map.of());
    blockGuesser();
    Document plain =
        Jsoup.parse(
            server
                .get(
                    "/track?numbers=" + unknown(503),
                    "X-Forwarded-For",
                    GUESSER,
                    "Accept",
                    "text/html")
                .body());
    assertThat(plain.select("a[href^=mailto:]")).isEmpty();
    assertThat(plain.text()).contains("it ends by itself");
  }

  // ---- helpers

  /** Blocks {@link #GUESSER} with one batch of 35 unknown numbers; returns the incident. */
  private long blockGuesser() {
    assertThat(lookUpMany(GUESSER, 35, next * 10_000).status()).isEqualTo(200);
    return newestIncident().get("id").asLong();
  }

  private JsonNode newestIncident() {
    return server
        .get("/api/v1/admin/incidents", "Authorization", security)
        .json()
        .get("incidents")
        .get(0);
  }

  private JsonNode incident(long id) {
    for (JsonNode incident :
        server.get("/api/v1/admin/incidents", "Authorization", security).json().get("incidents")) {
      if (incident.get("id").asLong() == id) {
        return incident;
      }
    }
    throw new AssertionError("no incident " + id);
  }

  private void assertAudited(long seq, String action, long incident, String reason) {
    AuditLog.Entry entry = server.app().audit().list(seq - 1, 1).get(0);
    assertThat(entry.action()).isEqualTo(action);
    assertThat(entry.actor()).isEqualTo("sam");
    assertThat(entry.target()).isEqualTo("incident:" + incident);
    assertThat(entry.details()).contains(reason).doesNotContain(GUESSER);
    assertThat(server.app().audit().verify().intact()).isTrue();
  }

  private TestServer.Response post(String path, String json) {
    return server.post(path, "application/json", json, "Authorization", security);
  }

  private TestServer.Response lookUp(String client, String number) {
    return server.get("/api/v1/tracking/" + number, "X-Forwarded-For", client);
  }

  private TestServer.Response lookUpMany(String client, int count, int from) {
    String numbers =
        IntStream.range(from, from + count)
            .mapToObj(IncidentActionsTest::unknown)
            .collect(Collectors.joining(","));
    return server.get("/api/v1/tracking?numbers=" + numbers, "X-Forwarded-For", client);
  }

  private static String unknown(int i) {
    return TrackingNumber.issueImpb("055", "654321", 100_000 + i).value();
  }
}
