package org.waypost.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
import org.waypost.testing.CapturedLogs;
import org.waypost.testing.ConsoleVisitor;
import org.waypost.testing.MutableClock;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;
import org.waypost.testing.TestServer;

/**
 * The authentication lockout per network and per account, through HTTP as a guesser meets it:
 * console logins and operator tokens from addresses forwarded by the trusted loopback proxy. The
 * counts live in memory, whatever the store, so one store serves.
 */
class AuthLockoutFlowTest {
  private static final Map<String, String> TRUST_LOOPBACK =
      Map.of("server.trustedProxies", "127.0.0.0/8,::1");
  private static final String PASSWORD = "correct horse battery staple";
  private static final String INCIDENTS = "/api/v1/admin/incidents";

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.now());
  private TestApp server;
  private String samsToken;

  @BeforeEach
  void start() {
    server = TestApp.start(StoreKind.SQLITE, dir, clock, TRUST_LOOPBACK);
    var operators = server.app().operators();
    operators.add("sam", Set.of(Role.SECURITY), PASSWORD);
    operators.add("piet", Set.of(Role.PRIVACY), PASSWORD);
    samsToken = operators.issueToken("sam");
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private TestServer.Response incidents(String from, String token) {
    return server.get(INCIDENTS, "X-Forwarded-For", from, "Authorization", "Bearer " + token);
  }

  private static void assertBlockedPage(TestServer.Response response, String rule) {
    assertThat(response.status()).isEqualTo(429);
    assertThat(response.contentType()).startsWith("text/html");
    assertThat(response.header("Retry-After")).isNotBlank();
    Document page = Jsoup.parse(response.body());
    assertThat(page.select("h1").text()).isEqualTo("Blocked");
    assertThat(page.select("[role=alert]").text()).contains("(" + rule + ")");
    assertThat(ConsoleVisitor.cookies(response)).noneMatch(c -> c.startsWith("waypost_session="));
  }

  @Test
  void thirtyFiveWrongPasswordsFromFourAddressesOfOneSlash64AreLockedOut() {
    // The attack seen: one guesser rotating through four addresses of its /64, nine or fewer
    // guesses each, never more than nine for one name.
    String[] addresses = {
      "2001:db8:0:64::1", "2001:db8:0:64::2", "2001:db8:0:64:a:b:c:d", "2001:db8:0:64:ffff::"
    };
    String[] names = {"sam", "piet", "admin", "root"};
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 35; i++) {
      ConsoleVisitor guesser = new ConsoleVisitor(server, addresses[i % 4]);
      TestServer.Response answer = guesser.login(names[i / 4 % 4], "guess number " + i);
      statuses.add(answer.status());
      if (answer.status() == 429) {
        assertBlockedPage(answer, "auth-network-lockout");
      }
    }

    assertThat(statuses.subList(0, 30)).containsOnly(401);
    assertThat(statuses.subList(30, 35)).containsOnly(429);
    ConsoleVisitor neighbour = new ConsoleVisitor(server, "2001:db8:0:64::beef");
    assertBlockedPage(neighbour.login("sam", PASSWORD), "auth-network-lockout");
    TestServer.Response api = incidents("2001:db8:0:64::beef", samsToken);
    assertThat(api.status()).as("a valid token from the locked /64").isEqualTo(429);
    assertThat(api.contentType()).startsWith("application/problem+json");
    assertThat(api.json().path("type").asText()).isEqualTo("/problems/blocked");
    assertThat(api.json().path("detail").asText())
        .contains("Requests from your network are blocked for now (auth-network-lockout)");
    assertThat(api.header("Retry-After")).isEqualTo("900");

    assertThat(new ConsoleVisitor(server, "2001:db8:0:65::1").login("sam", PASSWORD).status())
        .as("the next /64")
        .isEqualTo(303);
    assertThat(incidents("2001:db8:0:65::1", samsToken).status()).isEqualTo(200);
    clock.advance(Duration.ofMinutes(15));
    assertThat(incidents("2001:db8:0:64::beef", samsToken).status()).isEqualTo(200);
  }

  @Test
  void wrongTokensFromOneSlash64LockItOutOfTheApi() {
    for (int i = 0; i < 30; i++) {
      TestServer.Response answer =
          incidents(
              "2001:db8:0:77::" + (i % 4 + 1), "wpo_" + "0".repeat(16) + "_" + "A".repeat(43));
      assertThat(answer.status()).as("guess %d", i).isEqualTo(401);
    }
    assertThat(incidents("2001:db8:0:77::5", samsToken).status()).isEqualTo(429);
    assertThat(incidents("2001:db8:0:78::5", samsToken).status()).isEqualTo(200);
  }

  @Test
  void twentyWrongPasswordsForOneAccountFromAnywherePauseItsLoginsForFiveMinutes() {
    List<String> logs;
    try (CapturedLogs captured = new CapturedLogs()) {
      // one guess from each of twenty /64s: no address and no network comes near its limit
      for (int i = 1; i <= 20; i++) {
        ConsoleVisitor guesser = new ConsoleVisitor(server, "2001:db8:" + i + "::1");
        assertThat(guesser.login("sam", "guess number " + i).status()).isEqualTo(401);
      }

      ConsoleVisitor sam = new ConsoleVisitor(server, "2001:db8:100::1");
      TestServer.Response paused = sam.login("sam", PASSWORD);
      assertBlockedPage(paused, "auth-account-lockout");
      assertThat(paused.header("Retry-After")).isEqualTo("300");
      assertThat(Jsoup.parse(paused.body()).select("[role=alert]").text())
          .contains("Logins to this account are paused for now")
          .contains("Try again in 5 minutes");
      logs = captured.lines();
    }
    assertThat(logs).noneMatch(line -> line.contains("sam"));

    assertThat(new ConsoleVisitor(server, "2001:db8:100::1").login("piet", PASSWORD).status())
        .as("another account, from the same address")
        .isEqualTo(303);
    assertThat(incidents("2001:db8:100::1", samsToken).status())
        .as("sam's token: no account is named")
        .isEqualTo(200);

    clock.advance(Duration.ofMinutes(5));
    ConsoleVisitor later = new ConsoleVisitor(server, "2001:db8:100::1");
    assertThat(later.login("sam", PASSWORD).status()).isEqualTo(303);
    assertThat(later.get("/operator/incidents").status()).isEqualTo(200);
  }
}
