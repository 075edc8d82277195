package org.waypost.tracking;

import java.time.OffsetDateTime;

/**
 * A scan as stored and read back. A history is read in event-time order with ties broken by receipt
 * (the later-received scan sorts later), which is the order {@link Projection} folds in.
 */
public record StoredEvent(
    EventType type, OffsetDateTime time, Location location, String description) {}
