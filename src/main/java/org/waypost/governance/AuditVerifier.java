package org.waypost.governance;

import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.waypost.governance.AuditLog.Entry;
import org.waypost.governance.AuditLog.Verification;
import org.waypost.governance.Checkpoints.Checkpoint;
import org.waypost.governance.Checkpoints.CheckpointException;

/**
 * Checks the {@link AuditLog}'s hash chain end to end and against the newest {@link Checkpoints
 * checkpoint}, and signs a new checkpoint only over a chain that holds.
 *
 * <p>Why apart from {@link AuditLog}: appending is on the path of every audited action and must
 * stay small and obviously right; checking walks the whole log, explains in words what is wrong,
 * and is what an auditor reads to trust the log. They share only the documented hash ({@link
 * AuditLog#hash(Entry)}) and the listing of entries; {@link AuditLog#verify()} and {@link
 * AuditLog#checkpoint()} hand over to this class, so callers keep one object.
 *
 * <p>Signing checks the chain since the previous checkpoint first, so each checkpoint vouches for
 * all history before it, and {@link #verify()} need compare with the newest only.
 */
final class AuditVerifier {
  private static final int PAGE = 1000;

  private final AuditLog log;
  private final Checkpoints checkpoints;
  private final Clock clock;

  AuditVerifier(AuditLog log, Checkpoints checkpoints, Clock clock) {
    this.log = Objects.requireNonNull(log, "log");
    this.checkpoints = Objects.requireNonNull(checkpoints, "checkpoints");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Recomputes the whole chain and compares it with the newest checkpoint; names the first entry
   * that was changed, removed, moved or cut off, or says that the checkpoint itself does not
   * verify. Entries appended meanwhile are checked too; the checkpoint is read first, so it never
   * refers to entries the walk could not see.
   */
  Verification verify() {
    Optional<Checkpoint> checkpoint;
    String checkpointProblem = null;
    try {
      checkpoint = checkpoints.latest();
    } catch (CheckpointException e) {
      checkpoint = Optional.empty();
      checkpointProblem = e.getMessage();
    }
    Long checkpointSeq = checkpoint.map(Checkpoint::seq).orElse(null);
    Walk walk = walk(1, AuditLog.GENESIS, checkpoint.map(Checkpoint::seq).orElse(-1L));
    if (walk.problem() != null) {
      return walk.broken(walk.lastSeq() + 1, walk.problem(), checkpointSeq);
    }
    if (checkpointProblem != null) {
      return walk.broken(null, checkpointProblem, null);
    }
    if (checkpoint.isEmpty()) {
      return walk.intact(null);
    }
    Checkpoint cp = checkpoint.get();
    if (!cp.authentic()) {
      return walk.broken(
          null,
          "the newest checkpoint (entry "
              + cp.seq()
              + ", "
              + cp.time()
              + ") does not carry a valid signature of the audit signing key: the checkpoint file"
              + " or the key was altered",
          checkpointSeq);
    }
    if (walk.lastSeq() < cp.seq()) {
      long first = walk.lastSeq() + 1;
      String cut =
          first == cp.seq()
              ? "entry " + first + " was cut off"
              : "entries " + first + " to " + cp.seq() + " were cut off";
      return walk.broken(
          first,
          cut
              + ": the log ends at entry "
              + walk.lastSeq()
              + ", but the checkpoint of "
              + cp.time()
              + " vouches for entries up to "
              + cp.seq(),
          checkpointSeq);
    }
    if (!cp.hash().equals(walk.watchedHash())) {
      return walk.broken(
          cp.seq(),
          "entry "
              + cp.seq()
              + " is not the entry the checkpoint of "
              + cp.time()
              + " vouches for: the log was rewritten at or before entry "
              + cp.seq(),
          checkpointSeq);
    }
    return walk.intact(checkpointSeq);
  }

  /**
   * Signs a checkpoint of the current head unless the newest checkpoint has it already. Call it
   * after the transaction that appended commits (and periodically).
   *
   * @throws IllegalStateException when the chain since the newest checkpoint does not hold, or that
   *     checkpoint does not verify: nothing is signed over a broken log
   * @throws CheckpointException when the checkpoint folder cannot be read or written
   */
  synchronized void checkpoint() {
    Optional<Checkpoint> latest = checkpoints.latest();
    long from = 1;
    String prevHash = AuditLog.GENESIS;
    if (latest.isPresent()) {
      Checkpoint cp = latest.get();
      if (!cp.authentic()) {
        throw new IllegalStateException(
            "not signing a checkpoint: the newest checkpoint's signature does not verify"
                + " (run `waypost audit verify`)");
      }
      List<Entry> at = log.list(cp.seq() - 1, 1);
      if (at.isEmpty()
          || at.getFirst().seq() != cp.seq()
          || !at.getFirst().hash().equals(cp.hash())
          || !AuditLog.hash(at.getFirst()).equals(cp.hash())) {
        throw new IllegalStateException(
            "not signing a checkpoint: entry "
                + cp.seq()
                + " no longer matches the newest checkpoint (run `waypost audit verify`)");
      }
      from = cp.seq() + 1;
      prevHash = cp.hash();
    }
    Walk walk = walk(from, prevHash, -1);
    if (walk.problem() != null) {
      throw new IllegalStateException(
          "not signing a checkpoint over a broken audit log: " + walk.problem());
    }
    if (walk.lastSeq() >= from) {
      checkpoints.append(walk.lastSeq(), walk.lastHash(), clock.instant());
    }
  }

  /**
   * How far the chain holds from entry {@code from} on, given entry {@code from - 1}'s hash.
   *
   * @param lastSeq the last entry that holds ({@code from - 1} when none)
   * @param watchedHash the hash of the entry at the watched seq, if reached
   * @param problem why the entry after {@code lastSeq} breaks the chain; null when none does
   */
  private record Walk(
      long entries, long lastSeq, String lastHash, String watchedHash, String problem) {
    Verification intact(Long checkpointSeq) {
      return new Verification(true, entries, lastHash, null, null, checkpointSeq);
    }

    Verification broken(Long firstBrokenSeq, String problem, Long checkpointSeq) {
      return new Verification(false, entries, lastHash, firstBrokenSeq, problem, checkpointSeq);
    }
  }

  private Walk walk(long from, String prevHash, long watchSeq) {
    long expected = from;
    String prev = prevHash;
    String watched = null;
    while (true) {
      List<Entry> page = log.list(expected - 1, PAGE);
      for (Entry entry : page) {
        String problem = problem(entry, expected, prev, from);
        if (problem != null) {
          return new Walk(expected - from, expected - 1, prev, watched, problem);
        }
        if (entry.seq() == watchSeq) {
          watched = entry.hash();
        }
        prev = entry.hash();
        expected++;
      }
      if (page.size() < PAGE) {
        return new Walk(expected - from, expected - 1, prev, watched, null);
      }
    }
  }

  /** Why {@code entry}, read where entry {@code expected} should be, breaks the chain; or null. */
  private static String problem(Entry entry, long expected, String prevHash, long from) {
    if (entry.seq() != expected) {
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
