package org.waypost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waypost.App;
import org.waypost.governance.AuditLog;
import org.waypost.governance.Operator;
import org.waypost.governance.Operators;
import org.waypost.governance.Role;
import org.waypost.testing.MutableClock;
import org.waypost.testing.TestApp;
import picocli.CommandLine;

/**
 * {@code waypost user add}, {@code token}, {@code disable}, {@code roles} and {@code
 * revoke-tokens}, as an administrator meets them. (On a running server: OperatorCommandsTest.)
 */
class UserCommandTest {
  private static final String PASSWORD = "correct horse battery staple";

  @TempDir Path dir;

  /** Runs {@code user ...} with {@code stdin}, handling failures as {@link WaypostCommand} does. */
  private static Cli userWithStdin(String stdin, String... args) {
    InputStream in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = new CommandLine(new UserCommand(in));
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    commandLine.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          cmd.getErr().println(e.getMessage());
          return 1;
        });
    int code = commandLine.execute(args);
    return new Cli(code, out.toString(), err.toString());
  }

  private Cli user(String... args) {
    return userWithStdin("", args);
  }

  private Optional<Operator> withOperators(Function<Operators, Optional<Operator>> work) {
    return withOperators(Clock.systemUTC(), work);
  }

  private Optional<Operator> withOperators(
      Clock clock, Function<Operators, Optional<Operator>> work) {
    try (App app = App.open(TestApp.config(Storage.dataOverrides(dir)), clock)) {
      return work.apply(app.operators());
    }
  }

  /** The audit entries recorded so far with {@code action}. */
  private List<AuditLog.Entry> audited(String action) {
    try (App app = App.open(TestApp.config(Storage.dataOverrides(dir)), Clock.systemUTC())) {
      return app.audit().list(0, 1000).stream().filter(e -> e.action().equals(action)).toList();
    }
  }

  /** Adds an operator with a known password and returns a token issued to them. */
  private String operatorWithToken(String name, String role) {
    Cli added =
        userWithStdin(
            PASSWORD + "\n",
            "add",
            "--name",
            name,
            "--role",
            role,
            "--password-stdin",
            "--data",
            dir.toString());
    assertThat(added.exitCode()).as(added.err()).isZero();
    return user("token", "--name", name, "--data", dir.toString()).lastLine();
  }

  @Test
  void addGeneratesAPasswordAndPrintsItOnceOnTheLastLine() {
    Cli cli = user("add", "--name", "alice", "--role", "Legal,PRIVACY", "--data", dir.toString());

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.out()).contains("Created operator \"alice\" with roles legal,privacy.");
    String password = cli.lastLine();
    assertThat(password).hasSizeGreaterThanOrEqualTo(20).doesNotContain(" ");
    assertThat(withOperators(o -> o.authenticatePassword("alice", password)))
        .hasValueSatisfying(
            alice -> assertThat(alice.roles()).containsExactly(Role.LEGAL, Role.PRIVACY));
  }

  @Test
  void addTakesThePasswordFromStdinAndNeverPrintsIt() {
    String password = "correct horse battery staple";

    Cli cli =
        userWithStdin(
            password + "\n",
            "add",
            "--name",
            "bob",
            "--role",
            "admin",
            "--password-stdin",
            "--data",
            dir.toString());

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.out()).doesNotContain(password).doesNotContain("shown only now");
    assertThat(withOperators(o -> o.authenticatePassword("bob", password))).isPresent();
  }

  @Test
  void addRefusesAShortOrMissingPasswordFromStdin() {
    Cli shortOne =
        userWithStdin(
            "too short\n",
            "add",
            "--name",
            "bob",
            "--role",
            "admin",
            "--password-stdin",
            "--data",
            dir.toString());
    assertThat(shortOne.exitCode()).isEqualTo(1);
    assertThat(shortOne.err()).contains("at least 12 characters").doesNotContain("Exception");

    Cli none =
        user(
            "add",
            "--name",
            "bob",
            "--role",
            "admin",
            "--password-stdin",
            "--data",
            dir.toString());
    assertThat(none.exitCode()).isEqualTo(1);
    assertThat(none.err()).contains("no password on standard input");
    assertThat(withOperators(o -> o.find("bob"))).isEmpty();
  }

  @Test
  void tokenPrintsAWorkingTokenOnTheLastLine() {
    user("add", "--name", "carol", "--role", "security", "--data", dir.toString());

    Cli cli = user("token", "--name", "carol", "--data", dir.toString());

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    String token = cli.lastLine();
    assertThat(token).startsWith("wpo_");
    assertThat(cli.out()).contains("Issued token " + Operators.tokenIdOf(token));
    assertThat(withOperators(o -> o.authenticateToken(token)))
        .hasValueSatisfying(carol -> assertThat(carol.name()).isEqualTo("carol"));
  }

  @Test
  void tokenForAnUnknownOperatorFails() {
    Cli cli = user("token", "--name", "mallory", "--data", dir.toString());

    assertThat(cli.exitCode()).isEqualTo(1);
    assertThat(cli.err()).contains("\"mallory\"");
    assertThat(cli.out()).doesNotContain("wpo_");
  }

  @Test
  void aBadRoleIsRejectedByName() {
    Cli cli = user("add", "--name", "dave", "--role", "admin,root", "--data", dir.toString());

    assertThat(cli.exitCode()).isNotZero();
    assertThat(cli.err()).contains("\"root\"").contains("admin, security, legal, privacy");
    assertThat(withOperators(o -> o.find("dave"))).isEmpty();
  }

  @Test
  void aTakenNameIsRefused() {
    user("add", "--name", "erin", "--role", "admin", "--data", dir.toString());

    Cli again = user("add", "--name", "erin", "--role", "privacy", "--data", dir.toString());

    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err()).contains("already exists");
  }

  @Test
  void aTokenExpiresAfterNinetyDaysUnlessToldOtherwise() {
    operatorWithToken("carol", "security");
    Instant before = Instant.now();

    Cli standard = user("token", "--name", "carol", "--data", dir.toString());
    Cli week = user("token", "--name", "carol", "--expires-days", "7", "--data", dir.toString());

    assertThat(week.exitCode()).as(week.err()).isZero();
    assertThat(week.out()).containsPattern("valid until 20\\d\\d-\\d\\d-\\d\\dT");
    MutableClock clock = new MutableClock(before.plus(Duration.ofDays(7)).minusSeconds(60));
    assertThat(withOperators(clock, o -> o.authenticateToken(week.lastLine()))).isPresent();
    clock.advance(Duration.ofMinutes(2));
    assertThat(withOperators(clock, o -> o.authenticateToken(week.lastLine()))).isEmpty();
    assertThat(withOperators(clock, o -> o.authenticateToken(standard.lastLine()))).isPresent();
    clock.set(before.plus(Duration.ofDays(90)).plusSeconds(60));
    assertThat(withOperators(clock, o -> o.authenticateToken(standard.lastLine()))).isEmpty();
    assertThat(audited("operator.token.create")).hasSize(3);
  }

  @Test
  void theDaysATokenIsValidAreBounded() {
    operatorWithToken("carol", "security");

    for (String days : new String[] {"0", "-1", "3651", "ninety", ""}) {
      Cli cli = user("token", "--name", "carol", "--expires-days", days, "--data", dir.toString());
      assertThat(cli.exitCode()).as(days).isNotZero();
      assertThat(cli.err()).as(days).contains("--expires-days").doesNotContain("Exception");
      assertThat(cli.out()).doesNotContain("wpo_");
    }
    assertThat(
            user("token", "--name", "carol", "--expires-days", "3650", "--data", dir.toString())
                .exitCode())
        .isZero();
    assertThat(audited("operator.token.create")).hasSize(2);
  }

  @Test
  void disableEndsThePasswordAndTheTokensAndIsAudited() {
    String token = operatorWithToken("carol", "security");
    String tokenId = Operators.tokenIdOf(token);

    Cli cli = user("disable", "--name", "carol", "--data", dir.toString());

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.out()).contains("Disabled operator \"carol\": revoked 1 token: " + tokenId);
    assertThat(withOperators(o -> o.authenticateToken(token))).isEmpty();
    assertThat(withOperators(o -> o.authenticatePassword("carol", PASSWORD))).isEmpty();
    assertThat(audited("operator.disable"))
        .singleElement()
        .satisfies(e -> assertThat(e.target()).isEqualTo("operator:carol"));

    Cli again = user("disable", "--name", "carol", "--data", dir.toString());
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err()).contains("no active operator named \"carol\"");
    assertThat(user("token", "--name", "carol", "--data", dir.toString()).exitCode()).isEqualTo(1);
    assertThat(audited("operator.disable")).hasSize(1);
  }

  @Test
  void rolesReplacesTheRolesAndIsAudited() {
    operatorWithToken("carol", "security");

    Cli cli = user("roles", "--name", "carol", "--role", "Privacy,admin", "--data", dir.toString());

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.out())
        .contains("Operator \"carol\" now has roles admin,privacy (before: security).");
    assertThat(withOperators(o -> o.find("carol")))
        .hasValueSatisfying(
            carol -> assertThat(carol.roles()).containsExactly(Role.ADMIN, Role.PRIVACY));
    assertThat(audited("operator.roles.set"))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.details())
                    .isEqualTo("{\"previous\":\"security\",\"roles\":\"admin,privacy\"}"));

    Cli badRole = user("roles", "--name", "carol", "--role", "root", "--data", dir.toString());
    assertThat(badRole.exitCode()).isNotZero();
    assertThat(badRole.err()).contains("\"root\"");
    Cli unknown = user("roles", "--name", "mallory", "--role", "admin", "--data", dir.toString());
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.err()).contains("\"mallory\"");
    assertThat(withOperators(o -> o.find("carol")))
        .hasValueSatisfying(
            carol -> assertThat(carol.roles()).containsExactly(Role.ADMIN, Role.PRIVACY));
    assertThat(audited("operator.roles.set")).hasSize(1);
  }

  @Test
  void revokeTokensRevokesEveryTokenOfThatOperatorAndIsAudited() {
    String first = operatorWithToken("carol", "security");
    String second = user("token", "--name", "carol", "--data", dir.toString()).lastLine();
    String others = operatorWithToken("dave", "admin");

    Cli cli = user("revoke-tokens", "--name", "carol", "--data", dir.toString());

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.out())
        .contains(
            "Operator \"carol\": revoked 2 tokens: "
                + Operators.tokenIdOf(first)
                + ", "
                + Operators.tokenIdOf(second));
    assertThat(withOperators(o -> o.authenticateToken(first))).isEmpty();
    assertThat(withOperators(o -> o.authenticateToken(second))).isEmpty();
    assertThat(withOperators(o -> o.authenticateToken(others))).isPresent();
    assertThat(withOperators(o -> o.authenticatePassword("carol", PASSWORD)))
        .as("the operator stays")
        .isPresent();
    assertThat(audited("operator.token.revoke"))
        .extracting(AuditLog.Entry::target)
        .containsExactly(
            "token:" + Operators.tokenIdOf(first), "token:" + Operators.tokenIdOf(second));

    Cli again = user("revoke-tokens", "--name", "carol", "--data", dir.toString());
    assertThat(again.exitCode()).isZero();
    assertThat(again.out()).contains("Operator \"carol\": no unrevoked tokens.");
    Cli unknown = user("revoke-tokens", "--name", "mallory", "--data", dir.toString());
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.err()).contains("no operator named \"mallory\"");
    assertThat(audited("operator.token.revoke")).hasSize(2);
  }
}
