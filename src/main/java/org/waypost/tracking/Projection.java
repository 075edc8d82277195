package org.waypost.tracking;

import java.time.OffsetDateTime;

/**
 * What a shipment's scans add up to: its status and the times an estimate needs.
 *
 * <p>It is a left fold of the scans in event-time order (ties: receipt order) through {@link
 * TrackingStatus#accepts}, computed at every lookup from the history the lookup reads anyway (see
 * {@link TrackingResult#of}). Nothing of it is stored, so the result never depends on the order in
 * which scans arrived.
 *
 * @param statusTime the time of the scan that set the status; null before any scan
 * @param acceptedAt the first scan made inside the network, which starts the delivery clock
 * @param statusType the kind of the scan that set the status; null before any scan
 */
public record Projection(
    TrackingStatus status,
    String statusText,
    OffsetDateTime statusTime,
    OffsetDateTime acceptedAt,
    OffsetDateTime deliveredAt,
    EventType statusType) {

  public static final String AWAITING_ITEM = "Shipping label created, awaiting item";

  public static Projection initial() {
    return new Projection(TrackingStatus.PRE_TRANSIT, AWAITING_ITEM, null, null, null, null);
  }

  /** The projection after one more scan, which must sort after all folded ones. */
  Projection fold(StoredEvent event) {
    TrackingStatus nextStatus = status;
    String nextText = statusText;
    OffsetDateTime nextTime = statusTime;
    OffsetDateTime nextDelivered = deliveredAt;
    EventType nextType = statusType;
    if (status.accepts(event.type())) {
      nextType = event.type();
      nextStatus = event.type().status();
      nextText = event.description();
      nextTime = event.time();
      nextDelivered = nextStatus == TrackingStatus.DELIVERED ? event.time() : null;
    }
    OffsetDateTime nextAccepted =
        acceptedAt == null && event.type().inNetwork() ? event.time() : acceptedAt;
    return new Projection(nextStatus, nextText, nextTime, nextAccepted, nextDelivered, nextType);
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
