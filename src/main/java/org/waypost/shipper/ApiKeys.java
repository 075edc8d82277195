package org.waypost.shipper;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.waypost.db.Database;
import org.waypost.governance.AuditLog;
import org.waypost.governance.Operators;
import org.waypost.keys.PrefixedSecret;

/**
 * Shipper API keys: {@code wpk_<key id>_<secret>}. The key id finds the row; only a SHA-256 of the
 * 256-bit random secret is stored. A slow hash would add nothing against guessing a 256-bit secret
 * and would cost every API request tens of milliseconds. Verified keys are remembered for {@link
 * #CACHE_TTL}, which bounds how long a revoked key keeps working on a node.
 */
public final class ApiKeys {
  /** The shipper a key belongs to, and the (public) id of the key that was used. */
  public record Shipper(long id, String name, String keyId) {}

  /** A newly created key: shown once, never stored in this form. */
  public record Created(String key, String keyId, Shipper shipper) {}

  static final Duration CACHE_TTL = Duration.ofSeconds(30);
  private static final String PREFIX = "wpk_";

  private final Database database;
  private final Clock clock;
  private final AuditLog audit;
  private final Cache<String, Shipper> verified =
      Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(CACHE_TTL).build();

  public ApiKeys(Database database, Clock clock, AuditLog audit) {
    this.database = database;
    this.clock = clock;
    this.audit = audit;
  }

  /** Creates a key for the shipper named {@code shipperName}, creating the shipper if new. */
  public Created create(String shipperName) {
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
              Shipper owner = findOrCreateShipper(c, name, now);
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "INSERT INTO api_keys (key_id, secret_hash, shipper_id, created_at)"
                          + " VALUES (?, ?, ?, ?)")) {
                ps.setString(1, keyId);
                ps.setBytes(2, key.secretHash());
                ps.setLong(3, owner.id());
                ps.setLong(4, now);
                ps.executeUpdate();
              }
              audit.append(
                  c,
                  Operators.LOCAL_ADMIN,
                  "apikey.create",
                  "shipper:" + name,
                  Map.of("keyId", keyId));
              return owner;
            });
    audit.checkpointWhenPossible();
    return new Created(key.text(), keyId, new Shipper(shipper.id(), shipper.name(), keyId));
  }

  /** Revokes a key by its public id; within {@link #CACHE_TTL} on every node. */
  public void revoke(String keyId) {
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
          audit.append(c, Operators.LOCAL_ADMIN, "apikey.revoke", "apikey:" + keyId, Map.of());
          return null;
        });
    audit.checkpointWhenPossible();
    String revoked = PrefixedSecret.idPrefix(PREFIX, keyId);
    verified.asMap().keySet().removeIf(key -> key.startsWith(revoked));
  }

  private static Shipper findOrCreateShipper(Connection c, String name, long now)
      throws SQLException {
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
        return new Shipper(rs.getLong(1), name, null);
      }
    }
  }

  /** The shipper whose valid, unrevoked key was presented. */
  public Optional<Shipper> authenticate(String presented) {
    Optional<PrefixedSecret> parsed = PrefixedSecret.parse(PREFIX, presented);
    if (parsed.isEmpty()) {
      return Optional.empty();
    }
    Shipper cached = verified.getIfPresent(presented);
    if (cached != null) {
      return Optional.of(cached);
    }
    PrefixedSecret key = parsed.get();
    String keyId = key.id();
    Optional<Shipper> shipper =
        database.read(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT k.secret_hash, s.id, s.name FROM api_keys k"
                          + " JOIN shippers s ON s.id = k.shipper_id"
                          + " WHERE k.key_id = ? AND k.revoked_at IS NULL")) {
                ps.setString(1, keyId);
                try (ResultSet rs = ps.executeQuery()) {
                  if (rs.next() && key.matches(rs.getBytes(1))) {
                    return Optional.of(new Shipper(rs.getLong(2), rs.getString(3), keyId));
                  }
                  return Optional.empty();
                }
              }
            });
    shipper.ifPresent(s -> verified.put(presented, s));
    return shipper;
  }
}
