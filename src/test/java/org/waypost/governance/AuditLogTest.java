package org.waypost.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.waypost.config.PrivacyConfig;
import org.waypost.config.WaypostConfig;
import org.waypost.db.Database;
import org.waypost.governance.AuditLog.Entry;
import org.waypost.governance.AuditLog.Verification;
import org.waypost.keys.MasterKey;
import org.waypost.testing.MutableClock;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;

/**
 * The audit log on SQLite and on a real PostgreSQL: entries that commit and roll back with their
 * action, a gapless chain under concurrent appenders, and verification that names the first entry
 * someone with write access to the database changed, removed, moved or cut off.
 */
class AuditLogTest {
  private static final Instant START = Instant.parse("2026-11-29T12:00:00Z");

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(START);
  private Database database;
  private AuditLog audit;
  private Path folder;
  private WaypostConfig config;

  private void open(StoreKind kind) {
    config = TestApp.config(kind.freshStore(dir));
    database = Database.open(config.database());
    MasterKey.createIfMissing(Path.of(config.privacy().masterKeyFile()));
    folder = Path.of(config.privacy().keyDir()).resolveSibling("checkpoints");
    audit = new AuditLog(database, clock, checkpoints());
  }

  private Checkpoints checkpoints() {
    return new Checkpoints(folder, MasterKey.load(config.privacy()));
  }

  @AfterEach
  void close() {
    if (database != null) {
      database.close();
    }
  }

  /** An IP reveal by alice, one minute after the previous entry. */
  private Entry reveal(int incident) {
    clock.advance(Duration.ofMinutes(1));
    return database.inTransaction(
        c ->
            audit.append(
                c,
                "alice",
                "incident.reveal",
                "incident-" + incident,
                Map.of("reason", "abuse report " + incident)));
  }

  private List<Entry> reveals(int count) {
    List<Entry> entries = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      entries.add(reveal(i));
    }
    return entries;
  }

  private void sql(String statement, Object... parameters) throws Exception {
    try (Connection c = database.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(statement)) {
      for (int i = 0; i < parameters.length; i++) {
        ps.setObject(i + 1, parameters[i]);
      }
      ps.executeUpdate();
    }
  }

  /** Overwrites every column of row {@code seq} but the seq with {@code from}'s values. */
  private void overwrite(long seq, Entry from) throws Exception {
    sql(
        "UPDATE audit_log SET time = ?, actor = ?, action = ?, target = ?, details = ?,"
            + " prev_hash = ?, hash = ? WHERE seq = ?",
        from.time().toEpochMilli(),
        from.actor(),
        from.action(),
        from.target(),
        from.details(),
        from.prevHash(),
        from.hash(),
        seq);
  }

  private List<String> checkpointLines() throws Exception {
    return Files.readAllLines(folder.resolve(Checkpoints.CHECKPOINTS_FILE));
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void entriesAreChainedInOrderAndListedByPage(StoreKind kind) {
    open(kind);
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("to", "2026-11-30");
    nested.put("from", "2026-11-28");
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("scope", nested);
    details.put("numbers", List.of("9400111206206406260787"));
    details.put("approver", null);
    details.put("at", Instant.parse("2026-11-29T12:00:00Z"));

    Entry first = reveal(1);
    clock.advance(Duration.ofSeconds(30));
    Entry second = database.inTransaction(c -> audit.append(c, "bob", "legal.file", null, details));
    Entry third = reveal(3);

    assertThat(List.of(first.seq(), second.seq(), third.seq())).containsExactly(1L, 2L, 3L);
    assertThat(first.prevHash()).isEqualTo(AuditLog.GENESIS).isEqualTo("0".repeat(64));
    assertThat(second.prevHash()).isEqualTo(first.hash());
    assertThat(third.prevHash()).isEqualTo(second.hash());
    assertThat(first.hash()).matches("[0-9a-f]{64}").isNotEqualTo(second.hash());
    assertThat(first.time()).isEqualTo(START.plus(Duration.ofMinutes(1)));
    assertThat(second.time()).isEqualTo(START.plus(Duration.ofSeconds(90)));
    assertThat(second.target()).isNull();
    assertThat(second.details())
        .isEqualTo(
            "{\"approver\":null,\"at\":\"2026-11-29T12:00:00Z\","
                + "\"numbers\":[\"9400111206206406260787\"],"
                + "\"scope\":{\"from\":\"2026-11-28\",\"to\":\"2026-11-30\"}}");

    assertThat(audit.list(0, 2)).containsExactly(first, second);
    assertThat(audit.list(2, 100)).containsExactly(third);
    assertThat(audit.list(3, 100)).isEmpty();
    assertThatThrownBy(() -> audit.list(0, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThat(audit.verify())
        .as("with a master key every entry is signed, a checkpoint of itself, as it is appended")
        .isEqualTo(new Verification(true, 3, third.hash(), null, null, 3L));
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aRolledBackActionLeavesNoEntry(StoreKind kind) {
    open(kind);
    Entry first = reveal(1);

    assertThatThrownBy(
            () ->
                database.inTransaction(
                    c -> {
                      audit.append(c, "alice", "incident.reveal", "incident-2", Map.of());
                      throw new IllegalStateException("the reveal failed");
                    }))
        .hasMessage("the reveal failed");

    assertThat(audit.list(0, 10)).containsExactly(first);
    Entry next = reveal(3);
    assertThat(next.seq()).isEqualTo(2);
    assertThat(next.prevHash()).isEqualTo(first.hash());
    assertThat(audit.verify().intact()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void anEntryCannotBeAppendedOutsideATransaction(StoreKind kind) {
    open(kind);

    assertThatThrownBy(
            () -> database.read(c -> audit.append(c, "alice", "incident.reveal", "x", Map.of())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("inside the transaction");
    assertThatThrownBy(
            () -> database.inTransaction(c -> audit.append(c, " ", "incident.reveal", "x", null)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(audit.list(0, 10)).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void concurrentAppendersMakeOneGaplessChain(StoreKind kind) throws Exception {
    open(kind);
    int threads = 4;
    int each = 25;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String actor = "operator-" + t;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < each; i++) {
                    int n = i;
                    database.inTransaction(
                        c -> audit.append(c, actor, "token.issue", actor, Map.of("n", n)));
                    if (n % 5 == 4) {
                      audit.checkpoint(); // as callers do after their transaction commits
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> future : futures) {
        future.get();
      }
    } finally {
      pool.shutdownNow();
    }

    List<Entry> entries = audit.list(0, 500);
    assertThat(entries).extracting(Entry::seq).containsExactlyElementsOf(seqs(1, 100));
    for (int i = 1; i < entries.size(); i++) {
      assertThat(entries.get(i).prevHash()).isEqualTo(entries.get(i - 1).hash());
    }
    assertThat(entries).filteredOn(e -> e.actor().equals("operator-2")).hasSize(each);
    audit.checkpoint();
    assertThat(audit.verify())
        .isEqualTo(new Verification(true, 100, entries.getLast().hash(), null, null, 100L));
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void anIntactLogVerifiesAgainstItsNewestCheckpoint(StoreKind kind) throws Exception {
    open(kind);
    assertThat(audit.verify())
        .isEqualTo(new Verification(true, 0, AuditLog.GENESIS, null, null, null));
    audit.checkpoint();
    assertThat(folder.resolve(Checkpoints.CHECKPOINTS_FILE)).doesNotExist();

    List<Entry> entries = reveals(5);
    audit.checkpoint();
    audit.checkpoint(); // the head did not change: nothing new to sign

    assertThat(checkpointLines()).hasSize(1);
    assertThat(audit.verify())
        .isEqualTo(new Verification(true, 5, entries.getLast().hash(), null, null, 5L));

    Entry sixth = reveal(6);
    Entry seventh = reveal(7);
    assertThat(audit.verify())
        .as("entries after the file's newest checkpoint are vouched for by their own signatures")
        .isEqualTo(new Verification(true, 7, seventh.hash(), null, null, 7L));
    audit.checkpoint();
    assertThat(checkpointLines()).hasSize(2);
    assertThat(checkpoints().latest())
        .hasValueSatisfying(
            cp -> {
              assertThat(cp.seq()).isEqualTo(7);
              assertThat(cp.hash()).isEqualTo(seventh.hash());
              assertThat(cp.time()).isEqualTo(clock.instant());
              assertThat(cp.authentic()).isTrue();
            });
    assertThat(sixth.seq()).isEqualTo(6);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aChangedEntryIsNamed(StoreKind kind) throws Exception {
    open(kind);
    List<Entry> entries = reveals(5);
    audit.checkpoint();

    sql("UPDATE audit_log SET details = ? WHERE seq = 3", "{\"reason\":\"routine check\"}");

    Verification result = audit.verify();
    assertThat(result.intact()).isFalse();
    assertThat(result.firstBrokenSeq()).isEqualTo(3L);
    assertThat(result.problem()).startsWith("entry 3 was changed");
    assertThat(result.entries()).isEqualTo(2);
    assertThat(result.headHash()).isEqualTo(entries.get(1).hash());

    // Checkpoints vouch for stored hashes, so a later one cannot hide the change.
    reveal(6);
    audit.checkpoint();
    assertThat(audit.verify().checkpointSeq()).isEqualTo(6L);
    assertThat(audit.verify().firstBrokenSeq()).isEqualTo(3L);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aRemovedEntryIsNamed(StoreKind kind) throws Exception {
    open(kind);
    reveals(5);

    sql("DELETE FROM audit_log WHERE seq = 3");

    Verification result = audit.verify();
    assertThat(result.intact()).isFalse();
    assertThat(result.firstBrokenSeq()).isEqualTo(3L);
    assertThat(result.problem()).isEqualTo("entry 3 is missing: entry 2 is followed by entry 4");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void theFirstOfTwoSwappedEntriesIsNamed(StoreKind kind) throws Exception {
    open(kind);
    List<Entry> entries = reveals(5);

    overwrite(2, entries.get(3));
    overwrite(4, entries.get(1));

    Verification result = audit.verify();
    assertThat(result.intact()).isFalse();
    assertThat(result.firstBrokenSeq()).isEqualTo(2L);
    assertThat(result.problem()).startsWith("entry 2 was changed or moved");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aCutOffTailIsCaughtByTheCheckpoint(StoreKind kind) throws Exception {
    open(kind);
    List<Entry> entries = reveals(6);
    audit.checkpoint();

    sql("DELETE FROM audit_log WHERE seq >= 5");
    sql("UPDATE audit_head SET seq = 4, hash = ?", entries.get(3).hash());

    Verification result = audit.verify();
    assertThat(result.intact()).isFalse();
    assertThat(result.checkpointSeq()).isEqualTo(6L);
    assertThat(result.firstBrokenSeq()).isEqualTo(5L);
    assertThat(result.problem())
        .startsWith("entries 5 to 6 were cut off: the log ends at entry 4")
        .contains("vouches for entries up to 6");
    assertThat(result.entries()).isEqualTo(4);

    // Appending on after the cut does not launder it: the database's checkpoint of the old entry 5
    // (and the file's of entry 6) still hold what was there.
    reveal(7);
    reveal(8);
    assertThat(audit.verify().firstBrokenSeq()).isEqualTo(5L);
    assertThat(audit.verify().problem()).contains("rewritten at or before entry 5");
    assertThatThrownBy(audit::checkpoint).isInstanceOf(IllegalStateException.class);
    assertThat(checkpointLines()).hasSize(1);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aLogRewrittenWithFreshHashesIsCaughtByTheCheckpoint(StoreKind kind) throws Exception {
    open(kind);
    List<Entry> entries = reveals(4);
    audit.checkpoint();

    // Someone who knows the (public) encoding rewrites entry 2 and rehashes everything after it.
    String prev = entries.get(0).hash();
    for (Entry e : entries.subList(1, 4)) {
      String details = e.seq() == 2 ? "{\"reason\":\"routine check\"}" : e.details();
      Entry forged =
          new Entry(e.seq(), e.time(), e.actor(), e.action(), e.target(), details, prev, null);
      String hash = AuditLog.hash(forged);
      overwrite(
          e.seq(),
          new Entry(e.seq(), e.time(), e.actor(), e.action(), e.target(), details, prev, hash));
      prev = hash;
    }

    Verification result = audit.verify();
    assertThat(result.intact()).isFalse();
    assertThat(result.entries()).as("the chain itself holds").isEqualTo(4);
    assertThat(result.firstBrokenSeq())
        .as("the database's signed checkpoint of the old entry 2 names the first rewritten one")
        .isEqualTo(2L);
    assertThat(result.problem()).contains("rewritten at or before entry 2");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aForgedCheckpointIsReported(StoreKind kind) throws Exception {
    open(kind);
    List<Entry> entries = reveals(3);
    audit.checkpoint();
    Path file = folder.resolve(Checkpoints.CHECKPOINTS_FILE);
    String line = checkpointLines().getFirst();
    String signature = line.replaceAll(".*\"signature\":\"([^\"]+)\".*", "$1");
    char c = signature.charAt(10);
    String forged = signature.substring(0, 10) + (c == 'A' ? 'B' : 'A') + signature.substring(11);

    Files.writeString(file, line.replace(signature, forged) + "\n");

    Verification result = audit.verify();
    assertThat(result.intact()).isFalse();
    assertThat(result.firstBrokenSeq()).isNull();
    assertThat(result.problem()).contains("does not carry a valid signature");
    assertThat(result.entries()).isEqualTo(3);
    assertThatThrownBy(audit::checkpoint).hasMessageContaining("signature does not verify");

    // A checkpoint moved to an earlier seq (to hide a cut) does not verify either.
    Files.writeString(
        file,
        line.replace("\"seq\":3", "\"seq\":2").replace(entries.get(2).hash(), entries.get(1).hash())
            + "\n");
    assertThat(audit.verify().problem()).contains("does not carry a valid signature");

    Files.writeString(file, "not a checkpoint\n");
    assertThat(audit.verify().problem()).contains("is not a checkpoint");
    assertThat(audit.verify().intact()).isFalse();
  }

  @Test
  void aCheckpointTornByACrashIsSkippedAndClosed() throws Exception {
    open(StoreKind.SQLITE);
    reveals(2);
    audit.checkpoint();
    Path file = folder.resolve(Checkpoints.CHECKPOINTS_FILE);
    Files.writeString(file, "{\"seq\":3,\"hash\":\"ab", StandardOpenOption.APPEND);

    assertThat(checkpoints().latest()).hasValueSatisfying(cp -> assertThat(cp.seq()).isEqualTo(2));
    reveal(3);
    audit.checkpoint();

    assertThat(checkpointLines()).hasSize(3).last().asString().startsWith("{\"seq\":3,");
    assertThat(audit.verify())
        .satisfies(v -> assertThat(v.intact()).isTrue())
        .satisfies(v -> assertThat(v.checkpointSeq()).isEqualTo(3L));
  }

  @Test
  void theSigningKeyIsPrivateAndOpensOnlyUnderItsMasterKey() throws Exception {
    open(StoreKind.SQLITE);
    reveals(1);
    audit.checkpoint();

    assertThat(mode(folder)).isEqualTo("rwx------");
    for (String name :
        List.of(
            Checkpoints.SIGNING_FILE, Checkpoints.PUBLIC_KEY_FILE, Checkpoints.CHECKPOINTS_FILE)) {
      assertThat(mode(folder.resolve(name))).as(name).isEqualTo("rw-------");
    }
    try (var files = Files.list(folder)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder(
              Checkpoints.SIGNING_FILE, Checkpoints.PUBLIC_KEY_FILE, Checkpoints.CHECKPOINTS_FILE);
    }
    String signing = Files.readString(folder.resolve(Checkpoints.SIGNING_FILE));
    assertThat(signing).contains("encryptedKeyset").doesNotContain("keyMaterialType");
    assertThat(
            Files.readString(folder.resolve(Checkpoints.PUBLIC_KEY_FILE), StandardCharsets.UTF_8))
        .contains("ASYMMETRIC_PUBLIC")
        .doesNotContain("ASYMMETRIC_PRIVATE");

    Path otherKey = dir.resolve("other/master.key");
    MasterKey.createIfMissing(otherKey);
    Checkpoints underAnotherKey =
        new Checkpoints(
            folder,
            MasterKey.load(
                new PrivacyConfig(
                    7,
                    dir.resolve("other").toString(),
                    otherKey.toString(),
                    "",
                    true,
                    5,
                    "",
                    730,
                    90)));
    assertThatThrownBy(underAnotherKey::latest)
        .isInstanceOf(Checkpoints.CheckpointException.class)
        .hasMessageContaining("another master key");
  }

  private static List<Long> seqs(long first, long last) {
    return LongStream.rangeClosed(first, last).boxed().toList();
  }

  private static String mode(Path path) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }
}
