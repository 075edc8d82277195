package org.waypost.governance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waypost.db.Database;
import org.waypost.db.DatabaseException;
import org.waypost.governance.Checkpoints.CheckpointException;
import org.waypost.json.Json;
import org.waypost.keys.KeyStoreException;

/**
 * The audit log (guarantee 6): every access to visitor data and every change to who may access it
 * is appended here, hash-chained, and the chain can be checked end to end.
 *
 * <p>Each entry is appended inside the transaction of the action it records, so the record and the
 * action commit or roll back together: no action without its entry, no entry for an action that did
 * not happen. Appenders lock the one-row {@code audit_head} ({@code FOR UPDATE} on PostgreSQL;
 * SQLite's write transactions are serialized already), so entries get gapless seqs, each chained to
 * the last committed one, and commit in seq order.
 *
 * <p><b>The hash, exactly</b>, so that anyone can recompute the chain from the rows (or from {@code
 * GET /api/v1/admin/audit}, taking the epoch milliseconds of {@code time}): {@code hash} is the
 * lowercase hex SHA-256 of the UTF-8 bytes of the JSON array
 *
 * <pre>[seq, time, actor, action, target, details, prev_hash]</pre>
 *
 * written without whitespace. {@code seq} and {@code time} (epoch milliseconds) are JSON integers;
 * {@code actor}, {@code action} and {@code prev_hash} are strings; {@code target} is a string or
 * {@code null}; {@code details} is the stored details text as a JSON <em>string</em> (not nested),
 * so a verifier never re-canonicalizes it. Strings are escaped as Jackson's default writer does,
 * which is RFC 8259's minimum: {@code "} and {@code \} with a backslash; U+0008, U+0009, U+000A,
 * U+000C, U+000D as {@code \b \t \n \f \r}; the other characters below U+0020 as {@code \}{@code
 * u00XX} with upper-case hex; everything else, non-ASCII and {@code /} included, as itself in
 * UTF-8. {@code prev_hash} is the previous entry's hash; entry 0 is implicit, so entry 1's is 64
 * zeros. For example, entry 1:
 *
 * <pre>[1,1795953600000,"alice","operator.create","bob","{\"roles\":[\"admin\"]}","000…000"]</pre>
 *
 * <p>In Java: {@code sha256(new ObjectMapper().writeValueAsBytes(Arrays.asList(seq, time, actor,
 * action, target, details, prevHash)))}.
 *
 * <p>{@code details} is canonical JSON so that the same facts always give the same text: the map as
 * Waypost's JSON mapper writes it, with the keys of every object sorted (by UTF-16 code units) and
 * no whitespace.
 *
 * <p>The chain shows an entry changed, removed or moved; it cannot show a cut-off tail, nor a log
 * rewritten with recomputed hashes, nor an entry appended with a correct hash. Signed checkpoints
 * cover those, in two places that each catch a cut of the other: every entry appended while a
 * signing key exists is signed, in its own transaction, into the database's {@code
 * audit_checkpoints} ({@link CheckpointTable}); after the commit the head is signed into the
 * checkpoint file outside the database ({@link Checkpoints}). Checking the chain against both,
 * signing checkpoints and recording a restore from a backup is {@link AuditVerifier}'s work; {@link
 * #verify()}, {@link #checkpoint()} and {@link #recordRestore} hand over to it.
 *
 * <p>Long (about 550 lines) mostly because of this comment and the hash's exact definition, which
 * an outside verifier needs in one place.
 */
public final class AuditLog {
  /** One recorded action. {@code details} is canonical JSON text. */
  public record Entry(
      long seq,
      Instant time,
      String actor,
      String action,
      String target,
      String details,
      String prevHash,
      String hash) {}

  /**
   * The result of checking the whole log.
   *
   * @param entries how many entries were checked and found intact (all of them when intact)
   * @param headHash the hash of the last intact entry (64 zeros for none)
   * @param firstBrokenSeq the first entry changed, missing, out of place or cut off; null when
   *     intact, or when only the checkpoint is wrong
   * @param problem what is wrong, for a person; null when intact
   * @param checkpointSeq the seq of the newest checkpoint compared with; null when there is none
   */
  public record Verification(
      boolean intact,
      long entries,
      String headHash,
      Long firstBrokenSeq,
      String problem,
      Long checkpointSeq) {}

  /**
   * A restore of the database from a backup, recorded with {@code waypost audit restored}: the
   * entries {@code lostFrom} to {@code lostTo} of the log before it were lost with the restore.
   *
   * @param seq the seq of the entry that records it
   * @param time when it was recorded
   */
  public record Restore(long seq, Instant time, long lostFrom, long lostTo) {}

  /**
   * The newest signed checkpoint in the database, for publication: anyone holding a copy can later
   * show that the log reached entry {@code seq} with {@code hash}.
   *
   * @param signature base64 of the Ed25519 signature (Tink, with its 5-byte key-id prefix) of
   *     {@code ["waypost-audit-checkpoint",seq,"hash",time]}, {@code time} in epoch milliseconds
   * @param keyId the id of the key that signed it (as in the signature's prefix); null when that
   *     key is not registered
   * @param publicKey that key's public keyset as Tink's cleartext JSON; null when not registered
   */
  public record PublishedCheckpoint(
      long seq, String hash, Instant time, String signature, Long keyId, String publicKey) {}

  /** The action of the entry that records a restore. */
  public static final String RESTORE_ACTION = "audit.restore";

  /** The {@code prev_hash} of entry 1: the hash of the implicit entry 0. */
  public static final String GENESIS = "0".repeat(64);

  static final int MAX_ACTION_LENGTH = 64;
  private static final ObjectMapper CANONICAL =
      Json.MAPPER.copy().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
  private static final String COLUMNS =
      "seq, time, actor, action, target, details, prev_hash, hash";

  private static final Logger log = LoggerFactory.getLogger(AuditLog.class);

  private final Database database;
  private final Clock clock;
  private final AuditSigningKey signingKey;
  private final SigningKeys keys;
  private final CheckpointTable table;
  private final AuditVerifier verifier;

  public AuditLog(Database db, Clock clock, Checkpoints checkpoints) {
    this.database = Objects.requireNonNull(db, "db");
    this.clock = Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(checkpoints, "checkpoints");
    this.signingKey = checkpoints.signingKey();
    this.keys = new SigningKeys(db, signingKey, checkpoints.masterKey(), clock);
    this.table = new CheckpointTable(db);
    this.verifier = new AuditVerifier(this, checkpoints, table, keys, clock);
  }

  /**
   * Appends an entry inside the caller's transaction on {@code c}, with its signed checkpoint in
   * {@code audit_checkpoints} when a master key is available; it commits or rolls back with the
   * action it records. Other appenders wait for that transaction to end.
   *
   * @param target what the action was done to (an operator name, a request id); may be null
   * @param details facts about the action; stored as canonical JSON; null for none
   * @throws IllegalStateException when {@code c} is not inside a transaction
   * @throws CheckpointException when the entry must be signed and cannot be: nothing is written
   */
  public Entry append(
      Connection c, String actor, String action, String target, Map<String, ?> details) {
    return append(c, actor, action, target, details, 0);
  }

  /**
   * {@link #append}, at seq {@code atLeast} when that is past the head: for the entry that records
   * a restore, which goes after the seqs of the entries it declares lost.
   */
  Entry append(
      Connection c,
      String actor,
      String action,
      String target,
      Map<String, ?> details,
      long atLeast) {
    requireText(actor, "actor");
    requireText(action, "action");
    if (action.length() > MAX_ACTION_LENGTH) {
      throw new IllegalArgumentException(
          "an audit action name is at most " + MAX_ACTION_LENGTH + " characters");
    }
    String canonicalDetails = canonical(details);
    try {
      if (c.getAutoCommit()) {
        throw new IllegalStateException(
            "append audit entries inside the transaction of the action they record");
      }
      long headSeq;
      String headHash;
      try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT seq, hash FROM audit_head WHERE id = 1"
                      + database.dialect().forUpdate());
          ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException(
              "the audit_head row is missing: the database was altered");
        }
        headSeq = rs.getLong(1);
        headHash = rs.getString(2);
      }
      long seq = Math.max(headSeq + 1, atLeast);
      long time = clock.millis();
      String hash = hash(seq, time, actor, action, target, canonicalDetails, headHash);
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO audit_log (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setLong(1, seq);
        ps.setLong(2, time);
        ps.setString(3, actor);
        ps.setString(4, action);
        ps.setString(5, target);
        ps.setString(6, canonicalDetails);
        ps.setString(7, headHash);
        ps.setString(8, hash);
        ps.executeUpdate();
      }
      try (PreparedStatement ps =
          c.prepareStatement("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1")) {
        ps.setLong(1, seq);
        ps.setString(2, hash);
        ps.executeUpdate();
      }
      sign(c, seq, hash, time);
      return new Entry(
          seq, Instant.ofEpochMilli(time), actor, action, target, canonicalDetails, headHash, hash);
    } catch (SQLException e) {
      throw new DatabaseException("cannot append to the audit log", e);
    }
  }

  /** {@link #append(Connection, String, String, String, Map, long)} in a transaction of its own. */
  Entry appendAlone(
      String actor, String action, String target, Map<String, ?> details, long atLeast) {
    return database.inTransaction(c -> append(c, actor, action, target, details, atLeast));
  }

  /**
   * Signs the new entry's checkpoint into {@code audit_checkpoints}, in its transaction. Without a
   * master key the entry stays unsigned only while no signing key exists anywhere (commands run
   * before {@code keys init}; the first checkpoint vouches for them); once one exists, an entry
   * that cannot be signed is not written, and neither is the action it records.
   */
  private void sign(Connection c, long seq, String hash, long time) throws SQLException {
    byte[] signature;
    try {
      signature = signingKey.sign(Checkpoints.message(seq, hash, time));
    } catch (KeyStoreException e) {
      if (keys.anyExists(c)) {
        throw new CheckpointException(
            "cannot sign audit entry "
                + seq
                + ", and an audit signing key exists, so every entry must be signed: "
                + e.getMessage(),
            e);
      }
      return;
    }
    CheckpointTable.insert(
        c,
        new CheckpointTable.Signed(
            seq, hash, Instant.ofEpochMilli(time), Base64.getEncoder().encodeToString(signature)));
    keys.register(c);
  }

  /** Up to {@code limit} entries with seq greater than {@code afterSeq}, oldest first. */
  public List<Entry> list(long afterSeq, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
    return database.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT " + COLUMNS + " FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?")) {
            ps.setLong(1, afterSeq);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
              List<Entry> entries = new ArrayList<>();
              while (rs.next()) {
                entries.add(entry(rs));
              }
              return entries;
            }
          }
        });
  }

  /** The entry at the current row of {@code rs}, selected as {@link #COLUMNS}. */
  static Entry entry(ResultSet rs) throws SQLException {
    return new Entry(
        rs.getLong(1),
        Instant.ofEpochMilli(rs.getLong(2)),
        rs.getString(3),
        rs.getString(4),
        rs.getString(5),
        rs.getString(6),
        rs.getString(7),
        rs.getString(8));
  }

  /**
   * Recomputes the whole chain and compares it with the newest checkpoint; see {@link
   * AuditVerifier#verify()}.
   */
  public Verification verify() {
    return verifier.verify();
  }

  /**
   * Signs a checkpoint when the master key is available; otherwise leaves it to the next one (a
   * command run before {@code keys init}, say). A broken chain is never signed either way. Never
   * throws for a checkpoint problem: callers run it after their action committed, and a checkpoint
   * folder that cannot be written must not turn that action into a failure; the error is logged and
   * the scheduled checkpoint task tries again.
   *
   * @return whether the newest entry is now under a checkpoint (false: deferred or failed)
   */
  public boolean checkpointWhenPossible() {
    try {
      checkpoint();
      return true;
    } catch (KeyStoreException e) {
      log.info("audit checkpoint deferred: no master key yet");
    } catch (IllegalStateException e) {
      log.error("audit checkpoint refused: {}", e.getMessage());
    } catch (CheckpointException | DatabaseException e) {
      log.error(
          "audit checkpoint failed, left to the scheduled checkpoint task: {}", e.getMessage());
    }
    return false;
  }

  /** The seq of the newest entry; 0 when the log is empty. */
  public long lastSeq() {
    return database.read(
        c -> {
          try (PreparedStatement ps =
                  c.prepareStatement("SELECT COALESCE(MAX(seq), 0) FROM audit_log");
              ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
          }
        });
  }

  /** The newest entry recording {@code action}, if any. */
  public Optional<Entry> latest(String action) {
    return database.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + COLUMNS
                      + " FROM audit_log WHERE action = ? ORDER BY seq DESC LIMIT 1")) {
            ps.setString(1, action);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(entry(rs)) : Optional.<Entry>empty();
            }
          }
        });
  }

  /**
   * The restores recorded in the log, oldest first. Whether each entry is authentic is {@link
   * #verify()}'s to say; this only reads them, for the transparency report.
   */
  public List<Restore> restores() {
    List<Restore> restores = new ArrayList<>();
    for (CheckpointTable.SignedEntry signed : table.entries(RESTORE_ACTION)) {
      AuditVerifier.restore(signed.entry()).ifPresent(restores::add);
    }
    return restores;
  }

  /**
   * The newest checkpoint in the database, with the public key that signed it when that key is
   * registered; empty before the first. Published as read: outsiders check the signature.
   */
  public Optional<PublishedCheckpoint> latestCheckpoint() {
    return table
        .newest()
        .map(
            cp -> {
              Optional<SigningKeys.Key> key = keys.published(cp.signature());
              return new PublishedCheckpoint(
                  cp.seq(),
                  cp.hash(),
                  cp.time(),
                  cp.signature(),
                  key.map(SigningKeys.Key::id).orElse(null),
                  key.map(SigningKeys.Key::publicKeyset).orElse(null));
            });
  }

  /**
   * Signs {@code message} with the audit signing key, the key whose public half the transparency
   * report publishes beside its latest checkpoint; base64, with Tink's key-id prefix. For what the
   * operator states publicly (transparency statements), so that a copy can be checked offline.
   *
   * @throws CheckpointException when there is no master key to open the signing key with
   */
  public String sign(byte[] message) {
    return java.util.Base64.getEncoder().encodeToString(signingKey.sign(message));
  }

  /**
   * Records, signed, that the database was restored from a backup: the entries after the newest
   * checkpoint the restored log still matches, up to the newest checkpoint in the checkpoint file,
   * were lost. After it {@link #verify()} passes again, and reports the restore. See {@link
   * AuditVerifier#recordRestore(String)}.
   *
   * @throws IllegalStateException when there is nothing to record (the log reaches the newest
   *     checkpoint) or the log is broken in some other way, which a restore does not explain
   */
  public Restore recordRestore(String actor) {
    Restore restore = verifier.recordRestore(actor);
    checkpointWhenPossible();
    return restore;
  }

  /**
   * Signs a checkpoint of the current head unless the newest checkpoint has it already; see {@link
   * AuditVerifier#checkpoint()}. Call it after the transaction that appended commits (and
   * periodically).
   *
   * @throws IllegalStateException when the chain since the newest checkpoint does not hold, or that
   *     checkpoint does not verify: nothing is signed over a broken log
   * @throws CheckpointException when the checkpoint folder cannot be read or written
   */
  public void checkpoint() {
    verifier.checkpoint();
  }

  static String hash(Entry e) {
    return hash(
        e.seq(),
        e.time().toEpochMilli(),
        e.actor(),
        e.action(),
        e.target(),
        e.details(),
        e.prevHash());
  }

  /** The documented encoding: SHA-256 of {@code [seq,time,actor,action,target,details,prev]}. */
  static String hash(
      long seq,
      long time,
      String actor,
      String action,
      String target,
      String details,
      String prevHash) {
    try {
      byte[] encoded =
          CANONICAL.writeValueAsBytes(
              Arrays.<Object>asList(seq, time, actor, action, target, details, prevHash));
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(encoded));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode an audit entry", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /**
   * {@code details} as canonical JSON: keys sorted at every level, no whitespace; the text {@link
   * #append} stores, so a caller can compare facts with a recorded entry's details.
   */
  public static String canonical(Map<String, ?> details) {
    if (details == null) {
      return "{}";
    }
    try {
      // Through a tree to plain maps and lists, so records and beans nested inside get sorted too.
      Object plain = CANONICAL.treeToValue(CANONICAL.valueToTree(details), Object.class);
      return new String(CANONICAL.writeValueAsBytes(plain), StandardCharsets.UTF_8);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new IllegalArgumentException("audit details must be expressible as JSON", e);
    }
  }

  /**
   * Which entries to read; a null field matches every entry.
   *
   * @param actor entries by exactly this operator
   * @param action entries of this action, or of every action in its family when it names one
   *     without its dot ({@code legal} for {@code legal.file}, {@code legal.approve}, …)
   * @param from entries at or after this instant
   * @param until entries before this instant
   */
  public record Filter(String actor, String action, Instant from, Instant until) {
    public static final Filter ALL = new Filter(null, null, null, null);
  }

  /**
   * Up to {@code limit} entries that match {@code filter} with a seq below {@code beforeSeq},
   * newest first: one page of a filtered view, the next page starting below the last seq read.
   */
  public List<Entry> find(Filter filter, long beforeSeq, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM audit_log WHERE seq < ?");
    List<Object> values = new ArrayList<>();
    values.add(beforeSeq);
    if (filter.actor() != null) {
      sql.append(" AND actor = ?");
      values.add(filter.actor());
    }
    if (filter.action() != null) {
      String family = filter.action() + ".";
      sql.append(" AND (action = ? OR SUBSTR(action, 1, ?) = ?)");
      values.add(filter.action());
      values.add(family.length());
      values.add(family);
    }
    if (filter.from() != null) {
      sql.append(" AND time >= ?");
      values.add(filter.from().toEpochMilli());
    }
    if (filter.until() != null) {
      sql.append(" AND time < ?");
      values.add(filter.until().toEpochMilli());
    }
    sql.append(" ORDER BY seq DESC LIMIT ?");
    values.add(limit);
    return database.read(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < values.size(); i++) {
              ps.setObject(i + 1, values.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
              List<Entry> entries = new ArrayList<>();
              while (rs.next()) {
                entries.add(entry(rs));
              }
              return entries;
            }
          }
        });
  }

  private static void requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("an audit entry needs a " + name);
    }
  }
}
