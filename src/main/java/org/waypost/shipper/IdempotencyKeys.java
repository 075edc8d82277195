package org.waypost.shipper;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import org.waypost.db.Database;
import org.waypost.error.ProblemException;
import org.waypost.error.ProblemType;
import org.waypost.tracking.Shipment;
import org.waypost.tracking.ShipmentRegistry;

/**
 * {@code Idempotency-Key} on registrations: a retried request gets the first one's answer instead
 * of a second piece. A key is kept for {@link #LIFETIME} per account with a SHA-256 of the request
 * body and the response; the same key with another body is a {@code conflict}.
 *
 * <p>The key is claimed first in the registration's own transaction and its answer written last, so
 * a retry finds both the shipment and the answer, or neither. Two requests racing with one key meet
 * at the table's primary key (account, key): the second waits for the first to commit, finds its
 * row taken, rolls back and replays the first answer. Only a registration that succeeded is
 * remembered: a refused one (a bad field, a number in use) may be retried with the same key.
 */
public final class IdempotencyKeys {
  /** How long a key is remembered; retention deletes it after. */
  public static final Duration LIFETIME = Duration.ofHours(24);

  static final int MAX_LENGTH = 255;

  /** A remembered response: status, the number registered, and the body as sent. */
  public record Answer(int status, String trackingNumber, byte[] body) {}

  /** Raised inside a registration's transaction when another request holds the key. */
  private static final class Taken extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Taken() {
      super("the idempotency key is taken", null, false, false);
    }
  }

  /** A stored key: the request's hash and its answer. */
  private record Remembered(byte[] requestHash, Answer answer) {}

  private final Database database;
  private final Clock clock;

  public IdempotencyKeys(Database database, Clock clock) {
    this.database = database;
    this.clock = clock;
  }

  /**
   * The header's value, checked: absent is null; otherwise 1 to 255 printable ASCII characters, or
   * a {@code validation-failed} problem.
   */
  public static String check(String header) {
    if (header == null) {
      return null;
    }
    if (header.isEmpty() || header.length() > MAX_LENGTH) {
      throw ProblemException.validation("Idempotency-Key must be 1 to 255 characters");
    }
    for (int i = 0; i < header.length(); i++) {
      char ch = header.charAt(i);
      if (ch < 0x20 || ch > 0x7e) {
        throw ProblemException.validation("Idempotency-Key must be printable ASCII (space to ~)");
      }
    }
    return header;
  }

  /**
   * Registers through {@code register} once per {@code key} of {@code account}: the first time,
   * remembering {@code answer} of the new shipment with it; after that, within {@link #LIFETIME},
   * answering the same body with the first answer and any other body with a {@code conflict}.
   */
  public Answer once(
      long account,
      String key,
      byte[] requestBody,
      Function<ShipmentRegistry.Bound, Shipment> register,
      Function<Shipment, Answer> answer) {
    byte[] hash = sha256(requestBody);
    // a racing request that took the key and then failed leaves it free again: try once more
    for (int attempt = 0; attempt < 3; attempt++) {
      Optional<Remembered> earlier = find(account, key);
      if (earlier.isPresent()) {
        return replay(earlier.get(), hash);
      }
      try {
        Shipment shipment =
            register.apply(
                new ShipmentRegistry.Bound() {
                  @Override
                  public void claim(Connection c) throws SQLException {
                    take(c, account, key, hash);
                  }

                  @Override
                  public void record(Connection c, Shipment shipment) throws SQLException {
                    remember(c, account, key, answer.apply(shipment));
                  }
                });
        return answer.apply(shipment); // the same bytes as remembered: the same shipment
      } catch (Taken raced) {
        // another request with this key committed first: answer as it was answered
      }
    }
    throw new ProblemException(
        ProblemType.CONFLICT,
        "Another request with this Idempotency-Key is in progress; retry in a moment.");
  }

  /** Deletes the keys created before {@code cutoff}; returns how many. */
  public int deleteCreatedBefore(Connection c, Instant cutoff) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("DELETE FROM idempotency_keys WHERE created_at < ?")) {
      ps.setLong(1, cutoff.toEpochMilli());
      return ps.executeUpdate();
    }
  }

  private static Answer replay(Remembered earlier, byte[] hash) {
    if (!MessageDigest.isEqual(earlier.requestHash(), hash)) {
      throw new ProblemException(
          ProblemType.CONFLICT,
          "This Idempotency-Key was used in the last 24 hours with a different request body.");
    }
    return earlier.answer();
  }

  private Optional<Remembered> find(long account, String key) {
    long oldest = clock.millis() - LIFETIME.toMillis();
    return database.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT request_hash, status, tracking_number, response FROM idempotency_keys"
                      + " WHERE shipper_id = ? AND idempotency_key = ? AND created_at >= ?")) {
            ps.setLong(1, account);
            ps.setString(2, key);
            ps.setLong(3, oldest);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next()
                  ? Optional.of(
                      new Remembered(
                          rs.getBytes(1),
                          new Answer(rs.getInt(2), rs.getString(3), rs.getBytes(4))))
                  : Optional.empty();
            }
          }
        });
  }

  /**
   * Claims the key for this transaction (an expired row of it goes first), or throws {@link Taken}.
   * On PostgreSQL a racing transaction's uncommitted claim makes this wait for its end.
   */
  private void take(Connection c, long account, String key, byte[] hash) throws SQLException {
    long now = clock.millis();
    try (PreparedStatement ps =
        c.prepareStatement(
            "DELETE FROM idempotency_keys"
                + " WHERE shipper_id = ? AND idempotency_key = ? AND created_at < ?")) {
      ps.setLong(1, account);
      ps.setString(2, key);
      ps.setLong(3, now - LIFETIME.toMillis());
      ps.executeUpdate();
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO idempotency_keys (shipper_id, idempotency_key, request_hash, status,"
                + " tracking_number, response, created_at) VALUES (?, ?, ?, 0, '', ?, ?)"
                + " ON CONFLICT (shipper_id, idempotency_key) DO NOTHING")) {
      ps.setLong(1, account);
      ps.setString(2, key);
      ps.setBytes(3, hash);
      ps.setBytes(4, new byte[0]);
      ps.setLong(5, now);
      if (ps.executeUpdate() == 0) {
        throw new Taken();
      }
    }
  }

  private static void remember(Connection c, long account, String key, Answer answer)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE idempotency_keys SET status = ?, tracking_number = ?, response = ?"
                + " WHERE shipper_id = ? AND idempotency_key = ?")) {
      ps.setInt(1, answer.status());
      ps.setString(2, answer.trackingNumber());
      ps.setBytes(3, answer.body());
      ps.setLong(4, account);
      ps.setString(5, key);
      ps.executeUpdate();
    }
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
