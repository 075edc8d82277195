package org.waypost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waypost.App;
import org.waypost.governance.Operator;
import org.waypost.governance.Operators;
import org.waypost.governance.Role;
import org.waypost.testing.TestApp;
import picocli.CommandLine;

/** {@code waypost user add} and {@code waypost user token}, as an administrator meets them. */
class UserCommandTest {
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
    try (App app = App.open(TestApp.config(Storage.dataOverrides(dir)), Clock.systemUTC())) {
      return work.apply(app.operators());
    }
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
}
