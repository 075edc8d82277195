package org.waypost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.waypost.keys.SecretVerifier;
import org.waypost.testing.ConsoleVisitor;
import org.waypost.testing.MutableClock;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;
import org.waypost.testing.TestServer;

/**
 * {@code waypost user ...} run against the data of a running server, as an administrator would on
 * the host: SQLite with {@code --data DIR}, PostgreSQL with {@code --config FILE}. What the command
 * changes reaches the server within {@link SecretVerifier#CACHE_TTL} (the server's clock is moved
 * by that much, never slept on): revoked, disabled and expired tokens get 401, a disabled
 * operator's console session ends, new roles apply.
 */
class OperatorCommandsTest {
  private static final String INCIDENTS = "/api/v1/admin/incidents"; // security
  private static final String AUDIT = "/api/v1/admin/audit"; // privacy

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.now());
  private TestApp server;
  private String[] storage;

  /** Starts a server over a fresh store of {@code kind}, and the CLI options naming its data. */
  private void start(StoreKind kind) throws IOException {
    Map<String, String> store = kind.freshStore(dir);
    Map<String, String> overrides = new HashMap<>(store);
    overrides.put("server.port", "0");
    server = TestApp.start(TestApp.config(overrides), clock);
    if (kind == StoreKind.SQLITE) {
      storage = new String[] {"--data", dir.toString()};
    } else {
      Path config = dir.resolve("waypost.yaml");
      Files.writeString(
          config,
          String.join(
              "\n",
              "database:",
              "  url: \"" + store.get("database.url") + "\"",
              "  user: \"" + store.get("database.user") + "\"",
              "privacy:",
              "  keyDir: \"" + store.get("privacy.keyDir") + "\"",
              "  masterKeyFile: \"" + store.get("privacy.masterKeyFile") + "\"",
              ""));
      storage = new String[] {"--config", config.toString()};
    }
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** Runs {@code waypost user ...} over the server's data; it must succeed. */
  private Cli user(String... args) {
    String[] all = new String[args.length + 1 + storage.length];
    all[0] = "user";
    System.arraycopy(args, 0, all, 1, args.length);
    System.arraycopy(storage, 0, all, 1 + args.length, storage.length);
    Cli cli = Cli.run(all);
    assertThat(cli.exitCode()).as(String.join(" ", args) + ": " + cli.err()).isZero();
    return cli;
  }

  /** Adds an operator and returns their generated password. */
  private String add(String name, String roles) {
    return user("add", "--name", name, "--role", roles).lastLine();
  }

  private String token(String name, String... options) {
    String[] args = new String[2 + options.length + 1];
    args[0] = "token";
    args[1] = "--name";
    args[2] = name;
    System.arraycopy(options, 0, args, 3, options.length);
    return user(args).lastLine();
  }

  private int status(String path, String token) {
    return server.get(path, "Authorization", "Bearer " + token).status();
  }

  private void assertUnauthorized(String path, String token) {
    TestServer.Response refused = server.get(path, "Authorization", "Bearer " + token);
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.contentType()).startsWith("application/problem+json");
    assertThat(refused.json().path("type").asText()).isEqualTo("/problems/unauthorized");
  }

  private static void assertRedirectsToLogin(TestServer.Response response) {
    assertThat(response.status()).isEqualTo(303);
    assertThat(response.header("Location")).isEqualTo("/operator/login");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void revokedTokensStopWorkingWithinThirtySeconds(StoreKind kind) throws IOException {
    start(kind);
    add("sam", "security");
    String first = token("sam");
    String second = token("sam");
    assertThat(status(INCIDENTS, first)).isEqualTo(200);
    assertThat(status(INCIDENTS, second)).isEqualTo(200);

    Cli revoked = user("revoke-tokens", "--name", "sam");

    assertThat(revoked.out()).contains("revoked 2 tokens");
    clock.advance(SecretVerifier.CACHE_TTL);
    assertUnauthorized(INCIDENTS, first);
    assertUnauthorized(INCIDENTS, second);
    assertThat(status(INCIDENTS, token("sam"))).as("a new token").isEqualTo(200);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aDisabledOperatorsSessionEndsAndTokensStopWithinThirtySeconds(StoreKind kind)
      throws IOException {
    start(kind);
    String password = add("sam", "security");
    String token = token("sam");
    ConsoleVisitor browser = new ConsoleVisitor(server, null);
    assertThat(browser.login("sam", password).status()).isEqualTo(303);
    assertThat(browser.get("/operator/incidents").status()).isEqualTo(200);
    assertThat(status(INCIDENTS, token)).isEqualTo(200);

    user("disable", "--name", "sam");

    assertRedirectsToLogin(browser.get("/operator/incidents"));
    assertThat(browser.cookies).doesNotContainKey("waypost_session");
    clock.advance(SecretVerifier.CACHE_TTL);
    assertUnauthorized(INCIDENTS, token);
    ConsoleVisitor again = new ConsoleVisitor(server, null);
    TestServer.Response login = again.login("sam", password);
    assertThat(login.status()).isEqualTo(401);
    assertThat(Jsoup.parse(login.body()).select("[role=alert]").text())
        .isEqualTo("The name or password is not correct.");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void newRolesApplyToSessionsAtOnceAndToTokensWithinThirtySeconds(StoreKind kind)
      throws IOException {
    start(kind);
    String password = add("sam", "security");
    String token = token("sam");
    ConsoleVisitor browser = new ConsoleVisitor(server, null);
    browser.login("sam", password);
    assertThat(browser.get("/operator/incidents").status()).isEqualTo(200);
    assertThat(browser.get("/operator/audit").status()).isEqualTo(403);
    assertThat(status(INCIDENTS, token)).isEqualTo(200);
    assertThat(status(AUDIT, token)).isEqualTo(403);

    user("roles", "--name", "sam", "--role", "privacy");

    assertThat(browser.get("/operator/audit").status()).isEqualTo(200);
    assertThat(browser.get("/operator/incidents").status()).isEqualTo(403);
    clock.advance(SecretVerifier.CACHE_TTL);
    assertThat(status(AUDIT, token)).isEqualTo(200);
    assertThat(status(INCIDENTS, token)).isEqualTo(403);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aTokenStopsWorkingWhenItExpires(StoreKind kind) throws IOException {
    start(kind);
    add("sam", "security");
    String oneDay = token("sam", "--expires-days", "1");
    String standard = token("sam");
    assertThat(status(INCIDENTS, oneDay)).isEqualTo(200);

    clock.advance(Duration.ofDays(1).plusMinutes(1));

    assertUnauthorized(INCIDENTS, oneDay);
    assertThat(status(INCIDENTS, standard)).isEqualTo(200);
    clock.advance(Duration.ofDays(89));
    assertUnauthorized(INCIDENTS, standard);
  }
}
