package org.waypost.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
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
      Instant now = Instant.now();
      Instant instant;
      try {
        instant = at == null ? now : Instant.parse(at);
      } catch (DateTimeParseException e) {
        throw new CommandFailure("--at must be an instant such as 2026-12-31T00:00:00Z");
      }
      try (App app = App.open(storage.load(), Clock.systemUTC())) {
        Optional<Retention.Report> ran = app.retention().runUnlessRunning(instant);
        if (ran.isEmpty()) {
          throw new CommandFailure(
              "another node or command is applying retention right now; nothing was done,"
                  + " try again in a minute");
        }
        Retention.Report report = ran.get();
        report.lines().forEach(spec.commandLine().getOut()::println);
        spec.commandLine().getOut().flush();
        if (instant.isAfter(now)) {
          warnAheadOfTime(report, now.atZone(ZoneOffset.UTC).toLocalDate());
        }
      }
      return 0;
    }

    /**
     * Retention as of a later instant destroys keys a running server still needs: without today's
     * keys it cannot seal a visit, so it stops recording visits until the first day not destroyed.
     */
    private void warnAheadOfTime(Retention.Report report, LocalDate today) {
      List<LocalDate> ahead =
          report.dayKeysDestroyed().stream().filter(day -> !day.isBefore(today)).toList();
      PrintWriter err = spec.commandLine().getErr();
      err.println(
          "warning: --at "
              + report.at()
              + " is in the future"
              + (ahead.isEmpty()
                  ? "; no key of today or a later day existed to destroy."
                  : "; the keys of "
                      + ahead
                      + " were destroyed ahead of time, so a server running on these data"
                      + " records no visits of those days (lookups and everything else keep"
                      + " working)."));
      err.flush();
    }
  }
}
