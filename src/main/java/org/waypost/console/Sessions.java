package org.waypost.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import org.waypost.db.Database;
import org.waypost.governance.Operator;
import org.waypost.governance.Role;

/**
 * Operator console login sessions, server-side and in the database, so that any node can serve any
 * request and logging out (or disabling the operator) ends the session everywhere at once.
 *
 * <p>A session id is 32 random bytes, handed out once as the cookie value (43 URL-safe characters)
 * and stored only as its SHA-256: a copy of the table lets no one in. A slow hash would add nothing
 * against guessing 256 bits. Each session carries its own CSRF synchronizer token.
 *
 * <p>A session ends {@link #IDLE} after its last use, {@link #ABSOLUTE} after it began, when it is
 * destroyed, or when its operator is disabled; roles are read afresh on every request, so a change
 * of roles applies at once. Ended sessions are deleted when found and by {@link #purgeExpired()}.
 */
public final class Sessions {
  /** A session as a request sees it: who is logged in, and the token its forms must carry. */
  public record Session(Operator operator, String csrfToken) {
    public Session {
      Objects.requireNonNull(operator, "operator");
      Objects.requireNonNull(csrfToken, "csrfToken");
    }

    /** Whether {@code presented} is this session's CSRF token; takes the same time either way. */
    public boolean csrfMatches(String presented) {
      return Sessions.constantTimeEquals(csrfToken, presented);
    }
  }

  /** A new session: the cookie value (shown only now) and its CSRF token. */
  public record Issued(String cookieValue, String csrfToken) {}

  public static final Duration IDLE = Duration.ofMinutes(30);
  public static final Duration ABSOLUTE = Duration.ofHours(8);

  private static final int ID_BYTES = 32;
  private static final int ID_LENGTH = 43; // 32 bytes in unpadded base64url
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Database database;
  private final Clock clock;

  public Sessions(Database database, Clock clock) {
    this.database = Objects.requireNonNull(database, "database");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Starts a session for {@code operator}, and deletes sessions that have ended meanwhile. */
  public Issued create(Operator operator) {
    String id = randomToken();
    String csrf = randomToken();
    long now = clock.millis();
    database.inTransaction(
        c -> {
          deleteEnded(c, now);
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO operator_sessions (id_hash, operator_id, csrf_token, created_at,"
                      + " expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setBytes(1, idHash(id));
            ps.setLong(2, operator.id());
            ps.setString(3, csrf);
            ps.setLong(4, now);
            ps.setLong(5, now + ABSOLUTE.toMillis());
            ps.setLong(6, now);
            ps.executeUpdate();
          }
          return null;
        });
    return new Issued(id, csrf);
  }

  /**
   * The live session behind a cookie value, which counts as a use of it. Empty for a missing,
   * malformed, unknown, destroyed or ended session, or one whose operator was disabled; an ended
   * one is deleted.
   */
  public Optional<Session> find(String cookieValue) {
    if (!wellFormed(cookieValue)) {
      return Optional.empty();
    }
    byte[] idHash = idHash(cookieValue);
    long now = clock.millis();
    record Row(
        byte[] idHash,
        long operatorId,
        String name,
        String roles,
        boolean active,
        String csrf,
        long expiresAt,
        long lastSeenAt) {}
    return database.inTransaction(
        c -> {
          Row row;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT s.id_hash, o.id, o.name, o.roles, o.disabled_at, s.csrf_token,"
                      + " s.expires_at, s.last_seen_at FROM operator_sessions s"
                      + " JOIN operators o ON o.id = s.operator_id WHERE s.id_hash = ?")) {
            ps.setBytes(1, idHash);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return Optional.<Session>empty();
              }
              rs.getLong(5);
              boolean active = rs.wasNull();
              row =
                  new Row(
                      rs.getBytes(1),
                      rs.getLong(2),
                      rs.getString(3),
                      rs.getString(4),
                      active,
                      rs.getString(6),
                      rs.getLong(7),
                      rs.getLong(8));
            }
          }
          // The row was found by this hash already; comparing again in constant time costs
          // nothing and keeps the check independent of how the database compares keys.
          boolean live =
              MessageDigest.isEqual(row.idHash(), idHash)
                  && row.active()
                  && now < row.expiresAt()
                  && now < row.lastSeenAt() + IDLE.toMillis();
          try (PreparedStatement ps =
              c.prepareStatement(
                  live
                      ? "UPDATE operator_sessions SET last_seen_at = ? WHERE id_hash = ?"
                      : "DELETE FROM operator_sessions WHERE id_hash = ?")) {
            int i = 1;
            if (live) {
              ps.setLong(i++, Math.max(now, row.lastSeenAt()));
            }
            ps.setBytes(i, idHash);
            ps.executeUpdate();
          }
          if (!live) {
            return Optional.<Session>empty();
          }
          Operator operator = new Operator(row.operatorId(), row.name(), Role.parse(row.roles()));
          return Optional.of(new Session(operator, row.csrf()));
        });
  }

  /** Ends the session behind a cookie value (logout); an unknown or malformed value is ignored. */
  public void destroy(String cookieValue) {
    if (!wellFormed(cookieValue)) {
      return;
    }
    byte[] idHash = idHash(cookieValue);
    database.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM operator_sessions WHERE id_hash = ?")) {
            ps.setBytes(1, idHash);
            ps.executeUpdate();
          }
          return null;
        });
  }

  /** Deletes every session that has ended; returns how many. */
  public int purgeExpired() {
    long now = clock.millis();
    return database.inTransaction(c -> deleteEnded(c, now));
  }

  private static int deleteEnded(Connection c, long now) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "DELETE FROM operator_sessions WHERE expires_at <= ? OR last_seen_at <= ?")) {
      ps.setLong(1, now);
      ps.setLong(2, now - IDLE.toMillis());
      return ps.executeUpdate();
    }
  }

  /**
   * Whether two secrets are equal, in time that depends only on their lengths. Null equals nothing.
   */
  public static boolean constantTimeEquals(String expected, String presented) {
    if (expected == null || presented == null) {
      return false;
    }
    return MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
  }

  /** 256 random bits as 43 URL-safe characters: session ids, CSRF tokens. */
  public static String randomToken() {
    byte[] bytes = new byte[ID_BYTES];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /**
   * Whether {@code value} is a session id or token as {@link #randomToken} writes them: 32 bytes in
   * canonical unpadded base64url. Canonical, so that no two cookie values name the same session.
   */
  static boolean wellFormed(String value) {
    if (value == null || value.length() != ID_LENGTH) {
      return false;
    }
    try {
      byte[] bytes = Base64.getUrlDecoder().decode(value);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).equals(value);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The stored form of a session id: SHA-256 of its 32 bytes. */
  static byte[] idHash(String cookieValue) {
    try {
      return MessageDigest.getInstance("SHA-256")
          .digest(Base64.getUrlDecoder().decode(cookieValue));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
