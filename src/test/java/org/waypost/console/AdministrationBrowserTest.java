package org.waypost.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.waypost.governance.AuditLog;
import org.waypost.governance.Role;
import org.waypost.testing.Browser;
import org.waypost.testing.ConsoleVisitor;
import org.waypost.testing.Fixtures;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;

/**
 * The admin's pages in a real browser: operators, shipper keys, statements, retention and shipment
 * attribution. Each action goes through its form and leaves an audit entry naming the admin; each
 * page fits 1280 and 390 px and passes axe; operators without the admin role are refused.
 */
class AdministrationBrowserTest {
  private static final String PASSWORD = "correct horse battery staple";
  private static final List<String> PAGES =
      List.of(
          "/operator/admin/operators",
          "/operator/admin/shippers",
          "/operator/admin/statements",
          "/operator/admin/retention",
          "/operator/shipments");

  @TempDir static Path dir;
  private static TestApp app;
  private static Browser browser;
  private static String parcel;
  private static String revokedKeyId;

  @BeforeAll
  static void start() {
    app =
        TestApp.start(
            StoreKind.SQLITE,
            dir,
            Clock.systemUTC(),
            Map.of("server.trustedProxies", "127.0.0.0/8"));
    var operators = app.app().operators();
    operators.add("ada", Set.of(Role.ADMIN), PASSWORD);
    operators.add("sam", Set.of(Role.SECURITY), PASSWORD);
    operators.add("lena", Set.of(Role.LEGAL), PASSWORD);
    operators.add("piet", Set.of(Role.PRIVACY, Role.LEGAL, Role.SECURITY), PASSWORD);
    operators.add("otto", Set.of(Role.LEGAL), PASSWORD);
    operators.issueToken("otto");
    operators.add("olga", Set.of(Role.LEGAL), PASSWORD);
    var created = app.app().apiKeys().create("Acme Parcels");
    parcel =
        app.app()
            .shipments()
            .register(created.shipper().id(), Fixtures.priorityToFairfax())
            .trackingNumber();
    String time = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).toString();
    var answer =
        app.postAs(
            created.key(),
            "/api/v1/events",
            "application/json",
            "[{\"eventId\": \"acme-1\", \"trackingNumber\": \""
                + parcel
                + "\", \"type\": \"ACCEPTED\", \"time\": \""
                + time
                + "\", \"location\": {\"city\": \"LOS ANGELES\", \"region\": \"CA\","
                + " \"postalCode\": \"90052\", \"country\": \"US\"}}]");
    assertThat(answer.json().get("accepted").asInt()).isEqualTo(1);
    revokedKeyId = created.keyId();
    app.app().apiKeys().revoke(revokedKeyId);
    browser = Browser.start(app, dir.resolve("chrome-profile"), true);
  }

  @AfterAll
  static void stop() {
    Browser.close(browser, app);
  }

  @Test
  void everyOtherRoleIsRefusedEveryAdminPageAndForm() {
    for (String name : List.of("sam", "lena", "piet")) {
      ConsoleVisitor visitor = new ConsoleVisitor(app, null);
      visitor.login(name, PASSWORD);
      for (String page : PAGES) {
        var answer = visitor.get(page);
        assertThat(answer.status()).as("%s at %s", name, page).isEqualTo(403);
        assertThat(Jsoup.parse(answer.body()).select("h1").text()).isEqualTo("Forbidden");
      }
      String csrf = visitor.csrf("/operator");
      for (String form :
          List.of(
              "/operator/admin/operators",
              "/operator/admin/operators/disable",
              "/operator/admin/shippers/keys",
              "/operator/admin/statements")) {
        var answer =
            visitor.post(form, Map.of("csrf", csrf, "name", "olga", "shipper", "X", "text", "Y"));
        assertThat(answer.status()).as("%s posting %s", name, form).isEqualTo(403);
      }
    }
    assertThat(app.app().operators().find("olga")).as("olga untouched").isPresent();
  }

  @Test
  void inTheBrowserANonAdminSeesAForbiddenPageThatFitsAndNoAdminLinks() {
    browser.logIn("lena", PASSWORD);
    try {
      assertThat(browser.all("nav.console-nav a[href^='/operator/admin']")).isEmpty();
      for (String page : PAGES) {
        browser.checkPage(page, "Forbidden");
        assertThat(browser.text("[role=alert]")).contains("the admin role");
      }
    } finally {
      browser.logOut();
    }
  }

  @Test
  void aFormWithoutTheSessionsTokenChangesNothing() {
    ConsoleVisitor ada = new ConsoleVisitor(app, null);
    ada.login("ada", PASSWORD);
    var answer =
        ada.post(
            "/operator/admin/operators/disable", Map.of("csrf", "x".repeat(43), "name", "olga"));
    assertThat(answer.status()).isEqualTo(403);
    assertThat(app.app().operators().find("olga")).isPresent();
  }

  @Test
  void everyAdminPageFitsAndPassesAxe() {
    browser.logIn("ada", PASSWORD);
    try {
      browser.checkPage("/operator", "Operator console");
      browser.checkPage("/operator/admin/operators", "Operators");
      browser.checkPage("/operator/admin/shippers", "Shipper accounts and keys");
      browser.checkPage("/operator/admin/statements", "Transparency statements");
      browser.checkPage("/operator/admin/retention", "Retention");
      browser.checkPage("/operator/shipments", "Shipment attribution");
      browser.checkPage("/operator/shipments?number=" + parcel, "Shipment attribution");
      browser.checkPage("/operator/shipments?number=12345", "Shipment attribution");
    } finally {
      browser.logOut();
    }
  }

  @Test
  void operatorsAreAddedChangedAndDisabledOnTheRecord() {
    browser.logIn("ada", PASSWORD);
    try {
      browser.open("/operator/admin/operators");
      browser.type("new-name", "nora");
      browser
          .driver()
          .findElement(By.cssSelector("form.add-operator input[value=security]"))
          .click();
      browser.submit("form.add-operator button");
      assertThat(browser.driver().getTitle()).startsWith("Operator nora added");
      String password = browser.text("code.shown-secret");
      browser.checkShown("the generated password", 390);
      assertThat(app.app().operators().authenticatePassword("nora", password)).isPresent();
      assertAudited("operator.create", "operator:nora");

      browser.open("/operator/admin/operators");
      WebRow otto = row("otto");
      otto.click("input[value=privacy]");
      otto.submit("button.set-roles");
      assertThat(browser.text("p.notice")).contains("roles were changed");
      assertThat(app.app().operators().find("otto").orElseThrow().roles())
          .containsExactlyInAnyOrder(Role.LEGAL, Role.PRIVACY);
      assertAudited("operator.roles.set", "operator:otto");

      row("otto").submit("button.revoke-tokens");
      assertThat(browser.text("p.notice")).contains("tokens were revoked");
      assertAudited("operator.token.revoke", null);

      row("otto").click("details.disable summary");
      row("otto").submit("form.disable-form button");
      assertThat(browser.text("p.notice")).contains("disabled");
      assertThat(app.app().operators().find("otto")).isEmpty();
      assertAudited("operator.disable", "operator:otto");

      row("ada").click("details.disable summary");
      row("ada").submit("form.disable-form button");
      assertThat(browser.text("#admin-error")).contains("your own account");
      assertThat(app.app().operators().find("ada")).isPresent();
    } finally {
      browser.logOut();
    }
  }

  @Test
  void shipperKeysAreCreatedOnceAndRevokedOnTheRecord() {
    browser.logIn("ada", PASSWORD);
    try {
      browser.open("/operator/admin/shippers");
      assertThat(browser.driver().getPageSource()).doesNotContain(revokedKeyId + "_" + "A");
      browser.type("shipper", "Depot Network");
      browser.driver().findElement(By.cssSelector("form.create-key input[name=network]")).click();
      browser.submit("form.create-key button");
      String key = browser.text("code.shown-secret");
      assertThat(key).startsWith("wpk_");
      assertThat(app.app().apiKeys().authenticate(key).orElseThrow().network()).isTrue();
      assertAudited("apikey.create-network", "shipper:Depot Network");
      browser.checkShown("the new key", 390);

      browser.open("/operator/admin/shippers");
      String keyId = key.substring(4, 20);
      assertThat(browser.driver().getPageSource())
          .contains("wpk_" + keyId + "_…")
          .doesNotContain(key);
      browser.submit("form.revoke-key:has(input[value='" + keyId + "']) button");
      assertThat(browser.text("p.notice")).contains("revoked");
      assertThat(app.app().apiKeys().authenticate(key)).isEmpty();
      assertAudited("apikey.revoke", "apikey:" + keyId);
    } finally {
      browser.logOut();
    }
  }

  @Test
  void statementsAreDraftedAndConfirmedOnTheRecord() {
    browser.logIn("ada", PASSWORD);
    try {
      browser.open("/operator/admin/statements");
      browser.type("statement-text", "We have never been asked to add a back door");
      browser.submit("form.draft-statement button");
      assertThat(browser.text("p.notice")).contains("added");
      assertAudited("transparency.statement.add", null);
      browser.submit("tr:last-child form.confirm-statement button");
      assertThat(browser.text("p.notice")).contains("confirmed");
      assertAudited("transparency.confirm", null);
      var statements = app.get("/api/v1/transparency").json().get("statements");
      var last = statements.get(statements.size() - 1);
      assertThat(last.get("text").asText())
          .isEqualTo("We have never been asked to add a back door");
      assertThat(last.get("confirmedOn").isNull()).isFalse();
    } finally {
      browser.logOut();
    }
  }

  @Test
  void theAttributionPageNamesTheOwnerAndTheKeyOfEachScanRevokedOrNot() {
    browser.logIn("ada", PASSWORD);
    try {
      browser.open("/operator/shipments?number=" + parcel);
      assertThat(browser.text("dd.owner")).isEqualTo("Acme Parcels");
      assertThat(browser.text("td.sender")).isEqualTo("Acme Parcels");
      assertThat(browser.text("code.key-prefix")).isEqualTo("wpk_" + revokedKeyId + "_…");
      String token = "Bearer " + app.app().operators().issueToken("ada");
      var api = app.get("/api/v1/admin/shipments/" + parcel, "Authorization", token).json();
      assertThat(api.get("scans").get(0).get("keyId").asText()).isEqualTo(revokedKeyId);
      assertThat(api.get("account").get("name").asText()).isEqualTo(browser.text("dd.owner"));
    } finally {
      browser.logOut();
    }
  }

  @Test
  void theRetentionPageShowsThePeriodsInForce() {
    browser.logIn("ada", PASSWORD);
    try {
      browser.open("/operator/admin/retention");
      String periods = browser.text("table.retention-periods");
      assertThat(periods).contains("7 days").contains("730 days").contains("90 days");
      assertThat(browser.text("td.security-log-rows")).isEqualTo("0");
    } finally {
      browser.logOut();
    }
  }

  @Test
  void anIncidentRevealCountsInThePublicReportBesideTheSignedCheckpoint() {
    String numbers =
        java.util.stream.IntStream.range(0, 35)
            .mapToObj(
                i -> org.waypost.tracking.TrackingNumber.issueImpb("055", "654321", 800_000 + i))
            .map(n -> n.value())
            .collect(java.util.stream.Collectors.joining(","));
    app.get("/api/v1/tracking?numbers=" + numbers, "X-Forwarded-For", "203.0.113.50");
    String sam = "Bearer " + app.app().operators().issueToken("sam");
    var incidents =
        app.get("/api/v1/admin/incidents", "Authorization", sam).json().get("incidents");
    assertThat(incidents).as("the guesser was blocked").isNotEmpty();
    int before = app.get("/api/v1/transparency").json().at("/periods/0/addressReveals").asInt();
    var reveal =
        app.post(
            "/api/v1/admin/incidents/" + incidents.get(0).get("id").asLong() + "/reveal",
            "application/json",
            "{\"reason\": \"Ticket SEC-7\"}",
            "Authorization",
            sam);
    assertThat(reveal.status()).as(reveal.body()).isEqualTo(200);

    var report = app.get("/api/v1/transparency").json();
    assertThat(report.at("/periods/0/addressReveals").asInt()).isEqualTo(before + 1);
    var checkpoint = report.get("latestCheckpoint");
    assertThat(checkpoint.get("seq").asLong()).isEqualTo(app.app().audit().lastSeq());
    assertThat(checkpoint.get("hash").asText()).matches("[0-9a-f]{64}");
    assertThat(checkpoint.get("signature").asText()).isNotBlank();
    String page = app.get("/transparency").body();
    assertThat(Jsoup.parse(page).select("p.reveals").first().text())
        .endsWith(": " + (before + 1) + ".");
    assertThat(page).contains(checkpoint.get("hash").asText());
  }

  /** The newest entry of {@code action} was made by ada, on {@code target} when one is named. */
  private static void assertAudited(String action, String target) {
    AuditLog.Entry entry = app.app().audit().latest(action).orElseThrow();
    assertThat(entry.actor()).as(action).isEqualTo("ada");
    if (target != null) {
      assertThat(entry.target()).as(action).isEqualTo(target);
    }
  }

  /** The operators table's row of {@code name}, found again each time (pages are replaced). */
  private static WebRow row(String name) {
    return new WebRow(
        "//table[contains(@class,'operators')]//tr[th[normalize-space()='" + name + "']]");
  }

  private record WebRow(String xpath) {
    void click(String css) {
      browser.driver().findElement(By.xpath(xpath)).findElement(By.cssSelector(css)).click();
    }

    void submit(String css) {
      var button = browser.driver().findElement(By.xpath(xpath)).findElement(By.cssSelector(css));
      String id = "submit-" + System.nanoTime();
      ((org.openqa.selenium.JavascriptExecutor) browser.driver())
          .executeScript("arguments[0].id = arguments[1]", button, id);
      browser.submit("#" + id);
    }
  }
}
