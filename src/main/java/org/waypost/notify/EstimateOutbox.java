package org.waypost.notify;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.waypost.json.Json;
import org.waypost.tracking.ScanHook;
import org.waypost.tracking.Tracker;
import org.waypost.tracking.TrackingResult;
import org.waypost.tracking.TrackingStatus;

/**
 * Queues a mail when a scan moves a piece's expected delivery day, for the subscriptions that asked
 * for it, in the scan's transaction (as {@link MailOutbox} does for the scans themselves). The day
 * is the one the result card shows, folded from the history the transaction sees; each subscription
 * keeps the day it last knew, so a change mails once, and a subscription confirmed after a change
 * is not told about it.
 *
 * <p>Only an estimate of a piece in transit is mailed: out for delivery the day is today and the
 * scan's own mail says so; after an attempt, a hold, an alert or a return there is no estimate. The
 * first estimate a piece gets (at acceptance) counts as a change from none.
 */
public final class EstimateOutbox implements ScanHook {
  private record Asked(long id, String trackingNumber, LocalDate known, boolean confirmed) {}

  private final Tracker tracker;

  public EstimateOutbox(Tracker tracker) {
    this.tracker = tracker;
  }

  /** The estimate a subscription follows: the expected day of a piece in transit, else none. */
  public static LocalDate estimateOf(TrackingResult result) {
    return result.status() == TrackingStatus.IN_TRANSIT ? result.expectedDelivery() : null;
  }

  @Override
  public void stored(Connection c, List<StoredScan> scans, Instant receivedAt) throws SQLException {
    // the last scan of each number in the batch names the change (the outbox row's key)
    Map<String, StoredScan> lastScan = new LinkedHashMap<>();
    for (StoredScan scan : scans) {
      lastScan.put(scan.piece().trackingNumber(), scan);
    }
    List<Asked> asked = asked(c, List.copyOf(lastScan.keySet()));
    if (asked.isEmpty()) {
      return;
    }
    Map<String, LocalDate> estimates = new LinkedHashMap<>();
    for (Asked one : asked) {
      if (!estimates.containsKey(one.trackingNumber())) {
        estimates.put(
            one.trackingNumber(),
            tracker.resultIn(c, one.trackingNumber()).map(EstimateOutbox::estimateOf).orElse(null));
      }
    }
    long now = receivedAt.toEpochMilli();
    try (PreparedStatement remember =
            c.prepareStatement("UPDATE mail_subscriptions SET estimate = ? WHERE id = ?");
        PreparedStatement queue =
            c.prepareStatement(
                "INSERT INTO mail_outbox (subscription_id, scan_key, event, next_attempt_at,"
                    + " created_at) VALUES (?, ?, ?, ?, ?)"
                    + " ON CONFLICT (subscription_id, scan_key) DO NOTHING")) {
      int changed = 0;
      int queued = 0;
      for (Asked one : asked) {
        LocalDate day = estimates.get(one.trackingNumber());
        if (day == null || Objects.equals(day, one.known())) {
          continue;
        }
        remember.setString(1, day.toString());
        remember.setLong(2, one.id());
        remember.addBatch();
        changed++;
        if (one.confirmed()) {
          StoredScan scan = lastScan.get(one.trackingNumber());
          queue.setLong(1, one.id());
          queue.setString(2, "estimate:" + scan.account() + ":" + scan.event().eventId());
          queue.setString(3, change(one.known(), day));
          queue.setLong(4, now);
          queue.setLong(5, now);
          queue.addBatch();
          queued++;
        }
      }
      if (changed > 0) {
        remember.executeBatch();
      }
      if (queued > 0) {
        queue.executeBatch();
      }
    }
  }

  /** What an estimate mail says, as the outbox row's {@code event}. */
  private static String change(LocalDate before, LocalDate after) {
    Map<String, String> change = new LinkedHashMap<>();
    change.put("expectedDelivery", after.toString());
    change.put("before", before == null ? null : before.toString());
    return new String(Json.bytes(change), StandardCharsets.UTF_8);
  }

  /** The subscriptions of these numbers that asked for estimate changes. */
  private static List<Asked> asked(Connection c, List<String> numbers) throws SQLException {
    List<Asked> out = new ArrayList<>();
    NumberLists.query(
        c,
        "SELECT id, tracking_number, estimate, confirmed_at FROM mail_subscriptions"
            + " WHERE estimates = TRUE AND tracking_number IN ",
        numbers,
        "",
        rs -> {
          String known = rs.getString(3);
          rs.getLong(4);
          boolean confirmed = !rs.wasNull();
          out.add(
              new Asked(
                  rs.getLong(1),
                  rs.getString(2),
                  known == null ? null : LocalDate.parse(known),
                  confirmed));
        });
    return out;
  }
}
