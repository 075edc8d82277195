package org.waypost.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waypost.db.Database;
import org.waypost.governance.Operator;
import org.waypost.governance.Operators;
import org.waypost.governance.Role;
import org.waypost.testing.Audits;
import org.waypost.testing.RouteServer;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;
import org.waypost.testing.TestServer.Response;
import org.waypost.web.Gate;
import org.waypost.web.Pages;
import org.waypost.web.Routes;

/**
 * The console's security on a bare server: its login routes, and a probe page and form that ask it
 * for a session as every console area does, over real sessions and operators in SQLite. Each test
 * is one refusal (or the one way through) as a browser would meet it.
 */
class ConsoleSecurityTest {
  private static final String PASSWORD = "correct horse battery staple";
  private static final String FORM = "application/x-www-form-urlencoded";

  @TempDir Path dir;
  private Database database;
  private Sessions sessions;
  private Operators operators;
  private RouteServer server;

  @BeforeEach
  void start() {
    Clock clock = Clock.systemUTC();
    database = Database.open(TestApp.config(StoreKind.SQLITE.freshStore(dir)).database());
    sessions = new Sessions(database, clock);
    operators = new Operators(database, clock, Audits.withoutCheckpoints(database, clock, dir));
    ConsoleSecurity security = new ConsoleSecurity(sessions);
    ConsoleView view = new ConsoleView(new Pages("Waypost test"));
    Routes probe =
        routes -> {
          routes.get(
              "/operator/probe", ctx -> ctx.result(name(security.session(ctx, Role.PRIVACY))));
          routes.post("/operator/probe", ctx -> ctx.result(name(security.postSession(ctx))));
        };
    server =
        RouteServer.start(
            List.of(new ConsoleErrorPages(security, view)),
            security,
            new ConsoleLogin(operators, Gate.OPEN, security, view),
            probe);
  }

  @AfterEach
  void stop() {
    server.close();
    database.close();
  }

  @Test
  void aPageWithoutASessionSendsToTheLoginPage() {
    Response response = server.get("/operator/probe");
    assertThat(response.status()).isEqualTo(303);
    assertThat(response.header("Location")).isEqualTo("/operator/login");
    assertThat(response.header("Set-Cookie")).isNull();
  }

  @Test
  void aCookieOfNoSessionIsDeletedOnTheWayToTheLoginPage() {
    Response response = server.get("/operator/probe", "Cookie", session(Sessions.randomToken()));
    assertThat(response.status()).isEqualTo(303);
    assertThat(response.header("Location")).isEqualTo("/operator/login");
    assertThat(response.header("Set-Cookie")).startsWith("waypost_session=;").contains("Max-Age=0");
  }

  @Test
  void aPageRefusesASessionWithoutItsRole() {
    Document page = page(server.get("/operator/probe", "Cookie", logIn("lena", Role.LEGAL)), 403);
    assertThat(page.select("[role=alert]").text())
        .isEqualTo("This page is for operators with the privacy role.");
    assertThat(page.select(".operator-name").text()).as("in the console's frame").isEqualTo("lena");
  }

  @Test
  void aFormWithAnotherTokenIsRefusedWithAPage() {
    Response refused = postProbe(logIn("piet", Role.PRIVACY), Sessions.randomToken());
    Document page = page(refused, 403);
    assertThat(page.select("[role=alert]").text()).isEqualTo(ConsoleSecurity.CSRF_REFUSED);
    assertThat(page.select("a:contains(Back to the console)").attr("href")).isEqualTo("/operator");
  }

  @Test
  void aFormFromAnotherOriginIsRefusedEvenWithItsToken() {
    String cookie = logIn("piet", Role.PRIVACY);
    Response refused = postProbe(cookie, token(cookie), "Origin", "https://evil.example");
    assertThat(page(refused, 403).select("[role=alert]").text())
        .isEqualTo(ConsoleSecurity.CROSS_ORIGIN);
    Response crossSite = postProbe(cookie, token(cookie), "Sec-Fetch-Site", "cross-site");
    assertThat(page(crossSite, 403).select("[role=alert]").text())
        .isEqualTo(ConsoleSecurity.CROSS_ORIGIN);
  }

  @Test
  void aFormFromThisOriginWithItsTokenGetsThrough() {
    String cookie = logIn("piet", Role.PRIVACY);
    String own = "http://127.0.0.1:" + server.uri("/").getPort();
    Response passed = postProbe(cookie, token(cookie), "Origin", own);
    assertThat(passed.status()).isEqualTo(200);
    assertThat(passed.body()).isEqualTo("piet");
  }

  @Test
  void aLoginWithoutItsFormTokenIsRefused() {
    operators.add("lena", Set.of(Role.LEGAL), PASSWORD);
    Response refused =
        server.post("/operator/login", FORM, "name=lena&password=" + PASSWORD.replace(' ', '+'));
    Document page = page(refused, 403);
    assertThat(page.select("[role=alert]").text()).isEqualTo(ConsoleSecurity.CSRF_REFUSED);
    assertThat(page.select("a:contains(Back to the login page)").attr("href"))
        .isEqualTo("/operator/login");
    assertThat(refused.raw().headers().allValues("Set-Cookie")).isEmpty();
  }

  @Test
  void cookiesAreSecureWhenATrustedProxySaysTheClientCameOverTls() {
    operators.add("lena", Set.of(Role.LEGAL), PASSWORD);
    String[] tls = {"X-Forwarded-For", "203.0.113.7", "X-Forwarded-Proto", "https"};
    Response form = server.get("/operator/login", tls);
    assertThat(form.header("Set-Cookie")).startsWith("waypost_login=").endsWith("; Secure");

    String token = Jsoup.parse(form.body()).select("input[name=csrf]").val();
    String body = "name=lena&password=" + PASSWORD.replace(' ', '+') + "&csrf=" + token;
    Response login =
        server.post("/operator/login", FORM, body, plus(tls, "Cookie", "waypost_login=" + token));
    assertThat(login.status()).isEqualTo(303);
    assertThat(login.raw().headers().allValues("Set-Cookie"))
        .anySatisfy(c -> assertThat(c).startsWith("waypost_session=").endsWith("; Secure"));

    assertThat(server.get("/operator/login").header("Set-Cookie"))
        .as("straight to the server, over plain HTTP")
        .doesNotContain("Secure");
  }

  // ---- helpers

  /** A session for a new operator with {@code role}, as its cookie header value. */
  private String logIn(String name, Role role) {
    Operator operator = operators.add(name, Set.of(role), PASSWORD).operator();
    return session(sessions.create(operator).cookieValue());
  }

  private static String session(String id) {
    return "waypost_session=" + id;
  }

  /** The CSRF token of the session behind {@code cookie}. */
  private String token(String cookie) {
    return sessions.find(cookie.substring(cookie.indexOf('=') + 1)).orElseThrow().csrfToken();
  }

  private Response postProbe(String cookie, String csrf, String... headers) {
    return server.post("/operator/probe", FORM, "csrf=" + csrf, plus(headers, "Cookie", cookie));
  }

  private static String[] plus(String[] headers, String... more) {
    return Stream.concat(Arrays.stream(headers), Arrays.stream(more)).toArray(String[]::new);
  }

  private static Document page(Response response, int status) {
    assertThat(response.status()).isEqualTo(status);
    assertThat(response.contentType()).startsWith("text/html");
    return Jsoup.parse(response.body());
  }

  private static String name(Sessions.Session session) {
    return session.operator().name();
  }
}
