package org.waypost.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.waypost.config.WaypostConfig;
import org.waypost.db.Database;
import org.waypost.governance.AuditLog.Entry;
import org.waypost.governance.AuditLog.Restore;
import org.waypost.governance.AuditLog.Verification;
import org.waypost.keys.MasterKey;
import org.waypost.testing.MutableClock;
import org.waypost.testing.Sql;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;

/**
 * Recording a restore of the database from a backup, on SQLite and on a real PostgreSQL, where the
 * audit tables look as a restored backup leaves them: the log and its database checkpoints end at
 * the backup's entry, the checkpoint file goes on. (BackupRestoreTest does it with real copies of
 * the database, through the commands and the server.)
 */
class AuditRestoreTest {
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T12:00:00Z"));
  private Database database;
  private AuditLog audit;
  private Path file;

  private void open(StoreKind kind) {
    WaypostConfig config = TestApp.config(kind.freshStore(dir));
    database = Database.open(config.database());
    MasterKey.createIfMissing(Path.of(config.privacy().masterKeyFile()));
    Path folder = dir.resolve("checkpoints");
    file = folder.resolve(Checkpoints.CHECKPOINTS_FILE);
    audit =
        new AuditLog(database, clock, new Checkpoints(folder, MasterKey.load(config.privacy())));
  }

  @AfterEach
  void close() {
    if (database != null) {
      database.close();
    }
  }

  private List<Entry> actions(int count) {
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      clock.advance(Duration.ofMinutes(1));
      int n = i;
      entries.add(
          database.inTransaction(
              c -> audit.append(c, "alice", "operator.create", "op-" + n, Map.of("n", n))));
      audit.checkpointWhenPossible();
    }
    return entries;
  }

  private void sql(String statement, Object... parameters) {
    Sql.update(database, statement, parameters);
  }

  /** The audit tables as a backup taken at {@code head} restores them. */
  private void restoreBackupAt(Entry head) throws Exception {
    sql("DELETE FROM audit_log WHERE seq > ?", head.seq());
    sql("DELETE FROM audit_checkpoints WHERE seq > ?", head.seq());
    sql("UPDATE audit_head SET seq = ?, hash = ?", head.seq(), head.hash());
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void entriesAppendedToTheRestoredLogBeforeTheRestoreIsRecordedStay(StoreKind kind)
      throws Exception {
    open(kind);
    List<Entry> before = actions(5);
    restoreBackupAt(before.get(1));
    // the server goes on before anyone runs `audit restored`: entries 3' and 4' of a new history
    List<Entry> after = actions(2);
    assertThat(after.getLast().seq()).isEqualTo(4);
    assertThat(audit.verify().problem()).startsWith("entry 5 was cut off: the log ends at entry 4");
    assertThat(Files.readAllLines(file)).as("nothing signed over the new history").hasSize(5);

    Restore restore = audit.recordRestore("local-admin");

    assertThat(restore).isEqualTo(new Restore(6, clock.instant(), 3, 5));
    Verification result = audit.verify();
    assertThat(result.intact()).as(result.problem()).isTrue();
    assertThat(result.entries()).isEqualTo(5);
    assertThat(result.checkpointSeq()).isEqualTo(6L);
    assertThat(audit.restores()).containsExactly(restore);
    assertThat(Files.readAllLines(file)).hasSize(6).last().asString().startsWith("{\"seq\":6,");
    // and the log goes on from there
    actions(1);
    assertThat(audit.verify().intact()).isTrue();
    assertThat(audit.lastSeq()).isEqualTo(7);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aRestoreIsNotRecordedWhenNothingWasLostOrSomethingElseIsBroken(StoreKind kind)
      throws Exception {
    open(kind);
    List<Entry> entries = actions(4);

    assertThatThrownBy(() -> audit.recordRestore("local-admin"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("nothing to record");

    sql("UPDATE audit_log SET target = 'mallory' WHERE seq = 2");
    restoreBackupAt(entries.get(2));
    assertThatThrownBy(() -> audit.recordRestore("local-admin"))
        .hasMessageStartingWith("the audit log is broken in another way")
        .hasMessageContaining("entry 2 was changed");
    assertThat(audit.lastSeq()).isEqualTo(3);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aGapDeclaredByAnUnsignedRestoreEntryIsNotHonoured(StoreKind kind) throws Exception {
    open(kind);
    List<Entry> entries = actions(4);
    restoreBackupAt(entries.get(1));
    // An intruder declares entries 3 to 4 lost themselves, with a correct hash but no signature.
    Entry head = entries.get(1);
    long time = clock.millis();
    String details = "{\"lostFrom\":3,\"lostTo\":4}";
    String hash =
        AuditLog.hash(5, time, "local-admin", AuditLog.RESTORE_ACTION, null, details, head.hash());
    sql(
        "INSERT INTO audit_log (seq, time, actor, action, target, details, prev_hash, hash)"
            + " VALUES (5, ?, 'local-admin', ?, NULL, ?, ?, ?)",
        time,
        AuditLog.RESTORE_ACTION,
        details,
        head.hash(),
        hash);

    Verification result = audit.verify();

    assertThat(result.intact()).isFalse();
    assertThat(result.firstBrokenSeq()).isEqualTo(3L);
    assertThat(result.problem()).startsWith("entries 3 to 4 are missing");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aCutCaughtByTheDatabaseAloneCanBeRecordedToo(StoreKind kind) throws Exception {
    open(kind);
    List<Entry> entries = actions(4);
    // the log restored, and the checkpoint folder lost with its disk: only the database's
    // checkpoints of the lost entries tell
    sql("DELETE FROM audit_log WHERE seq > 2");
    sql("UPDATE audit_head SET seq = ?, hash = ?", entries.get(1).seq(), entries.get(1).hash());
    Files.delete(file);

    Restore restore = audit.recordRestore("local-admin");

    assertThat(restore.lostFrom()).isEqualTo(3);
    assertThat(restore.lostTo()).isEqualTo(4);
    assertThat(restore.seq()).isEqualTo(5);
    assertThat(audit.verify().intact()).as(audit.verify().problem()).isTrue();
  }
}
