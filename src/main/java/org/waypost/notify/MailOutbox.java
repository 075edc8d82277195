package org.waypost.notify;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.waypost.json.Json;
import org.waypost.tracking.ScanHook;
import org.waypost.tracking.TrackingResult;

/**
 * Queues one mail per confirmed subscription and new scan of its number, in the transaction that
 * stores the scan (as {@link WebhookOutbox} does for webhooks): never lost when the scan is kept,
 * never made for a scan rolled back. The row's unique key (subscription, scan) makes a scan mail
 * once even when the hook runs again for it.
 */
public final class MailOutbox implements ScanHook {
  private record Target(long id, boolean keyOnly) {}

  @Override
  public void stored(Connection c, List<StoredScan> scans, Instant receivedAt) throws SQLException {
    Set<String> numbers = new LinkedHashSet<>();
    for (StoredScan scan : scans) {
      numbers.add(scan.piece().trackingNumber());
    }
    Map<String, List<Target>> targets = targets(c, List.copyOf(numbers));
    if (targets.isEmpty()) {
      return;
    }
    long now = receivedAt.toEpochMilli();
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO mail_outbox (subscription_id, scan_key, event, next_attempt_at,"
                + " created_at) VALUES (?, ?, ?, ?, ?)"
                + " ON CONFLICT (subscription_id, scan_key) DO NOTHING")) {
      int queued = 0;
      for (StoredScan scan : scans) {
        var e = scan.event();
        for (Target target : targets.getOrDefault(scan.piece().trackingNumber(), List.of())) {
          if (target.keyOnly() && !Subscriptions.KEY_EVENTS.contains(e.type())) {
            continue;
          }
          ps.setLong(1, target.id());
          ps.setString(
              2, "scan:" + scan.account() + ":" + e.eventId()); // event ids are per account
          ps.setString(
              3,
              new String(
                  Json.bytes(
                      new TrackingResult.Event(
                          e.time(), e.type(), e.type().status(), e.description(), e.location())),
                  StandardCharsets.UTF_8));
          ps.setLong(4, now);
          ps.setLong(5, now);
          ps.addBatch();
          queued++;
        }
      }
      if (queued > 0) {
        ps.executeBatch();
      }
    }
  }

  /** The confirmed subscriptions of each number that has any. */
  private static Map<String, List<Target>> targets(Connection c, List<String> numbers)
      throws SQLException {
    Map<String, List<Target>> out = new HashMap<>();
    NumberLists.query(
        c,
        "SELECT id, tracking_number, events FROM mail_subscriptions"
            + " WHERE confirmed_at IS NOT NULL AND tracking_number IN ",
        numbers,
        "",
        rs ->
            out.computeIfAbsent(rs.getString(2), k -> new ArrayList<>())
                .add(new Target(rs.getLong(1), rs.getString(3).equals("KEY"))));
    return out;
  }
}
