package org.waypost.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.waypost.App;
import org.waypost.config.WaypostConfig;
import org.waypost.governance.AuditLog;
import org.waypost.governance.Operators;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code waypost audit}: checks the hash-chained audit log, and records a restore of the database
 * from a backup.
 */
@Command(
    name = "audit",
    description = "Check the audit log; record a restore from a backup.",
    subcommands = {AuditCommand.Verify.class, AuditCommand.Restored.class})
final class AuditCommand {

  @Command(
      name = "verify",
      description =
          "Recompute the audit log's hash chain and compare it with the newest signed checkpoint;"
              + " exit 0 when intact, 1 naming the first broken entry.")
  static final class Verify implements Callable<Integer> {
    @Mixin Storage storage;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      WaypostConfig config = storage.load();
      try (App app = App.open(config, Clock.systemUTC())) {
        AuditLog.Verification result = app.audit().verify();
        if (result.intact()) {
          PrintWriter out = spec.commandLine().getOut();
          out.printf(
              "audit log intact: %d entries, head %s, %s%n",
              result.entries(),
              result.headHash(),
              result.checkpointSeq() == null
                  ? "no checkpoint yet"
                  : "checkpoint at seq " + result.checkpointSeq());
          for (AuditLog.Restore restore : app.audit().restores()) {
            out.println(describe(restore));
          }
          out.flush();
          return 0;
        }
        PrintWriter err = spec.commandLine().getErr();
        err.println(
            "audit log BROKEN"
                + (result.firstBrokenSeq() == null ? "" : " at seq " + result.firstBrokenSeq())
                + ": "
                + result.problem());
        err.printf("the chain holds up to seq %d (hash %s)%n", result.entries(), result.headHash());
        err.flush();
        return 1;
      }
    }
  }

  @Command(
      name = "restored",
      description =
          "After restoring the database from a backup: record, signed, which audit entries the"
              + " restore lost (those the checkpoints vouch for and the restored log lacks), so that"
              + " `audit verify` passes again and the transparency report shows the restore.")
  static final class Restored implements Callable<Integer> {
    @Mixin Storage storage;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      WaypostConfig config = storage.load();
      try (App app = App.open(config, Clock.systemUTC())) {
        AuditLog.Restore restore;
        try {
          restore = app.audit().recordRestore(Operators.LOCAL_ADMIN);
        } catch (IllegalStateException e) {
          throw new CommandFailure("no restore recorded: " + e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(describe(restore));
        out.flush();
        return 0;
      }
    }
  }

  static String describe(AuditLog.Restore restore) {
    return "restored from a backup: "
        + (restore.lostFrom() == restore.lostTo()
            ? "entry " + restore.lostFrom() + " was lost"
            : "entries " + restore.lostFrom() + " to " + restore.lostTo() + " were lost")
        + " (recorded as entry "
        + restore.seq()
        + " at "
        + restore.time()
        + ")";
  }
}
