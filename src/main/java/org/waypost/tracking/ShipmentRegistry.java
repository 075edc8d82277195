package org.waypost.tracking;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.waypost.catalog.Service;
import org.waypost.config.ConfigException;
import org.waypost.config.OperatorConfig;
import org.waypost.config.TrackingConfig;
import org.waypost.db.Database;
import org.waypost.error.ProblemException;
import org.waypost.error.ProblemType;

/**
 * Registers pieces, issuing a number when the shipper brings none: an IMpb under the operator's
 * Mailer ID for domestic destinations, a UPU S10 under the operator's country for international
 * ones. Serials come from blocks each node reserves in the database ({@link SerialBlocks}), so an
 * issued number is never handed out twice, across nodes, restarts and concurrent requests alike,
 * and no registration waits for another's commit to get one. And shows an account its own pieces,
 * and only those.
 *
 * <p>A number is in use while a piece of another account is stored under it (its owner's users
 * still track it), or while any piece under it is not delivered: registering it then is a {@code
 * conflict}. The owning account may reuse its number once the piece is delivered; lookups show the
 * newest piece. The check and the insert are one step under concurrency ({@link
 * TrackingStore#lockNumber}). An issued number skips any serial whose number a shipper has already
 * registered itself, so issuing never lands on someone's piece.
 */
public final class ShipmentRegistry {
  /** A registration request after its fields were read; {@code trackingNumber} may be null. */
  public record Request(
      Service service,
      String trackingNumber,
      Location origin,
      Location destination,
      String reference) {}

  /**
   * Work that commits or rolls back with a registration: {@link #claim} runs first in its
   * transaction, {@link #record} last, with the new shipment (an idempotency key, say).
   */
  public interface Bound {
    Bound NONE =
        new Bound() {
          @Override
          public void claim(Connection c) {}

          @Override
          public void record(Connection c, Shipment shipment) {}
        };

    void claim(Connection c) throws SQLException;

    void record(Connection c, Shipment shipment) throws SQLException;
  }

  /** A piece as its owner sees it: as registered, and as tracked now. */
  public record Owned(Shipment shipment, TrackingResult tracked) {}

  /** The most pieces {@link #byReference} returns. */
  public static final int MAX_BY_REFERENCE = 100;

  /** Issued serials tried, at most, past numbers that shippers registered themselves. */
  private static final int MAX_SERIALS_SKIPPED = 10_000;

  private final Database database;
  private final TrackingStore store;
  private final SerialBlocks serials;
  private final Tracker tracker;
  private final OperatorConfig operator;
  private final TrackingConfig tracking;
  private final Clock clock;

  public ShipmentRegistry(
      Database database,
      TrackingStore store,
      Tracker tracker,
      OperatorConfig operator,
      TrackingConfig tracking,
      Clock clock) {
    this.database = database;
    this.store = store;
    this.serials = new SerialBlocks(database, store);
    this.tracker = tracker;
    this.operator = operator;
    this.tracking = tracking;
    this.clock = clock;
    try {
      TrackingNumber.issueS10(Service.S10_SERVICE_INDICATOR, 0, operator.country());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          "operator.country must be a UPU member country code, was '" + operator.country() + "'");
    }
  }

  public Shipment register(long shipperId, Request request) {
    return register(shipperId, request, Bound.NONE);
  }

  /**
   * Registers a piece for account {@code shipperId}, with {@code bound} in the same transaction.
   */
  public Shipment register(long shipperId, Request request, Bound bound) {
    boolean abroad = !request.destination().country().equals(operator.country());
    TrackingNumber given =
        request.trackingNumber() == null ? null : TrackingNumber.parse(request.trackingNumber());
    checkService(request.service(), abroad, given);
    Shipment shipment =
        given != null
            ? database.inTransaction(
                c -> {
                  bound.claim(c);
                  return insert(c, claim(c, given.value(), shipperId), shipperId, request, bound);
                })
            : issue(shipperId, request, abroad, bound);
    tracker.forget(List.of(shipment.trackingNumber()));
    return shipment;
  }

  /**
   * Registers the piece under the next number of the operator's series that no piece is stored
   * under: a shipper may have registered one of the series itself, and issuing it again would put
   * two owners on one number. A serial whose number is taken is skipped, and the registration tried
   * again with the next, in a new transaction.
   */
  private Shipment issue(long shipperId, Request request, boolean abroad, Bound bound) {
    for (int tried = 0; tried < MAX_SERIALS_SKIPPED; tried++) {
      String number = nextInSeries(request.service(), abroad);
      try {
        return database.inTransaction(
            c -> {
              bound.claim(c);
              store.lockNumber(c, number);
              if (store.findLatest(c, number).isPresent()) {
                throw new NumberTaken();
              }
              return insert(c, number, shipperId, request, bound);
            });
      } catch (NumberTaken e) {
        // rolled back, bound work included: try the next serial
      }
    }
    throw new ProblemException(
        ProblemType.CONFLICT, "No free tracking number could be issued; try again later.");
  }

  /** Rolls back a registration whose issued number a shipper registered itself meanwhile. */
  private static final class NumberTaken extends RuntimeException {
    NumberTaken() {
      super(null, null, false, false);
    }
  }

  private Shipment insert(Connection c, String number, long shipperId, Request request, Bound bound)
      throws SQLException {
    Shipment created =
        store.insertShipment(
            c,
            number,
            shipperId,
            request.service(),
            request.reference(),
            request.origin(),
            request.destination(),
            Instant.ofEpochMilli(clock.millis()));
    bound.record(c, created);
    return created;
  }

  /** The newest piece under {@code number} if {@code account} owns it; empty for anyone else. */
  public Optional<Owned> owned(long account, TrackingNumber number) {
    return database.read(
        c -> {
          Optional<Shipment> latest = store.findLatest(c, number.value());
          if (latest.isEmpty() || latest.get().shipperId() != account) {
            return Optional.empty();
          }
          Shipment shipment = latest.get();
          return Optional.of(
              new Owned(shipment, tracked(shipment, store.historyNewestFirst(c, shipment.id()))));
        });
  }

  /**
   * The account's pieces registered under {@code reference}, newest first, at most {@link
   * #MAX_BY_REFERENCE}.
   */
  public List<Owned> byReference(long account, String reference) {
    return database.read(
        c -> {
          List<Shipment> shipments = store.byReference(c, account, reference, MAX_BY_REFERENCE);
          Map<Long, List<StoredEvent>> histories =
              shipments.isEmpty()
                  ? Map.of()
                  : store.historiesInFoldOrder(c, shipments.stream().map(Shipment::id).toList());
          return shipments.stream()
              .map(
                  s ->
                      new Owned(
                          s, tracked(s, histories.getOrDefault(s.id(), List.of()).reversed())))
              .toList();
        });
  }

  private TrackingResult tracked(Shipment shipment, List<StoredEvent> newestFirst) {
    return TrackingResult.of(shipment, newestFirst, tracking.standardDays(shipment.service()));
  }

  /** {@code number}, given by the shipper, once it is free for {@code account} to use. */
  private String claim(Connection c, String number, long account) throws SQLException {
    store.lockNumber(c, number);
    return switch (store.numberUse(c, number, account)) {
      case FREE -> number;
      case OTHER_ACCOUNT ->
          throw new ProblemException(
              ProblemType.CONFLICT,
              "trackingNumber is in use: a piece of another account is registered under it.");
      case UNDELIVERED ->
          throw new ProblemException(
              ProblemType.CONFLICT,
              "trackingNumber is in use: your piece under it is not delivered yet. A number can"
                  + " be registered again once its piece is delivered.");
    };
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

  private String nextInSeries(Service service, boolean abroad) {
    try {
      if (abroad) {
        String scheme = "S10:" + Service.S10_SERVICE_INDICATOR + ":" + operator.country();
        return TrackingNumber.issueS10(
                Service.S10_SERVICE_INDICATOR, serials.next(scheme), operator.country())
            .value();
      }
      String scheme = "IMPB:" + operator.mailerId();
      return TrackingNumber.issueImpb(
              service.serviceTypeCode(), operator.mailerId(), serials.next(scheme))
          .value();
    } catch (IllegalArgumentException e) {
      // The operator's identifiers were checked at start, so only the serial can be at fault.
      throw new ProblemException(
          ProblemType.CONFLICT, "No more tracking numbers can be issued in this series.");
    }
  }
}
