package org.waypost.tracking;

import java.util.Objects;

/**
 * A carrier whose format a number Waypost refused matches, so that the person who typed it can be
 * told where to track it instead of just "invalid": the carrier's name, and its tracking page for
 * that number, or null when the carrier's definition names none.
 */
public record OtherCarrier(String name, String trackingUrl) {
  public OtherCarrier {
    Objects.requireNonNull(name, "name");
  }
}
