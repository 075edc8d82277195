package org.waypost.tracking;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.waypost.db.Database;
import org.waypost.db.Dialect;
import org.waypost.error.ProblemType;
import org.waypost.tracking.ScanEventWriter.AlreadyStored;
import org.waypost.tracking.ScanEventWriter.NewEvent;
import org.waypost.tracking.TrackingStore.Piece;

/**
 * Stores a batch of scans in one transaction: a batch is acknowledged only after its commit. Scans
 * are idempotent by {@code eventId}; one bad scan is rejected on its own without failing the
 * others. A piece's status is not kept here but folded from its scans when it is looked up ({@link
 * Projection}), so storing a scan touches its piece's row only when the scan is a delivery.
 */
public final class EventIngestion {
  /** Scans dated further ahead than this are taken for clock errors and rejected. */
  static final Duration MAX_CLOCK_SKEW = Duration.ofHours(24);

  /** One item of a batch, as the reader made sense of it. */
  public sealed interface Item permits Valid, Invalid {
    int index();
  }

  public record Valid(int index, ScanEvent event) implements Item {}

  public record Invalid(int index, ProblemType type, String detail) implements Item {}

  public record Rejection(int index, ProblemType type, String detail) {}

  public record Outcome(int accepted, int duplicates, List<Rejection> rejected) {}

  private final Database database;
  private final TrackingStore store;
  private final ScanEventWriter scans;
  private final Tracker tracker;
  private final Clock clock;
  private final Counter accepted;
  private final Counter duplicates;
  private final Counter rejected;
  private final Counter copiesRetried;

  public EventIngestion(
      Database database, TrackingStore store, Tracker tracker, Clock clock, MeterRegistry meters) {
    this.database = database;
    this.store = store;
    this.scans = new ScanEventWriter(database.dialect());
    this.tracker = tracker;
    this.clock = clock;
    this.accepted = counter(meters, "accepted");
    this.duplicates = counter(meters, "duplicate");
    this.rejected = counter(meters, "rejected");
    this.copiesRetried =
        Counter.builder("waypost.events.copy.retried")
            .description(
                "Batches whose bulk load met an already stored event id and were stored again"
                    + " scan by scan")
            .register(meters);
  }

  private static Counter counter(MeterRegistry meters, String outcome) {
    return Counter.builder("waypost.events.ingested")
        .description("Scan events received, by outcome")
        .tag("outcome", outcome)
        .register(meters);
  }

  public Outcome ingest(List<? extends Item> items) {
    Instant now = clock.instant();
    List<Rejection> rejections = new ArrayList<>();
    Map<String, Valid> unique = new LinkedHashMap<>();
    int duplicateCount = 0;
    for (Item item : items) {
      switch (item) {
        case Invalid bad -> rejections.add(new Rejection(bad.index(), bad.type(), bad.detail()));
        case Valid good when good.event().time().toInstant().isAfter(now.plus(MAX_CLOCK_SKEW)) ->
            rejections.add(
                new Rejection(
                    good.index(),
                    ProblemType.VALIDATION_FAILED,
                    "time is more than 24 hours in the future"));
        case Valid good -> {
          if (unique.putIfAbsent(good.event().eventId(), good) != null) {
            duplicateCount++;
          }
        }
      }
    }
    Set<String> touched = new HashSet<>();
    int stored = 0;
    if (!unique.isEmpty()) {
      int before = rejections.size();
      boolean bulk = database.dialect() == Dialect.POSTGRESQL;
      try {
        stored =
            database.inTransaction(c -> store(c, unique.values(), now, rejections, touched, bulk));
      } catch (AlreadyStored resent) {
        // rolled back: store it again, skipping the scans stored already one by one
        copiesRetried.increment();
        rejections.subList(before, rejections.size()).clear();
        touched.clear();
        stored =
            database.inTransaction(c -> store(c, unique.values(), now, rejections, touched, false));
      }
      int unknown = rejections.size() - before;
      duplicateCount += unique.size() - unknown - stored;
    }
    tracker.forget(touched);
    rejections.sort(Comparator.comparingInt(Rejection::index));
    accepted.increment(stored);
    duplicates.increment(duplicateCount);
    rejected.increment(rejections.size());
    return new Outcome(stored, duplicateCount, List.copyOf(rejections));
  }

  /**
   * Stores what it can; appends a rejection for each scan of an unknown piece. {@code bulk} loads
   * the scans with one COPY (PostgreSQL), betting that none is stored yet, as in a carrier's feed;
   * a resent scan fails the transaction with {@link AlreadyStored}.
   */
  private int store(
      Connection c,
      Iterable<Valid> events,
      Instant now,
      List<Rejection> rejections,
      Set<String> touched,
      boolean bulk)
      throws SQLException {
    Set<String> numbers = new HashSet<>();
    for (Valid v : events) {
      numbers.add(v.event().trackingNumber().value());
    }
    Map<String, Piece> pieces = store.latestPieces(c, numbers);
    List<NewEvent> toInsert = new ArrayList<>();
    for (Valid v : events) {
      Piece piece = pieces.get(v.event().trackingNumber().value());
      if (piece == null) {
        rejections.add(
            new Rejection(
                v.index(),
                ProblemType.NOT_FOUND,
                "No shipment is registered under this tracking number; register it first."));
      } else {
        toInsert.add(new NewEvent(v.event(), piece));
      }
    }
    Set<String> inserted =
        bulk ? scans.copyNewEvents(c, toInsert, now) : scans.insertEvents(c, toInsert, now);
    SortedMap<Long, Long> delivered = new TreeMap<>();
    for (NewEvent e : toInsert) {
      if (inserted.contains(e.event().eventId())) {
        touched.add(e.piece().trackingNumber());
        if (e.event().type().status() == TrackingStatus.DELIVERED) {
          delivered.merge(e.piece().id(), e.event().time().toInstant().toEpochMilli(), Math::max);
        }
      }
    }
    store.markDelivered(c, delivered);
    return inserted.size();
  }
}
