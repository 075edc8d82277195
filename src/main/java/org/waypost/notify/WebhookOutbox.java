package org.waypost.notify;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.waypost.json.Json;
import org.waypost.tracking.EventType;
import org.waypost.tracking.ScanHook;
import org.waypost.tracking.TrackingResult;

/**
 * Writes one delivery per new scan and per endpoint of the piece's owner, in the transaction that
 * stores the scan: the scan is acknowledged only after that commit, so a delivery is never lost
 * when the scan is kept (a crash right after the commit leaves the row for the dispatcher), and
 * never made for a scan that was rolled back.
 *
 * <p>Whose pieces: the piece's owner, whoever sent the scan. A network key's scan of a shipper's
 * piece goes to that shipper's endpoints, and never to the network account's.
 */
public final class WebhookOutbox implements ScanHook {
  private static final int OWNERS_PER_QUERY = 500;

  private record Target(long id, Set<EventType> events) {
    boolean wants(EventType type) {
      return events.isEmpty() || events.contains(type);
    }
  }

  @Override
  public void stored(Connection c, List<StoredScan> scans, Instant receivedAt) throws SQLException {
    Set<Long> owners = new LinkedHashSet<>();
    for (StoredScan scan : scans) {
      owners.add(scan.piece().owner());
    }
    Map<Long, List<Target>> targets = targets(c, List.copyOf(owners));
    if (targets.isEmpty()) {
      return;
    }
    long now = receivedAt.toEpochMilli();
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO webhook_deliveries (public_id, endpoint_id, type, tracking_number, event,"
                + " state, next_attempt_at, created_at)"
                + " VALUES (?, ?, 'tracking.updated', ?, ?, 'PENDING', ?, ?)")) {
      int queued = 0;
      for (StoredScan scan : scans) {
        String event = null;
        for (Target target : targets.getOrDefault(scan.piece().owner(), List.of())) {
          if (!target.wants(scan.event().type())) {
            continue;
          }
          if (event == null) {
            event = eventJson(scan);
          }
          ps.setString(1, Webhooks.newDeliveryId());
          ps.setLong(2, target.id());
          ps.setString(3, scan.piece().trackingNumber());
          ps.setString(4, event);
          ps.setLong(5, now);
          ps.setLong(6, now);
          ps.addBatch();
          queued++;
        }
      }
      if (queued > 0) {
        ps.executeBatch();
      }
    }
  }

  /** The scan as the public tracking result shows it. */
  private static String eventJson(StoredScan scan) {
    var e = scan.event();
    return new String(
        Json.bytes(
            new TrackingResult.Event(
                e.time(), e.type(), e.type().status(), e.description(), e.location())),
        StandardCharsets.UTF_8);
  }

  /** The enabled endpoints of each owner that has any. */
  private static Map<Long, List<Target>> targets(Connection c, List<Long> owners)
      throws SQLException {
    Map<Long, List<Target>> out = new HashMap<>();
    for (int from = 0; from < owners.size(); from += OWNERS_PER_QUERY) {
      List<Long> chunk = owners.subList(from, Math.min(owners.size(), from + OWNERS_PER_QUERY));
      String marks = String.join(",", java.util.Collections.nCopies(chunk.size(), "?"));
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT id, shipper_id, events FROM webhook_endpoints WHERE disabled_at IS NULL"
                  + " AND shipper_id IN ("
                  + marks
                  + ")")) {
        for (int i = 0; i < chunk.size(); i++) {
          ps.setLong(i + 1, chunk.get(i));
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.computeIfAbsent(rs.getLong(2), k -> new ArrayList<>())
                .add(new Target(rs.getLong(1), Webhooks.events(rs.getString(3))));
          }
        }
      }
    }
    return out;
  }
}
