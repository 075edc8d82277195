package org.waypost.notify;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waypost.db.Database;
import org.waypost.governance.AuditLog;
import org.waypost.json.Json;
import org.waypost.tracking.Tracker;
import org.waypost.tracking.TrackingNumber;
import org.waypost.tracking.TrackingResult;

/**
 * Sends the webhook outbox: claims due deliveries, posts them signed, and records each outcome.
 *
 * <p>At least once: a claim only pushes a row's next attempt a lease ahead ({@link #LEASE}), and
 * the row is marked delivered only after a 2xx. A node that dies between claim and record leaves
 * the row to be claimed again when the lease ends; a receiver de-duplicates on the delivery id.
 * Several nodes claim with {@code FOR UPDATE SKIP LOCKED} on PostgreSQL and never take the same
 * row; on SQLite, whose write transactions are serialized, one serving process delivers.
 *
 * <p>Failures (a non-2xx answer, a redirect, a timeout, a refused target) are retried with
 * exponential backoff: 30 s, doubling, at most 24 h apart. An endpoint that has failed without one
 * success for {@link #DISABLE_AFTER} is disabled, with an audit entry; its deliveries wait.
 */
public final class WebhookDispatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);

  static final Duration FIRST_RETRY = Duration.ofSeconds(30);
  static final Duration MAX_RETRY = Duration.ofHours(24);
  static final Duration DISABLE_AFTER = Duration.ofDays(3);

  /**
   * How long a claimed row waits before another claim may take it: longer than a batch can take to
   * send ({@link #BATCH} rows, {@link #CONCURRENCY} at a time, 15 s each at worst: 90 s). {@code
   * -Dwaypost.webhooks.leaseSeconds} shortens it for the crash test, which would otherwise wait two
   * minutes after a kill.
   */
  static final Duration LEASE =
      Duration.ofSeconds(Long.getLong("waypost.webhooks.leaseSeconds", 120));

  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  /** Delivery log rows are kept this long, then deleted. */
  static final Duration KEEP_LOG = Duration.ofDays(30);

  /**
   * Few senders and small batches: delivery shares the machine with scan ingestion, which must keep
   * at least 90 % of its rate while webhooks go out (issue 13, bench/webhooks.sh). 32 senders took
   * half of it; 4 to a local receiver still deliver thousands a second when the machine is idle.
   */
  private static final int CONCURRENCY = 4;

  private static final int BATCH = 6 * CONCURRENCY;

  /**
   * The per-tick budget: after a batch, the loop rests this many times as long as the batch took
   * before it claims the next, so that a backlog takes at most about a third of the time the
   * dispatcher could take. At most {@link #MAX_REST}, so that a slow receiver does not also slow
   * the others.
   */
  private static final double REST_PER_BUSY = 2.0;

  private static final Duration MAX_REST = Duration.ofSeconds(1);

  private record Claimed(
      long id,
      String publicId,
      long endpoint,
      String type,
      String trackingNumber,
      String event,
      String body) {}

  private record Target(URI url, String secret) {}

  private record Outcome(Claimed delivery, String body, Integer status, String error) {
    boolean delivered() {
      return status != null && status >= 200 && status < 300;
    }
  }

  private final Database database;
  private final Webhooks webhooks;
  private final WebhookTargets targets;
  private final Tracker tracker;
  private final AuditLog audit;
  private final Clock clock;
  private final Duration pollInterval;
  private final HttpClient http;
  private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();
  private final Semaphore inFlight = new Semaphore(CONCURRENCY);
  private final Counter sent;
  private final Counter failed;
  private final OutboxLoop loop = new OutboxLoop();
  private long lastCleanup;

  public WebhookDispatcher(
      Database database,
      Webhooks webhooks,
      WebhookTargets targets,
      Tracker tracker,
      AuditLog audit,
      Clock clock,
      MeterRegistry meters,
      Duration pollInterval) {
    this.database = database;
    this.webhooks = webhooks;
    this.targets = targets;
    this.tracker = tracker;
    this.audit = audit;
    this.clock = clock;
    this.pollInterval = pollInterval;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .executor(senders)
            .build();
    this.sent = outcome(meters, "delivered");
    this.failed = outcome(meters, "failed");
  }

  private static Counter outcome(MeterRegistry meters, String outcome) {
    return Counter.builder("waypost.webhooks.attempts")
        .description("Webhook delivery attempts, by outcome")
        .tag("outcome", outcome)
        .register(meters);
  }

  /** Starts delivering in the background, until {@link #close}. */
  public WebhookDispatcher start() {
    loop.start("waypost-webhooks", pollInterval, this::runOnce, log, REST_PER_BUSY, MAX_REST);
    return this;
  }

  /** Asks the loop to look for due deliveries now rather than at its next poll. */
  public void wake() {
    loop.wake();
  }

  /** Claims one batch of due deliveries, sends them and records the outcomes; how many it sent. */
  public int runOnce() {
    cleanUpNowAndThen();
    List<Claimed> claimed = database.inTransaction(this::claim);
    if (claimed.isEmpty()) {
      return 0;
    }
    Map<Long, Target> endpoints = database.read(c -> endpoints(c, claimed));
    List<Future<Outcome>> sending = new ArrayList<>(claimed.size());
    Map<String, Optional<Tracker.Lookup>> readNow = new HashMap<>();
    for (Claimed delivery : claimed) {
      // bodies are made here, one at a time: made in the senders, each would hold a pooled
      // connection at once and starve the requests the server is there for
      String body = delivery.body() != null ? delivery.body() : body(delivery, readNow);
      sending.add(
          senders.submit(() -> attempt(delivery, body, endpoints.get(delivery.endpoint()))));
    }
    List<Outcome> outcomes = new ArrayList<>(claimed.size());
    for (Future<Outcome> f : sending) {
      try {
        outcomes.add(f.get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return outcomes.size(); // unrecorded rows go out again when their lease ends
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException("a webhook attempt failed unexpectedly", e.getCause());
      }
    }
    database.inTransaction(c -> record(c, outcomes));
    return outcomes.size();
  }

  private List<Claimed> claim(Connection c) throws SQLException {
    long now = clock.millis();
    List<Claimed> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT d.id, d.public_id, d.endpoint_id, d.type, d.tracking_number, d.event, d.body"
                + " FROM webhook_deliveries d WHERE d.state = 'PENDING' AND d.next_attempt_at <= ?"
                + " AND EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.id = d.endpoint_id"
                + " AND e.disabled_at IS NULL)"
                + " ORDER BY d.next_attempt_at LIMIT ?"
                + database.dialect().forUpdate()
                + (database.dialect().forUpdate().isEmpty() ? "" : " OF d SKIP LOCKED"))) {
      ps.setLong(1, now);
      ps.setInt(2, BATCH);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new Claimed(
                  rs.getLong(1),
                  rs.getString(2),
                  rs.getLong(3),
                  rs.getString(4),
                  rs.getString(5),
                  rs.getString(6),
                  rs.getString(7)));
        }
      }
    }
    if (out.isEmpty()) {
      return out;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id IN ("
                + String.join(",", Collections.nCopies(out.size(), "?"))
                + ")")) {
      ps.setLong(1, now + LEASE.toMillis());
      for (int i = 0; i < out.size(); i++) {
        ps.setLong(i + 2, out.get(i).id());
      }
      ps.executeUpdate();
    }
    return out;
  }

  private Map<Long, Target> endpoints(Connection c, List<Claimed> claimed) throws SQLException {
    List<Long> ids = claimed.stream().map(Claimed::endpoint).distinct().toList();
    Map<Long, Target> out = new HashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id, url, secret FROM webhook_endpoints WHERE id IN ("
                + String.join(",", Collections.nCopies(ids.size(), "?"))
                + ")")) {
      for (int i = 0; i < ids.size(); i++) {
        ps.setLong(i + 1, ids.get(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long id = rs.getLong(1);
          out.put(
              id, new Target(URI.create(rs.getString(2)), webhooks.secret(id, rs.getString(3))));
        }
      }
    }
    return out;
  }

  /** One attempt; never throws: every failure is an outcome to record. */
  private Outcome attempt(Claimed delivery, String body, Target target) {
    if (target == null) {
      return new Outcome(delivery, body, null, "endpoint deleted");
    }
    try {
      targets.check(target.url().toString()); // again: a name may resolve elsewhere by now
    } catch (WebhookTargets.Refused e) {
      return new Outcome(delivery, body, null, "refused: " + e.getMessage());
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    HttpRequest request =
        HttpRequest.newBuilder(target.url())
            .timeout(REQUEST_TIMEOUT)
            .header("Content-Type", "application/json")
            .header("User-Agent", "Waypost-Webhooks/1")
            .header("Waypost-Delivery", delivery.publicId())
            .header(
                Signature.HEADER,
                Signature.header(target.secret(), clock.instant().getEpochSecond(), bytes))
            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
            .build();
    try {
      inFlight.acquire();
      try {
        int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        return new Outcome(delivery, body, status, status / 100 == 2 ? null : "HTTP " + status);
      } finally {
        inFlight.release();
      }
    } catch (HttpTimeoutException e) {
      return new Outcome(delivery, body, null, "timeout");
    } catch (IOException e) {
      return new Outcome(
          delivery, body, null, "connection failed: " + e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Outcome(delivery, body, null, "interrupted");
    }
  }

  /** The JSON body, made at the first attempt: the event and the piece's result as it is now. */
  private String body(Claimed delivery, Map<String, Optional<Tracker.Lookup>> readNow) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("id", delivery.publicId());
    body.put("type", delivery.type());
    if ("ping".equals(delivery.type())) {
      body.put("webhookId", delivery.endpoint());
    } else {
      body.put("trackingNumber", delivery.trackingNumber());
      body.putRawValue("event", new RawValue(delivery.event()));
      var lookup = result(delivery, readNow);
      if (lookup.isPresent()) {
        body.putRawValue(
            "result", new RawValue(new String(lookup.get().json(), StandardCharsets.UTF_8)));
      } else {
        body.putNull("result"); // the piece is gone (retention) since the scan
      }
    }
    return new String(Json.bytes(body), StandardCharsets.UTF_8);
  }

  /**
   * The piece's result for the body: an answer that already shows the delivery's scan is at least
   * as new as the scan (this node forgets a piece's answer when it stores a scan), so the one the
   * lookups cache remembers, or one read earlier in this batch ({@code readNow}), is reused.
   * Otherwise it is read once from the primary past the cache (a replica may not have the scan),
   * and the several scans of one piece in a batch cost that one read.
   */
  private Optional<Tracker.Lookup> result(
      Claimed delivery, Map<String, Optional<Tracker.Lookup>> readNow) {
    TrackingNumber number = TrackingNumber.parse(delivery.trackingNumber());
    for (Optional<Tracker.Lookup> known :
        List.of(
            tracker.remembered(number),
            readNow.getOrDefault(delivery.trackingNumber(), Optional.empty()))) {
      if (known.isPresent() && shows(known.get(), delivery.event())) {
        return known;
      }
    }
    Optional<Tracker.Lookup> read = tracker.fresh(number);
    readNow.put(delivery.trackingNumber(), read);
    return read;
  }

  /** Whether the answer's history holds the scan, compared as the outbox wrote it. */
  private static boolean shows(Tracker.Lookup lookup, String event) {
    for (TrackingResult.Event e : lookup.result().events()) {
      if (event.equals(new String(Json.bytes(e), StandardCharsets.UTF_8))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Records a batch's outcomes with one batched statement: delivered rows are marked so, the others
   * wait for their next attempt (30 s doubling, at most 24 h).
   */
  private int record(Connection c, List<Outcome> outcomes) throws SQLException {
    long now = clock.millis();
    Map<Long, Boolean> endpointSucceeded = new LinkedHashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE webhook_deliveries SET attempts = attempts + 1, last_attempt_at = ?,"
                + " last_status = ?, last_error = ?, body = ?,"
                + " state = CASE WHEN ? = 1 THEN 'DELIVERED' ELSE state END,"
                + " delivered_at = CASE WHEN ? = 1 THEN ? ELSE delivered_at END,"
                + " next_attempt_at = CASE WHEN ? = 1 THEN next_attempt_at ELSE ? +"
                + " (CASE WHEN attempts >= 12 THEN ? ELSE ? * (1 << attempts) END) END"
                + " WHERE id = ?")) {
      for (Outcome o : outcomes) {
        int delivered = o.delivered() ? 1 : 0;
        ps.setLong(1, now);
        if (o.status() == null) {
          ps.setNull(2, java.sql.Types.INTEGER);
        } else {
          ps.setInt(2, o.status());
        }
        ps.setString(3, o.delivered() ? null : truncate(o.error()));
        ps.setString(4, o.body());
        ps.setInt(5, delivered);
        ps.setInt(6, delivered);
        ps.setLong(7, now);
        ps.setInt(8, delivered);
        ps.setLong(9, now);
        ps.setLong(10, MAX_RETRY.toMillis());
        ps.setLong(11, FIRST_RETRY.toMillis());
        ps.setLong(12, o.delivery().id());
        ps.addBatch();
        if (o.delivered()) {
          sent.increment();
          endpointSucceeded.put(o.delivery().endpoint(), true);
        } else {
          failed.increment();
          endpointSucceeded.putIfAbsent(o.delivery().endpoint(), false);
        }
      }
      ps.executeBatch();
    }
    for (var entry : endpointSucceeded.entrySet()) {
      endpointOutcome(c, entry.getKey(), entry.getValue(), now);
    }
    return outcomes.size();
  }

  /** Tracks a run of failures per endpoint, and disables one that failed for too long. */
  private void endpointOutcome(Connection c, long endpoint, boolean succeeded, long now)
      throws SQLException {
    if (succeeded) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "UPDATE webhook_endpoints SET failing_since = NULL"
                  + " WHERE id = ? AND failing_since IS NOT NULL")) {
        ps.setLong(1, endpoint);
        ps.executeUpdate();
      }
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE webhook_endpoints SET failing_since = ? WHERE id = ? AND failing_since IS NULL")) {
      ps.setLong(1, now);
      ps.setLong(2, endpoint);
      ps.executeUpdate();
    }
    long since = 0;
    long shipper = 0;
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE webhook_endpoints SET disabled_at = ? WHERE id = ? AND disabled_at IS NULL"
                + " AND failing_since <= ?")) {
      ps.setLong(1, now);
      ps.setLong(2, endpoint);
      ps.setLong(3, now - DISABLE_AFTER.toMillis());
      if (ps.executeUpdate() == 0) {
        return;
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT failing_since, shipper_id FROM webhook_endpoints WHERE id = ?")) {
      ps.setLong(1, endpoint);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          since = rs.getLong(1);
          shipper = rs.getLong(2);
        }
      }
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("shipper", shipper);
    details.put("failingSince", java.time.Instant.ofEpochMilli(since).toString());
    audit.append(c, "system", "webhook.disabled", "webhook:" + endpoint, details);
    log.warn("webhook endpoint disabled after {} of failures endpoint={}", DISABLE_AFTER, endpoint);
  }

  private static String truncate(String error) {
    return error == null || error.length() <= 200 ? error : error.substring(0, 200);
  }

  /** Deletes delivery log rows past {@link #KEEP_LOG}, at most hourly. */
  private void cleanUpNowAndThen() {
    long now = clock.millis();
    if (now - lastCleanup < Duration.ofHours(1).toMillis()) {
      return;
    }
    lastCleanup = now;
    database.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM webhook_deliveries WHERE created_at < ?")) {
            ps.setLong(1, now - KEEP_LOG.toMillis());
            return ps.executeUpdate();
          }
        });
  }

  @Override
  public void close() {
    loop.close();
    senders.shutdownNow();
    http.close();
  }
}
