package org.waypost.tracking;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import org.waypost.catalog.Service;

/** What anyone holding the number may see: the public JSON shape and the page's model. */
public record TrackingResult(
    String trackingNumber,
    Service service,
    TrackingStatus status,
    String statusText,
    LocalDate expectedDelivery,
    OffsetDateTime deliveredAt,
    Location origin,
    Location destination,
    List<Event> events) {

  /** One line of the history, newest first. */
  public record Event(
      OffsetDateTime time,
      EventType type,
      TrackingStatus status,
      String description,
      Location location) {}

  /** The piece's status and estimate are folded from its history here, at every lookup. */
  static TrackingResult of(Shipment shipment, List<StoredEvent> newestFirst, int standardDays) {
    Projection projection = Projection.replay(newestFirst.reversed());
    List<Event> events =
        newestFirst.stream()
            .map(
                e ->
                    new Event(e.time(), e.type(), e.type().status(), e.description(), e.location()))
            .toList();
    return new TrackingResult(
        shipment.trackingNumber(),
        shipment.service(),
        projection.status(),
        projection.statusText(),
        DeliveryEstimate.expected(projection, standardDays),
        projection.deliveredAt(),
        shipment.origin(),
        shipment.destination(),
        events);
  }
}
