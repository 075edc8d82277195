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
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waypost.governance.Role;
import org.waypost.testing.ConsoleVisitor;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;
import org.waypost.tracking.TrackingNumber;

/**
 * The operator console over HTTP, as a browser would use it but with every header in view: the
 * login and its lockout, the session cookie's attributes, the three checks against forged posts,
 * roles, and logout.
 */
class ConsoleRoutesTest {
  private static final Map<String, String> TRUST_LOOPBACK =
      Map.of("server.trustedProxies", "127.0.0.0/8,::1");
  private static final String PASSWORD = "correct horse battery staple";
  private static final String GUESSER = "203.0.113.50";

  @TempDir Path dir;
  private TestApp server;

  @BeforeEach
  void start() {
    server = TestApp.start(StoreKind.SQLITE, dir, Clock.systemUTC(), TRUST_LOOPBACK);
    var operators = server.app().operators();
    operators.add("lena", Set.of(Role.LEGAL), PASSWORD);
    operators.add("piet", Set.of(Role.PRIVACY), PASSWORD);
    operators.add("sam", Set.of(Role.SECURITY), PASSWORD);
    operators.add("ada", Set.of(Role.LEGAL, Role.PRIVACY), PASSWORD);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void loginOpensASessionKeptInAStrictHttpOnlyCookie() {
    ConsoleVisitor visitor = new ConsoleVisitor(server, null);
    assertRedirectsToLogin(visitor.get("/operator"));

    TestApp.Response form = visitor.get("/operator/login");
    assertThat(form.status()).isEqualTo(200);
    assertThat(form.contentType()).startsWith("text/html");
    Document page = Jsoup.parse(form.body());
    assertThat(page.select("h1").text()).isEqualTo("Operator login");
    assertThat(page.select("label[for=name]").text()).isEqualTo("Name");
    assertThat(page.select("label[for=password]").text()).isEqualTo("Password");
    assertThat(page.select("input#password").attr("type")).isEqualTo("password");
    assertThat(cookie(form, "waypost_login"))
        .contains("; Path=/operator/login")
        .contains("; HttpOnly")
        .contains("; SameSite=Strict")
        .doesNotContain("Secure");

    TestApp.Response login = visitor.login("lena", PASSWORD);
    assertThat(login.status()).isEqualTo(303);
    assertThat(login.header("Location")).isEqualTo("/operator");
    String session = cookie(login, "waypost_session");
    assertThat(session)
        .matches("waypost_session=[A-Za-z0-9_-]{43}; .*")
        .contains("; Path=/operator;")
        .contains("; HttpOnly")
        .contains("; SameSite=Strict")
        .doesNotContain("Secure")
        .doesNotContain("Max-Age");
    assertThat(cookie(login, "waypost_login")).as("the login token is spent").contains("Max-Age=0");

    TestApp.Response dashboard = visitor.get("/operator");
    assertThat(dashboard.status()).isEqualTo(200);
    assertThat(dashboard.contentType()).startsWith("text/html");
    Document home = Jsoup.parse(dashboard.body());
    assertThat(home.select(".operator-name").text()).isEqualTo("lena");
    assertThat(home.select("nav[aria-label='Operator console'] a").eachText())
        .containsExactly("Dashboard", "Legal requests");
    assertThat(visitor.get("/operator/login").header("Location"))
        .as("a logged-in operator is sent on to the console")
        .isEqualTo("/operator");
  }

  @Test
  void theCookieIsSecureWhenATrustedProxySaysTheRequestCameOverTls() {
    ConsoleVisitor proxied =
        new ConsoleVisitor(
            server, "203.0.113.7", "X-Forwarded-Proto", "https", "X-Forwarded-Host", "ops.example");
    assertThat(cookie(proxied.get("/operator/login"), "waypost_login")).contains("; Secure");
    TestApp.Response login =
        proxied.login(
            "lena", PASSWORD, "Origin", "https://ops.example", "Sec-Fetch-Site", "same-origin");
    assertThat(login.status()).isEqualTo(303);
    assertThat(cookie(login, "waypost_session")).endsWith("; Secure");

    ConsoleVisitor direct = new ConsoleVisitor(server, null, "X-Forwarded-Proto", "https");
    assertThat(cookie(direct.login("lena", PASSWORD), "waypost_session"))
        .as("a client, not a proxy, claiming TLS")
        .doesNotContain("Secure");

    try (TestApp untrusting = TestApp.start(StoreKind.SQLITE, dir.resolve("untrusting"))) {
      untrusting.app().operators().add("lena", Set.of(Role.LEGAL), PASSWORD);
      ConsoleVisitor spoofing =
          new ConsoleVisitor(untrusting, "203.0.113.7", "X-Forwarded-Proto", "https");
      TestApp.Response spoofed = spoofing.login("lena", PASSWORD);
      assertThat(spoofed.status()).isEqualTo(303);
      assertThat(cookie(spoofed, "waypost_session"))
          .as("forwarding headers from a peer that is not a trusted proxy")
          .doesNotContain("Secure");
    }
  }

  @Test
  void aFailedLoginReadsTheSameForAnUnknownNameAndAWrongPassword() {
    ConsoleVisitor visitor = new ConsoleVisitor(server, "203.0.113.10");
    TestApp.Response unknown = visitor.login("nobody", PASSWORD);
    TestApp.Response wrong = visitor.login("lena", "not the password at all");

    for (TestApp.Response failed : List.of(unknown, wrong)) {
      assertThat(failed.status()).isEqualTo(401);
      assertThat(failed.contentType()).startsWith("text/html");
      assertThat(Jsoup.parse(failed.body()).select("[role=alert]").text())
          .isEqualTo("The name or password is not correct.");
      assertThat(cookies(failed)).noneMatch(c -> c.startsWith("waypost_session="));
    }
    assertThat(unknown.body().replace("nobody", "NAME"))
        .isEqualTo(wrong.body().replace("lena", "NAME"));
    assertThat(Jsoup.parse(wrong.body()).select("input#name").val())
        .as("the name is kept, the password is not")
        .isEqualTo("lena");
    assertThat(Jsoup.parse(wrong.body()).select("input#password").val()).isEmpty();
  }

  @Test
  void repeatedFailuresLockTheClientOutWithABlockedPage() {
    ConsoleVisitor guesser = new ConsoleVisitor(server, "203.0.113.20");
    for (int i = 0; i < 10; i++) {
      assertThat(guesser.login("lena", "guess number " + i).status()).isEqualTo(401);
    }
    TestApp.Response locked = guesser.login("lena", PASSWORD);
    assertThat(locked.status()).isEqualTo(429);
    assertThat(locked.contentType()).startsWith("text/html");
    assertThat(locked.header("Retry-After")).isNotBlank();
    Document page = Jsoup.parse(locked.body());
    assertThat(page.select("h1").text()).isEqualTo("Blocked");
    assertThat(page.select("[role=alert]").text()).contains("Try again in");
    assertThat(cookies(locked)).noneMatch(c -> c.startsWith("waypost_session="));
    assertThat(guesser.get("/operator").status()).isEqualTo(303);

    ConsoleVisitor colleague = new ConsoleVisitor(server, "203.0.113.21");
    assertThat(colleague.login("lena", PASSWORD).status())
        .as("another client is not affected")
        .isEqualTo(303);
  }

  @Test
  void aPostWithoutThisSessionsTokenIsForbidden() {
    ConsoleVisitor lena = new ConsoleVisitor(server, null);
    lena.login("lena", PASSWORD);
    ConsoleVisitor piet = new ConsoleVisitor(server, null);
    piet.login("piet", PASSWORD);
    String pietsToken = piet.csrf("/operator");

    for (String token : new String[] {null, "", Sessions.randomToken(), pietsToken}) {
      Map<String, String> form = new LinkedHashMap<>();
      if (token != null) {
        form.put("csrf", token);
      }
      TestApp.Response refused = lena.post("/operator/logout", form);
      assertThat(refused.status()).as("token %s", token).isEqualTo(403);
      assertThat(refused.contentType()).startsWith("text/html");
      assertThat(Jsoup.parse(refused.body()).select("[role=alert]").text())
          .isEqualTo(ConsoleSecurity.CSRF_REFUSED);
    }
    assertThat(lena.get("/operator").status()).as("still logged in").isEqualTo(200);

    ConsoleVisitor stranger = new ConsoleVisitor(server, null);
    stranger.get("/operator/login");
    TestApp.Response noLoginToken =
        stranger.post("/operator/login", Map.of("name", "lena", "password", PASSWORD));
    assertThat(noLoginToken.status()).isEqualTo(403);
    TestApp.Response wrongLoginToken =
        stranger.post(
            "/operator/login",
            Map.of("name", "lena", "password", PASSWORD, "csrf", Sessions.randomToken()));
    assertThat(wrongLoginToken.status()).isEqualTo(403);
    assertThat(cookies(wrongLoginToken)).noneMatch(c -> c.startsWith("waypost_session="));
  }

  @Test
  void aPostFromAnotherOriginIsForbiddenEvenWithTheRightToken() {
    ConsoleVisitor lena = new ConsoleVisitor(server, null);
    lena.login("lena", PASSWORD);
    String token = lena.csrf("/operator");
    String own = "http://127.0.0.1:" + server.app().port();

    List<String[]> forged =
        List.of(
            new String[] {"Origin", "https://evil.example"},
            new String[] {"Origin", own + ".evil.example"},
            new String[] {"Origin", "https://127.0.0.1:" + server.app().port()},
            new String[] {"Origin", "null"},
            new String[] {"Origin", "null", "Sec-Fetch-Site", "cross-site"},
            new String[] {"Sec-Fetch-Site", "cross-site"},
            new String[] {"Sec-Fetch-Site", "same-site"},
            new String[] {"Origin", own, "Sec-Fetch-Site", "same-site"});
    for (String[] headers : forged) {
      TestApp.Response refused = lena.post("/operator/logout", Map.of("csrf", token), headers);
      assertThat(refused.status()).as(String.join(" ", headers)).isEqualTo(403);
      assertThat(Jsoup.parse(refused.body()).select("[role=alert]").text())
          .isEqualTo(ConsoleSecurity.CROSS_ORIGIN);
    }
    assertThat(lena.get("/operator").status()).as("still logged in").isEqualTo(200);

    ConsoleVisitor stranger = new ConsoleVisitor(server, null);
    assertThat(stranger.login("lena", PASSWORD, "Origin", "https://evil.example").status())
        .as("login forgery")
        .isEqualTo(403);
    // What Chromium sends from a page with Referrer-Policy: no-referrer, as Waypost's are.
    assertThat(
            stranger
                .login("lena", PASSWORD, "Origin", "null", "Sec-Fetch-Site", "same-origin")
                .status())
        .isEqualTo(303);
    assertThat(lena.post("/operator/logout", Map.of("csrf", token), "Origin", own).status())
        .isEqualTo(303);
  }

  @Test
  void eachPageNeedsItsRole() {
    ConsoleVisitor nobody = new ConsoleVisitor(server, null);
    for (String path :
        List.of(
            "/operator",
            "/operator/incidents",
            "/operator/legal",
            "/operator/legal/1",
            "/operator/audit")) {
      assertRedirectsToLogin(nobody.get(path));
    }
    assertRedirectsToLogin(nobody.post("/operator/legal/1/approve", Map.of()));

    ConsoleVisitor sam = new ConsoleVisitor(server, null);
    sam.login("sam", PASSWORD);
    assertThat(sam.get("/operator/incidents").status()).isEqualTo(200);
    assertForbidden(sam.get("/operator/legal"), "one of the roles legal, privacy");
    assertForbidden(sam.get("/operator/audit"), "the privacy role");
    Document samsHome = Jsoup.parse(sam.get("/operator").body());
    assertThat(samsHome.select("h2").eachText()).containsExactly("Abuse incidents");

    ConsoleVisitor lena = new ConsoleVisitor(server, null);
    lena.login("lena", PASSWORD);
    assertForbidden(lena.get("/operator/incidents"), "the security role");
    assertForbidden(lena.get("/operator/audit"), "the privacy role");
    String token = lena.csrf("/operator");
    assertForbidden(
        lena.post("/operator/legal/1/approve", Map.of("csrf", token)), "the privacy role");
    assertForbidden(
        lena.post("/operator/incidents/1/reveal", Map.of("csrf", token, "reason", "x")),
        "the security role");

    ConsoleVisitor piet = new ConsoleVisitor(server, null);
    piet.login("piet", PASSWORD);
    assertThat(piet.get("/operator/audit").status()).isEqualTo(200);
    assertThat(Jsoup.parse(piet.get("/operator/legal").body()).select("form.filing-form"))
        .as("no filing form without the legal role")
        .isEmpty();
    assertForbidden(
        piet.post("/operator/legal", filing(piet.csrf("/operator"), "1")), "the legal role");
  }

  @Test
  void logoutEndsTheSessionEverywhere() {
    ConsoleVisitor lena = new ConsoleVisitor(server, null);
    lena.login("lena", PASSWORD);
    String stolen = lena.cookies.get("waypost_session");

    TestApp.Response out = lena.post("/operator/logout", Map.of("csrf", lena.csrf("/operator")));
    assertThat(out.status()).isEqualTo(303);
    assertThat(out.header("Location")).isEqualTo("/operator/login");
    assertThat(cookie(out, "waypost_session"))
        .startsWith("waypost_session=;")
        .contains("Max-Age=0");
    assertRedirectsToLogin(lena.get("/operator"));

    ConsoleVisitor replay = new ConsoleVisitor(server, null);
    replay.cookies.put("waypost_session", stolen);
    assertRedirectsToLogin(replay.get("/operator/legal"));
  }

  @Test
  void securityRevealsAnIncidentsAddressOnlyWithAReason() {
    for (int i = 0; i < 25; i++) {
      server.get(
          "/api/v1/tracking/" + TrackingNumber.issueImpb("055", "654321", 900_000 + i).value(),
          "X-Forwarded-For",
          GUESSER);
    }
    ConsoleVisitor sam = new ConsoleVisitor(server, null);
    sam.login("sam", PASSWORD);
    TestApp.Response list = sam.get("/operator/incidents");
    assertThat(list.body()).doesNotContain(GUESSER);
    Document page = Jsoup.parse(list.body());
    assertThat(page.select("table caption").text()).isEqualTo("Incidents, newest first");
    assertThat(page.select("tbody tr")).hasSize(1);
    String action = page.select("tbody tr form").attr("action");
    assertThat(action).matches("/operator/incidents/\\d+/reveal");
    String reasonId = page.select("tbody tr form input[name=reason]").attr("id");
    assertThat(page.select("label[for=" + reasonId + "]").text())
        .startsWith("Reason for revealing");

    TestApp.Response noReason =
        sam.post(action, Map.of("csrf", sam.csrf("/operator"), "reason", "  "));
    assertThat(noReason.status()).isEqualTo(400);
    assertThat(Jsoup.parse(noReason.body()).select("[role=alert]").text()).contains("reason");
    assertThat(noReason.body()).doesNotContain(GUESSER);

    TestApp.Response revealed =
        sam.post(action, Map.of("csrf", sam.csrf("/operator"), "reason", "Ticket SEC-42"));
    assertThat(revealed.status()).isEqualTo(200);
    assertThat(Jsoup.parse(revealed.body()).select(".revealed-address").text()).isEqualTo(GUESSER);
    assertThat(sam.get("/operator/incidents").body()).doesNotContain(GUESSER);
  }

  @Test
  void legalRequestsAreFiledDecidedBySomeoneElseAndExecutedOnce() {
    ConsoleVisitor ada = new ConsoleVisitor(server, null);
    ada.login("ada", PASSWORD);
    String number = TrackingNumber.issueImpb("055", "654321", 1).value();

    TestApp.Response empty = ada.post("/operator/legal", filing(ada.csrf("/operator"), " "));
    assertThat(empty.status()).isEqualTo(400);
    Document refused = Jsoup.parse(empty.body());
    assertThat(refused.select("#filing-error").text())
        .isEqualTo("Name at least one tracking number.");
    assertThat(refused.select("input#authority").val())
        .as("what was typed is kept")
        .isEqualTo("District Court");

    TestApp.Response filed = ada.post("/operator/legal", filing(ada.csrf("/operator"), number));
    assertThat(filed.status()).isEqualTo(303);
    String request = filed.header("Location");
    assertThat(request).matches("/operator/legal/\\d+");
    Document pending = Jsoup.parse(ada.get(request).body());
    assertThat(pending.select(".legal-status").text()).isEqualTo("Pending");
    assertThat(pending.select("form.approve-form")).as("not for the one who filed it").isEmpty();
    assertForbidden(ada.post(request + "/approve", Map.of("csrf", ada.csrf("/operator"))), null);

    ConsoleVisitor piet = new ConsoleVisitor(server, null);
    piet.login("piet", PASSWORD);
    assertThat(Jsoup.parse(piet.get(request).body()).select("form.approve-form")).hasSize(1);
    TestApp.Response approved =
        piet.post(request + "/approve", Map.of("csrf", piet.csrf("/operator")));
    assertThat(approved.status()).isEqualTo(303);
    assertThat(approved.header("Location")).isEqualTo(request);
    TestApp.Response again =
        piet.post(request + "/approve", Map.of("csrf", piet.csrf("/operator")));
    assertThat(again.status()).isEqualTo(409);
    assertThat(Jsoup.parse(again.body()).select("a").eachAttr("href")).contains(request);

    TestApp.Response executed =
        ada.post(request + "/execute", Map.of("csrf", ada.csrf("/operator")));
    assertThat(executed.status()).isEqualTo(200);
    assertThat(Jsoup.parse(executed.body()).select("#disclosure-heading").text())
        .isEqualTo("Disclosure");
    Document after = Jsoup.parse(ada.get(request).body());
    assertThat(after.select("#disclosure-heading")).as("shown once only").isEmpty();
    assertThat(after.select("form.execute-form")).isEmpty();
    assertThat(ada.post(request + "/execute", Map.of("csrf", ada.csrf("/operator"))).status())
        .isEqualTo(409);
  }

  @Test
  void theAuditPageShowsTheNewestEntriesFirstUnderTheChainsVerification() {
    var app = server.app();
    for (int i = 0; i < 60; i++) {
      int n = i;
      app.database()
          .inTransaction(
              c -> app.audit().append(c, "tester", "test.entry", "entry-" + n, Map.of("n", n)));
    }
    long head = app.audit().list(0, 1000).getLast().seq();
    ConsoleVisitor piet = new ConsoleVisitor(server, null);
    piet.login("piet", PASSWORD);

    Document newest = Jsoup.parse(piet.get("/operator/audit").body());
    assertThat(newest.select(".verification[role=status]").text()).startsWith("Chain verified.");
    assertThat(newest.select("table.audit-entries caption").text())
        .isEqualTo("Entries " + (head - 49) + " to " + head + ", newest first");
    assertThat(newest.select("tbody tr th").eachText())
        .hasSize(50)
        .startsWith(Long.toString(head), Long.toString(head - 1));
    String older = newest.select("a:contains(Older entries)").attr("href");
    assertThat(older).isEqualTo("/operator/audit?before=" + (head - 49));

    Document oldest = Jsoup.parse(piet.get(older).body());
    assertThat(oldest.select("tbody tr th").eachText()).hasSize((int) head - 50).endsWith("1");
    assertThat(oldest.select("a:contains(Older entries)")).isEmpty();
    assertThat(oldest.select("a:contains(Newest entries)").attr("href"))
        .isEqualTo("/operator/audit");

    app.database()
        .inTransaction(
            c -> {
              try (var ps =
                  c.prepareStatement("UPDATE audit_log SET details = '{}' WHERE seq = ?")) {
                ps.setLong(1, head - 10);
                return ps.executeUpdate();
              }
            });
    Document broken = Jsoup.parse(piet.get("/operator/audit").body());
    assertThat(broken.select(".verification[role=alert]").text())
        .startsWith("Chain broken.")
        .contains("entry " + (head - 10) + " was changed");
  }

  // ---- helpers

  private static Map<String, String> filing(String csrf, String numbers) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("csrf", csrf);
    form.put("authority", "District Court");
    form.put("process", "SUBPOENA");
    form.put("caseReference", "2026-CR-17");
    form.put("trackingNumbers", numbers);
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    form.put("from", today.minusDays(6).toString());
    form.put("to", today.toString());
    return form;
  }

  private static void assertRedirectsToLogin(TestApp.Response response) {
    assertThat(response.status()).isEqualTo(303);
    assertThat(response.header("Location")).isEqualTo("/operator/login");
  }

  private static void assertForbidden(TestApp.Response response, String needs) {
    assertThat(response.status()).isEqualTo(403);
    assertThat(response.contentType()).startsWith("text/html");
    Document page = Jsoup.parse(response.body());
    assertThat(page.select("h1").text()).isEqualTo("Forbidden");
    if (needs != null) {
      assertThat(page.select("[role=alert]").text()).contains(needs);
    }
  }

  private static List<String> cookies(TestApp.Response response) {
    return ConsoleVisitor.cookies(response);
  }

  private static String cookie(TestApp.Response response, String name) {
    return cookies(response).stream()
        .filter(c -> c.startsWith(name + "="))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " cookie in " + cookies(response)));
  }
}
