package org.waypost.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.waypost.governance.Role;
import org.waypost.testing.Browser;
import org.waypost.testing.ConsoleVisitor;
import org.waypost.testing.Fixtures;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;
import org.waypost.testing.Traffic;
import org.waypost.tracking.TrackingNumber;

/**
 * Every console page, seen by each role in a real browser at 1280 and at 390 pixels: no page
 * scrolls sideways (a wide table scrolls inside its own box), no date breaks over two lines, and
 * axe-core finds no accessibility violation. The data is what makes pages wide: incidents with
 * actions and long reasons, legal requests with long authorities, a busy audit log.
 */
class ConsoleLayoutBrowserTest {
  private static final String PASSWORD = "correct horse battery staple";

  @TempDir static Path dir;
  private static TestApp app;
  private static Browser browser;
  private static long request;
  private static long approved;

  @BeforeAll
  static void start() {
    app =
        TestApp.start(
            StoreKind.SQLITE,
            dir,
            Clock.systemUTC(),
            Map.of(
                "server.trustedProxies", "127.0.0.0/8,::1",
                "site.contactEmail", "abuse@example.org"));
    var operators = app.app().operators();
    operators.add("ada", Set.of(Role.ADMIN), PASSWORD);
    operators.add("sam", Set.of(Role.SECURITY), PASSWORD);
    operators.add("lena", Set.of(Role.LEGAL), PASSWORD);
    operators.add("piet", Set.of(Role.PRIVACY), PASSWORD);
    seed();
    browser = Browser.start(app, dir.resolve("chrome-profile"), true);
  }

  @AfterAll
  static void stop() {
    Browser.close(browser, app);
  }

  @Test
  void theLoginPageFitsAndPassesAxe() {
    check("/operator/login", "Operator login");
  }

  @Test
  void theAdminsPagesFitAndPassAxe() {
    browser.logIn("ada", PASSWORD);
    try {
      check("/operator", "Operator console");
      check("/operator/analytics?range=30d", "Analytics");
      check("/operator/analytics?range=today", "Analytics");
      check("/operator/incidents", "Forbidden");
    } finally {
      browser.logOut();
    }
  }

  @Test
  void theSecurityOperatorsPagesFitAndPassAxe() {
    browser.logIn("sam", PASSWORD);
    try {
      check("/operator", "Operator console");
      check("/operator/incidents", "Abuse incidents");
      browser.open("/operator/incidents");
      List<String> ids = new java.util.ArrayList<>();
      for (var incident : api("sam", "/api/v1/admin/incidents").get("incidents")) {
        ids.add(incident.get("id").asText());
      }
      assertThat(texts("table.incidents tbody th")).as("the API's incidents").isEqualTo(ids);
      browser.type(
          browser.all("form.reveal-form input[name=reason]").getFirst().getDomAttribute("id"),
          "Ticket SEC-2042");
      browser.submit("form.reveal-form button");
      browser.waitForTitle("Address revealed");
      checkShown("the revealed address");
      browser.viewport(1280, 900);
      browser.open("/operator/incidents");
      browser.driver().findElement(By.cssSelector("details.incident-actions summary")).click();
      assertThat(browser.pageWidth())
          .as("with an incident's actions open")
          .isLessThanOrEqualTo(1280);
      assertThat(browser.axeViolations()).isEmpty();
    } finally {
      browser.logOut();
    }
  }

  @Test
  void theLegalOperatorsPagesFitAndPassAxe() {
    browser.logIn("lena", PASSWORD);
    try {
      check("/operator/legal", "Legal requests");
      browser.open("/operator/legal");
      List<String> statuses = new java.util.ArrayList<>();
      for (var r : api("lena", "/api/v1/admin/legal-requests").get("legalRequests")) {
        statuses.add(
            "Request " + r.get("id").asText() + " " + r.get("status").asText().replace('_', ' '));
      }
      List<String> shown = new java.util.ArrayList<>();
      for (var row : browser.all("table.legal-requests tbody tr")) {
        shown.add(
            row.findElement(By.tagName("th")).getText()
                + " "
                + row.findElement(By.cssSelector(".legal-status"))
                    .getText()
                    .toUpperCase(java.util.Locale.ROOT));
      }
      assertThat(shown).as("the API's requests and states").isEqualTo(statuses);
      check("/operator/legal/" + request, "Legal request");
      check("/operator/legal/999999", "Not found");
      browser.open("/operator/legal/" + approved);
      browser.submit("form.execute-form button");
      assertThat(browser.text("section.disclosure h2")).isEqualTo("Disclosure");
      checkShown("the disclosure");
    } finally {
      browser.logOut();
    }
  }

  @Test
  void thePrivacyOperatorsPagesFitAndPassAxe() {
    browser.logIn("piet", PASSWORD);
    try {
      check("/operator/audit", "Audit log");
      List<String> seqs = new java.util.ArrayList<>();
      for (var entry : api("piet", "/api/v1/admin/audit?limit=500").get("entries")) {
        seqs.addFirst(entry.get("seq").asText());
      }
      browser.open("/operator/audit"); // after the token the API call needed, which is audited
      assertThat(texts("table.audit-entries tbody th"))
          .as("the API's entries, newest first")
          .isEqualTo(seqs.subList(0, Math.min(50, seqs.size())));
      check("/operator/audit?action=incident", "Audit log");
      check("/operator/legal", "Legal requests");
      check("/operator/legal/" + request, "Legal request");
    } finally {
      browser.logOut();
    }
  }

  /** What the API answers {@code operator} (a token of theirs) at {@code path}. */
  private static com.fasterxml.jackson.databind.JsonNode api(String operator, String path) {
    String token = "Bearer " + app.app().operators().issueToken(operator);
    var response = app.get(path, "Authorization", token);
    assertThat(response.status()).as(path).isEqualTo(200);
    return response.json();
  }

  private static List<String> texts(String css) {
    return browser.all(css).stream().map(org.openqa.selenium.WebElement::getText).toList();
  }

  private static void check(String path, String title) {
    browser.checkPage(path, title);
  }

  /** The page the browser shows now, which cannot be reloaded: at 390 px, then at 1280 px. */
  private static void checkShown(String what) {
    browser.checkShown(what, 390);
    browser.checkShown(what, 1280);
  }

  // ---- fixtures

  /**
   * What makes console pages wide: traffic, guessers blocked from three networks and acted upon
   * with long reasons, legal requests with long names in every state, a busy audit log.
   */
  private static void seed() {
    Traffic.seed(app.app().database(), LocalDate.now(ZoneOffset.UTC), 23, 40, 7L);
    String[] guessers = {"203.0.113.50", "198.51.100.60", "2001:db8:1:2::70"};
    for (int g = 0; g < guessers.length; g++) {
      int from = g * 100;
      String numbers =
          IntStream.range(from, from + 35)
              .mapToObj(i -> TrackingNumber.issueImpb("055", "654321", 900_000 + i).value())
              .collect(Collectors.joining(","));
      app.get("/api/v1/tracking?numbers=" + numbers, "X-Forwarded-For", guessers[g]);
    }
    String security = "Bearer " + app.app().operators().issueToken("sam");
    var incidents =
        app.get("/api/v1/admin/incidents", "Authorization", security).json().get("incidents");
    String reason =
        "Ticket SEC-2041: the public library at 12 Main Street reports that its patrons share one"
            + " address; checked with their IT department by phone";
    String[] actions = {"unblock", "allow", "false-positive"};
    for (int i = 0; i < actions.length && i < incidents.size(); i++) {
      String body =
          actions[i].equals("allow")
              ? "{\"reason\": \"" + reason + "\", \"hours\": 72}"
              : "{\"reason\": \"" + reason + "\"}";
      app.post(
          "/api/v1/admin/incidents/" + incidents.get(i).get("id").asLong() + "/" + actions[i],
          "application/json",
          body,
          "Authorization",
          security);
    }

    long shipper = app.app().apiKeys().create("Layout Shipper").shipper().id();
    String parcel =
        app.app().shipments().register(shipper, Fixtures.priorityToFairfax()).trackingNumber();
    app.get("/api/v1/tracking/" + parcel, "X-Forwarded-For", "203.0.113.99");
    app.app().capture().flush();
    ConsoleVisitor lena = new ConsoleVisitor(app, null);
    lena.login("lena", PASSWORD);
    ConsoleVisitor piet = new ConsoleVisitor(app, null);
    piet.login("piet", PASSWORD);
    String today = LocalDate.now(ZoneOffset.UTC).toString();
    for (String process : List.of("SUBPOENA", "COURT_ORDER", "SEARCH_WARRANT", "EMERGENCY")) {
      Map<String, String> form = new LinkedHashMap<>();
      form.put("csrf", lena.csrf("/operator"));
      form.put(
          "authority",
          "United States District Court for the Western District of Louisiana, Lafayette"
              + " Division, Office of the Clerk");
      form.put("process", process);
      form.put("caseReference", "6:2026-CR-00042-RRS-CBW-" + process);
      form.put("trackingNumbers", parcel);
      form.put("from", LocalDate.now(ZoneOffset.UTC).minusDays(6).toString());
      form.put("to", today);
      String location = lena.post("/operator/legal", form).header("Location");
      request = Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
      if (!process.equals("SUBPOENA")) {
        piet.post(location + "/approve", Map.of("csrf", piet.csrf("/operator")));
      }
      if (process.equals("COURT_ORDER")) {
        lena.post(location + "/execute", Map.of("csrf", lena.csrf("/operator")));
      }
      if (process.equals("SEARCH_WARRANT")) {
        approved = request;
      }
    }
  }
}
