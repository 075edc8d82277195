package org.waypost.tracking;

import java.time.Instant;
import org.waypost.catalog.Service;

/**
 * One physical piece. It has its own id because numbers are reused: a lookup shows the most
 * recently registered piece under a number.
 */
public record Shipment(
    long id,
    String trackingNumber,
    long shipperId,
    Service service,
    String reference,
    Location origin,
    Location destination,
    Instant createdAt) {}
