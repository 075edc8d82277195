package org.waypost.tracking;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.waypost.catalog.Service;
import org.waypost.config.ConfigException;
import org.waypost.config.OperatorConfig;
import org.waypost.db.Database;
import org.waypost.error.ProblemException;
import org.waypost.error.ProblemType;

/**
 * Registers pieces, issuing a number when the shipper brings none: an IMpb under the operator's
 * Mailer ID for domestic destinations, a UPU S10 under the operator's country for international
 * ones. Serials come from the database in the same transaction as the shipment, so an issued number
 * is never handed out twice, across restarts and concurrent requests alike.
 */
public final class ShipmentRegistry {
  /** A registration request after its fields were read; {@code trackingNumber} may be null. */
  public record Request(
      Service service,
      String trackingNumber,
      Location origin,
      Location destination,
      String reference) {}

  private final Database database;
  private final TrackingStore store;
  private final Tracker tracker;
  private final OperatorConfig operator;
  private final Clock clock;

  public ShipmentRegistry(
      Database database,
      TrackingStore store,
      Tracker tracker,
      OperatorConfig operator,
      Clock clock) {
    this.database = database;
    this.store = store;
    this.tracker = tracker;
    this.operator = operator;
    this.clock = clock;
    try {
      TrackingNumber.issueS10(Service.S10_SERVICE_INDICATOR, 0, operator.country());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          "operator.country must be a UPU member country code, was '" + operator.country() + "'");
    }
  }

  public Shipment register(long shipperId, Request request) {
    boolean abroad = !request.destination().country().equals(operator.country());
    TrackingNumber given =
        request.trackingNumber() == null ? null : TrackingNumber.parse(request.trackingNumber());
    checkService(request.service(), abroad, given);
    Shipment shipment =
        database.inTransaction(
            c ->
                store.insertShipment(
                    c,
                    given != null ? given.value() : issue(c, request.service(), abroad),
                    shipperId,
                    request.service(),
                    request.reference(),
                    request.origin(),
                    request.destination(),
                    Instant.ofEpochMilli(clock.millis())));
    tracker.forget(List.of(shipment.trackingNumber()));
    return shipment;
  }

  private void checkService(Service service, boolean abroad, TrackingNumber given) {
    if (abroad && !service.international()) {
      throw ProblemException.validation(
          "service must be INTERNATIONAL for a destination outside " + operator.country());
    }
    boolean inbound = given != null && given.international();
    if (!abroad && service.international() && !inbound) {
      throw ProblemException.validation(
          "service INTERNATIONAL needs a destination outside "
              + operator.country()
              + ", or an S10 trackingNumber for an item arriving from abroad");
    }
  }

  private String issue(Connection c, Service service, boolean abroad) throws SQLException {
    try {
      if (abroad) {
        String scheme = "S10:" + Service.S10_SERVICE_INDICATOR + ":" + operator.country();
        return TrackingNumber.issueS10(
                Service.S10_SERVICE_INDICATOR, store.nextSerial(c, scheme), operator.country())
            .value();
      }
      String scheme = "IMPB:" + operator.mailerId();
      return TrackingNumber.issueImpb(
              service.serviceTypeCode(), operator.mailerId(), store.nextSerial(c, scheme))
          .value();
    } catch (IllegalArgumentException e) {
      // The operator's identifiers were checked at start, so only the serial can be at fault.
      throw new ProblemException(
          ProblemType.CONFLICT, "No more tracking numbers can be issued in this series.");
    }
  }
}
