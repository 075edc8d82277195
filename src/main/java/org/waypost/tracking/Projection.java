package org.waypost.tracking;

import java.time.OffsetDateTime;

/**
 * What a shipment's scans add up to, kept on the shipment row so a lookup reads one row.
 *
 * <p>It is a left fold of the scans in event-time order (ties: receipt order) through {@link
 * TrackingStatus#accepts}. Scans that arrive in order are folded onto the stored state; a scan
 * older than the newest one already folded makes the caller replay the whole history, so the result
 * never depends on arrival order.
 *
 * @param statusTime the time of the scan that set the status; null before any scan
 * @param acceptedAt the first scan made inside the network, which starts the delivery clock
 * @param lastEventMillis event time of the newest folded scan (epoch ms), or {@code Long.MIN_VALUE}
 *     before any
 * @param lastEventSeq receipt sequence of that scan
 */
public record Projection(
    TrackingStatus status,
    String statusText,
    OffsetDateTime statusTime,
    OffsetDateTime acceptedAt,
    OffsetDateTime deliveredAt,
    long lastEventMillis,
    long lastEventSeq) {

  public static final String AWAITING_ITEM = "Shipping label created, awaiting item";

  public static Projection initial() {
    return new Projection(
        TrackingStatus.PRE_TRANSIT, AWAITING_ITEM, null, null, null, Long.MIN_VALUE, 0);
  }

  /** Whether {@code event} sorts after every scan folded so far (so it can be folded on). */
  public boolean canFold(StoredEvent event) {
    return event.isAfter(lastEventMillis, lastEventSeq);
  }

  /** The projection after one more scan, which must sort after all folded ones. */
  public Projection fold(StoredEvent event) {
    TrackingStatus nextStatus = status;
    String nextText = statusText;
    OffsetDateTime nextTime = statusTime;
    OffsetDateTime nextDelivered = deliveredAt;
    if (status.accepts(event.type())) {
      nextStatus = event.type().status();
      nextText = event.description();
      nextTime = event.time();
      nextDelivered = nextStatus == TrackingStatus.DELIVERED ? event.time() : null;
    }
    OffsetDateTime nextAccepted =
        acceptedAt == null && event.type().inNetwork() ? event.time() : acceptedAt;
    return new Projection(
        nextStatus,
        nextText,
        nextTime,
        nextAccepted,
        nextDelivered,
        event.time().toInstant().toEpochMilli(),
        event.seq());
  }

  /** Folds a whole history, which must be in event-time then receipt order. */
  public static Projection replay(Iterable<StoredEvent> history) {
    Projection projection = initial();
    for (StoredEvent event : history) {
      projection = projection.fold(event);
    }
    return projection;
  }
}
