package org.waypost.shipper.http;

import java.util.LinkedHashMap;
import java.util.Map;
import org.waypost.tracking.Projection;
import org.waypost.tracking.Shipment;
import org.waypost.tracking.TrackingLinks;
import org.waypost.tracking.TrackingResult;

/**
 * A shipment as its owner sees it: as registered ({@code reference}, {@code createdAt}), as tracked
 * (status, estimate, history), and where the public follows it ({@code trackingUrl}). The one shape
 * of registration's answer and of the shipper's reads.
 */
final class ShipmentJson {
  private final TrackingLinks links;

  ShipmentJson(TrackingLinks links) {
    this.links = links;
  }

  /** A piece just registered: no scan yet. */
  Map<String, Object> registered(Shipment shipment) {
    Projection initial = Projection.initial();
    Map<String, Object> out = head(shipment);
    out.put("status", initial.status());
    out.put("statusText", initial.statusText());
    tail(out, shipment);
    return out;
  }

  /** A piece with what its scans say, and its whole history (newest first). */
  Map<String, Object> tracked(Shipment shipment, TrackingResult tracked) {
    Map<String, Object> out = summary(shipment, tracked);
    out.put("events", tracked.events());
    return out;
  }

  /** A piece with what its scans say, without the history (for lists). */
  Map<String, Object> summary(Shipment shipment, TrackingResult tracked) {
    Map<String, Object> out = head(shipment);
    out.put("status", tracked.status());
    out.put("statusText", tracked.statusText());
    out.put("expectedDelivery", tracked.expectedDelivery());
    out.put("deliveredAt", tracked.deliveredAt());
    tail(out, shipment);
    return out;
  }

  private static Map<String, Object> head(Shipment shipment) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("trackingNumber", shipment.trackingNumber());
    out.put("service", shipment.service());
    return out;
  }

  private void tail(Map<String, Object> out, Shipment shipment) {
    out.put("origin", shipment.origin());
    out.put("destination", shipment.destination());
    out.put("reference", shipment.reference());
    out.put("createdAt", shipment.createdAt().toString());
    out.put("trackingUrl", links.page(shipment.trackingNumber()));
  }
}
