package org.waypost.testing;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.waypost.App;
import org.waypost.catalog.Service;
import org.waypost.tracking.EventIngestion;
import org.waypost.tracking.EventType;
import org.waypost.tracking.Location;
import org.waypost.tracking.ScanEvent;
import org.waypost.tracking.ShipmentRegistry;
import org.waypost.tracking.TrackingNumber;

/** Named places, requests and scans for tests, in the PetClinic manner. */
public final class Fixtures {
  private Fixtures() {}

  public static Location losAngeles() {
    return new Location("LOS ANGELES", "CA", "90052", "US");
  }

  public static Location fairfax() {
    return new Location("FAIRFAX", "VA", "22032", "US");
  }

  public static Location merrifield() {
    return new Location("MERRIFIELD", "VA", "22081", "US");
  }

  public static Location london() {
    return new Location("LONDON", null, "EC1A 1BB", "GB");
  }

  /** Priority Mail from Los Angeles to Fairfax, number to be issued. */
  public static ShipmentRegistry.Request priorityToFairfax() {
    return new ShipmentRegistry.Request(Service.PRIORITY, null, losAngeles(), fairfax(), "ORDER-1");
  }

  public static ShipmentRegistry.Request internationalToLondon() {
    return new ShipmentRegistry.Request(Service.INTERNATIONAL, null, losAngeles(), london(), null);
  }

  public static ShipmentRegistry.Request priorityWithNumber(String number) {
    return new ShipmentRegistry.Request(Service.PRIORITY, number, losAngeles(), fairfax(), null);
  }

  public static ScanEvent scan(String eventId, String number, EventType type, String time) {
    return new ScanEvent(
        eventId, TrackingNumber.parse(number), type, OffsetDateTime.parse(time), fairfax(), null);
  }

  /**
   * Abuse limits far above what a test class that asks many numbers from one address needs: for
   * classes about something other than abuse defence (AbuseTest covers it).
   */
  public static Map<String, String> unlimitedLookups() {
    return Map.of(
        "abuse.failures", "100000",
        "abuse.prefixFailures", "100000",
        "abuse.clientNumbersPerMinute", "100000",
        "abuse.prefixNumbersPerMinute", "100000");
  }

  /**
   * Two Priority pieces from Los Angeles to Fairfax: one in transit (accepted on Nov 27, arrived on
   * Nov 28, 2026), one delivered on Nov 23; their numbers in that order.
   */
  public static List<String> inTransitAndDelivered(App app) {
    long shipper = app.apiKeys().create("Acme").shipper().id();
    String inTransit = app.shipments().register(shipper, priorityToFairfax()).trackingNumber();
    String delivered = app.shipments().register(shipper, priorityToFairfax()).trackingNumber();
    app.ingestion()
        .ingest(
            batch(
                scan("t1", inTransit, EventType.ACCEPTED, "2026-11-27T16:00:00-08:00"),
                scan("t2", inTransit, EventType.ARRIVED, "2026-11-28T14:03:00-08:00"),
                scan("d1", delivered, EventType.ACCEPTED, "2026-11-20T09:00:00-08:00"),
                scan("d2", delivered, EventType.DELIVERED, "2026-11-23T13:15:00-05:00")));
    return List.of(inTransit, delivered);
  }

  /** Wraps scans as a batch, indexed in order. */
  public static List<EventIngestion.Item> batch(ScanEvent... scans) {
    List<EventIngestion.Item> items = new java.util.ArrayList<>();
    for (ScanEvent scan : scans) {
      items.add(new EventIngestion.Valid(items.size(), scan));
    }
    return items;
  }

  /** One scan as the JSON the events API takes. */
  public static String eventJson(String eventId, String number, String type, String time) {
    return "{\"eventId\":\""
        + eventId
        + "\",\"trackingNumber\":\""
        + number
        + "\",\"type\":\""
        + type
        + "\",\"time\":\""
        + time
        + "\",\"location\":{\"city\":\"MERRIFIELD\",\"region\":\"VA\",\"postalCode\":\"22081\",\"country\":\"US\"}}";
  }

  public static String jsonArray(String... events) {
    return List.of(events).stream().collect(Collectors.joining(",", "[", "]"));
  }

  public static String shipmentJson(String service, String destinationCountry) {
    String destination =
        destinationCountry.equals("US")
            ? "{\"city\":\"Fairfax\",\"region\":\"VA\",\"postalCode\":\"22032\",\"country\":\"US\"}"
            : "{\"city\":\"London\",\"postalCode\":\"EC1A 1BB\",\"country\":\""
                + destinationCountry
                + "\"}";
    return "{\"service\":\""
        + service
        + "\",\"origin\":{\"city\":\"Los Angeles\",\"region\":\"CA\",\"postalCode\":\"90052\",\"country\":\"US\"},"
        + "\"destination\":"
        + destination
        + "}";
  }
}
