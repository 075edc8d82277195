package org.waypost.demo;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.waypost.App;
import org.waypost.catalog.Service;
import org.waypost.demo.Places.City;
import org.waypost.demo.Places.Place;
import org.waypost.tracking.EventIngestion;
import org.waypost.tracking.EventType;
import org.waypost.tracking.Location;
import org.waypost.tracking.ScanEvent;
import org.waypost.tracking.Shipment;
import org.waypost.tracking.ShipmentRegistry;
import org.waypost.tracking.TrackingNumber;
import org.waypost.tracking.TrackingStatus;

/**
 * Seeds a fresh demo database with pieces that look like a real network's: registered over the last
 * two weeks between real US cities (and some to and from abroad), each with the scan chain a parcel
 * really gets (acceptance, origin facility, transit, destination facility, post office, out for
 * delivery, delivery), cut short or turned aside so that every status is present.
 *
 * <p>Pieces go through the same registration and ingestion code as the API's, so the demo exercises
 * the product rather than a side door. A fixed seed makes the data the same shape on every machine;
 * times are relative to the moment of seeding.
 *
 * <p>Long (about 500 lines) because it is data as much as code: the cities, services and scan
 * chains of a believable network; none of it runs outside {@code demo}.
 */
public final class DemoData {
  private static final int SHIPMENTS = 600;
  private static final long SEED = 20_261_129L;

  /** Chains are drawn from here (noon Eastern), then moved by whole days to end near now. */
  private static final Instant START = Instant.parse("1970-01-05T17:00:00Z");

  private final App app;
  private final Random random = new Random(SEED);
  private final Instant now;

  /** A scan not yet stamped with its number. */
  private record Step(EventType type, Instant time, Place place, String description) {}

  private DemoData(App app) {
    this.app = app;
    this.now = app.clock().instant();
  }

  /** Seeds the store if it holds no shipment yet; returns whether it did. */
  public static boolean seedIfEmpty(App app, long shipperId) {
    long count =
        app.database()
            .read(
                c -> {
                  try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM shipments");
                      ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                  }
                });
    if (count > 0) {
      return false;
    }
    new DemoData(app).seed(shipperId);
    return true;
  }

  /** One tracking number per status, the most recently registered. */
  public static Map<TrackingStatus, String> samples(App app) {
    List<String> newestFirst =
        app.database()
            .read(
                c -> {
                  List<String> numbers = new ArrayList<>();
                  try (PreparedStatement ps =
                          c.prepareStatement(
                              "SELECT tracking_number FROM shipments ORDER BY id DESC");
                      ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                      numbers.add(rs.getString(1));
                    }
                  }
                  return numbers;
                });
    Map<TrackingStatus, String> samples = new EnumMap<>(TrackingStatus.class);
    for (String number : newestFirst) {
      app.tracker()
          .lookup(TrackingNumber.parse(number))
          .ifPresent(found -> samples.putIfAbsent(found.result().status(), number));
      if (samples.size() == TrackingStatus.values().length) {
        break;
      }
    }
    return samples;
  }

  private void seed(long shipperId) {
    List<EventIngestion.Item> items = new ArrayList<>();
    for (int i = 0; i < SHIPMENTS; i++) {
      TrackingStatus target = targetStatus(i);
      boolean international = i % 10 == 9;
      List<Step> steps;
      Shipment shipment;
      if (international) {
        City from = pick(Places.US);
        Place to = pick(Places.ABROAD);
        boolean inbound = i % 30 == 29;
        shipment =
            inbound
                ? register(shipperId, inboundNumber(i), to.location(), from.postOffice().location())
                : register(shipperId, null, from.postOffice().location(), to.location());
        steps = inbound ? inboundChain(to, from) : outboundChain(from, to);
      } else {
        City from = pick(Places.US);
        City to = pick(Places.US);
        shipment =
            register(shipperId, null, from.postOffice().location(), to.postOffice().location());
        steps = domesticChain(from, to);
      }
      steps = shape(steps, target);
      for (int s = 0; s < steps.size(); s++) {
        Step step = steps.get(s);
        items.add(
            new EventIngestion.Valid(
                items.size(),
                new ScanEvent(
                    "demo-" + shipment.trackingNumber() + "-" + s,
                    TrackingNumber.parse(shipment.trackingNumber()),
                    step.type(),
                    OffsetDateTime.ofInstant(
                        step.time(),
                        step.place() == null ? Places.ISC_NEW_YORK.zone() : step.place().zone()),
                    step.place() == null ? null : step.place().location(),
                    step.description())));
      }
      if (items.size() >= 1000) {
        app.ingestion().ingest(items);
        items = new ArrayList<>();
      }
    }
    app.ingestion().ingest(items);
  }

  /** The mix of a real network's day: most pieces delivered, every status present. */
  private static TrackingStatus targetStatus(int i) {
    int slot = i % 40;
    if (slot < 21) {
      return TrackingStatus.DELIVERED;
    }
    if (slot < 29) {
      return TrackingStatus.IN_TRANSIT;
    }
    return switch (slot) {
      case 29, 30 -> TrackingStatus.PRE_TRANSIT;
      case 31, 32 -> TrackingStatus.OUT_FOR_DELIVERY;
      case 33 -> TrackingStatus.DELIVERY_ATTEMPTED;
      case 34, 35 -> TrackingStatus.AVAILABLE_FOR_PICKUP;
      case 36 -> TrackingStatus.RETURN_TO_SENDER;
      default -> TrackingStatus.ALERT;
    };
  }

  private Shipment register(long shipperId, String number, Location from, Location to) {
    boolean abroad = !to.country().equals("US");
    Service service =
        abroad || number != null
            ? Service.INTERNATIONAL
            : pick(
                List.of(
                    Service.PRIORITY,
                    Service.PRIORITY,
                    Service.GROUND_ADVANTAGE,
                    Service.PRIORITY_EXPRESS,
                    Service.FIRST_CLASS));
    String reference =
        random.nextInt(3) == 0 ? "ORDER-" + (100_000 + random.nextInt(900_000)) : null;
    return app.shipments()
        .register(shipperId, new ShipmentRegistry.Request(service, number, from, to, reference));
  }

  /** A number a foreign post issued for an item on its way here. */
  private String inboundNumber(int i) {
    String country = pick(List.of("GB", "CA", "DE", "FR", "JP", "AU"));
    return TrackingNumber.issueS10("RR", 10_000_000L + i * 7919L, country).value();
  }

  private List<Step> domesticChain(City from, City to) {
    List<Step> steps = new ArrayList<>();
    Instant t = START;
    steps.add(
        new Step(
            EventType.LABEL_CREATED,
            t,
            from.postOffice(),
            "Shipping label created, USPS awaiting item"));
    steps.add(
        new Step(
            EventType.ACCEPTED,
            t = later(t, 2, 8),
            from.postOffice(),
            "USPS in possession of item"));
    steps.add(
        new Step(
            EventType.ARRIVED,
            t = later(t, 2, 5),
            from.facility(),
            "Arrived at USPS Regional Origin Facility"));
    steps.add(
        new Step(
            EventType.PROCESSED,
            t = later(t, 1, 3),
            from.facility(),
            "Processed through USPS Regional Facility"));
    steps.add(
        new Step(
            EventType.DEPARTED,
            t = later(t, 1, 4),
            from.facility(),
            "Departed USPS Regional Facility"));
    steps.add(
        new Step(EventType.IN_TRANSIT, t = later(t, 6, 20), null, "In Transit to Next Facility"));
    steps.add(
        new Step(
            EventType.ARRIVED,
            t = later(t, 8, 30),
            to.facility(),
            "Arrived at USPS Regional Destination Facility"));
    steps.add(
        new Step(
            EventType.DEPARTED,
            t = later(t, 2, 6),
            to.facility(),
            "Departed USPS Regional Facility"));
    steps.add(
        new Step(EventType.ARRIVED, t = later(t, 2, 5), to.postOffice(), "Arrived at Post Office"));
    steps.add(
        new Step(
            EventType.OUT_FOR_DELIVERY, t = later(t, 1, 3), to.postOffice(), "Out for Delivery"));
    steps.add(
        new Step(
            EventType.DELIVERED,
            later(t, 2, 8),
            to.postOffice(),
            pick(
                List.of(
                    "Delivered, In/At Mailbox",
                    "Delivered, Front Door/Porch",
                    "Delivered, Left with Individual",
                    "Delivered, Parcel Locker"))));
    return steps;
  }

  private List<Step> outboundChain(City from, Place to) {
    Place isc =
        from.postOffice().zone().equals(Places.ISC_LOS_ANGELES.zone())
            ? Places.ISC_LOS_ANGELES
            : Places.ISC_NEW_YORK;
    List<Step> steps = new ArrayList<>();
    Instant t = START;
    steps.add(
        new Step(
            EventType.LABEL_CREATED,
            t,
            from.postOffice(),
            "Shipping label created, USPS awaiting item"));
    steps.add(
        new Step(
            EventType.ACCEPTED,
            t = later(t, 2, 8),
            from.postOffice(),
            "USPS in possession of item"));
    steps.add(
        new Step(
            EventType.PROCESSED,
            t = later(t, 3, 8),
            from.facility(),
            "Processed through USPS Regional Facility"));
    steps.add(
        new Step(
            EventType.ARRIVED,
            t = later(t, 12, 36),
            isc,
            "Arrived at International Service Center"));
    steps.add(
        new Step(
            EventType.DEPARTED,
            t = later(t, 6, 24),
            isc,
            "Departed USPS facility for destination country"));
    steps.add(
        new Step(
            EventType.IN_TRANSIT, t = later(t, 10, 30), null, "In transit to destination country"));
    steps.add(
        new Step(EventType.ARRIVED, t = later(t, 12, 48), to, "Arrived in destination country"));
    steps.add(
        new Step(
            EventType.PROCESSED, t = later(t, 6, 30), to, "Customs clearance processing complete"));
    steps.add(new Step(EventType.OUT_FOR_DELIVERY, t = later(t, 12, 30), to, "Out for delivery"));
    steps.add(new Step(EventType.DELIVERED, later(t, 2, 8), to, "Delivered"));
    return steps;
  }

  private List<Step> inboundChain(Place from, City to) {
    List<Step> steps = new ArrayList<>();
    Instant t = START;
    steps.add(new Step(EventType.ACCEPTED, t, from, "Accepted by the origin postal service"));
    steps.add(new Step(EventType.DEPARTED, t = later(t, 12, 36), from, "Departed origin country"));
    steps.add(
        new Step(
            EventType.ARRIVED,
            t = later(t, 12, 40),
            Places.ISC_NEW_YORK,
            "Arrived at International Service Center"));
    steps.add(
        new Step(
            EventType.PROCESSED,
            t = later(t, 4, 24),
            Places.ISC_NEW_YORK,
            "Customs clearance processing complete"));
    steps.add(
        new Step(
            EventType.ARRIVED,
            t = later(t, 10, 30),
            to.facility(),
            "Arrived at USPS Regional Destination Facility"));
    steps.add(
        new Step(
            EventType.ARRIVED, t = later(t, 4, 10), to.postOffice(), "Arrived at Post Office"));
    steps.add(
        new Step(
            EventType.OUT_FOR_DELIVERY, t = later(t, 1, 3), to.postOffice(), "Out for Delivery"));
    steps.add(
        new Step(EventType.DELIVERED, later(t, 2, 8), to.postOffice(), "Delivered, In/At Mailbox"));
    return steps;
  }

  /**
   * Cuts or turns a full chain so it ends in {@code target}, then moves it in time so that its last
   * scan lies shortly before now (for pieces still moving) or days ago (for settled ones). The
   * whole span stays within the last two weeks.
   */
  private List<Step> shape(List<Step> full, TrackingStatus target) {
    List<Step> steps = new ArrayList<>(full);
    int outForDelivery = indexOf(steps, EventType.OUT_FOR_DELIVERY);
    Place office = steps.get(outForDelivery).place();
    Instant ofd = steps.get(outForDelivery).time();
    switch (target) {
      case PRE_TRANSIT -> steps = new ArrayList<>(steps.subList(0, 1));
      case IN_TRANSIT ->
          steps = new ArrayList<>(steps.subList(0, 2 + random.nextInt(outForDelivery - 2)));
      case OUT_FOR_DELIVERY -> steps = new ArrayList<>(steps.subList(0, outForDelivery + 1));
      case DELIVERY_ATTEMPTED -> {
        steps = new ArrayList<>(steps.subList(0, outForDelivery + 1));
        steps.add(
            new Step(
                EventType.DELIVERY_ATTEMPTED,
                later(ofd, 3, 8),
                office,
                "Notice Left (No Authorized Recipient Available)"));
      }
      case AVAILABLE_FOR_PICKUP -> {
        steps = new ArrayList<>(steps.subList(0, outForDelivery + 1));
        Instant attempt = later(ofd, 3, 8);
        steps.add(
            new Step(
                EventType.DELIVERY_ATTEMPTED,
                attempt,
                office,
                "Notice Left (No Authorized Recipient Available)"));
        steps.add(
            new Step(
                EventType.AVAILABLE_FOR_PICKUP,
                later(attempt, 14, 20),
                office,
                "Available for Pickup"));
      }
      case RETURN_TO_SENDER -> {
        steps = new ArrayList<>(steps.subList(0, outForDelivery + 1));
        Instant attempt = later(ofd, 3, 8);
        steps.add(
            new Step(
                EventType.DELIVERY_ATTEMPTED,
                attempt,
                office,
                "Notice Left (No Authorized Recipient Available)"));
        steps.add(
            new Step(
                EventType.RETURN_TO_SENDER,
                later(attempt, 30, 60),
                office,
                "Return to Sender: Unclaimed"));
      }
      case ALERT -> {
        int at = 2 + random.nextInt(outForDelivery - 2);
        steps = new ArrayList<>(steps.subList(0, at));
        Step last = steps.get(steps.size() - 1);
        steps.add(
            new Step(
                EventType.ALERT,
                later(last.time(), 4, 20),
                last.place(),
                pick(
                    List.of(
                        "Alert: Delivery exception, severe weather",
                        "Alert: Addressee's address is incomplete",
                        "Alert: Item damaged, being repackaged"))));
      }
      default -> {}
    }
    boolean settled =
        target == TrackingStatus.DELIVERED || target == TrackingStatus.RETURN_TO_SENDER;
    Duration ago =
        settled
            ? Duration.ofHours(12 + random.nextInt(24 * 9))
            : Duration.ofMinutes(20 + random.nextInt(60 * 6));
    Instant last = steps.get(steps.size() - 1).time();
    steps =
        shiftDays(
            steps, Math.floorDiv(Duration.between(last, now.minus(ago)).toMinutes(), 24 * 60));
    steps = withinWorkingHours(steps);
    while (!steps.get(steps.size() - 1).time().isBefore(now)) {
      steps = shiftDays(steps, -1);
    }
    return steps;
  }

  private static List<Step> shiftDays(List<Step> steps, long days) {
    return steps.stream()
        .map(
            s ->
                new Step(
                    s.type(), s.time().plus(Duration.ofDays(days)), s.place(), s.description()))
        .toList();
  }

  /**
   * Carriers deliver in daylight: moves each delivery-side scan forward into its local working
   * hours (and every later scan with it), so histories read like a real route's.
   */
  private List<Step> withinWorkingHours(List<Step> steps) {
    List<Step> out = new ArrayList<>();
    Duration push = Duration.ZERO;
    for (Step step : steps) {
      Instant time = step.time().plus(push);
      LocalTime[] hours = workingHours(step.type());
      if (hours != null && step.place() != null) {
        ZonedDateTime local = time.atZone(step.place().zone());
        ZonedDateTime moved = local;
        if (local.toLocalTime().isBefore(hours[0])) {
          moved = local.with(hours[0]).plusMinutes(random.nextInt(60));
        } else if (local.toLocalTime().isAfter(hours[1])) {
          moved = local.plusDays(1).with(hours[0]).plusMinutes(random.nextInt(60));
        }
        push = push.plus(Duration.between(local, moved));
        time = moved.toInstant();
      }
      out.add(new Step(step.type(), time, step.place(), step.description()));
    }
    return out;
  }

  private static LocalTime[] workingHours(EventType type) {
    return switch (type) {
      case OUT_FOR_DELIVERY -> new LocalTime[] {LocalTime.of(7, 0), LocalTime.of(9, 0)};
      case DELIVERED, DELIVERY_ATTEMPTED ->
          new LocalTime[] {LocalTime.of(9, 30), LocalTime.of(19, 0)};
      case AVAILABLE_FOR_PICKUP -> new LocalTime[] {LocalTime.of(8, 0), LocalTime.of(10, 0)};
      case ACCEPTED, LABEL_CREATED -> new LocalTime[] {LocalTime.of(8, 0), LocalTime.of(18, 0)};
      default -> null;
    };
  }

  private static int indexOf(List<Step> steps, EventType type) {
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i).type() == type) {
        return i;
      }
    }
    throw new IllegalStateException("every demo chain has a " + type + " scan");
  }

  private Instant later(Instant t, int minHours, int maxHours) {
    return t.plus(
        Duration.ofMinutes(minHours * 60L + random.nextInt((maxHours - minHours) * 60 + 1)));
  }

  private <T> T pick(List<T> options) {
    return options.get(random.nextInt(options.size()));
  }
}
