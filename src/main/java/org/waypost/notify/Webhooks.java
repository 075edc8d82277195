package org.waypost.notify;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.waypost.db.Database;
import org.waypost.tracking.EventType;

/**
 * A shipper account's webhook endpoints and their delivery log. Every method takes the account:
 * another account's endpoint answers as one that does not exist.
 *
 * <p>The signing secret is shown once, at creation, and kept sealed ({@link SecretSeal}): a hash
 * would not do, since Waypost must sign with it.
 */
public final class Webhooks {
  /** What a shipper gets back once: the secret is never shown again. */
  public record Created(long id, String url, Set<EventType> events, String secret) {}

  /** An endpoint as its owner lists it. {@code events} empty: every scan. */
  public record Endpoint(
      long id, String url, Set<EventType> events, Instant createdAt, Instant disabledAt) {}

  /** One line of an endpoint's delivery log. */
  public record Delivery(
      String id,
      String type,
      String trackingNumber,
      String state,
      int attempts,
      Instant createdAt,
      Instant lastAttemptAt,
      Integer lastStatus,
      String lastError,
      Instant nextAttemptAt,
      Instant deliveredAt) {}

  static final String SECRET_PREFIX = "whsec_";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** At most this many endpoints per account: each scan is written once per endpoint. */
  public static final int MAX_ENDPOINTS = 10;

  private final Database database;
  private final SecretSeal seal;
  private final WebhookTargets targets;
  private final Clock clock;

  public Webhooks(Database database, SecretSeal seal, WebhookTargets targets, Clock clock) {
    this.database = database;
    this.seal = seal;
    this.targets = targets;
    this.clock = clock;
  }

  /**
   * Registers an endpoint for {@code account}.
   *
   * @throws WebhookTargets.Refused when the URL may not be called
   * @throws TooMany when the account has {@link #MAX_ENDPOINTS} already
   */
  public Created create(long account, String url, Set<EventType> events)
      throws WebhookTargets.Refused {
    targets.check(url);
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    String secret = SECRET_PREFIX + HexFormat.of().formatHex(raw);
    long now = clock.millis();
    seal.ready();
    long id =
        database.inTransaction(
            c -> {
              if (count(c, account) >= MAX_ENDPOINTS) {
                throw new TooMany();
              }
              long row;
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "INSERT INTO webhook_endpoints (shipper_id, url, events, secret, created_at)"
                          + " VALUES (?, ?, ?, '', ?)",
                      Statement.RETURN_GENERATED_KEYS)) {
                ps.setLong(1, account);
                ps.setString(2, url);
                ps.setString(3, eventsColumn(events));
                ps.setLong(4, now);
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                  keys.next();
                  row = keys.getLong(1);
                }
              }
              // sealed for its own row, so a sealed secret moved to another row does not open
              try (PreparedStatement ps =
                  c.prepareStatement("UPDATE webhook_endpoints SET secret = ? WHERE id = ?")) {
                ps.setString(1, seal.seal(secret, context(row)));
                ps.setLong(2, row);
                ps.executeUpdate();
              }
              return row;
            });
    return new Created(id, url, events, secret);
  }

  /** Thrown when an account has as many endpoints as it may. */
  public static final class TooMany extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooMany() {
      super(
          "an account may register at most " + MAX_ENDPOINTS + " webhook endpoints",
          null,
          false,
          false);
    }
  }

  private static int count(Connection c, long account) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT COUNT(*) FROM webhook_endpoints WHERE shipper_id = ?")) {
      ps.setLong(1, account);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  static String context(long endpoint) {
    return "webhook-endpoint:" + endpoint;
  }

  /** The endpoint's signing secret, unsealed; for the dispatcher. */
  String secret(long endpoint, String sealed) {
    return seal.open(sealed, context(endpoint));
  }

  public List<Endpoint> list(long account) {
    return database.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT id, url, events, created_at, disabled_at FROM webhook_endpoints"
                      + " WHERE shipper_id = ? ORDER BY id")) {
            ps.setLong(1, account);
            List<Endpoint> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new Endpoint(
                        rs.getLong(1),
                        rs.getString(2),
                        events(rs.getString(3)),
                        Instant.ofEpochMilli(rs.getLong(4)),
                        instant(rs, 5)));
              }
            }
            return out;
          }
        });
  }

  public Optional<Endpoint> find(long account, long id) {
    return list(account).stream().filter(e -> e.id() == id).findFirst();
  }

  /** Deletes the endpoint and its delivery log; false when the account has no such endpoint. */
  public boolean delete(long account, long id) {
    return database.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "DELETE FROM webhook_deliveries WHERE endpoint_id IN"
                      + " (SELECT id FROM webhook_endpoints WHERE id = ? AND shipper_id = ?)")) {
            ps.setLong(1, id);
            ps.setLong(2, account);
            ps.executeUpdate();
          }
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM webhook_endpoints WHERE id = ? AND shipper_id = ?")) {
            ps.setLong(1, id);
            ps.setLong(2, account);
            return ps.executeUpdate() == 1;
          }
        });
  }

  /** The endpoint's newest deliveries, newest first; empty when the account has no such one. */
  public Optional<List<Delivery>> deliveries(long account, long id, int limit) {
    if (find(account, id).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        database.read(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT public_id, type, tracking_number, state, attempts, created_at,"
                          + " last_attempt_at, last_status, last_error, next_attempt_at,"
                          + " delivered_at FROM webhook_deliveries WHERE endpoint_id = ?"
                          + " ORDER BY id DESC LIMIT ?")) {
                ps.setLong(1, id);
                ps.setInt(2, limit);
                List<Delivery> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                  while (rs.next()) {
                    boolean pending = "PENDING".equals(rs.getString(4));
                    int status = rs.getInt(8);
                    Integer lastStatus = rs.wasNull() ? null : status;
                    out.add(
                        new Delivery(
                            rs.getString(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getString(4),
                            rs.getInt(5),
                            Instant.ofEpochMilli(rs.getLong(6)),
                            instant(rs, 7),
                            lastStatus,
                            rs.getString(9),
                            pending ? Instant.ofEpochMilli(rs.getLong(10)) : null,
                            instant(rs, 11)));
                  }
                }
                return out;
              }
            }));
  }

  /**
   * Queues delivery {@code deliveryId} of the endpoint again, now, with the same id and body; false
   * when the account has no such delivery.
   */
  public boolean redeliver(long account, long endpoint, String deliveryId) {
    long now = clock.millis();
    return database.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE webhook_deliveries SET state = 'PENDING', next_attempt_at = ?,"
                      + " delivered_at = NULL WHERE public_id = ? AND endpoint_id = ? AND"
                      + " endpoint_id IN (SELECT id FROM webhook_endpoints WHERE shipper_id = ?)")) {
            ps.setLong(1, now);
            ps.setString(2, deliveryId);
            ps.setLong(3, endpoint);
            ps.setLong(4, account);
            return ps.executeUpdate() == 1;
          }
        });
  }

  /** Queues a test ping to the endpoint; its delivery id, or empty for no such endpoint. */
  public Optional<String> ping(long account, long endpoint) {
    if (find(account, endpoint).isEmpty()) {
      return Optional.empty();
    }
    String id = newDeliveryId();
    long now = clock.millis();
    database.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO webhook_deliveries (public_id, endpoint_id, type, state,"
                      + " next_attempt_at, created_at) VALUES (?, ?, 'ping', 'PENDING', ?, ?)")) {
            ps.setString(1, id);
            ps.setLong(2, endpoint);
            ps.setLong(3, now);
            ps.setLong(4, now);
            return ps.executeUpdate();
          }
        });
    return Optional.of(id);
  }

  static String newDeliveryId() {
    return "whd_" + UUID.randomUUID().toString().replace("-", "");
  }

  static String eventsColumn(Set<EventType> events) {
    return events.stream().map(Enum::name).sorted().collect(Collectors.joining(","));
  }

  static Set<EventType> events(String column) {
    Set<EventType> out = EnumSet.noneOf(EventType.class);
    if (!column.isEmpty()) {
      for (String name : column.split(",")) {
        out.add(EventType.valueOf(name));
      }
    }
    return out;
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(value);
  }
}
