package org.waypost.governance;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.waypost.governance.AuditLog.Entry;
import org.waypost.governance.AuditLog.Restore;
import org.waypost.governance.AuditLog.Verification;
import org.waypost.governance.CheckpointTable.Signed;
import org.waypost.governance.CheckpointTable.SignedEntry;
import org.waypost.governance.Checkpoints.Checkpoint;
import org.waypost.governance.Checkpoints.CheckpointException;
import org.waypost.governance.SigningKeys.Trust;
import org.waypost.json.Json;

/**
 * Checks the {@link AuditLog}'s hash chain end to end against every signed checkpoint, in the
 * database ({@link CheckpointTable}) and in the checkpoint file ({@link Checkpoints}); signs a new
 * checkpoint only over a chain that holds; and records a restore from a backup.
 *
 * <p>Why apart from {@link AuditLog}: appending is on the path of every audited action and must
 * stay small and obviously right; checking walks the whole log, explains in words what is wrong,
 * and is what an auditor reads to trust the log. {@link AuditLog#verify()} and {@link
 * AuditLog#checkpoint()} hand over to this class, so callers keep one object.
 *
 * <p><b>What is checked</b>, in this order, the first failure being reported:
 *
 * <ol>
 *   <li>the chain: seqs without gaps, each entry's hash, each {@code prev_hash} (a gap is allowed
 *       only just before a signed restore entry that declares it); no unsigned entry after a signed
 *       one, since Waypost signs every entry once a signing key exists;
 *   <li>every checkpoint in the database carries a trusted key's signature ({@link SigningKeys});
 *   <li>the newest line of the checkpoint file carries its folder key's signature;
 *   <li>every checkpoint vouches for an entry the log holds (a checkpoint of another hash at a seq
 *       the log holds: rewritten; of a seq past the log's end: cut off), unless a restore declared
 *       that entry lost;
 *   <li>the log does not go on past the newest checkpoint once entries are signed: Waypost signs
 *       every entry it appends once a signing key exists, so an entry with a correct hash but no
 *       signature was added by someone else;
 *   <li>a signing key exists but no checkpoint does, anywhere: they were removed.
 * </ol>
 *
 * <p>Entries without a signature of their own are fine before the newest checkpoint: the chain ties
 * them to it. Such entries come from before a master key existed, or from versions before the
 * database kept checkpoints (migration V15); a log from before then is accepted with unsigned
 * entries after the file's newest checkpoint until the first checkpoint written since, unless the
 * file says the database held checkpoints ({@code "db":true}).
 */
final class AuditVerifier {
  private static final int PAGE = 1000;

  private final AuditLog log;
  private final Checkpoints checkpoints;
  private final CheckpointTable table;
  private final SigningKeys keys;
  private final Clock clock;

  AuditVerifier(
      AuditLog log, Checkpoints checkpoints, CheckpointTable table, SigningKeys keys, Clock clock) {
    this.log = Objects.requireNonNull(log, "log");
    this.checkpoints = Objects.requireNonNull(checkpoints, "checkpoints");
    this.table = Objects.requireNonNull(table, "table");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Recomputes the whole chain and compares it with every checkpoint; names the first entry that
   * was changed, removed, moved, forged or cut off, or says which checkpoint does not verify.
   * Checkpoints are read before the entries, so they never refer to entries the walk could not see.
   */
  Verification verify() {
    Optional<Checkpoint> file;
    String fileProblem = null;
    try {
      file = checkpoints.latest();
    } catch (CheckpointException e) {
      file = Optional.empty();
      fileProblem = e.getMessage();
    }
    Optional<Signed> newestInDatabase = table.newest();
    Trust trust = keys.trust();
    long fileSeq = file.map(Checkpoint::seq).orElse(-1L);
    Long newest = newest(newestInDatabase, file);
    Walk walk = walk(1, AuditLog.GENESIS, fileSeq, trust);
    if (walk.problem() != null) {
      return walk.broken(walk.lastSeq() + 1, walk.problem(), newest);
    }
    if (fileProblem != null) {
      return walk.broken(null, fileProblem, null);
    }
    Finding traced = traces(walk, trust, newestInDatabase);
    if (traced != null) {
      return walk.broken(traced.firstBroken(), traced.problem(), newest);
    }
    Optional<Checkpoint> live = file.filter(cp -> !walk.lost(cp.seq()));
    if (live.isPresent()) {
      Checkpoint cp = live.get();
      if (!cp.authentic()) {
        return walk.broken(
            null,
            "the newest checkpoint (entry "
                + cp.seq()
                + ", "
                + cp.time()
                + ") does not carry a valid signature of the audit signing key: the checkpoint"
                + " file or the key was altered",
            newest);
      }
      if (walk.lastSeq() < cp.seq()) {
        return walk.broken(
            walk.lastSeq() + 1,
            cut(walk.lastSeq(), cp.seq(), "the checkpoint of " + cp.time()),
            newest);
      }
      if (!cp.hash().equals(walk.watchedHash())) {
        return walk.broken(cp.seq(), rewritten(cp.seq(), "the checkpoint of " + cp.time()), newest);
      }
    }
    if (walk.foreign() != null) {
      return walk.broken(walk.foreign().firstBroken(), walk.foreign().problem(), newest);
    }
    long vouched = Math.max(walk.lastSigned(), live.map(Checkpoint::seq).orElse(0L));
    boolean signing =
        newestInDatabase.isPresent() || file.map(Checkpoint::alsoInDatabase).orElse(false);
    if (walk.lastSeq() > vouched && signing) {
      long first = log.list(vouched, 1).getFirst().seq();
      return walk.broken(first, unvouched(first, walk.lastSeq()), newest);
    }
    if (walk.entries() > 0 && newest == null && !trust.isEmpty()) {
      return walk.broken(
          null,
          "an audit signing key exists, so the entries were checkpointed, but neither the database"
              + " nor the checkpoint file holds a checkpoint any more: they were removed",
          null);
    }
    return walk.intact(vouched > 0 ? Long.valueOf(vouched) : newest);
  }

  /** A problem, and the first entry it concerns (null when it concerns none in particular). */
  private record Finding(Long firstBroken, String problem) {}

  /**
   * What the database's checkpoints say against the log: one whose signature does not verify, one
   * that vouches for an entry the log no longer holds (rewritten), or one past the log's end (cut
   * off); null when none does. Checkpoints of entries a restore declared lost are set aside.
   */
  private Finding traces(Walk walk, Trust trust, Optional<Signed> newestInDatabase) {
    Finding rewrite = null;
    for (Signed orphan : orphans()) {
      if (!trust.verifies(orphan.signature(), orphan.message())) {
        return new Finding(
            null,
            "the checkpoint in the database of entry "
                + orphan.seq()
                + " ("
                + orphan.time()
                + ") does not carry a valid signature of a trusted audit signing key: it was"
                + " forged or altered");
      }
      if (rewrite == null && !walk.lost(orphan.seq()) && orphan.seq() <= walk.lastSeq()) {
        rewrite =
            new Finding(
                orphan.seq(),
                rewritten(orphan.seq(), "the checkpoint in the database of " + orphan.time()));
      }
    }
    if (rewrite != null) {
      return rewrite;
    }
    if (newestInDatabase.isPresent()) {
      Signed cp = newestInDatabase.get();
      if (cp.seq() > walk.lastSeq() && !walk.lost(cp.seq())) {
        return new Finding(
            walk.lastSeq() + 1,
            cut(walk.lastSeq(), cp.seq(), "the checkpoint in the database of " + cp.time()));
      }
    }
    return null;
  }

  /** Every checkpoint in the database that vouches for an entry the log does not hold. */
  private List<Signed> orphans() {
    List<Signed> all = new ArrayList<>();
    while (true) {
      List<Signed> page = table.orphans(all.isEmpty() ? null : all.getLast(), PAGE);
      all.addAll(page);
      if (page.size() < PAGE) {
        return all;
      }
    }
  }

  private static String cut(long last, long vouchedUpTo, String by) {
    long first = last + 1;
    return (first == vouchedUpTo
            ? "entry " + first + " was cut off"
            : "entries " + first + " to " + vouchedUpTo + " were cut off")
        + ": the log ends at entry "
        + last
        + ", but "
        + by
        + " vouches for entries up to "
        + vouchedUpTo
        + " (after restoring a database backup, record it with `waypost audit restored`)";
  }

  private static String rewritten(long seq, String by) {
    return "entry "
        + seq
        + " is not the entry "
        + by
        + " vouches for: the log was rewritten at or before entry "
        + seq;
  }

  private static String unvouched(long first, long last) {
    return (first == last ? "entry " + first + " is" : "entries " + first + " to " + last + " are")
        + " not signed, and no checkpoint vouches for "
        + (first == last ? "it" : "them")
        + ": Waypost signs every entry it appends once an audit signing key exists, so "
        + (first == last ? "it was" : "they were")
        + " added outside Waypost";
  }

  private static Long newest(Optional<Signed> inDatabase, Optional<Checkpoint> file) {
    long newest =
        Math.max(inDatabase.map(Signed::seq).orElse(-1L), file.map(Checkpoint::seq).orElse(-1L));
    return newest < 0 ? null : newest;
  }

  /**
   * Brings both kinds of checkpoint up to the head: signs the head when no checkpoint vouches for
   * it yet (a log from before a master key existed, or from before migration V15), and copies the
   * newest database checkpoint into the file when the file is behind (a write that failed after its
   * action committed). Call it after the transaction that appended commits, and periodically.
   *
   * @throws IllegalStateException when a checkpoint does not verify or no longer matches the log,
   *     or the chain since the newest checkpoint does not hold: nothing is signed over a broken log
   * @throws CheckpointException when the checkpoint folder cannot be read or written
   */
  synchronized void checkpoint() {
    Trust trust = keys.trust();
    Optional<Signed> inDatabase = table.newest();
    Optional<Checkpoint> file = checkpoints.latest();
    List<Restore> restores = authenticRestores(trust);
    Optional<Checkpoint> live = file.filter(cp -> !lost(restores, cp.seq()));
    long from = 1;
    String prevHash = AuditLog.GENESIS;
    if (inDatabase.isPresent()) {
      Signed cp = inDatabase.get();
      if (!trust.verifies(cp.signature(), cp.message())) {
        throw new IllegalStateException(
            "not signing a checkpoint: the newest checkpoint in the database does not carry a"
                + " valid signature (run `waypost audit verify`)");
      }
      requireEntry(cp.seq(), cp.hash(), "the newest checkpoint in the database");
      from = cp.seq() + 1;
      prevHash = cp.hash();
    }
    if (live.isPresent()) {
      Checkpoint cp = live.get();
      if (!cp.authentic()) {
        throw new IllegalStateException(
            "not signing a checkpoint: the newest checkpoint's signature does not verify"
                + " (run `waypost audit verify`)");
      }
      requireEntry(cp.seq(), cp.hash(), "the newest checkpoint");
      if (cp.seq() >= from) {
        from = cp.seq() + 1;
        prevHash = cp.hash();
      }
    }
    Walk walk = walk(from, prevHash, -1, trust);
    if (walk.problem() != null) {
      throw new IllegalStateException(
          "not signing a checkpoint over a broken audit log: " + walk.problem());
    }
    if (walk.foreign() != null) {
      throw new IllegalStateException("not signing a checkpoint: " + walk.foreign().problem());
    }
    long vouched = Math.max(from - 1, walk.lastSigned());
    if (walk.lastSeq() > vouched) {
      if (inDatabase.isPresent()
          || walk.lastSigned() > 0
          || file.map(Checkpoint::alsoInDatabase).orElse(false)) {
        long first = log.list(vouched, 1).getFirst().seq();
        throw new IllegalStateException(
            "not signing a checkpoint: " + unvouched(first, walk.lastSeq()));
      }
      signHead(walk.lastSeq(), walk.lastHash());
      return;
    }
    if (walk.lastSeq() < 1) {
      return; // an empty log: nothing to vouch for
    }
    if (walk.lastSigned() < walk.lastSeq() && inDatabase.map(Signed::seq).orElse(-1L) < vouched) {
      Checkpoint cp = live.orElseThrow(); // the head's only checkpoint is the file's: copy it over
      table.insert(new Signed(cp.seq(), cp.hash(), cp.time(), cp.signature()), keys::register);
    }
    if (live.map(Checkpoint::seq).orElse(-1L) < walk.lastSeq()) {
      checkpoints.append(walk.lastSeq(), walk.lastHash(), clock.instant());
    }
  }

  /** Signs a checkpoint of the head into the database, then into the file. */
  private void signHead(long seq, String hash) {
    Instant time = clock.instant();
    byte[] signature =
        checkpoints.signingKey().sign(Checkpoints.message(seq, hash, time.toEpochMilli()));
    table.insert(
        new Signed(seq, hash, time, Base64.getEncoder().encodeToString(signature)), keys::register);
    checkpoints.append(seq, hash, time);
  }

  private void requireEntry(long seq, String hash, String what) {
    List<Entry> at = log.list(seq - 1, 1);
    if (at.isEmpty()
        || at.getFirst().seq() != seq
        || !at.getFirst().hash().equals(hash)
        || !AuditLog.hash(at.getFirst()).equals(hash)) {
      throw new IllegalStateException(
          "not signing a checkpoint: entry "
              + seq
              + " no longer matches "
              + what
              + " (run `waypost audit verify`; after restoring a database backup, record it with"
              + " `waypost audit restored`)");
    }
  }

  /**
   * Records that the database was restored from a backup: appends, signed, an {@code audit.restore}
   * entry naming the entries lost, which the checkpoints vouch for and the log does not hold: from
   * the one after the newest file checkpoint the log still matches (or the first such database
   * checkpoint, if earlier) up to the newest such checkpoint. It goes at a seq past both the log's
   * head and the lost entries, so that checkpoint seqs only ever grow.
   *
   * @throws IllegalStateException when there is nothing to record, or the log is broken otherwise
   */
  synchronized Restore recordRestore(String actor) {
    Trust trust = keys.trust();
    Optional<Checkpoint> file = checkpoints.latest().filter(Checkpoint::authentic);
    Walk walk = walk(1, AuditLog.GENESIS, file.map(Checkpoint::seq).orElse(-1L), trust);
    String problem =
        walk.problem() != null
            ? walk.problem()
            : walk.foreign() != null ? walk.foreign().problem() : null;
    if (problem != null) {
      throw new IllegalStateException(
          "the audit log is broken in another way, which a restore does not explain: " + problem);
    }
    long lostFrom = Long.MAX_VALUE;
    Signed lastLost = null;
    if (file.isPresent()
        && !walk.lost(file.get().seq())
        && !(walk.lastSeq() >= file.get().seq() && file.get().hash().equals(walk.watchedHash()))) {
      Checkpoint cp = file.get();
      lostFrom = newestHeldInFile(walk.lastSeq()) + 1;
      lastLost = new Signed(cp.seq(), cp.hash(), cp.time(), cp.signature());
    }
    for (Signed orphan : orphans()) {
      if (!walk.lost(orphan.seq()) && trust.verifies(orphan.signature(), orphan.message())) {
        lostFrom = Math.min(lostFrom, orphan.seq());
        if (lastLost == null || orphan.seq() > lastLost.seq()) {
          lastLost = orphan;
        }
      }
    }
    if (lastLost == null) {
      throw new IllegalStateException(
          "nothing to record: the log holds every entry its checkpoints vouch for");
    }
    Map<String, Object> evidence = new LinkedHashMap<>();
    evidence.put("seq", lastLost.seq());
    evidence.put("hash", lastLost.hash());
    evidence.put("time", lastLost.time());
    evidence.put("signature", lastLost.signature());
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("lostFrom", lostFrom);
    details.put("lostTo", lastLost.seq());
    details.put("logEnd", walk.lastSeq());
    details.put("checkpoint", evidence);
    Entry entry =
        log.appendAlone(
            actor,
            AuditLog.RESTORE_ACTION,
            null,
            details,
            Math.max(walk.lastSeq(), lastLost.seq()) + 1);
    return restore(entry).orElseThrow();
  }

  /** The seq of the newest file checkpoint the log still holds, up to {@code last}; 0 for none. */
  private long newestHeldInFile(long last) {
    List<Checkpoint> all = checkpoints.all();
    for (int i = all.size() - 1; i >= 0; i--) {
      Checkpoint cp = all.get(i);
      if (cp.authentic() && cp.seq() <= last && holds(cp.seq(), cp.hash())) {
        return cp.seq();
      }
    }
    return 0;
  }

  private boolean holds(long seq, String hash) {
    List<Entry> at = log.list(seq - 1, 1);
    return !at.isEmpty() && at.getFirst().seq() == seq && at.getFirst().hash().equals(hash);
  }

  /** The restore an {@code audit.restore} entry records; empty when its details are not one. */
  static Optional<Restore> restore(Entry entry) {
    if (!AuditLog.RESTORE_ACTION.equals(entry.action())) {
      return Optional.empty();
    }
    JsonNode details;
    try {
      details = Json.MAPPER.readTree(entry.details());
    } catch (IOException e) {
      return Optional.empty();
    }
    JsonNode from = details.path("lostFrom");
    JsonNode to = details.path("lostTo");
    if (!from.canConvertToExactIntegral() || !to.canConvertToExactIntegral()) {
      return Optional.empty();
    }
    long lostFrom = from.asLong();
    long lostTo = to.asLong();
    if (lostFrom < 1 || lostTo < lostFrom || lostTo >= entry.seq()) {
      return Optional.empty();
    }
    return Optional.of(new Restore(entry.seq(), entry.time(), lostFrom, lostTo));
  }

  /** The restore entries whose own checkpoints carry a trusted signature. */
  private List<Restore> authenticRestores(Trust trust) {
    List<Restore> out = new ArrayList<>();
    for (SignedEntry signed : table.entries(AuditLog.RESTORE_ACTION)) {
      Entry e = signed.entry();
      if (signed.signature() != null
          && AuditLog.hash(e).equals(e.hash())
          && trust.verifies(
              signed.signature(),
              Checkpoints.message(e.seq(), e.hash(), e.time().toEpochMilli()))) {
        restore(e).ifPresent(out::add);
      }
    }
    return out;
  }

  private static boolean lost(List<Restore> restores, long seq) {
    return restores.stream().anyMatch(r -> r.lostFrom() <= seq && seq <= r.lostTo());
  }

  /**
   * How far the chain holds from entry {@code from} on, given entry {@code from - 1}'s hash.
   *
   * @param entries how many entries hold
   * @param lastSeq the last entry that holds ({@code from - 1} when none)
   * @param watchedHash the hash of the entry at the watched seq, if reached
   * @param lastSigned the last entry that holds and carries a trusted signature; 0 when none
   * @param restores the signed restores met on the way
   * @param foreign the first entry without a signature after one with: not written by Waypost,
   *     though the chain holds through it; null when none
   * @param problem why the entry after {@code lastSeq} breaks the chain; null when none does
   */
  private record Walk(
      long entries,
      long lastSeq,
      String lastHash,
      String watchedHash,
      long lastSigned,
      List<Restore> restores,
      Finding foreign,
      String problem) {
    Verification intact(Long checkpointSeq) {
      return new Verification(true, entries, lastHash, null, null, checkpointSeq);
    }

    Verification broken(Long firstBrokenSeq, String problem, Long checkpointSeq) {
      return new Verification(false, entries, lastHash, firstBrokenSeq, problem, checkpointSeq);
    }

    /** Whether a restore met on the way declared entry {@code seq} lost. */
    boolean lost(long seq) {
      return AuditVerifier.lost(restores, seq);
    }
  }

  private Walk walk(long from, String prevHash, long watchSeq, Trust trust) {
    long expected = from;
    long count = 0;
    long lastSeq = from - 1;
    String prev = prevHash;
    String watched = null;
    long lastSigned = 0;
    List<Restore> restores = new ArrayList<>();
    Finding foreign = null;
    while (true) {
      List<SignedEntry> page = table.entries(lastSeq, PAGE);
      for (SignedEntry signed : page) {
        Entry entry = signed.entry();
        boolean authentic =
            signed.signature() != null
                && trust.verifies(
                    signed.signature(),
                    Checkpoints.message(entry.seq(), entry.hash(), entry.time().toEpochMilli()));
        Optional<Restore> restore = authentic ? restore(entry) : Optional.empty();
        String problem = problem(entry, expected, prev, from, restore);
        if (problem == null && signed.signature() != null && !authentic) {
          problem =
              "entry "
                  + entry.seq()
                  + " carries no valid signature of a trusted audit signing key: the entry or"
                  + " its checkpoint in the database was forged";
        }
        if (problem != null) {
          return new Walk(count, lastSeq, prev, watched, lastSigned, restores, foreign, problem);
        }
        if (foreign == null && signed.signature() == null && lastSigned > 0) {
          foreign =
              new Finding(
                  entry.seq(),
                  "entry "
                      + entry.seq()
                      + " is not signed, though entry "
                      + lastSigned
                      + " before it is: Waypost signs every entry it appends once an audit"
                      + " signing key exists, so it was added outside Waypost");
        }
        restore.ifPresent(restores::add);
        if (entry.seq() == watchSeq) {
          watched = entry.hash();
        }
        if (authentic) {
          lastSigned = entry.seq();
        }
        prev = entry.hash();
        lastSeq = entry.seq();
        expected = lastSeq + 1;
        count++;
      }
      if (page.size() < PAGE) {
        return new Walk(count, lastSeq, prev, watched, lastSigned, restores, foreign, null);
      }
    }
  }

  /**
   * Why {@code entry}, read where entry {@code expected} should be, breaks the chain; or null. A
   * signed restore may come later than {@code expected}: after the seqs of the entries it declares
   * lost.
   */
  private static String problem(
      Entry entry, long expected, String prevHash, long from, Optional<Restore> restore) {
    boolean declaredGap =
        restore.isPresent() && entry.seq() == Math.max(expected - 1, restore.get().lostTo()) + 1;
    if (entry.seq() != expected && !declaredGap) {
      String missing =
          entry.seq() == expected + 1
              ? "entry " + expected + " is missing"
              : "entries " + expected + " to " + (entry.seq() - 1) + " are missing";
      return missing
          + (expected == 1
              ? ": the log starts at entry " + entry.seq()
              : ": entry " + (expected - 1) + " is followed by entry " + entry.seq());
    }
    boolean contentHolds = AuditLog.hash(entry).equals(entry.hash());
    boolean linkHolds = entry.prevHash().equals(prevHash);
    if (!contentHolds && !linkHolds) {
      return "entry "
          + expected
          + " was changed or moved: its contents do not match its hash, and it does not follow"
          + " entry "
          + (expected - 1);
    }
    if (!contentHolds) {
      return "entry " + expected + " was changed: its contents no longer match its hash";
    }
    if (!linkHolds) {
      return expected == 1 && from == 1
          ? "entry 1 does not start the chain: its prev_hash is not 64 zeros"
          : "entry "
              + expected
              + " does not follow entry "
              + (expected - 1)
              + " (its prev_hash is not that entry's hash): an entry was removed, rewritten or"
              + " moved";
    }
    return null;
  }
}
