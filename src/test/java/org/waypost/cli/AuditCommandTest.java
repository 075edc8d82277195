package org.waypost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waypost.App;
import org.waypost.config.WaypostConfig;
import org.waypost.governance.AuditLog;
import org.waypost.governance.Checkpoints;
import org.waypost.keys.MasterKey;
import org.waypost.testing.MutableClock;
import org.waypost.testing.TestApp;
import picocli.CommandLine;

/**
 * {@code waypost audit verify --data DIR}: exit 0 and a summary for an intact log, exit 1 naming
 * the first broken entry after someone edits the SQLite file. Runs the command on its own until
 * WaypostCommand registers it; then {@link Cli#run} will do.
 */
class AuditCommandTest {
  @TempDir Path dir;

  /** Three audited actions under {@code dir}, checkpointed, as a running server leaves them. */
  private String threeEntriesCheckpointed() {
    WaypostConfig config = TestApp.config(Storage.dataOverrides(dir));
    MasterKey.createIfMissing(Path.of(config.privacy().masterKeyFile()));
    MutableClock clock = new MutableClock(Instant.parse("2026-11-29T12:00:00Z"));
    try (App app = App.open(config, clock)) {
      AuditLog audit =
          new AuditLog(
              app.database(),
              clock,
              new Checkpoints(dir.resolve("checkpoints"), MasterKey.load(config.privacy())));
      AuditLog.Entry last = null;
      for (String name : new String[] {"bob", "carol", "dave"}) {
        clock.advance(Duration.ofMinutes(1));
        last =
            app.database()
                .inTransaction(
                    c ->
                        audit.append(
                            c, "alice", "operator.create", name, Map.of("roles", "privacy")));
      }
      audit.checkpoint();
      return last.hash();
    }
  }

  private static Cli auditVerify(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = new CommandLine(new AuditCommand());
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 1];
    all[0] = "verify";
    System.arraycopy(args, 0, all, 1, args.length);
    int code = commandLine.execute(all);
    return new Cli(code, out.toString(), err.toString());
  }

  @Test
  void anIntactLogExitsZeroWithASummary() {
    String head = threeEntriesCheckpointed();

    Cli cli = auditVerify("--data", dir.toString());

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.out().strip())
        .isEqualTo("audit log intact: 3 entries, head " + head + ", checkpoint at seq 3");
    assertThat(cli.err()).isEmpty();
  }

  @Test
  void aTailCutWithTheCheckpointFileRemovedExitsOne() throws Exception {
    threeEntriesCheckpointed();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("waypost.db"));
        Statement s = c.createStatement()) {
      s.executeUpdate("DELETE FROM audit_log WHERE seq = 3");
      s.executeUpdate(
          "UPDATE audit_head SET seq = 2, hash = (SELECT hash FROM audit_log WHERE seq = 2)");
    }
    Files.delete(dir.resolve("checkpoints").resolve("checkpoints.ndjson"));

    Cli cli = auditVerify("--data", dir.toString());

    assertThat(cli.exitCode()).isEqualTo(1);
    assertThat(cli.err())
        .startsWith("audit log BROKEN at seq 3: entry 3 was cut off: the log ends at entry 2,")
        .contains("the checkpoint in the database");
  }

  /**
   * "no checkpoint yet" now means no entry was ever signed: the log is empty, or every entry was
   * written before a master key existed. Once a signing key exists, a log with entries and no
   * checkpoint anywhere is reported broken (AuditTamperingTest).
   */
  @Test
  void anEmptyLogIsIntactWithoutACheckpoint() {
    MasterKey.createIfMissing(dir.resolve("master.key"));

    Cli cli = auditVerify("--data", dir.toString());

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.out().strip())
        .isEqualTo("audit log intact: 0 entries, head " + "0".repeat(64) + ", no checkpoint yet");
  }

  @Test
  void anEditedRowExitsOneNamingIt() throws Exception {
    threeEntriesCheckpointed();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("waypost.db"));
        Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE audit_log SET target = 'mallory' WHERE seq = 2");
    }

    Cli cli = auditVerify("--data", dir.toString());

    assertThat(cli.exitCode()).isEqualTo(1);
    assertThat(cli.out()).isEmpty();
    assertThat(cli.err())
        .startsWith("audit log BROKEN at seq 2: entry 2 was changed")
        .contains("the chain holds up to seq 1 (hash ");
  }
}
