package org.waypost.tracking;

import java.time.OffsetDateTime;

/** A scan reported by the network, validated but not yet stored. */
public record ScanEvent(
    String eventId,
    TrackingNumber trackingNumber,
    EventType type,
    OffsetDateTime time,
    Location location,
    String description) {

  public ScanEvent {
    if (description == null || description.isBlank()) {
      description = type.defaultDescription();
    }
  }
}
