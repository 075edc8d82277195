package org.waypost.shipper;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.waypost.db.Database;
import org.waypost.governance.AuditLog;
import org.waypost.governance.Operators;
import org.waypost.keys.PrefixedSecret;
import org.waypost.keys.SecretVerifier;
import org.waypost.keys.SecretVerifier.Stored;
import org.waypost.tracking.Sender;

/**
 * Shipper API keys: {@code wpk_<key id>_<secret>}. The key id finds the row; only a SHA-256 of the
 * 256-bit random secret is stored. A slow hash would add nothing against guessing a 256-bit secret
 * and would cost every API request tens of milliseconds. Keys are checked by a {@link
 * SecretVerifier}, which remembers verified keys for {@link SecretVerifier#CACHE_TTL}: that bounds
 * how long a revoked key keeps working on another node.
 */
public final class ApiKeys {
  /**
   * The shipper account a key belongs to, and the key that was used: its public id, its row (which
   * each scan it sends records) and whether it is a network key.
   */
  public record Shipper(long id, String name, String keyId, long keyRow, boolean network) {
    /** This key as the sender of a batch of scans. */
    public Sender sender() {
      return Sender.key(id, keyRow, network);
    }
  }

  /** A newly created key: shown once, never stored in this form. */
  public record Created(String key, String keyId, Shipper shipper) {}

  private static final String PREFIX = "wpk_";

  private final Database database;
  private final Clock clock;
  private final AuditLog audit;
  private final SecretVerifier<Shipper> verifier = new SecretVerifier<>(PREFIX, this::activeKey);

  public ApiKeys(Database database, Clock clock, AuditLog audit) {
    this.database = database;
    this.clock = clock;
    this.audit = audit;
  }

  /**
   * Creates a shipper's key for the account named {@code shipperName} (see {@link #create(String,
   * boolean)}).
   */
  public Created create(String shipperName) {
    return create(shipperName, false);
  }

  /**
   * Creates a key for the account named {@code shipperName}, creating the account if new: one
   * account per name, so a second key for a name joins its account. A {@code network} key, for the
   * operator's own scanning network, may post scans for any piece; the audit entry says which kind
   * was created.
   */
  public Created create(String shipperName, boolean network) {
    return create(shipperName, network, Operators.LOCAL_ADMIN);
  }

  /** As {@link #create(String, boolean)}, recorded as done by {@code actor} (a console admin). */
  public Created create(String shipperName, boolean network, String actor) {
    String name = shipperName == null ? "" : shipperName.strip();
    if (name.isEmpty() || name.length() > 80) {
      throw new IllegalArgumentException("a shipper name must be 1 to 80 characters");
    }
    PrefixedSecret key = PrefixedSecret.issue(PREFIX);
    String keyId = key.id();
    long now = clock.millis();
    Shipper shipper =
        database.inTransaction(
            c -> {
              long account = findOrCreateShipper(c, name, now);
              long row;
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "INSERT INTO api_keys (key_id, secret_hash, shipper_id, created_at, network)"
                          + " VALUES (?, ?, ?, ?, ?) RETURNING id")) {
                ps.setString(1, keyId);
                ps.setBytes(2, key.secretHash());
                ps.setLong(3, account);
                ps.setLong(4, now);
                ps.setBoolean(5, network);
                try (ResultSet rs = ps.executeQuery()) {
                  rs.next();
                  row = rs.getLong(1);
                }
              }
              audit.append(
                  c,
                  actor,
                  network ? "apikey.create-network" : "apikey.create",
                  "shipper:" + name,
                  Map.of("keyId", keyId, "network", network));
              return new Shipper(account, name, keyId, row, network);
            });
    audit.checkpointWhenPossible();
    return new Created(key.text(), keyId, shipper);
  }

  /** The id of the shipper account named {@code name}, if there is one. */
  public Optional<Long> accountNamed(String name) {
    return database.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT id FROM shippers WHERE name = ?")) {
            ps.setString(1, name == null ? "" : name.strip());
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
          }
        });
  }

  /** Revokes a key by its public id: at once here, within the verifier's cache TTL elsewhere. */
  public void revoke(String keyId) {
    revoke(keyId, Operators.LOCAL_ADMIN);
  }

  /** As {@link #revoke(String)}, recorded as done by {@code actor}. */
  public void revoke(String keyId, String actor) {
    database.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE api_keys SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL")) {
            ps.setLong(1, clock.millis());
            ps.setString(2, keyId);
            if (ps.executeUpdate() == 0) {
              throw new IllegalArgumentException("no active API key with id " + keyId);
            }
          }
          audit.append(c, actor, "apikey.revoke", "apikey:" + keyId, Map.of());
          return null;
        });
    audit.checkpointWhenPossible();
    verifier.forget(keyId);
  }

  /** A key as listed: its public id only (the secret is never kept), and its state. */
  public record Listed(String keyId, boolean network, Instant createdAt, Instant revokedAt) {
    public boolean active() {
      return revokedAt == null;
    }
  }

  /** A shipper account and every key it was ever given, oldest first. */
  public record Account(long id, String name, Instant createdAt, List<Listed> keys) {
    public Account {
      keys = List.copyOf(keys);
    }
  }

  /** Every shipper account with its keys, by name. */
  public List<Account> accounts() {
    return database.read(
        c -> {
          Map<Long, Account> accounts = new LinkedHashMap<>();
          Map<Long, List<Listed>> keys = new LinkedHashMap<>();
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT id, name, created_at FROM shippers ORDER BY name, id");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              long id = rs.getLong(1);
              keys.put(id, new ArrayList<>());
              accounts.put(
                  id,
                  new Account(id, rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)), List.of()));
            }
          }
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT shipper_id, key_id, network, created_at, revoked_at FROM api_keys"
                          + " ORDER BY id");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              long revoked = rs.getLong(5);
              Instant revokedAt = rs.wasNull() ? null : Instant.ofEpochMilli(revoked);
              List<Listed> of = keys.get(rs.getLong(1));
              if (of != null) {
                of.add(
                    new Listed(
                        rs.getString(2),
                        rs.getBoolean(3),
                        Instant.ofEpochMilli(rs.getLong(4)),
                        revokedAt));
              }
            }
          }
          List<Account> out = new ArrayList<>(accounts.size());
          for (Account a : accounts.values()) {
            out.add(new Account(a.id(), a.name(), a.createdAt(), keys.get(a.id())));
          }
          return out;
        });
  }

  /** The id of the account named {@code name}, created if new. */
  private static long findOrCreateShipper(Connection c, String name, long now) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO shippers (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")) {
      ps.setString(1, name);
      ps.setLong(2, now);
      ps.executeUpdate();
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT id FROM shippers WHERE name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** The shipper whose valid, unrevoked key was presented. */
  public Optional<Shipper> authenticate(String presented) {
    return verifier.verify(presented);
  }

  /** The stored hash and shipper of the unrevoked key with this id. */
  private Optional<Stored<Shipper>> activeKey(String keyId) {
    return database.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT k.secret_hash, s.id, s.name, k.id, k.network FROM api_keys k"
                      + " JOIN shippers s ON s.id = k.shipper_id"
                      + " WHERE k.key_id = ? AND k.revoked_at IS NULL")) {
            ps.setString(1, keyId);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next()
                  ? Optional.of(
                      new Stored<>(
                          rs.getBytes(1),
                          new Shipper(
                              rs.getLong(2),
                              rs.getString(3),
                              keyId,
                              rs.getLong(4),
                              rs.getBoolean(5))))
                  : Optional.empty();
            }
          }
        });
  }
}
