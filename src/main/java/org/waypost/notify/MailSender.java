package org.waypost.notify;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.mail.MessagingException;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waypost.config.NotificationsConfig;
import org.waypost.db.Database;
import org.waypost.json.Json;

/**
 * Sends the mail outbox through SMTP (or, in the demo, into its outbox page): claims due rows (with
 * {@code FOR UPDATE SKIP LOCKED} on PostgreSQL, so several nodes never take the same row; a claim
 * pushes a row a lease ahead, so a node that dies mid-send leaves it to be claimed again), sends
 * each, deletes it once the SMTP server took it, and retries a failure 30 s later, doubling up to
 * 24 h. Logs never carry an address or a number: only row ids and error classes.
 */
public final class MailSender implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MailSender.class);

  static final Duration FIRST_RETRY = Duration.ofSeconds(30);
  static final Duration MAX_RETRY = Duration.ofHours(24);

  /**
   * How long a claimed row waits before another claim may take it. {@code
   * -Dwaypost.mail.leaseSeconds} shortens it for the crash test, as for webhooks.
   */
  static final Duration LEASE = Duration.ofSeconds(Long.getLong("waypost.mail.leaseSeconds", 120));

  private static final int BATCH = 50;
  private static final Duration CLEANUP_EVERY = Duration.ofMinutes(1);

  private record Claimed(
      long id,
      int attempts,
      String scanKey,
      String event,
      String trackingNumber,
      String sealed,
      String unsubscribeHash,
      String language) {}

  private final Database database;
  private final Subscriptions subscriptions;
  private final NotificationsConfig config;
  private final MailTransport transport;
  private final MailWords words;
  private final Clock clock;
  private final Duration pollInterval;
  private final OutboxLoop loop = new OutboxLoop();
  private long lastCleanup;

  public MailSender(
      Database database,
      Subscriptions subscriptions,
      NotificationsConfig config,
      MailTransport transport,
      MailWords words,
      Clock clock,
      Duration pollInterval) {
    this.database = database;
    this.subscriptions = subscriptions;
    this.config = config;
    this.transport = transport;
    this.words = words;
    this.clock = clock;
    this.pollInterval = pollInterval;
  }

  /** Starts sending in the background, until {@link #close}. */
  public MailSender start() {
    loop.start("waypost-mail", pollInterval, this::runOnce, log);
    return this;
  }

  /** Asks the loop to look for due mail now (after a subscription request). */
  public void wake() {
    loop.wake();
  }

  /** Claims one batch of due mail and sends it; how many it tried. */
  public int runOnce() {
    if (clock.millis() - lastCleanup >= CLEANUP_EVERY.toMillis()) {
      lastCleanup = clock.millis();
      subscriptions.deleteExpired();
    }
    List<Claimed> claimed = database.inTransaction(this::claim);
    for (Claimed mail : claimed) {
      boolean sent;
      try {
        send(mail);
        sent = true;
      } catch (MessagingException | RuntimeException e) {
        log.info(
            "mail not sent row={} attempt={} error={}",
            mail.id(),
            mail.attempts() + 1,
            e.getClass().getName());
        sent = false;
      }
      boolean done = sent;
      database.inTransaction(c -> record(c, mail, done));
    }
    return claimed.size();
  }

  private List<Claimed> claim(Connection c) throws SQLException {
    long now = clock.millis();
    List<Claimed> out = new ArrayList<>();
    String lock = database.dialect().forUpdate();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT o.id, o.attempts, o.scan_key, o.event, s.tracking_number, s.sealed,"
                + " s.unsubscribe_hash, s.language FROM mail_outbox o"
                + " JOIN mail_subscriptions s ON s.id = o.subscription_id"
                + " WHERE o.next_attempt_at <= ? ORDER BY o.next_attempt_at LIMIT ?"
                + lock
                + (lock.isEmpty() ? "" : " OF o SKIP LOCKED"))) {
      ps.setLong(1, now);
      ps.setInt(2, BATCH);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new Claimed(
                  rs.getLong(1),
                  rs.getInt(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getString(5),
                  rs.getString(6),
                  rs.getString(7),
                  rs.getString(8)));
        }
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE mail_outbox SET next_attempt_at = ? WHERE id = ?")) {
      for (Claimed mail : out) {
        ps.setLong(1, now + LEASE.toMillis());
        ps.setLong(2, mail.id());
        ps.addBatch();
      }
      if (!out.isEmpty()) {
        ps.executeBatch();
      }
    }
    return out;
  }

  private int record(Connection c, Claimed mail, boolean sent) throws SQLException {
    if (sent) {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM mail_outbox WHERE id = ?")) {
        ps.setLong(1, mail.id());
        return ps.executeUpdate();
      }
    }
    long delay =
        mail.attempts() >= 12
            ? MAX_RETRY.toMillis()
            : Math.min(MAX_RETRY.toMillis(), FIRST_RETRY.toMillis() << mail.attempts());
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE mail_outbox SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ?")) {
      ps.setLong(1, clock.millis() + delay);
      ps.setLong(2, mail.id());
      return ps.executeUpdate();
    }
  }

  private void send(Claimed mail) throws MessagingException {
    Subscriptions.Opened opened = subscriptions.open(mail.sealed(), mail.unsubscribeHash());
    MailText.Context context =
        new MailText.Context(
            words, mail.language(), config.baseUrl(), mail.trackingNumber(), opened);
    String key = mail.scanKey();
    MailText text =
        key.equals("confirm")
            ? MailText.confirmation(context)
            : key.startsWith("estimate:")
                ? MailText.estimate(context, event(mail))
                : MailText.update(context, event(mail));
    transport.send(opened.address(), text);
  }

  private static JsonNode event(Claimed mail) {
    try {
      return Json.MAPPER.readTree(mail.event());
    } catch (IOException e) {
      throw new IllegalStateException("a queued mail's event is not JSON", e);
    }
  }

  @Override
  public void close() {
    loop.close();
  }
}
