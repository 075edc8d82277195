package org.waypost.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
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
    subcommands = {UserCommand.Add.class, UserCommand.Token.class})
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
      Set<Role> roles;
      try {
        roles = Role.parse(role);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--role: " + e.getMessage());
      }
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
      description = "Issue an API token for an operator (printed once, on the last line).")
  static final class Token implements Callable<Integer> {
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
        Operators operators = app.operators();
        String token;
        try {
          token = operators.issueToken(name);
        } catch (IllegalArgumentException e) {
          throw new CommandFailure(e.getMessage());
        }
        var out = spec.commandLine().getOut();
        out.printf(
            "Issued token %s for operator \"%s\". It is shown only now:%n",
            Operators.tokenIdOf(token), name.strip());
        out.println(token);
        out.flush();
      }
      return 0;
    }
  }
}
