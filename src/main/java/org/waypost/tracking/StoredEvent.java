package org.waypost.tracking;

import java.time.OffsetDateTime;

/**
 * A scan as stored: {@code seq} is the order of receipt, which breaks ties between scans with the
 * same event time (the later-received wins).
 */
public record StoredEvent(
    long seq, EventType type, OffsetDateTime time, Location location, String description) {}
