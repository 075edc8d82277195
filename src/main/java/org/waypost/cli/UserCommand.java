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

  @Command(
      name = "token",
      description =
          "Issue an API token for an operator (printed once, on the last line). It expires after"
              + " 90 days unless --expires-days says otherwise.")
  static final class Token implements Callable<Integer> {
    @Mixin Storage storage;
    @Spec CommandSpec spec;

    @Option(
        names = "--name",
        required = true,
        paramLabel = "NAME",
        description = "the operator's name")
    String name;

    @Option(
        names = "--expires-days",
        paramLabel = "D",
        description = "days until the token expires, 1 to 3650 (default 90)")
    int expiresDays = Operators.DEFAULT_TOKEN_DAYS;

    @Override
    public Integer call() {
      if (expiresDays < 1 || expiresDays > Operators.MAX_TOKEN_DAYS) {
        throw new ParameterException(
            spec.commandLine(),
            "--expires-days: must be between 1 and "
                + Operators.MAX_TOKEN_DAYS
                + ", was "
                + expiresDays);
      }
      try (App app = App.open(storage.load(), Clock.systemUTC())) {
        Operators.IssuedToken token;
        try {
          token = app.operators().issueToken(name, expiresDays);
        } catch (IllegalArgumentException e) {
          throw new CommandFailure(e.getMessage());
        }
        var out = spec.commandLine().getOut();
        out.printf(
            "Issued token %s for operator \"%s\", valid until %s. It is shown only now:%n",
            token.id(), name.strip(), token.expiresAt());
        out.println(token.text());
        out.flush();
      }
      return 0;
    }
  }

  @Command(
      name = "disable",
      description =
          "Disable an operator for good: password, console sessions and tokens stop working (on"
              + " a running server within 30 seconds), and the tokens are revoked.")
  static final class Disable implements Callable<Integer> {
    @Mixin Storage storage;
    @Spec CommandSpec spec;

    @Option(
        names = "--name",
        required = true,
        paramLabel = "NAME",
        description = "the operator's name")
    String name;

    @Override
    public Integer call() {
      try (App app = App.open(storage.load(), Clock.systemUTC())) {
        List<String> revoked;
        try {
          revoked = app.operators().disable(name);
        } catch (IllegalArgumentException e) {
          throw new CommandFailure(e.getMessage());
        }
        var out = spec.commandLine().getOut();
        out.printf("Disabled operator \"%s\"%s.%n", name.strip(), revokedTokens(revoked));
        out.flush();
      }
      return 0;
    }
  }

  @Command(
      name = "roles",
      description =
          "Replace an operator's roles (console sessions see them at their next request, tokens"
              + " within 30 seconds).")
  static final class Roles implements Callable<Integer> {
    @Mixin Storage storage;
    @Spec CommandSpec spec;

    @Option(
        names = "--name",
        required = true,
        paramLabel = "NAME",
        description = "the operator's name")
    String name;

    @Option(
        names = "--role",
        required = true,
        paramLabel = "ROLE[,ROLE...]",
        description = "the roles the operator holds from now on: admin, security, legal, privacy")
    String role;

    @Override
    public Integer call() {
      Set<Role> roles = roles(spec, role);
      try (App app = App.open(storage.load(), Clock.systemUTC())) {
        Set<Role> previous;
        try {
          previous = app.operators().setRoles(name, roles);
        } catch (IllegalArgumentException e) {
          throw new CommandFailure(e.getMessage());
        }
        var out = spec.commandLine().getOut();
        out.printf(
            "Operator \"%s\" now has roles %s (before: %s).%n",
            name.strip(), Role.join(roles), Role.join(previous));
        out.flush();
      }
      return 0;
    }
  }

  @Command(
      name = "revoke-tokens",
      description =
          "Revoke every token of an operator (on a running server they stop working within 30"
              + " seconds).")
  static final class RevokeTokens implements Callable<Integer> {
    @Mixin Storage storage;
    @Spec CommandSpec spec;

    @Option(
        names = "--name",
        required = true,
        paramLabel = "NAME",
        description = "the operator's name")
    String name;

    @Override
    public Integer call() {
      try (App app = App.open(storage.load(), Clock.systemUTC())) {
        List<String> revoked;
        try {
          revoked = app.operators().revokeTokens(name);
        } catch (IllegalArgumentException e) {
          throw new CommandFailure(e.getMessage());
        }
        var out = spec.commandLine().getOut();
        out.printf("Operator \"%s\"%s.%n", name.strip(), revokedTokens(revoked));
        out.flush();
      }
      return 0;
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
