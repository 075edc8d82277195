package org.waypost.cli;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import org.waypost.App;
import org.waypost.retention.Retention;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "retention",
    description = "Apply retention.",
    subcommands = RetentionCommand.Run.class)
final class RetentionCommand {

  @Command(
      name = "run",
      description =
          "Delete expired security-log rows, destroy expired day keys, count finished days'"
              + " visitors, delete long-delivered shipments; print what was removed.")
  static final class Run implements Callable<Integer> {
    @Mixin Storage storage;
    @Spec CommandSpec spec;

    @Option(
        names = "--at",
        paramLabel = "INSTANT",
        description =
            "apply retention as if it were this instant, e.g. 2026-12-31T00:00:00Z (default now)")
    String at;

    @Override
    public Integer call() {
      Instant instant;
      try {
        instant = at == null ? Instant.now() : Instant.parse(at);
      } catch (DateTimeParseException e) {
        throw new CommandFailure("--at must be an instant such as 2026-12-31T00:00:00Z");
      }
      try (App app = App.open(storage.load(), Clock.systemUTC())) {
        Retention.Report report = app.retention().run(instant);
        report.lines().forEach(spec.commandLine().getOut()::println);
        spec.commandLine().getOut().flush();
      }
      return 0;
    }
  }
}
