package org.waypost.notify;

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
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.waypost.db.Database;
import org.waypost.keys.DayKeyDestroyedException;
import org.waypost.tracking.EventType;

/**
 * Recipients' requests for email about one number, with double opt-in: a request queues only its
 * confirmation mail, and the scan hook ({@link MailOutbox}) mails a subscription only once it is
 * confirmed. The address and both tokens are sealed together; the tokens are found by their
 * SHA-256, so a database copy neither reads an address nor forges a link.
 */
public final class Subscriptions {
  /** Confirmation mails queued to one address in {@link #CONFIRM_WINDOW}, at most. */
  static final int CONFIRMS_PER_WINDOW = 3;

  static final Duration CONFIRM_WINDOW = Duration.ofHours(1);

  /** KEY: out for delivery, delivered, and the problems. */
  public static final Set<EventType> KEY_EVENTS =
      EnumSet.of(
          EventType.OUT_FOR_DELIVERY,
          EventType.DELIVERED,
          EventType.DELIVERY_ATTEMPTED,
          EventType.AVAILABLE_FOR_PICKUP,
          EventType.RETURN_TO_SENDER,
          EventType.ALERT);

  /** A pragmatic address: what SMTP will take, not every RFC 5322 oddity. */
  private static final Pattern ADDRESS =
      Pattern.compile(
          "[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
              + "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+");

  private static final SecureRandom RANDOM = new SecureRandom();

  /** What is sealed for a subscription: the address and the links' tokens. */
  public record Opened(String address, String confirmToken, String unsubscribeToken) {
    String sealable() {
      return confirmToken + " " + unsubscribeToken + " " + address;
    }

    static Opened of(String plain) {
      String[] parts = plain.split(" ", 3);
      return new Opened(parts[2], parts[0], parts[1]);
    }
  }

  private final Database database;
  private final SecretSeal seal;
  private final AddressSeal addresses;
  private final Clock clock;

  /**
   * @param seal for the keyed hash that counts confirmation mails per address
   * @param addresses seals the address under the mail key of the day the subscription expires
   */
  public Subscriptions(Database database, SecretSeal seal, AddressSeal addresses, Clock clock) {
    this.database = database;
    this.seal = seal;
    this.addresses = addresses;
    this.clock = clock;
  }

  public static boolean validAddress(String address) {
    return address != null && address.length() <= 254 && ADDRESS.matcher(address).matches();
  }

  /**
   * What a person asks for.
   *
   * @param keyOnly only the {@link #KEY_EVENTS}, else every scan
   * @param estimates also a mail when the expected delivery day moves
   * @param language the code of the language the person used (en, es, zh); mails are written in it
   * @param estimate the piece's expected delivery day as the person saw it; null when none
   */
  public record Request(
      String trackingNumber,
      String address,
      boolean keyOnly,
      boolean estimates,
      String language,
      LocalDate estimate) {
    public Request {
      if (language == null || !language.matches("[a-z]{2}")) {
        throw new IllegalArgumentException("a language code such as en, was " + language);
      }
    }
  }

  /**
   * Records a request and queues its confirmation mail; false (and nothing recorded or sent) when
   * the address already had {@link #CONFIRMS_PER_WINDOW} confirmation mails this hour.
   */
  public boolean subscribe(Request request) {
    seal.ready();
    String address = request.address();
    String addressMac = seal.mac(address.toLowerCase(java.util.Locale.ROOT));
    Opened opened = new Opened(address, token(), token());
    String unsubscribeHash = hash(opened.unsubscribeToken());
    long now = clock.millis();
    long expiresAt = now + UNCONFIRMED_LIFETIME.toMillis();
    String sealed =
        addresses.seal(opened.sealable(), unsubscribeHash, Instant.ofEpochMilli(expiresAt));
    return database.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT count(*) FROM mail_confirmations WHERE address_mac = ? AND queued_at > ?")) {
            ps.setString(1, addressMac);
            ps.setLong(2, now - CONFIRM_WINDOW.toMillis());
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              if (rs.getInt(1) >= CONFIRMS_PER_WINDOW) {
                return false;
              }
            }
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO mail_confirmations (address_mac, queued_at) VALUES (?, ?)")) {
            ps.setString(1, addressMac);
            ps.setLong(2, now);
            ps.executeUpdate();
          }
          long id;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO mail_subscriptions (tracking_number, events, sealed, confirm_hash,"
                      + " unsubscribe_hash, created_at, expires_at, language, estimates, estimate)"
                      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  java.sql.Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, request.trackingNumber());
            ps.setString(2, request.keyOnly() ? "KEY" : "ALL");
            ps.setString(3, sealed);
            ps.setString(4, hash(opened.confirmToken()));
            ps.setString(5, unsubscribeHash);
            ps.setLong(6, now);
            ps.setLong(7, expiresAt);
            ps.setString(8, request.language());
            ps.setBoolean(9, request.estimates());
            ps.setString(10, request.estimate() == null ? null : request.estimate().toString());
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
              keys.next();
              id = keys.getLong(1);
            }
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO mail_outbox (subscription_id, scan_key, next_attempt_at, created_at)"
                      + " VALUES (?, 'confirm', ?, ?)")) {
            ps.setLong(1, id);
            ps.setLong(2, now);
            ps.setLong(3, now);
            ps.executeUpdate();
          }
          return true;
        });
  }

  /**
   * Confirms the subscription whose confirmation token this is; false if there is none. Its
   * lifetime now follows its number's scans ({@link AddressSeal#expiry}), so its address is
   * re-sealed under the key of the day it now expires.
   */
  public boolean confirm(String token) {
    if (token == null || token.length() > 100) {
      return false;
    }
    long now = clock.millis();
    String confirmHash = hash(token);
    Optional<Pending> pending = database.read(c -> pending(c, confirmHash, now));
    if (pending.isEmpty()) {
      return false;
    }
    Pending p = pending.get();
    Instant lastScan = Instant.ofEpochMilli(p.lastScanAt() == null ? now : p.lastScanAt());
    Instant ended = p.endedAt() == null ? null : Instant.ofEpochMilli(p.endedAt());
    long expiresAt = Math.max(now, addresses.expiry(lastScan, ended).toEpochMilli());
    String resealed =
        addresses.seal(
            addresses.open(p.sealed(), p.unsubscribeHash()),
            p.unsubscribeHash(),
            Instant.ofEpochMilli(expiresAt));
    return database.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE mail_subscriptions SET confirmed_at = ?, sealed = ?, expires_at = ?,"
                      + " last_scan_at = ?, ended_at = ? WHERE id = ? AND confirmed_at IS NULL"
                      + " AND expires_at > ?")) {
            ps.setLong(1, now);
            ps.setString(2, resealed);
            ps.setLong(3, expiresAt);
            ps.setLong(4, lastScan.toEpochMilli());
            ps.setObject(5, p.endedAt());
            ps.setLong(6, p.id());
            ps.setLong(7, now);
            return ps.executeUpdate() == 1;
          }
        });
  }

  /** An unconfirmed request, with the newest scans of its number so far. */
  private record Pending(
      long id, String sealed, String unsubscribeHash, Long lastScanAt, Long endedAt) {}

  private static Optional<Pending> pending(Connection c, String confirmHash, long now)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT s.id, s.sealed, s.unsubscribe_hash, max(e.received_at),"
                + " max(CASE WHEN e.type IN ('DELIVERED', 'RETURN_TO_SENDER')"
                + " THEN e.received_at END)"
                + " FROM mail_subscriptions s"
                + " LEFT JOIN scan_events e ON e.tracking_number = s.tracking_number"
                + " WHERE s.confirm_hash = ? AND s.confirmed_at IS NULL AND s.expires_at > ?"
                + " GROUP BY s.id, s.sealed, s.unsubscribe_hash")) {
      ps.setString(1, confirmHash);
      ps.setLong(2, now);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new Pending(
                rs.getLong(1), rs.getString(2), rs.getString(3), nullable(rs, 4), nullable(rs, 5)));
      }
    }
  }

  /** Deletes the subscription (its sealed address and queued mail with it); false if none. */
  public boolean unsubscribe(String token) {
    if (token == null || token.length() > 100) {
      return false;
    }
    return database.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM mail_subscriptions WHERE unsubscribe_hash = ?")) {
            ps.setString(1, hash(token));
            return ps.executeUpdate() == 1;
          }
        });
  }

  /** How long a request waits for its confirmation before it is deleted, address and all. */
  static final Duration UNCONFIRMED_LIFETIME = Duration.ofHours(24);

  /**
   * Deletes every subscription whose time is up: requests not confirmed within {@link
   * #UNCONFIRMED_LIFETIME}, confirmed ones past their {@link AddressSeal#expiry} (each with its
   * sealed address and queued mail); and confirmation counts older than the limit's window. How
   * many subscriptions went. Their keys go when their day is over ({@code Retention}).
   */
  public int deleteExpired() {
    return database.inTransaction(c -> deleteExpired(c, clock.instant()));
  }

  /** {@link #deleteExpired()} as of {@code at}, in the caller's transaction (retention's). */
  public int deleteExpired(Connection c, Instant at) throws SQLException {
    long now = at.toEpochMilli();
    try (PreparedStatement ps =
        c.prepareStatement("DELETE FROM mail_confirmations WHERE queued_at <= ?")) {
      ps.setLong(1, now - CONFIRM_WINDOW.toMillis());
      ps.executeUpdate();
    }
    try (PreparedStatement ps =
        c.prepareStatement("DELETE FROM mail_subscriptions WHERE expires_at <= ?")) {
      ps.setLong(1, now);
      return ps.executeUpdate();
    }
  }

  /** A confirmed subscription as a legal request may disclose it. */
  public record Confirmed(String trackingNumber, String address, Instant confirmedAt) {
    /** Without the number or the address, should one ever reach a log line. */
    @Override
    public String toString() {
      return "Confirmed[" + confirmedAt + "]";
    }
  }

  /**
   * The confirmed subscriptions to these numbers, addresses opened, in the caller's transaction:
   * for an approved legal request, when the operator lets those reach subscriptions. A row whose
   * key is already destroyed is left out: it is being deleted, and nothing can open it.
   */
  public List<Confirmed> confirmedTo(Connection c, List<String> numbers) throws SQLException {
    List<Confirmed> out = new ArrayList<>();
    NumberLists.query(
        c,
        "SELECT tracking_number, sealed, unsubscribe_hash, confirmed_at FROM mail_subscriptions"
            + " WHERE confirmed_at IS NOT NULL AND tracking_number IN ",
        numbers,
        " ORDER BY id",
        rs -> {
          try {
            out.add(
                new Confirmed(
                    rs.getString(1),
                    open(rs.getString(2), rs.getString(3)).address(),
                    Instant.ofEpochMilli(rs.getLong(4))));
          } catch (DayKeyDestroyedException e) {
            // expired with its key: nothing to disclose
          }
        });
    return out;
  }

  static Long nullable(ResultSet rs, int column) throws SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? null : value;
  }

  /** The address and tokens sealed in a row. */
  Opened open(String sealed, String unsubscribeHash) {
    return Opened.of(addresses.open(sealed, unsubscribeHash));
  }

  private static String token() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static String hash(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
