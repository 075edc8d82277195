package org.waypost.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.Set;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waypost.governance.Role;
import org.waypost.testing.ConsoleVisitor;
import org.waypost.testing.MutableClock;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;
import org.waypost.testing.TestServer;
import org.waypost.visitor.TrafficCounts;
import org.waypost.visitor.TrafficCounts.Cell;

/**
 * The analytics report over HTTP, in the API and on the console's dashboard: every day of the range
 * up to now is there (zero when nothing was counted), totals are summed from the reported counts
 * and never reveal a hidden one, and a malformed or extreme date is a 400, never a 500.
 */
class AnalyticsReportTest {
  private static final String PASSWORD = "correct horse battery staple";

  @TempDir Path dir;
  private TestApp server;
  private String token;

  @BeforeEach
  void start() {
    server =
        TestApp.start(
            StoreKind.SQLITE,
            dir,
            new MutableClock(Instant.parse("2026-12-04T10:20:00Z")),
            Map.of());
    server.app().operators().add("ada", Set.of(Role.ADMIN), PASSWORD);
    server.app().operators().add("sam", Set.of(Role.SECURITY), PASSWORD);
    token = server.app().operators().issueToken("ada");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void daysWithoutDataAreZeroAndTotalsHideWhatTheDaysHide() {
    count("2026-12-01", TrafficCounts.REQUESTS, "PAGE", 40);
    count("2026-12-01", TrafficCounts.REQUESTS, "OPS", 3);
    count("2026-12-01", TrafficCounts.TRAFFIC, "human", 40);
    count("2026-12-01", TrafficCounts.TRAFFIC, "bot", 3);
    count("2026-12-03", TrafficCounts.REQUESTS, "PAGE", 2);
    count("2026-12-03", TrafficCounts.TRAFFIC, "human", 2);
    count("2026-12-03", TrafficCounts.LOOKUPS, "FOUND", 7);

    JsonNode report = api("from=2026-11-30&to=2026-12-06").json();
    assertThat(report.get("days").findValuesAsText("date"))
        .as("every day up to today, none after it")
        .containsExactly("2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04");
    JsonNode empty = report.get("days").get(2);
    assertThat(empty.get("totalRequests").asLong()).isZero();
    assertThat(empty.get("uniqueVisitors").asLong()).isZero();
    assertThat(empty.get("requests")).isEmpty();

    JsonNode first = report.get("days").get(1);
    assertThat(first.at("/requests/OPS").asText()).isEqualTo("<5");
    assertThat(first.get("totalRequests").asText())
        .as("the sum of kinds hides OPS, the sum of human and bot does too: at least 41")
        .isEqualTo("41+");
    assertThat(first.get("botShare").isNull()).isTrue();
    assertThat(report.at("/days/3/totalRequests").asText()).isEqualTo("<5");
    assertThat(report.at("/totals/totalRequests").asText())
        .as("40 known, two hidden counts of at least 1")
        .isEqualTo("42+");
    assertThat(report.at("/totals/requests/PAGE").asText()).isEqualTo("41+");
    assertThat(report.at("/totals/lookups/FOUND").asLong()).isEqualTo(7);
    assertThat(report.at("/totals/totalLookups").asLong()).isEqualTo(7);
  }

  @Test
  void malformedAndExtremeDatesAreRefusedWithA400() {
    for (String query :
        new String[] {
          "from=-999999999-01-01",
          "to=-999999999-01-01",
          "to=+999999999-12-31",
          "from=2026-13-01",
          "from=2026-02-30",
          "to=2026-12-4",
          "from=0000-01-01&to=0000-01-02",
          "from=2026-12-04&to=2026-12-01",
          "from=2026-01-01&to=2026-12-01",
          "from=%00"
        }) {
      TestServer.Response response = api(query);
      assertThat(response.status()).as(query).isEqualTo(400);
      assertThat(response.contentType()).startsWith("application/problem+json");
      assertThat(response.json().get("type").asText()).isEqualTo("/problems/validation-failed");
    }
    assertThat(api("from=9999-12-25&to=9999-12-31").status())
        .as("the last days a date can name")
        .isEqualTo(200);
    assertThat(api("from=0001-01-01&to=0001-01-01&resolution=hour").status()).isEqualTo(200);
  }

  @Test
  void theDashboardAndItsCsvAnswerABadDateWithA400Page() {
    ConsoleVisitor ada = new ConsoleVisitor(server, null);
    ada.login("ada", PASSWORD);
    for (String path :
        new String[] {
          "/operator/analytics?range=custom&from=-999999999-01-01",
          "/operator/analytics?range=custom&to=2026-13-01",
          "/operator/analytics?from=2026-12-04&to=2026-01-01",
          "/operator/analytics?range=yesterday",
          "/operator/analytics.csv?from=-999999999-01-01&to=2026-12-01",
          "/operator/analytics.csv?from=2026-12-01&to=%2B999999999-12-31"
        }) {
      TestServer.Response page = ada.get(path);
      assertThat(page.status()).as(path).isEqualTo(400);
      assertThat(page.contentType()).startsWith("text/html");
      assertThat(Jsoup.parse(page.body()).select("h1").text()).isEqualTo("Validation failed");
    }
    TestServer.Response day =
        ada.get("/operator/analytics?range=custom&from=0001-01-01&to=0001-01-01");
    assertThat(day.status()).isEqualTo(200);
    assertThat(Jsoup.parse(day.body()).select("#series tbody tr")).as("by the hour").hasSize(24);

    ConsoleVisitor sam = new ConsoleVisitor(server, null);
    sam.login("sam", PASSWORD);
    assertThat(sam.get("/operator/analytics").status()).isEqualTo(403);
    assertThat(sam.get("/operator/analytics.csv").status()).isEqualTo(403);
    ConsoleVisitor nobody = new ConsoleVisitor(server, null);
    assertThat(nobody.get("/operator/analytics.csv").header("Location"))
        .isEqualTo("/operator/login");
  }

  private TestServer.Response api(String query) {
    return server.get("/api/v1/admin/analytics?" + query, "Authorization", "Bearer " + token);
  }

  private void count(String day, String dimension, String value, long count) {
    server
        .app()
        .database()
        .inTransaction(
            c -> {
              new TrafficCounts().add(c, Map.of(new Cell('D', day, dimension, value), count));
              return null;
            });
  }

  static LocalDate day(String text) {
    return LocalDate.parse(text);
  }
}
