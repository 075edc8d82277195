package org.waypost.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.waypost.App;
import org.waypost.error.ProblemException;
import org.waypost.governance.Operators;
import org.waypost.governance.Role;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "user",
    description = "Manage operator accounts.",
    subcommands = {
      UserCommand.Add.class,
      UserCommand.Token.class,
      UserCommand.Disable.class,
      UserCommand.Roles.class,
      UserCommand.RevokeTokens.class
    })
final class UserCommand {
  private final InputStream stdin;

  UserCommand() {
    this(System.in);
  }

  /** Reads {@code --password-stdin} from {@code stdin} instead of the console (for tests). */
  UserCommand(InputStream stdin) {
    this.stdin = stdin;
  }

  /** The first line of standard input, without its line break. */
  String readPassword() {
    try {
      String line =
          new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8)).readLine();
      if (line == null || line.isEmpty()) {
        throw new CommandFailure("--password-stdin: no password on standard input");
      }
      return line;
    } catch (IOException e) {
      throw new CommandFailure("cannot read the password from standard input: " + e.getMessage());
    }
  }

  /** Parses {@code --role}, naming the option in the message of a bad value. */
  static Set<Role> roles(CommandSpec spec, String role) {
    try {
      return Role.parse(role);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--role: " + e.getMessage());
    }
  }

  @Command(
      name = "add",
      description =
          "Create an operator. Without --password-stdin a password is generated and printed once,"
              + " on the last line.")
  static final class Add implements Callable<Integer> {
    @ParentCommand UserCommand parent;
    @Mixin Storage storage;
    @Spec CommandSpec spec;

    @Option(
        names = "--name",
        required = true,
        paramLabel = "NAME",
        description = "the operator's login name (1 to 64 characters)")
    String name;

    @Option(
        names = "--role",
        required = true,
        paramLabel = "ROLE[,ROLE...]",
        description = "one or more of admin, security, legal, privacy, comma-separated")
    String role;

    @Option(
        names = "--password-stdin",
        description = "read the password (at least 12 characters) from the first line of stdin")
    boolean passwordStdin;

    @Override
    public Integer call() {
      Set<Role> roles = roles(spec, role);
      String password = passwordStdin ? parent.readPassword() : null;
      try (App app = App.open(storage.load(), Clock.systemUTC())) {
        Operators operators = app.operators();
        Operators.Added added;
        try {
          added = operators.add(name, roles, password);
        } catch (ProblemException e) {
          throw new CommandFailure(e.detail());
        }
        var out = spec.commandLine().getOut();
        out.printf(
            "Created operator \"%s\" with roles %s.%n",
            added.operator().name(), Role.join(added.operator().roles()));
        if (added.generatedPassword() != null) {
          out.println("Its password is shown only now:");
          out.println(added.generatedPassword());
        }
        out.flush();
      }
      return 0;
    }
  }

  /**
   * What the commands that change one named operator share: the data they work on, the name, and an
   * unknown (or disabled) operator's message printed as it is.
   */
  abstract static class OperatorChange implements Callable<Integer> {
    @Mixin Storage storage;
    @Spec CommandSpec spec;

    @Option(
        names = "--name",
        required = true,
        paramLabel = "NAME",
        description = "the operator's name")
    String name;

    /** Checks the options before the data is opened. */
    void checkOptions() {}

    /**
     * Makes the change and says what was done.
     *
     * @throws IllegalArgumentException when there is no such operator to change
     */
    abstract String change(Operators operators);

    @Override
    public final Integer call() {
      checkOptions();
      String done;
      try (App app = App.open(storage.load(), Clock.systemUTC())) {
        try {
          done = change(app.operators());
        } catch (IllegalArgumentException e) {
          throw new CommandFailure(e.getMessage());
        }
      }
      var out = spec.commandLine().getOut();
      out.println(done);
      out.flush();
      return 0;
    }

    /** The operator's name as the store matches it. */
    String operator() {
      return name.strip();
    }
  }

  @Command(
      name = "token",
      description =
          "Issue an API token for an operator (printed once, on the last line). It expires after"
              + " 90 days unless --expires-days says otherwise.")
  static final class Token extends OperatorChange {
    @Option(
        names = "--expires-days",
        paramLabel = "D",
        description = "days until the token expires, 1 to 3650 (default 90)")
    int expiresDays = Operators.DEFAULT_TOKEN_DAYS;

    @Override
    void checkOptions() {
      if (expiresDays < 1 || expiresDays > Operators.MAX_TOKEN_DAYS) {
        throw new ParameterException(
            spec.commandLine(),
            "--expires-days: must be between 1 and "
                + Operators.MAX_TOKEN_DAYS
                + ", was "
                + expiresDays);
      }
    }

    @Override
    String change(Operators operators) {
      Operators.IssuedToken token = operators.issueToken(name, expiresDays);
      return String.format(
          "Issued token %s for operator \"%s\", valid until %s. It is shown only now:%n%s",
          token.id(), operator(), token.expiresAt(), token.text());
    }
  }

  @Command(
      name = "disable",
      description =
          "Disable an operator for good: password, console sessions and tokens stop working (on"
              + " a running server within 30 seconds), and the tokens are revoked.")
  static final class Disable extends OperatorChange {
    @Override
    String change(Operators operators) {
      List<String> revoked = operators.disable(name);
      return "Disabled operator \"" + operator() + "\"" + revokedTokens(revoked) + ".";
    }
  }

  @Command(
      name = "roles",
      description =
          "Replace an operator's roles (console sessions see them at their next request, tokens"
              + " within 30 seconds).")
  static final class Roles extends OperatorChange {
    @Option(
        names = "--role",
        required = true,
        paramLabel = "ROLE[,ROLE...]",
        description = "the roles the operator holds from now on: admin, security, legal, privacy")
    String role;

    private Set<Role> roles;

    @Override
    void checkOptions() {
      roles = roles(spec, role);
    }

    @Override
    String change(Operators operators) {
      Set<Role> previous = operators.setRoles(name, roles);
      return String.format(
          "Operator \"%s\" now has roles %s (before: %s).",
          operator(), Role.join(roles), Role.join(previous));
    }
  }

  @Command(
      name = "revoke-tokens",
      description =
          "Revoke every token of an operator (on a running server they stop working within 30"
              + " seconds).")
  static final class RevokeTokens extends OperatorChange {
    @Override
    String change(Operators operators) {
      return "Operator \"" + operator() + "\"" + revokedTokens(operators.revokeTokens(name)) + ".";
    }
  }

  /** ": revoked 2 tokens: ID, ID", or ": no unrevoked tokens". */
  private static String revokedTokens(List<String> ids) {
    if (ids.isEmpty()) {
      return ": no unrevoked tokens";
    }
    return ": revoked "
        + ids.size()
        + (ids.size() == 1 ? " token: " : " tokens: ")
        + String.join(", ", ids);
  }
}
