package org.waypost.tracking;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import org.waypost.catalog.Service;

/**
 * What anyone holding the number may see: the public JSON shape and the page's model. The last two
 * components are for pages only and stay out of the JSON.
 *
 * @param statusType the kind of scan that set the status (its wording in another language); null
 *     before any scan
 * @param promisedDelivery the first delivery date the history gave, from which the page tells that
 *     a piece runs late (see {@link #late()}); null when none was ever given
 */
public record TrackingResult(
    String trackingNumber,
    Service service,
    TrackingStatus status,
    String statusText,
    LocalDate expectedDelivery,
    OffsetDateTime deliveredAt,
    Location origin,
    Location destination,
    List<Event> events,
    @JsonIgnore EventType statusType,
    @JsonIgnore LocalDate promisedDelivery) {

  /** One line of the history, newest first. */
  public record Event(
      OffsetDateTime time,
      EventType type,
      TrackingStatus status,
      String description,
      Location location) {

    /** Whether the shipper wrote its own words for this scan, rather than the type's default. */
    @JsonIgnore
    public boolean describedByShipper() {
      return description != null && !description.equals(type.defaultDescription());
    }
  }

  /**
   * The piece's status and estimate are folded from its history here, at every lookup. So is the
   * first estimate the piece was given, the one a recipient was promised: the fold keeps the first
   * estimate it can make (normally at acceptance: acceptance plus the service standard).
   */
  static TrackingResult of(Shipment shipment, List<StoredEvent> newestFirst, int standardDays) {
    Projection projection = Projection.initial();
    LocalDate promised = null;
    for (StoredEvent event : newestFirst.reversed()) {
      projection = projection.fold(event);
      if (promised == null) {
        promised = DeliveryEstimate.expected(projection, standardDays);
      }
    }
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
        events,
        projection.statusType(),
        promised);
  }

  /**
   * Whether the piece runs late: its estimate is later than the date it was first given. Only an
   * estimate can run late; a piece held, attempted or stopped has none (its page says what to do
   * instead).
   */
  @JsonIgnore
  public boolean late() {
    return expectedDelivery != null
        && promisedDelivery != null
        && expectedDelivery.isAfter(promisedDelivery);
  }

  /** The same result with another wording of its status (for another language). */
  public TrackingResult withStatusText(String text) {
    return new TrackingResult(
        trackingNumber,
        service,
        status,
        text,
        expectedDelivery,
        deliveredAt,
        origin,
        destination,
        events,
        statusType,
        promisedDelivery);
  }
}
