package org.waypost.governance;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.waypost.db.Database;
import org.waypost.governance.AuditLog.Entry;

/**
 * The signed checkpoints kept in the database ({@code audit_checkpoints}), beside the checkpoint
 * file outside it.
 *
 * <p>Why both: the file catches a database whose log was cut (and its rows here with it); these
 * rows catch a log cut while the file was removed or trimmed; neither can be made to agree with a
 * cut without the other. Each entry appended while a signing key exists gets its row in the same
 * transaction, so a row here is also that entry's signature: an entry forged with a correct hash
 * has none, and one forged with a signature does not verify.
 */
final class CheckpointTable {
  /** A signed statement that entry {@code seq} has {@code hash}, as stored. */
  record Signed(long seq, String hash, Instant time, String signature) {
    byte[] message() {
      return Checkpoints.message(seq, hash, time.toEpochMilli());
    }
  }

  /** An entry and the signature of its own checkpoint row; null when it has none. */
  record SignedEntry(Entry entry, String signature) {}

  private static final String COLUMNS = "seq, hash, time, signature";
  private static final String SIGNED_ENTRIES =
      "SELECT a.seq, a.time, a.actor, a.action, a.target, a.details, a.prev_hash, a.hash,"
          + " c.signature FROM audit_log a LEFT JOIN audit_checkpoints c"
          + " ON c.seq = a.seq AND c.hash = a.hash";

  private final Database database;

  CheckpointTable(Database database) {
    this.database = Objects.requireNonNull(database, "database");
  }

  /** Stores {@code signed} inside the transaction on {@code c}; a copy already there is kept. */
  static void insert(Connection c, Signed signed) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO audit_checkpoints ("
                + COLUMNS
                + ") VALUES (?, ?, ?, ?) ON CONFLICT (seq, hash) DO NOTHING")) {
      ps.setLong(1, signed.seq());
      ps.setString(2, signed.hash());
      ps.setLong(3, signed.time().toEpochMilli());
      ps.setString(4, signed.signature());
      ps.executeUpdate();
    }
  }

  /** Something else to do in the transaction that stores a checkpoint. */
  interface Also {
    void run(Connection c) throws SQLException;
  }

  /** Stores {@code signed} in a transaction of its own, with {@code also}. */
  void insert(Signed signed, Also also) {
    database.inTransaction(
        c -> {
          insert(c, signed);
          also.run(c);
          return null;
        });
  }

  /** The checkpoint with the highest seq (the newest of several at that seq); empty for none. */
  Optional<Signed> newest() {
    return database.read(
        c -> {
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT "
                          + COLUMNS
                          + " FROM audit_checkpoints ORDER BY seq DESC, time DESC LIMIT 1");
              ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(signed(rs)) : Optional.<Signed>empty();
          }
        });
  }

  /**
   * Up to {@code limit} checkpoints after {@code after} (null: from the first), by seq and hash,
   * that vouch for an entry the log does not hold (another hash at that seq, or no entry at all):
   * the traces of entries cut off or rewritten.
   */
  List<Signed> orphans(Signed after, int limit) {
    return database.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT c.seq, c.hash, c.time, c.signature FROM audit_checkpoints c"
                      + " WHERE (c.seq > ? OR (c.seq = ? AND c.hash > ?))"
                      + " AND NOT EXISTS (SELECT 1 FROM audit_log a"
                      + " WHERE a.seq = c.seq AND a.hash = c.hash)"
                      + " ORDER BY c.seq, c.hash LIMIT ?")) {
            ps.setLong(1, after == null ? -1 : after.seq());
            ps.setLong(2, after == null ? -1 : after.seq());
            ps.setString(3, after == null ? "" : after.hash());
            ps.setInt(4, limit);
            try (ResultSet rs = ps.executeQuery()) {
              List<Signed> out = new ArrayList<>();
              while (rs.next()) {
                out.add(signed(rs));
              }
              return out;
            }
          }
        });
  }

  /** Up to {@code limit} entries after {@code afterSeq}, oldest first, each with its signature. */
  List<SignedEntry> entries(long afterSeq, int limit) {
    return database.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(SIGNED_ENTRIES + " WHERE a.seq > ? ORDER BY a.seq LIMIT ?")) {
            ps.setLong(1, afterSeq);
            ps.setInt(2, limit);
            return signedEntries(ps);
          }
        });
  }

  /** The entries recording {@code action}, oldest first, each with its signature. */
  List<SignedEntry> entries(String action) {
    return database.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(SIGNED_ENTRIES + " WHERE a.action = ? ORDER BY a.seq")) {
            ps.setString(1, action);
            return signedEntries(ps);
          }
        });
  }

  private static List<SignedEntry> signedEntries(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      List<SignedEntry> out = new ArrayList<>();
      while (rs.next()) {
        out.add(new SignedEntry(AuditLog.entry(rs), rs.getString(9)));
      }
      return out;
    }
  }

  private static Signed signed(ResultSet rs) throws SQLException {
    return new Signed(
        rs.getLong(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)), rs.getString(4));
  }
}
