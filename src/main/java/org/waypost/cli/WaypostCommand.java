package org.waypost.cli;

import java.io.PrintWriter;
import org.waypost.config.ConfigException;
import org.waypost.db.DatabaseException;
import org.waypost.db.DatabaseUnavailableException;
import org.waypost.keys.KeyStoreException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code waypost} command; each subcommand is a class beside this one. */
@Command(
    name = "waypost",
    mixinStandardHelpOptions = true,
    versionProvider = WaypostCommand.Version.class,
    description = "Package tracking with privacy guarantees enforced by the code.",
    subcommands = {
      DemoCommand.class,
      ServeCommand.class,
      ApiKeyCommand.class,
      WebhookCommand.class,
      ImportCommand.class,
      KeysCommand.class,
      UserCommand.class,
      RetentionCommand.class,
      AuditCommand.class,
      CommandLine.HelpCommand.class
    })
public final class WaypostCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** Runs a command line with the given streams; returns the exit code. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine commandLine = new CommandLine(new WaypostCommand());
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          cmd.getErr().println(message(e));
          cmd.getErr().flush();
          return e instanceof ConfigException ? 2 : 1;
        });
    return commandLine.execute(args);
  }

  private static String message(Exception e) {
    if (e instanceof ConfigException) {
      return "configuration error: " + e.getMessage();
    }
    if (e instanceof DatabaseUnavailableException unavailable) {
      return "database unavailable: " + unavailable.reason();
    }
    if (e instanceof DatabaseException) {
      return "database error: " + e.getMessage();
    }
    if (e instanceof CommandFailure) {
      return e.getMessage();
    }
    if (e instanceof KeyStoreException) {
      return "key store error: " + e.getMessage();
    }
    return "error: "
        + e.getClass().getSimpleName()
        + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Reads the version from the jar's manifest, if built as one. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = WaypostCommand.class.getPackage().getImplementationVersion();
      return new String[] {"waypost " + (version == null ? "(development build)" : version)};
    }
  }
}
