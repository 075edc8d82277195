package org.waypost.visitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.waypost.governance.Role;
import org.waypost.keys.DayKeyDestroyedException;
import org.waypost.retention.Retention;
import org.waypost.testing.CapturedLogs;
import org.waypost.testing.FilesOnDisk;
import org.waypost.testing.Fixtures;
import org.waypost.testing.MutableClock;
import org.waypost.testing.Sql;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;
import org.waypost.tracking.TrackingNumber;

/**
 * Guarantees 1 to 4 end to end: the client address as the server sees it, nothing in clear on disk
 * or in logs, GPC left out of statistics, and crypto-shredding at the end of retention.
 */
class VisitorDataTest {
  private static final String CLIENT_V4 = "203.0.113.7";
  private static final String CLIENT_V6 = "2001:db8::7";
  private static final Map<String, String> TRUST_LOOPBACK =
      Map.of("server.trustedProxies", "127.0.0.0/8,::1");

  @TempDir Path dir;

  @Test
  void behindATrustedProxyTheForwardedAddressIsTheClient() {
    try (TestApp server = TestApp.start(StoreKind.SQLITE, dir, Clock.systemUTC(), TRUST_LOOPBACK)) {
      JsonNode me =
          server.get("/api/v1/privacy/me", "X-Forwarded-For", "198.51.100.20, " + CLIENT_V4).json();
      assertThat(me.get("ip").asText()).isEqualTo(CLIENT_V4);
      assertThat(me.get("ipSource").asText()).contains("trusted proxy");
      assertThat(me.at("/tiers/1/stored/clientTag").asText()).hasSize(17).endsWith("…");
      assertThat(me.get("retentionDays").asInt()).isEqualTo(7);

      JsonNode v6 = server.get("/api/v1/privacy/me", "X-Forwarded-For", CLIENT_V6).json();
      assertThat(v6.get("ip").asText()).isEqualTo(CLIENT_V6);
      JsonNode ignored = server.get("/api/v1/privacy/me", "Forwarded", "for=" + CLIENT_V4).json();
      assertThat(ignored.get("ip").asText())
          .as("only the configured header is read")
          .isNotEqualTo(CLIENT_V4);
    }
  }

  @Test
  void theMemoryTierShowsThePseudonymTheAccessLogAndCountersUse() {
    try (TestApp server = TestApp.start(StoreKind.SQLITE, dir, Clock.systemUTC(), TRUST_LOOPBACK);
        CapturedLogs logs = new CapturedLogs()) {
      JsonNode me = server.get("/api/v1/privacy/me", "X-Forwarded-For", CLIENT_V4).json();
      server.app().accessLog().flush();
      String shown = me.at("/tiers/0/stored/clientTag").asText();
      assertThat(logs.lines())
          .anySatisfy(
              line ->
                  assertThat(line)
                      .contains("route=/api/v1/privacy/me")
                      .contains("client=" + shown.substring(0, 12)));
    }
  }

  @Test
  void proxiesThatSpeakForwardedAreReadWhenConfigured() {
    Map<String, String> config = new java.util.HashMap<>(TRUST_LOOPBACK);
    config.put("server.forwardedHeader", "Forwarded");
    try (TestApp server = TestApp.start(StoreKind.SQLITE, dir, Clock.systemUTC(), config)) {
      JsonNode v6 =
          server.get("/api/v1/privacy/me", "Forwarded", "for=\"[" + CLIENT_V6 + "]:4711\"").json();
      assertThat(v6.get("ip").asText()).isEqualTo(CLIENT_V6);
      JsonNode ignored = server.get("/api/v1/privacy/me", "X-Forwarded-For", CLIENT_V4).json();
      assertThat(ignored.get("ip").asText()).isNotEqualTo(CLIENT_V4);
    }
  }

  @Test
  void fromAnUntrustedPeerTheHeaderIsIgnored() {
    try (TestApp server = TestApp.start(StoreKind.SQLITE, dir)) {
      JsonNode me = server.get("/api/v1/privacy/me", "X-Forwarded-For", CLIENT_V4).json();
      assertThat(me.get("ip").asText()).isIn("127.0.0.1", "0:0:0:0:0:0:0:1", "::1");
      assertThat(me.get("ipSource").asText()).contains("connection");
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void neitherTheStoreNorTheLogsHoldAddressesOrUnknownNumbersInClear(StoreKind kind)
      throws Exception {
    List<String> unknown = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      unknown.add(TrackingNumber.issueImpb("055", "654321", 4242 + i).value());
    }
    try (var logs = new CapturedLogs();
        TestApp server = TestApp.start(kind, dir, Clock.systemUTC(), TRUST_LOOPBACK)) {
      String key = server.shipperKey("Acme");
      String known =
          server
              .postAs(
                  key,
                  "/api/v1/shipments",
                  "application/json",
                  Fixtures.shipmentJson("PRIORITY", "US"))
              .json()
              .get("trackingNumber")
              .asText();
      for (String client : List.of(CLIENT_V4, CLIENT_V6)) {
        server.get("/api/v1/tracking/" + known, "X-Forwarded-For", client);
        server.get("/api/v1/tracking/" + unknown.get(0), "X-Forwarded-For", client);
        server.get(
            "/api/v1/tracking?numbers=" + String.join(",", unknown), "X-Forwarded-For", client);
        server.get(
            "/track?numbers=" + unknown.get(1), "X-Forwarded-For", client, "Accept", "text/html");
        server.get("/no/such/page/" + unknown.get(2), "X-Forwarded-For", client);
        server.get("/api/v1/privacy/me", "X-Forwarded-For", client, "Sec-GPC", "1");
      }
      server.app().capture().flush();
      assertThat(securityLogRows(server)).isGreaterThanOrEqualTo(12);

      List<String> secrets = new ArrayList<>(unknown);
      secrets.addAll(
          List.of(
              CLIENT_V4,
              CLIENT_V6,
              "2001:0db8:0000:0000:0000:0000:0000:0007",
              "2001:db8:0:0:0:0:0:7"));
      if (kind == StoreKind.POSTGRESQL) {
        String dump = dumpAllRows(server);
        assertThat(dump).contains(known);
        for (String secret : secrets) {
          assertThat(dump).doesNotContainIgnoringCase(secret);
        }
      } else {
        assertNoFileContains(dir, secrets);
      }
      server.app().accessLog().flush();
      for (String line : logs.lines()) {
        for (String secret : secrets) {
          assertThat(line).doesNotContainIgnoringCase(secret);
        }
      }
      assertThat(logs.lines())
          .anySatisfy(
              line ->
                  assertThat(line).contains("route=/api/v1/tracking/{number}").contains("client="));
    }
  }

  private static long securityLogRows(TestApp server) {
    return countRows(server, "security_log");
  }

  /** Every row of every Waypost table, as text (what a database dump would show). */
  private static String dumpAllRows(TestApp server) {
    return server
        .app()
        .database()
        .read(
            c -> {
              StringBuilder dump = new StringBuilder();
              List<String> tables = new ArrayList<>();
              try (var rs =
                  c.getMetaData().getTables(null, "public", "%", new String[] {"TABLE"})) {
                while (rs.next()) {
                  tables.add(rs.getString("TABLE_NAME"));
                }
              }
              assertThat(tables)
                  .contains(
                      "security_log", "security_log_numbers", "traffic_counts", "daily_visitors");
              for (String table : tables) {
                try (var rs =
                    c.createStatement().executeQuery("SELECT t::text FROM " + table + " t")) {
                  while (rs.next()) {
                    dump.append(rs.getString(1)).append('\n');
                  }
                }
                try (var rs =
                    c.createStatement()
                        .executeQuery(
                            "SELECT encode(convert_to(t::text, 'UTF8'), 'escape') FROM "
                                + table
                                + " t")) {
                  while (rs.next()) {
                    dump.append(rs.getString(1)).append('\n');
                  }
                }
              }
              return dump.toString();
            });
  }

  private static void assertNoFileContains(Path dir, List<String> secrets) throws IOException {
    Map<Path, byte[]> files = FilesOnDisk.read(dir);
    assertThat(files.keySet())
        .anySatisfy(f -> assertThat(f.getFileName().toString()).startsWith("waypost.db"));
    assertThat(files.keySet())
        .anySatisfy(f -> assertThat(f.getFileName().toString()).startsWith("day-"));
    for (var file : files.entrySet()) {
      String content = new String(file.getValue(), StandardCharsets.ISO_8859_1);
      for (String secret : secrets) {
        assertThat(content)
            .as("%s must not contain %s", file.getKey().getFileName(), secret)
            .doesNotContainIgnoringCase(secret);
      }
    }
  }

  @Test
  void gpcRequestsChangeNoFigureButTheExcludedCount() {
    try (TestApp server =
        TestApp.start(
            StoreKind.SQLITE, dir, Clock.systemUTC(), Map.of("privacy.analyticsMinCount", "1"))) {
      String admin = adminToken(server);
      for (int i = 0; i < 3; i++) {
        server.get(
            "/api/v1/tracking/9400111206206406260787",
            "User-Agent",
            "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0");
      }
      server.app().capture().flush();
      JsonNode before = today(server, admin);

      for (int i = 0; i < 4; i++) {
        server.get(
            "/api/v1/tracking/9400111206206406260787",
            "Sec-GPC",
            "1",
            "User-Agent",
            "curl/8.5.0",
            "Referer",
            "https://news.example.org/story");
        server.get("/", "DNT", "1");
      }
      server.app().capture().flush();
      JsonNode after = today(server, admin);

      assertThat(after.get("excludedRequests").asLong() - before.get("excludedRequests").asLong())
          .isEqualTo(8);
      for (String figure :
          List.of(
              "lookups",
              "statuses",
              "browsers",
              "operatingSystems",
              "devices",
              "referrers",
              "traffic",
              "uniqueVisitors")) {
        assertThat(after.get(figure)).as(figure).isEqualTo(before.get(figure));
      }
      // the analytics requests themselves are operator requests: never counted
      assertThat(after.get("requests")).isEqualTo(before.get("requests"));
    }
  }

  @Test
  void referrersAreStoredAsPublicSiteNamesAndNothingElseByName() {
    try (TestApp server =
        TestApp.start(
            StoreKind.SQLITE, dir, Clock.systemUTC(), Map.of("privacy.analyticsMinCount", "1"))) {
      String admin = adminToken(server);
      for (String referer :
          List.of(
              "https://www.example.org/story?id=9400111206206406260787",
              "https://example.org/",
              "https://news.example.net/",
              "http://192.0.2.55/intranet",
              "http://[2001:db8::55]/",
              "http://nas.local/",
              "http://jira.internal/browse/OPS-1")) {
        server.get("/", "Referer", referer);
      }
      server.app().capture().flush();

      JsonNode referrers = today(server, admin).get("referrers");
      assertThat(referrers.get("example.org").asLong()).isEqualTo(2);
      assertThat(referrers.get("news.example.net").asLong()).isEqualTo(1);
      assertThat(referrers.get("(other)").asLong()).isEqualTo(4);
      List<String> stored =
          server
              .app()
              .database()
              .read(
                  c -> {
                    List<String> values = new ArrayList<>();
                    try (var rs =
                        c.createStatement()
                            .executeQuery(
                                "SELECT DISTINCT value FROM traffic_counts"
                                    + " WHERE dimension = 'referrer'")) {
                      while (rs.next()) {
                        values.add(rs.getString(1));
                      }
                    }
                    return values;
                  });
      assertThat(stored).containsExactlyInAnyOrder("example.org", "news.example.net", "(other)");
    }
  }

  @Test
  void countriesAreCountedWhenAGeoIpFileIsConfigured() throws Exception {
    Path mmdb =
        Path.of(getClass().getResource("/maxmind-test-db/GeoLite2-Country-Test.mmdb").toURI());
    Map<String, String> config = new java.util.HashMap<>(TRUST_LOOPBACK);
    config.put("privacy.geoipDatabase", mmdb.toString());
    config.put("privacy.analyticsMinCount", "1");
    try (TestApp server = TestApp.start(StoreKind.SQLITE, dir, Clock.systemUTC(), config)) {
      String admin = adminToken(server);
      // 81.2.69.142 is one of MaxMind's own fixture addresses (GB) in their test database; it is
      // only ever sent to loopback here. Documentation addresses are not in that database.
      server.get("/", "X-Forwarded-For", "81.2.69.142");
      server.get("/", "X-Forwarded-For", CLIENT_V4);
      server.app().capture().flush();
      JsonNode day = today(server, admin);
      assertThat(day.at("/countries/GB").asLong()).isEqualTo(1);
      assertThat(day.get("countries")).hasSize(1);
      assertThat(server.get("/privacy").body()).contains("country");
    }
  }

  @Test
  void analyticsNeedAnAdminAndHideSmallCells() {
    try (TestApp server = TestApp.start(StoreKind.SQLITE, dir)) {
      assertThat(server.get("/api/v1/admin/analytics").status()).isEqualTo(401);
      server.app().operators().add("sam", java.util.Set.of(Role.SECURITY), "correct horse battery");
      String security = server.app().operators().issueToken("sam");
      var forbidden = server.get("/api/v1/admin/analytics", "Authorization", "Bearer " + security);
      assertThat(forbidden.status()).isEqualTo(403);
      assertThat(forbidden.json().get("type").asText()).isEqualTo("/problems/forbidden");

      String admin = adminToken(server);
      for (int i = 0; i < 7; i++) {
        server.get("/api/v1/tracking/9400111206206406260787");
      }
      server.get("/api/v1/tracking/12345");
      long start = System.nanoTime();
      JsonNode day = today(server, admin);
      while ((day.at("/lookups/NOT_FOUND").asLong() < 7
              || day.at("/lookups/INVALID").isMissingNode())
          && System.nanoTime() - start < 10_000_000_000L) {
        day = today(server, admin);
      }
      assertThat(day.at("/lookups/NOT_FOUND").asLong()).isEqualTo(7);
      assertThat(day.at("/lookups/INVALID").asText()).isEqualTo("<5");
      assertThat(day.get("uniqueVisitors").asText()).isEqualTo("<5");
      var bad =
          server.get("/api/v1/admin/analytics?from=yesterday", "Authorization", "Bearer " + admin);
      assertThat(bad.status()).isEqualTo(400);
      assertThat(bad.json().get("detail").asText()).contains("from");
    }
  }

  private static String adminToken(TestApp server) {
    server.app().operators().add("ada", java.util.Set.of(Role.ADMIN), "correct horse battery");
    return server.app().operators().issueToken("ada");
  }

  private static JsonNode today(TestApp server, String token) {
    String date = LocalDate.now(ZoneOffset.UTC).toString();
    JsonNode report =
        server
            .get(
                "/api/v1/admin/analytics?from=" + date + "&to=" + date,
                "Authorization",
                "Bearer " + token)
            .json();
    return report.get("days").get(0);
  }

  @Test
  void retentionDeletesRowsAndDestroysTheKeysOfExpiredDays() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-20T10:00:00Z"));
    try (TestApp server = TestApp.start(StoreKind.SQLITE, dir, clock, TRUST_LOOPBACK)) {
      server.get("/api/v1/tracking/9400111206206406260787", "X-Forwarded-For", CLIENT_V4);
      server.app().capture().flush();
      clock.set(Instant.parse("2026-11-24T10:00:00Z"));
      server.get("/api/v1/tracking/9400111206206406260787", "X-Forwarded-For", CLIENT_V4);
      server.app().capture().flush();
      LocalDate first = LocalDate.parse("2026-11-20");
      byte[] sealed = sealedIpOf(server, first);
      assertThat(
              new String(
                  server
                      .app()
                      .keys()
                      .existing(first)
                      .orElseThrow()
                      .open(sealed, VisitorLog.associatedData(first)),
                  StandardCharsets.US_ASCII))
          .isEqualTo(CLIENT_V4);

      Retention.Report report = server.app().retention().run(Instant.parse("2026-11-27T00:00:00Z"));

      assertThat(report.keptFrom()).isEqualTo(LocalDate.parse("2026-11-21"));
      assertThat(report.securityLogRows()).isEqualTo(1);
      assertThat(report.dayKeysDestroyed()).containsExactly(first);
      assertThat(dir.resolve("keys/day-2026-11-20.json")).doesNotExist();
      assertThat(dir.resolve("keys/day-2026-11-24.json")).exists();
      assertThat(server.app().keys().existing(first)).isEmpty();
      assertThatThrownBy(() -> server.app().keys().day(first))
          .isInstanceOf(DayKeyDestroyedException.class);
      assertThat(countRows(server, "security_log WHERE day = '2026-11-20'")).isZero();
      assertThat(countRows(server, "security_log WHERE day = '2026-11-24'")).isEqualTo(1);
      assertThat(report.visitorDaysCounted()).contains(first, LocalDate.parse("2026-11-24"));
    }
  }

  private static byte[] sealedIpOf(TestApp server, LocalDate day) {
    return server
        .app()
        .database()
        .read(
            c -> {
              try (var ps =
                  c.prepareStatement("SELECT sealed_ip FROM security_log WHERE day = ?")) {
                ps.setString(1, day.toString());
                try (var rs = ps.executeQuery()) {
                  rs.next();
                  return rs.getBytes(1);
                }
              }
            });
  }

  private static long countRows(TestApp server, String from) {
    return Sql.longValue(server.app().database(), "SELECT COUNT(*) FROM " + from);
  }

  @Test
  void thePrivacyPageFollowsTheConfiguration() {
    try (TestApp server =
        TestApp.start(
            StoreKind.SQLITE,
            dir,
            Clock.systemUTC(),
            Map.of("privacy.securityLogRetentionDays", "3", "privacy.honorGpc", "false"))) {
      var page = server.get("/privacy");
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.body())
          .contains("3 days")
          .doesNotContain("7 days")
          .contains("does not currently honour");
      assertThat(server.get("/").body()).contains("href=\"/privacy\"");
    }
  }
}
