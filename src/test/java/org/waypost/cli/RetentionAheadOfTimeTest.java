package org.waypost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.waypost.config.WaypostConfig;
import org.waypost.governance.Role;
import org.waypost.testing.Fixtures;
import org.waypost.testing.MutableClock;
import org.waypost.testing.Sql;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;
import org.waypost.tracking.TrackingNumber;

/**
 * {@code retention run --at} a week ahead, against the data of a running server, destroys today's
 * keys as it says it does, and warns what that means: the server keeps serving (lookups, blocks,
 * legal requests, a restart) and only stops recording the visits of the destroyed day, which it
 * says on {@code /api/v1/privacy/me} and counts as dropped.
 */
class RetentionAheadOfTimeTest {
  private static final String VISITOR = "203.0.113.99";
  private static final String GUESSER = "203.0.113.50";
  private static final String DROPPED =
      "waypost_capture_dropped_total{reason=\"day-keys-destroyed\"}";

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void theServerKeepsServingAndOnlyStopsRecordingTheDestroyedDay(StoreKind kind)
      throws IOException {
    Map<String, String> store = kind.freshStore(dir);
    Map<String, String> overrides = new HashMap<>(store);
    overrides.put("server.port", "0");
    overrides.put("server.trustedProxies", "127.0.0.0/8,::1");
    WaypostConfig config = TestApp.config(overrides);
    Path configFile = configFile(store);
    // the server's "now" is the real one, so that the command's --at is really in the future
    MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    LocalDate tomorrow = today.plusDays(1);
    String number;

    try (TestApp server = TestApp.start(config, clock)) {
      number = parcel(server);
      assertThat(lookup(server, VISITOR, number).status()).isEqualTo(200);
      server.app().capture().flush();

      Cli retention =
          Cli.run(
              "retention",
              "run",
              "--at",
              today.plusDays(7).atStartOfDay(ZoneOffset.UTC).toInstant().toString(),
              "--config",
              configFile.toString());

      assertThat(retention.exitCode()).as(retention.err()).isZero();
      assertThat(retention.out()).contains("day keys destroyed:            1 [" + today + "]");
      assertThat(retention.err())
          .contains("warning: --at")
          .contains("is in the future")
          .contains("the keys of [" + today + "] were destroyed ahead of time")
          .contains("records no visits of those days");
      assertThat(dir.resolve("keys/day-" + today + ".destroyed")).exists();

      // lookups go on; their visits are counted as dropped, not recorded
      lookUpUntil(server, number, () -> metric(server, DROPPED) >= 1);
      assertThat(rowsOf(server, today)).isZero();

      var me = server.get("/api/v1/privacy/me", "X-Forwarded-For", VISITOR);
      assertThat(me.status()).isEqualTo(200);
      JsonNode securityLog = me.json().at("/tiers/1");
      assertThat(securityLog.get("tier").asText()).isEqualTo("securityLog");
      assertThat(securityLog.get("recording").asBoolean()).isFalse();
      assertThat(securityLog.get("why").asText())
          .contains("The keys of " + today + " were destroyed ahead of time")
          .contains("nothing of them is recorded");
      assertThat(me.json().at("/tiers/2/purpose").asText()).startsWith("not counted");
      var page = server.get("/privacy/me", "X-Forwarded-For", VISITOR, "Accept", "text/html");
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.body())
          .contains("that day’s keys were destroyed ahead of time")
          .contains("Not counted: today’s visits are not recorded.")
          .doesNotContain("class=\"tag\">null");

      // a guesser is still blocked, in memory, and no request fails
      int firstBlock = -1;
      for (int i = 0; i < 40 && firstBlock < 0; i++) {
        int status = lookup(server, GUESSER, unknown(i)).status();
        assertThat(status).as("guess %d", i).isIn(404, 429);
        firstBlock = status == 429 ? i : -1;
      }
      assertThat(firstBlock).as("the guesser was blocked").isPositive();
      var blocked = lookup(server, GUESSER, unknown(100));
      assertThat(blocked.status()).isEqualTo(429);
      assertThat(blocked.json().get("type").asText()).isEqualTo("/problems/blocked");
    }

    // a restart on the same day, its keys destroyed, starts and serves
    try (TestApp server = TestApp.start(config, clock)) {
      assertThat(lookup(server, VISITOR, number).status()).isEqualTo(200);
      assertThat(server.get("/api/v1/privacy/me").status()).isEqualTo(200);
      assertThat(server.get("/health/ready").status()).isEqualTo(200);

      // the next day has keys again: visits are recorded, and a legal request finds them
      clock.set(tomorrow.atTime(10, 0).toInstant(ZoneOffset.UTC));
      lookUpUntil(server, number, () -> rowsOf(server, tomorrow) >= 1);
      assertThat(
              server
                  .get("/api/v1/privacy/me", "X-Forwarded-For", VISITOR)
                  .json()
                  .at("/tiers/1/recording")
                  .asBoolean())
          .isTrue();

      JsonNode disclosure = disclose(server, number, today, tomorrow);
      assertThat(disclosure.at("/request/status").asText()).isEqualTo("DISCLOSED");
      long lookups =
          Sql.longValue(
              server.app().database(),
              "SELECT COUNT(*) FROM security_log WHERE route_class = 'TRACKING_API' AND day = '"
                  + tomorrow
                  + "'");
      assertThat(disclosure.get("records")).hasSize((int) lookups);
      for (JsonNode record : disclosure.get("records")) {
        assertThat(record.get("ip").asText()).isEqualTo(VISITOR);
        assertThat(record.get("day").asText()).isEqualTo(tomorrow.toString());
      }
      assertThat(disclosure.get("destroyed")).hasSize(1);
      assertThat(disclosure.get("destroyed").get(0).get("day").asText())
          .isEqualTo(today.toString());
    }
  }

  /** The store's keys as a YAML file, for the command's {@code --config}. */
  private Path configFile(Map<String, String> store) throws IOException {
    StringBuilder yaml = new StringBuilder("database:\n");
    yaml.append("  url: \"").append(store.get("database.url")).append("\"\n");
    if (store.containsKey("database.user")) {
      yaml.append("  user: \"").append(store.get("database.user")).append("\"\n");
    }
    yaml.append("privacy:\n");
    yaml.append("  keyDir: \"").append(store.get("privacy.keyDir")).append("\"\n");
    yaml.append("  masterKeyFile: \"").append(store.get("privacy.masterKeyFile")).append("\"\n");
    return Files.writeString(dir.resolve("waypost.yaml"), yaml);
  }

  private static String parcel(TestApp server) {
    long shipper = server.app().apiKeys().create("Acme").shipper().id();
    return server
        .app()
        .shipments()
        .register(shipper, Fixtures.priorityToFairfax())
        .trackingNumber();
  }

  private static String unknown(int i) {
    return TrackingNumber.issueImpb("055", "654321", 900_000 + i).value();
  }

  private static TestApp.Response lookup(TestApp server, String client, String number) {
    return server.get("/api/v1/tracking/" + number, "X-Forwarded-For", client);
  }

  /**
   * Looks the parcel up until {@code handled}: capture sheds visits while the machine is saturated
   * (as during a full test run), so a single lookup may leave nothing to see.
   */
  private static void lookUpUntil(TestApp server, String number, BooleanSupplier handled) {
    for (int attempt = 0; attempt < 10; attempt++) {
      assertThat(lookup(server, VISITOR, number).status()).isEqualTo(200);
      server.app().capture().flush();
      if (handled.getAsBoolean()) {
        return;
      }
      try {
        Thread.sleep(1_100); // capture's CPU budget is per second
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("capture never handled the lookup's visit as expected");
  }

  private static long rowsOf(TestApp server, LocalDate day) {
    return Sql.longValue(
        server.app().database(), "SELECT COUNT(*) FROM security_log WHERE day = '" + day + "'");
  }

  private static double metric(TestApp server, String series) {
    return server
        .get("/metrics")
        .body()
        .lines()
        .filter(line -> line.startsWith(series + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + series + " in /metrics"));
  }

  /** Files, approves and executes a subpoena for {@code number} over the two days. */
  private static JsonNode disclose(TestApp server, String number, LocalDate from, LocalDate to) {
    server.app().operators().add("lena", Set.of(Role.LEGAL), "a long enough password");
    server.app().operators().add("priya", Set.of(Role.PRIVACY), "a long enough password");
    String legal = "Bearer " + server.app().operators().issueToken("lena");
    String privacy = "Bearer " + server.app().operators().issueToken("priya");
    String filing =
        "{\"authority\": \"U.S. District Court, W.D. La.\", \"legalProcess\": \"SUBPOENA\","
            + " \"caseReference\": \"3:26-cr-00042\", \"trackingNumbers\": [\""
            + number
            + "\"], \"from\": \""
            + from
            + "\", \"to\": \""
            + to
            + "\"}";
    var filed =
        server.post(
            "/api/v1/admin/legal-requests", "application/json", filing, "Authorization", legal);
    assertThat(filed.status()).as(filed.body()).isEqualTo(201);
    String request = "/api/v1/admin/legal-requests/" + filed.json().get("id").asLong();
    var approved =
        server.post(request + "/approve", "application/json", "", "Authorization", privacy);
    assertThat(approved.status()).as(approved.body()).isEqualTo(200);
    var executed =
        server.post(request + "/execute", "application/json", "", "Authorization", legal);
    assertThat(executed.status()).as(executed.body()).isEqualTo(200);
    return executed.json();
  }
}
