package org.waypost.nodes;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waypost.db.Database;
import org.waypost.keys.KeyLedger;
import org.waypost.keys.KeyStore;
import org.waypost.keys.KeyStoreException;

/**
 * Keeps the nodes that share a database on one key folder. The database records each key file's
 * fingerprint when it is created and when it is destroyed ({@code day_key_files}); the keys stay in
 * the folder, out of database backups and WAL.
 *
 * <ul>
 *   <li>At start ({@link #check}) a folder that lacks a live key the database records, or holds
 *       another file for that day, stops the node with a message naming the folder: a node on its
 *       own folder would seal rows that no other node opens and miss their rows in disclosures.
 *   <li>Every 30 seconds ({@link #applyDestructions}) a key recorded as destroyed is shredded here
 *       too if it is still in this node's folder (a copy, a cache of a network file system), so
 *       that a destroyed day stops being readable on every node within a minute.
 * </ul>
 */
public final class KeyFolderLedger implements KeyLedger {
  private static final Logger log = LoggerFactory.getLogger(KeyFolderLedger.class);

  private record Recorded(String fingerprint, boolean destroyed) {}

  private final Database database;
  private final Clock clock;
  private volatile String folder = "privacy.keyDir";

  public KeyFolderLedger(Database database, Clock clock) {
    this.database = database;
    this.clock = clock;
  }

  @Override
  public void created(String kind, LocalDate day, String fingerprint) {
    String recorded =
        database.inTransaction(
            c -> {
              insert(c, kind, day, fingerprint, clock.millis(), false);
              return recorded(c, kind, day).fingerprint();
            });
    if (!recorded.equals(fingerprint)) {
      throw new KeyStoreException(disagreement(kind, day, "holds another key file than"));
    }
  }

  @Override
  public void destroyed(String kind, LocalDate day, String fingerprint) {
    long now = clock.millis();
    database.inTransaction(
        c -> {
          insert(c, kind, day, fingerprint, now, true);
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE day_key_files SET destroyed_at = ?"
                      + " WHERE kind = ? AND day = ? AND destroyed_at IS NULL")) {
            ps.setLong(1, now);
            ps.setString(2, kind);
            ps.setString(3, day.toString());
            return ps.executeUpdate();
          }
        });
  }

  /**
   * Compares the folder with the database: records what only the folder knows (files made before
   * this record existed, or by a node stopped before it could record them), shreds what the
   * database says is destroyed, and refuses a folder that lacks a live key or holds another.
   *
   * @throws KeyStoreException naming the folder when it disagrees with the database
   */
  public void check(KeyStore keys) {
    folder = keys.folder().toAbsolutePath().toString();
    Map<String, Recorded> recorded = database.read(KeyFolderLedger::all);
    Map<String, KeyStore.Held> here = new HashMap<>();
    for (KeyStore.Held held : keys.held()) {
      here.merge(
          id(held.kind(), held.day()), held, (a, b) -> a.destroyed() ? a : b); // a tombstone wins
    }
    for (var entry : recorded.entrySet()) {
      Recorded r = entry.getValue();
      KeyStore.Held held = here.get(entry.getKey());
      String[] id = entry.getKey().split("/");
      LocalDate day = LocalDate.parse(id[1]);
      if (r.destroyed()) {
        if (held != null && !held.destroyed()) {
          keys.destroy(id[0], day);
          log.info("key destroyed on another node, shredded here too kind={} day={}", id[0], day);
        }
      } else if (held == null) {
        throw new KeyStoreException(disagreement(id[0], day, "lacks"));
      } else if (held.destroyed()) {
        destroyed(id[0], day, r.fingerprint()); // shredded here, the record did not follow
      } else if (!held.fingerprint().equals(r.fingerprint())) {
        throw new KeyStoreException(disagreement(id[0], day, "holds another key file than"));
      }
    }
    for (KeyStore.Held held : here.values()) {
      if (!recorded.containsKey(id(held.kind(), held.day()))) {
        long now = clock.millis();
        database.inTransaction(
            c -> insert(c, held.kind(), held.day(), held.fingerprint(), now, held.destroyed()));
      }
    }
  }

  /**
   * Shreds here every key the database records as destroyed that this folder still holds.
   *
   * @return how many were shredded
   */
  public int applyDestructions(KeyStore keys) {
    List<KeyStore.Held> alive = keys.held().stream().filter(h -> !h.destroyed()).toList();
    if (alive.isEmpty()) {
      return 0;
    }
    Map<String, Recorded> recorded = database.read(KeyFolderLedger::all);
    int shredded = 0;
    for (KeyStore.Held held : alive) {
      Recorded r = recorded.get(id(held.kind(), held.day()));
      if (r != null && r.destroyed() && keys.destroy(held.kind(), held.day())) {
        log.info(
            "key destroyed on another node, shredded here too kind={} day={}",
            held.kind(),
            held.day());
        shredded++;
      }
    }
    return shredded;
  }

  private String disagreement(String kind, LocalDate day, String what) {
    return "the key folder "
        + folder
        + " "
        + what
        + " the "
        + kind
        + " key of "
        + day
        + " that the database records: every node that shares a database must share one"
        + " privacy.keyDir (see docs/scaling.md); not starting";
  }

  private static String id(String kind, LocalDate day) {
    return kind + "/" + day;
  }

  private static int insert(
      Connection c, String kind, LocalDate day, String fingerprint, long now, boolean destroyed)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO day_key_files (kind, day, fingerprint, created_at, destroyed_at)"
                + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, day) DO NOTHING")) {
      ps.setString(1, kind);
      ps.setString(2, day.toString());
      ps.setString(3, fingerprint);
      ps.setLong(4, now);
      ps.setObject(5, destroyed ? now : null);
      return ps.executeUpdate();
    }
  }

  private static Recorded recorded(Connection c, String kind, LocalDate day) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT fingerprint, destroyed_at FROM day_key_files WHERE kind = ? AND day = ?")) {
      ps.setString(1, kind);
      ps.setString(2, day.toString());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new Recorded(rs.getString(1), rs.getObject(2) != null);
      }
    }
  }

  private static Map<String, Recorded> all(Connection c) throws SQLException {
    try (PreparedStatement ps =
            c.prepareStatement("SELECT kind, day, fingerprint, destroyed_at FROM day_key_files");
        ResultSet rs = ps.executeQuery()) {
      Map<String, Recorded> all = new HashMap<>();
      while (rs.next()) {
        all.put(
            id(rs.getString(1), LocalDate.parse(rs.getString(2))),
            new Recorded(rs.getString(3), rs.getObject(4) != null));
      }
      return all;
    }
  }
}
