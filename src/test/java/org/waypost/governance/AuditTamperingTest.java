package org.waypost.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.waypost.config.WaypostConfig;
import org.waypost.db.Database;
import org.waypost.governance.AuditLog.Entry;
import org.waypost.governance.AuditLog.Verification;
import org.waypost.keys.KeyStoreException;
import org.waypost.keys.MasterKey;
import org.waypost.testing.MutableClock;
import org.waypost.testing.Sql;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;

/**
 * What someone with write access to the database, the checkpoint file, or both, can no longer do to
 * the audit log unseen, on SQLite and on a real PostgreSQL: cut its tail while removing or trimming
 * the checkpoint file, cut the database's checkpoints with it, append an entry with a correct hash,
 * forge a signature or a key; and what still works: a log from before migration V15, commands run
 * before a master key exists, and nodes that share a database with keys of their own.
 */
class AuditTamperingTest {
  private static final Instant START = Instant.parse("2026-11-29T12:00:00Z");

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(START);
  private Database database;
  private WaypostConfig config;
  private Path folder;
  private AuditLog audit;

  private void open(StoreKind kind) {
    config = TestApp.config(kind.freshStore(dir));
    database = Database.open(config.database());
    MasterKey.createIfMissing(Path.of(config.privacy().masterKeyFile()));
    folder = dir.resolve("checkpoints");
    audit = auditIn(folder);
  }

  private AuditLog auditIn(Path checkpointFolder) {
    return new AuditLog(
        database, clock, new Checkpoints(checkpointFolder, MasterKey.load(config.privacy())));
  }

  @AfterEach
  void close() {
    if (database != null) {
      database.close();
    }
  }

  private List<Entry> reveals(AuditLog log, int count) {
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      clock.advance(Duration.ofMinutes(1));
      int n = i;
      entries.add(
          database.inTransaction(
              c ->
                  log.append(
                      c, "alice", "incident.reveal", "incident-" + n, Map.of("reason", "abuse"))));
      log.checkpoint(); // as every caller does once its transaction committed
    }
    return entries;
  }

  private void sql(String statement, Object... parameters) {
    Sql.update(database, statement, parameters);
  }

  private long count(String table) {
    return Sql.longValue(database, "SELECT COUNT(*) FROM " + table);
  }

  private Path file() {
    return folder.resolve(Checkpoints.CHECKPOINTS_FILE);
  }

  /** Deletes entries from {@code seq} on and sets the head back, as a careful intruder would. */
  private void cutLogFrom(long seq, Entry newHead) throws Exception {
    sql("DELETE FROM audit_log WHERE seq >= ?", seq);
    sql("UPDATE audit_head SET seq = ?, hash = ?", newHead.seq(), newHead.hash());
  }

  /** Appends an entry with a correct hash straight into the database, as an intruder could. */
  private Entry forge(Entry after) throws Exception {
    long seq = after.seq() + 1;
    long time = after.time().toEpochMilli() + 1000;
    String details = "{\"reason\":\"routine\"}";
    String hash =
        AuditLog.hash(seq, time, "alice", "incident.reveal", "incident-99", details, after.hash());
    sql(
        "INSERT INTO audit_log (seq, time, actor, action, target, details, prev_hash, hash)"
            + " VALUES (?, ?, 'alice', 'incident.reveal', 'incident-99', ?, ?, ?)",
        seq,
        time,
        details,
        after.hash(),
        hash);
    sql("UPDATE audit_head SET seq = ?, hash = ?", seq, hash);
    return new Entry(
        seq,
        Instant.ofEpochMilli(time),
        "alice",
        "incident.reveal",
        "incident-99",
        details,
        after.hash(),
        hash);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void everyEntryIsSignedInTheDatabaseAsItIsAppended(StoreKind kind) throws Exception {
    open(kind);
    reveals(audit, 3);

    assertThat(count("audit_checkpoints")).isEqualTo(3);
    assertThat(count("audit_signing_keys")).isEqualTo(1);
    assertThat(Files.readAllLines(file())).hasSize(3).allMatch(l -> l.endsWith(",\"db\":true}"));
    assertThat(audit.verify().intact()).isTrue();
    assertThat(audit.verify().checkpointSeq()).isEqualTo(3L);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aCutTailIsCaughtByTheDatabaseWhenTheFileIsRemoved(StoreKind kind) throws Exception {
    open(kind);
    List<Entry> entries = reveals(audit, 6);
    cutLogFrom(5, entries.get(3));
    Files.delete(file());

    Verification result = audit.verify();

    assertThat(result.intact()).isFalse();
    assertThat(result.firstBrokenSeq()).isEqualTo(5L);
    assertThat(result.problem())
        .startsWith("entries 5 to 6 were cut off: the log ends at entry 4")
        .contains("the checkpoint in the database")
        .contains("vouches for entries up to 6")
        .contains("waypost audit restored");
    assertThatThrownBy(audit::checkpoint)
        .as("the next checkpoint does not launder the cut")
        .isInstanceOf(IllegalStateException.class);
    assertThat(file()).doesNotExist();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aCutTailIsCaughtByTheDatabaseWhenTheFileIsTrimmed(StoreKind kind) throws Exception {
    open(kind);
    List<Entry> entries = reveals(audit, 6);
    cutLogFrom(5, entries.get(3));
    List<String> lines = Files.readAllLines(file());
    Files.write(file(), lines.subList(0, 4));

    Verification result = audit.verify();

    assertThat(result.intact()).isFalse();
    assertThat(result.firstBrokenSeq()).isEqualTo(5L);
    assertThat(result.problem()).startsWith("entries 5 to 6 were cut off");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aTailCutFromTheLogAndTheDatabaseCheckpointsIsCaughtByTheFile(StoreKind kind)
      throws Exception {
    open(kind);
    List<Entry> entries = reveals(audit, 6);
    cutLogFrom(5, entries.get(3));
    sql("DELETE FROM audit_checkpoints WHERE seq >= 5");

    Verification result = audit.verify();

    assertThat(result.intact()).isFalse();
    assertThat(result.firstBrokenSeq()).isEqualTo(5L);
    assertThat(result.problem())
        .startsWith("entries 5 to 6 were cut off: the log ends at entry 4, but the checkpoint of");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void removingEveryCheckpointWhileASigningKeyExistsIsSeen(StoreKind kind) throws Exception {
    open(kind);
    List<Entry> entries = reveals(audit, 6);
    cutLogFrom(5, entries.get(3));
    sql("DELETE FROM audit_checkpoints");
    Files.delete(file());

    Verification result = audit.verify();

    assertThat(result.intact()).isFalse();
    assertThat(result.checkpointSeq()).isNull();
    assertThat(result.problem())
        .contains("an audit signing key exists")
        .contains("neither the database nor the checkpoint file holds a checkpoint");
    assertThat(result.problem()).doesNotContain("no checkpoint yet");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void anEntryWithACorrectHashButNoSignatureIsForeign(StoreKind kind) throws Exception {
    open(kind);
    List<Entry> entries = reveals(audit, 3);
    Entry forged = forge(entries.getLast());

    Verification result = audit.verify();

    assertThat(result.intact()).isFalse();
    assertThat(result.entries()).as("its hash is right: the chain holds").isEqualTo(4);
    assertThat(result.firstBrokenSeq()).isEqualTo(4L);
    assertThat(result.problem())
        .isEqualTo(
            "entry 4 is not signed, though entry 3 before it is: Waypost signs every entry it"
                + " appends once an audit signing key exists, so it was added outside Waypost");
    assertThatThrownBy(audit::checkpoint)
        .as("a checkpoint is not signed over it")
        .hasMessageContaining("entry 4 is not signed");
    assertThat(Files.readAllLines(file())).hasSize(3);

    // Nor does an honest entry appended after it launder it: it chains to the forged one, but the
    // forged one stays unsigned between signed ones.
    reveals(audit, 1);
    assertThat(audit.verify().firstBrokenSeq()).isEqualTo(forged.seq());
    assertThat(audit.verify().problem()).startsWith("entry 4 is not signed");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void anEntryForgedWithASignatureOfItsOwnDoesNotVerify(StoreKind kind) throws Exception {
    open(kind);
    List<Entry> entries = reveals(audit, 3);
    Entry forged = forge(entries.getLast());
    byte[] signature = new byte[69];
    signature[0] = 1;
    sql(
        "INSERT INTO audit_checkpoints (seq, hash, time, signature) VALUES (?, ?, ?, ?)",
        forged.seq(),
        forged.hash(),
        forged.time().toEpochMilli(),
        Base64.getEncoder().encodeToString(signature));

    Verification result = audit.verify();

    assertThat(result.intact()).isFalse();
    assertThat(result.firstBrokenSeq()).isEqualTo(4L);
    assertThat(result.problem()).startsWith("entry 4 carries no valid signature");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aKeyRegisteredWithoutTheMasterKeyIsNotTrusted(StoreKind kind) throws Exception {
    open(kind);
    List<Entry> entries = reveals(audit, 2);
    // An intruder registers a key of their own, under a master key of their own, and signs with it.
    Path theirs = dir.resolve("intruder/master.key");
    MasterKey.createIfMissing(theirs);
    WaypostConfig intruder =
        TestApp.config(
            Map.of(
                "database.url", config.database().url(),
                "database.user", config.database().user(),
                "privacy.keyDir", dir.resolve("intruder/keys").toString(),
                "privacy.masterKeyFile", theirs.toString()));
    AuditLog forger =
        new AuditLog(
            database,
            clock,
            new Checkpoints(
                dir.resolve("intruder/checkpoints"), MasterKey.load(intruder.privacy())));
    database.inTransaction(c -> forger.append(c, "mallory", "operator.create", "mallory", null));

    assertThat(count("audit_signing_keys")).isEqualTo(2);
    Verification result = audit.verify();
    assertThat(result.intact()).isFalse();
    assertThat(result.firstBrokenSeq()).isEqualTo(3L);
    assertThat(result.problem()).startsWith("entry 3 carries no valid signature");
    assertThat(entries).hasSize(2);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void deletingTheDatabaseCheckpointsToPassAForgedEntryOffAsOldIsSeen(StoreKind kind)
      throws Exception {
    open(kind);
    List<Entry> entries = reveals(audit, 3);
    sql("DELETE FROM audit_checkpoints");
    sql("DELETE FROM audit_signing_keys");
    forge(entries.getLast());

    Verification result = audit.verify();

    assertThat(result.intact()).isFalse();
    assertThat(result.firstBrokenSeq()).isEqualTo(4L);
    assertThat(result.problem()).startsWith("entry 4 is not signed");
    assertThatThrownBy(audit::checkpoint).hasMessageContaining("entry 4 is not signed");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aLogFromBeforeV15IsVouchedForByItsFirstCheckpoint(StoreKind kind) throws Exception {
    open(kind);
    List<Entry> entries = reveals(audit, 4);
    // As the previous version left it: no checkpoints in the database, a file whose newest line
    // (without "db") is at entry 3, an entry appended after it.
    sql("DELETE FROM audit_checkpoints");
    sql("DELETE FROM audit_signing_keys");
    List<String> lines = Files.readAllLines(file());
    Files.write(
        file(), lines.subList(0, 3).stream().map(l -> l.replace(",\"db\":true", "")).toList());

    assertThat(audit.verify())
        .isEqualTo(new Verification(true, 4, entries.getLast().hash(), null, null, 3L));

    audit.checkpoint();

    assertThat(count("audit_checkpoints")).isEqualTo(1);
    assertThat(count("audit_signing_keys")).isEqualTo(1);
    assertThat(Files.readAllLines(file())).hasSize(4).last().asString().contains("\"db\":true");
    assertThat(audit.verify())
        .isEqualTo(new Verification(true, 4, entries.getLast().hash(), null, null, 4L));
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void entriesBeforeAnyKeyAreUnsignedAndOnceOneExistsNoneIsWrittenWithout(StoreKind kind)
      throws Exception {
    config = TestApp.config(kind.freshStore(dir));
    database = Database.open(config.database());
    folder = dir.resolve("checkpoints");
    Path masterFile = Path.of(config.privacy().masterKeyFile());
    // the master key is read when needed, as App does: absent at first, then created
    audit =
        new AuditLog(
            database, clock, new Checkpoints(folder, () -> MasterKey.load(config.privacy())));
    List<Entry> before = new ArrayList<>();
    for (String name : List.of("bob", "carol")) {
      clock.advance(Duration.ofMinutes(1));
      before.add(
          database.inTransaction(
              c -> audit.append(c, "local-admin", "operator.create", name, null)));
      audit.checkpointWhenPossible(); // deferred: no master key yet
    }

    assertThat(count("audit_checkpoints")).isZero();
    assertThat(audit.verify())
        .as("no key anywhere: nothing to vouch with yet")
        .isEqualTo(new Verification(true, 2, before.getLast().hash(), null, null, null));

    MasterKey.createIfMissing(masterFile);
    audit.checkpoint(); // the first checkpoint vouches for them
    assertThat(audit.verify().checkpointSeq()).isEqualTo(2L);
    reveals(audit, 1);
    assertThat(count("audit_checkpoints")).isEqualTo(2);

    // A process without the master key may not append unsigned once a key exists.
    AuditLog keyless =
        new AuditLog(
            database,
            clock,
            new Checkpoints(
                dir.resolve("elsewhere"),
                () -> {
                  throw new KeyStoreException("no master key here");
                }));
    assertThatThrownBy(
            () ->
                database.inTransaction(
                    c -> keyless.append(c, "alice", "operator.create", "bob", null)))
        .isInstanceOf(Checkpoints.CheckpointException.class)
        .hasMessageContaining("every entry must be signed")
        .hasMessageContaining("no master key here");
    assertThat(audit.lastSeq()).isEqualTo(3);
    assertThat(audit.verify().intact()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void nodesWithKeysOfTheirOwnVerifyEachOthersEntries(StoreKind kind) throws Exception {
    open(kind);
    AuditLog other = auditIn(dir.resolve("node-b/checkpoints"));
    reveals(audit, 2);
    reveals(other, 2);
    reveals(audit, 1);

    assertThat(count("audit_signing_keys")).isEqualTo(2);
    assertThat(audit.verify())
        .satisfies(v -> assertThat(v.intact()).as(v.problem()).isTrue())
        .satisfies(v -> assertThat(v.checkpointSeq()).isEqualTo(5L));
    assertThat(other.verify().intact()).isTrue();
    assertThat(
            Files.readString(
                dir.resolve("node-b/checkpoints").resolve(Checkpoints.PUBLIC_KEY_FILE),
                StandardCharsets.UTF_8))
        .isNotEqualTo(
            Files.readString(folder.resolve(Checkpoints.PUBLIC_KEY_FILE), StandardCharsets.UTF_8));
  }
}
