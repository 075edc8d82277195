package org.waypost.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waypost.governance.Role;
import org.waypost.testing.Browser;
import org.waypost.testing.ConsoleVisitor;
import org.waypost.testing.MutableClock;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;
import org.waypost.testing.TestServer;
import org.waypost.testing.Traffic;

/**
 * The analytics dashboard in a real browser, over two and a half months of aggregate traffic: every
 * figure on screen is the one {@code GET /api/v1/admin/analytics} reports for the same range (and
 * the previous one), the CSV export holds exactly what the screen shows, the page fits 1280 and 390
 * pixels and axe-core finds nothing to fix. It also draws docs/screenshots/console-analytics.png.
 */
class AnalyticsBrowserTest {
  private static final String PASSWORD = "correct horse battery staple";
  private static final Instant NOW = Instant.parse("2026-12-04T15:30:00Z");
  private static final LocalDate TODAY = LocalDate.parse("2026-12-04");
  static final Path SCREENSHOT = Path.of("docs/screenshots/console-analytics.png");

  @TempDir static Path dir;
  private static TestApp app;
  private static Browser browser;
  private static String token;

  @BeforeAll
  static void start() throws Exception {
    Path mmdb =
        Path.of(
            AnalyticsBrowserTest.class
                .getResource("/maxmind-test-db/GeoLite2-Country-Test.mmdb")
                .toURI());
    app =
        TestApp.start(
            StoreKind.SQLITE,
            dir,
            new MutableClock(NOW),
            Map.of("privacy.geoipDatabase", mmdb.toString()));
    app.app().operators().add("ada", Set.of(Role.ADMIN), PASSWORD);
    token = app.app().operators().issueToken("ada");
    Traffic.seed(app.app().database(), TODAY, 15, 75, 20261204L);
    browser = Browser.start(app, dir.resolve("chrome-profile"), true);
    browser.logIn("ada", PASSWORD);
  }

  @AfterAll
  static void stop() {
    Browser.close(browser, app);
  }

  @Test
  void everyFigureOnScreenIsTheOneTheApiReports() {
    record Shown(String preset, LocalDate from, LocalDate to, String resolution) {}
    for (Shown shown :
        List.of(
            new Shown("7d", TODAY.minusDays(6), TODAY, "day"),
            new Shown("30d", TODAY.minusDays(29), TODAY, "day"),
            new Shown("today", TODAY, TODAY, "hour"))) {
      browser.open("/operator/analytics?range=" + shown.preset());
      Document page = Jsoup.parse(browser.driver().getPageSource());
      long days = shown.to().toEpochDay() - shown.from().toEpochDay() + 1;
      JsonNode now = api(shown.from(), shown.to(), shown.resolution());
      JsonNode before =
          api(shown.from().minusDays(days), shown.from().minusDays(1), shown.resolution());

      Map<String, List<String>> summary = rows(page, "summary");
      assertThat(summary.get("Requests"))
          .startsWith(text(now, "/totals/totalRequests"), text(before, "/totals/totalRequests"));
      assertThat(summary.get("Lookups"))
          .startsWith(text(now, "/totals/totalLookups"), text(before, "/totals/totalLookups"));
      assertThat(summary.get("Lookups: Found"))
          .startsWith(text(now, "/totals/lookups/FOUND"), text(before, "/totals/lookups/FOUND"));
      assertThat(summary.get("Lookups: Not found").get(0))
          .isEqualTo(text(now, "/totals/lookups/NOT_FOUND"));
      assertThat(summary.get("Lookups: Invalid").get(0))
          .isEqualTo(text(now, "/totals/lookups/INVALID"));
      assertThat(summary.get("Requests left out for Global Privacy Control or Do Not Track").get(0))
          .isEqualTo(text(now, "/totals/excludedRequests"));
      JsonNode share = now.at("/totals/botShare");
      assertThat(summary.get("Share of requests from bots").get(0))
          .isEqualTo(
              share.isNull() ? "–" : String.format(Locale.ROOT, "%.1f%%", share.asDouble() * 100));

      JsonNode buckets = now.get(shown.resolution().equals("day") ? "days" : "hours");
      JsonNode previous = before.get(shown.resolution().equals("day") ? "days" : "hours");
      Map<String, List<String>> series = rows(page, "series");
      assertThat(buckets).hasSizeGreaterThan(0);
      int i = 0;
      for (List<String> row : series.values()) {
        if (i < buckets.size()) {
          JsonNode bucket = buckets.get(i);
          assertThat(row.subList(0, 5))
              .as("%s slot %d", shown.preset(), i)
              .containsExactly(
                  text(bucket, "/totalRequests"),
                  text(bucket, "/totalLookups"),
                  text(bucket, "/lookups/FOUND"),
                  text(bucket, "/lookups/NOT_FOUND"),
                  text(bucket, "/lookups/INVALID"));
          if (shown.resolution().equals("day")) {
            assertThat(row.get(5)).isEqualTo(text(bucket, "/uniqueVisitors"));
          }
        } else {
          assertThat(row.get(0)).as("an hour still to come").isEmpty();
        }
        assertThat(row.get(row.size() - 2)).isEqualTo(text(previous.get(i), "/totalRequests"));
        assertThat(row.getLast()).isEqualTo(text(previous.get(i), "/totalLookups"));
        i++;
      }
      assertThat(i).isEqualTo(shown.resolution().equals("day") ? days : 24);

      assertBreakdown(rows(page, "browsers"), now.at("/totals/browsers"), label -> label);
      assertBreakdown(rows(page, "systems"), now.at("/totals/operatingSystems"), label -> label);
      assertBreakdown(rows(page, "countries"), now.at("/totals/countries"), label -> label);
      assertBreakdown(
          rows(page, "devices"),
          now.at("/totals/devices"),
          label -> label.toUpperCase(Locale.ROOT));
      assertThat(page.select("svg[role=img] title").eachText())
          .hasSize(2)
          .allMatch(title -> title.contains(shown.resolution()));
    }
  }

  @Test
  void theCsvHoldsExactlyWhatIsOnScreen() {
    browser.open("/operator/analytics?range=custom&from=2026-10-01&to=2026-11-15");
    Document page = Jsoup.parse(browser.driver().getPageSource());
    List<List<String>> onScreen = new ArrayList<>();
    onScreen.add(List.of("table", "row", "column", "value"));
    for (Element table : page.select("table.figures")) {
      List<String> columns = table.select("thead th").eachText();
      for (Element row : table.select("tbody tr")) {
        List<String> cells = texts(row.select("td"));
        for (int c = 0; c < cells.size(); c++) {
          onScreen.add(
              List.of(
                  table.selectFirst("caption").text(),
                  row.selectFirst("th").text(),
                  columns.get(c + 1),
                  cells.get(c)));
        }
      }
    }
    assertThat(onScreen).hasSizeGreaterThan(300);
    String href = page.selectFirst("a[download]").attr("href");
    assertThat(href).isEqualTo("/operator/analytics.csv?from=2026-10-01&to=2026-11-15");

    ConsoleVisitor ada = new ConsoleVisitor(app, null);
    ada.login("ada", PASSWORD);
    TestServer.Response csv = ada.get(href);
    assertThat(csv.status()).isEqualTo(200);
    assertThat(csv.contentType()).isEqualTo("text/csv; charset=utf-8");
    assertThat(csv.header("Content-Disposition"))
        .isEqualTo("attachment; filename=\"waypost-analytics-2026-10-01-to-2026-11-15.csv\"");
    assertThat(parse(csv.body())).isEqualTo(onScreen);
  }

  @Test
  void theDashboardFitsWideAndNarrowScreensAndPassesAxe() {
    browser.viewport(1280, 900);
    browser.open("/operator/analytics?range=30d");
    assertThat(browser.pageWidth()).as("at 1280 px").isLessThanOrEqualTo(1280);
    assertThat(browser.brokenDates()).isEmpty();
    assertThat(browser.axeViolations()).isEmpty();
    browser.screenshotWholePage(SCREENSHOT);
    browser.viewport(390, 900);
    browser.open("/operator/analytics?range=today");
    assertThat(browser.pageWidth()).as("at 390 px").isLessThanOrEqualTo(390);
    assertThat(browser.brokenDates()).isEmpty();
    assertThat(browser.axeViolations()).isEmpty();
    browser.viewport(1280, 900);
  }

  // ---- helpers

  private static JsonNode api(LocalDate from, LocalDate to, String resolution) {
    TestServer.Response response =
        app.get(
            "/api/v1/admin/analytics?from=" + from + "&to=" + to + "&resolution=" + resolution,
            "Authorization",
            "Bearer " + token);
    assertThat(response.status()).isEqualTo(200);
    return response.json();
  }

  /** A figure as the API writes it: a number, or a string such as "<5" or "128+". */
  private static String text(JsonNode node, String pointer) {
    JsonNode value = node.at(pointer);
    return value.isMissingNode() ? "0" : value.asText();
  }

  /** A table's rows on the page: each row header and its cells' text. */
  private static Map<String, List<String>> rows(Document page, String table) {
    Map<String, List<String>> rows = new LinkedHashMap<>();
    for (Element row : page.select("table#" + table + " tbody tr")) {
      rows.put(row.selectFirst("th").text(), texts(row.select("td")));
    }
    assertThat(rows).as("table %s", table).isNotEmpty();
    return rows;
  }

  /** Each element's text, empty ones included (Jsoup's eachText leaves those out). */
  private static List<String> texts(org.jsoup.select.Elements elements) {
    return elements.stream().map(Element::text).toList();
  }

  private static void assertBreakdown(
      Map<String, List<String>> rows,
      JsonNode totals,
      java.util.function.UnaryOperator<String> key) {
    for (var row : rows.entrySet()) {
      if (row.getKey().endsWith(" more")) {
        continue;
      }
      assertThat(row.getValue())
          .as(row.getKey())
          .containsExactly(text(totals, "/" + key.apply(row.getKey())));
    }
    int listed = (int) rows.keySet().stream().filter(k -> !k.endsWith(" more")).count();
    assertThat(listed).isEqualTo(Math.min(10, totals.size()));
  }

  /** RFC 4180 CSV, as a spreadsheet reads it. */
  static List<List<String>> parse(String csv) {
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (Iterator<Integer> it = csv.codePoints().iterator(); it.hasNext(); ) {
      int c = it.next();
      if (quoted) {
        if (c == '"') {
          quoted = false;
        } else {
          field.appendCodePoint(c);
        }
      } else if (c == '"') {
        if (!field.isEmpty()) {
          field.append('"'); // a doubled quote
        }
        quoted = true;
      } else if (c == ',') {
        row.add(field.toString());
        field.setLength(0);
      } else if (c == '\n') {
        row.add(field.toString());
        field.setLength(0);
        rows.add(row);
        row = new ArrayList<>();
      } else if (c != '\r') {
        field.appendCodePoint(c);
      }
    }
    return rows;
  }
}
