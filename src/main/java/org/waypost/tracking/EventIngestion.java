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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.waypost.db.Database;
import org.waypost.db.Dialect;
import org.waypost.error.ProblemType;
import org.waypost.tracking.ScanEventWriter.AlreadyStored;
import org.waypost.tracking.ScanEventWriter.Content;
import org.waypost.tracking.ScanEventWriter.EventKey;
import org.waypost.tracking.ScanEventWriter.NewEvent;
import org.waypost.tracking.TrackingStore.Piece;

/**
 * Stores a batch of scans in one transaction: a batch is acknowledged only after its commit. One
 * bad scan is rejected on its own without failing the others. A piece's status is not kept here but
 * folded from its scans when it is looked up ({@link Projection}), so storing a scan touches its
 * piece's row only when the scan is a delivery.
 *
 * <p>Who may write what (guarantee 10): a key stores scans only for its own account's pieces,
 * unless it is a network key ({@link Sender}). A scan for any other piece gets exactly the answer a
 * number with no piece gets, and that check comes before anything that looks at the piece (its
 * registration time, the event ids stored for it), so no key learns from ingestion whether a number
 * it does not own exists. Event ids are unique per account: the same id with the same content is a
 * duplicate, with other content a conflict, and another account's ids are of no concern.
 */
public final class EventIngestion {
  /** Scans dated further ahead than this are taken for clock errors and rejected. */
  static final Duration MAX_CLOCK_SKEW = Duration.ofHours(24);

  /** Scans dated further before their piece's registration than this are rejected. */
  static final Duration MAX_BEFORE_REGISTRATION = Duration.ofDays(30);

  /** The one answer for a number without a piece and for a piece the sender may not write. */
  static final String NOT_FOUND_DETAIL =
      "No shipment is registered under this tracking number; register it first.";

  /** One item of a batch, as the reader made sense of it. */
  public sealed interface Item permits Valid, Invalid {
    int index();
  }

  public record Valid(int index, ScanEvent event) implements Item {}

  public record Invalid(int index, ProblemType type, String detail) implements Item {}

  public record Rejection(int index, ProblemType type, String detail) {}

  public record Outcome(int accepted, int duplicates, List<Rejection> rejected) {}

  /** What one transaction made of the scans it was given. */
  private record Stored(
      int accepted, int duplicates, List<Rejection> rejections, Set<String> touched) {
    static final Stored NOTHING = new Stored(0, 0, List.of(), Set.of());
  }

  private final Database database;
  private final TrackingStore store;
  private final ScanEventWriter scans;
  private final Tracker tracker;
  private final Clock clock;
  private final Counter accepted;
  private final Counter duplicates;
  private final Counter rejected;
  private final Counter copiesRetried;
  private final List<ScanHook> hooks = new CopyOnWriteArrayList<>();

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

  /** Adds work to do in the transaction of every batch that stores new scans. */
  public void addHook(ScanHook hook) {
    hooks.add(hook);
  }

  /**
   * Stores a batch from the operator's own tools on the server ({@link Sender#OPERATOR}): {@code
   * waypost import events} and the demo's seeding.
   */
  public Outcome ingest(List<? extends Item> items) {
    return ingest(Sender.OPERATOR, items);
  }

  /** Stores a batch sent by {@code sender}: what it may write, and rejections for the rest. */
  public Outcome ingest(Sender sender, List<? extends Item> items) {
    Instant now = clock.instant();
    Instant latest = now.plus(MAX_CLOCK_SKEW);
    List<Rejection> rejections = new ArrayList<>();
    List<Valid> candidates = new ArrayList<>(items.size());
    for (Item item : items) {
      switch (item) {
        case Invalid bad -> rejections.add(new Rejection(bad.index(), bad.type(), bad.detail()));
        case Valid good when good.event().time().toInstant().isAfter(latest) ->
            rejections.add(
                new Rejection(
                    good.index(),
                    ProblemType.VALIDATION_FAILED,
                    "time is more than 24 hours in the future: a scan's time must be no later"
                        + " than "
                        + latest
                        + ", and no earlier than 30 days before its piece was registered"));
        case Valid good -> candidates.add(good);
      }
    }
    Stored stored = Stored.NOTHING;
    if (!candidates.isEmpty()) {
      boolean bulk = database.dialect() == Dialect.POSTGRESQL;
      try {
        stored = database.inTransaction(c -> store(c, sender, candidates, now, bulk));
      } catch (AlreadyStored resent) {
        // rolled back: store it again, skipping the scans stored already one by one
        copiesRetried.increment();
        stored = database.inTransaction(c -> store(c, sender, candidates, now, false));
      }
    }
    tracker.forget(stored.touched());
    rejections.addAll(stored.rejections());
    rejections.sort(Comparator.comparingInt(Rejection::index));
    accepted.increment(stored.accepted());
    duplicates.increment(stored.duplicates());
    rejected.increment(rejections.size());
    return new Outcome(stored.accepted(), stored.duplicates(), List.copyOf(rejections));
  }

  /**
   * Stores what {@code sender} may store of {@code events} and rejects the rest. {@code bulk} loads
   * the scans with one COPY (PostgreSQL), betting that none is stored yet, as in a carrier's feed;
   * a resent scan fails the transaction with {@link AlreadyStored}.
   */
  private Stored store(Connection c, Sender sender, List<Valid> events, Instant now, boolean bulk)
      throws SQLException {
    Set<String> numbers = new HashSet<>();
    for (Valid v : events) {
      numbers.add(v.event().trackingNumber().value());
    }
    Map<String, Piece> pieces = store.latestPieces(c, numbers);
    List<Rejection> rejections = new ArrayList<>();
    List<NewEvent> toInsert = new ArrayList<>(events.size());
    List<Valid> inserting = new ArrayList<>(events.size());
    Map<EventKey, ScanEvent> inBatch = HashMap.newHashMap(events.size());
    int duplicateCount = 0;
    for (Valid v : events) {
      Piece piece = pieces.get(v.event().trackingNumber().value());
      if (piece == null || !sender.mayWrite(piece)) {
        rejections.add(new Rejection(v.index(), ProblemType.NOT_FOUND, NOT_FOUND_DETAIL));
        continue;
      }
      Instant earliest = Instant.ofEpochMilli(piece.createdAt()).minus(MAX_BEFORE_REGISTRATION);
      if (v.event().time().toInstant().isBefore(earliest)) {
        rejections.add(
            new Rejection(
                v.index(),
                ProblemType.VALIDATION_FAILED,
                "time is more than 30 days before the piece was registered: a scan's time must"
                    + " be from "
                    + earliest
                    + " to "
                    + now.plus(MAX_CLOCK_SKEW)));
        continue;
      }
      NewEvent event = new NewEvent(v.event(), piece, sender.accountFor(piece), sender.key());
      ScanEvent first = inBatch.putIfAbsent(event.eventKey(), v.event());
      if (first == null) {
        toInsert.add(event);
        inserting.add(v);
      } else if (Content.of(first).equals(Content.of(v.event()))) {
        duplicateCount++;
      } else {
        rejections.add(conflict(v));
      }
    }
    boolean[] inserted =
        bulk ? scans.copyNewEvents(c, toInsert, now) : scans.insertEvents(c, toInsert, now);
    SortedMap<Long, Long> delivered = new TreeMap<>();
    Set<String> touched = new HashSet<>();
    List<EventKey> notInserted = new ArrayList<>();
    List<ScanHook.StoredScan> fresh = new ArrayList<>(toInsert.size());
    for (int i = 0; i < toInsert.size(); i++) {
      NewEvent e = toInsert.get(i);
      if (!inserted[i]) {
        notInserted.add(e.eventKey());
        continue;
      }
      fresh.add(new ScanHook.StoredScan(e.event(), e.piece(), e.account(), e.key()));
      touched.add(e.piece().trackingNumber());
      if (e.event().type().status() == TrackingStatus.DELIVERED) {
        // when it was received, not the time it claims: retention counts from here
        delivered.put(e.piece().id(), now.toEpochMilli());
      }
    }
    store.markDelivered(c, delivered);
    if (!fresh.isEmpty()) {
      for (ScanHook hook : hooks) {
        hook.stored(c, fresh, now);
      }
    }
    if (!notInserted.isEmpty()) {
      // stored before under the same key: a resend, or another scan under a reused id
      Map<EventKey, Content> stored = scans.storedContents(c, notInserted);
      for (int i = 0; i < toInsert.size(); i++) {
        if (inserted[i]) {
          continue;
        }
        NewEvent e = toInsert.get(i);
        Content before = stored.get(e.eventKey());
        if (before == null || before.equals(Content.of(e.event()))) {
          duplicateCount++;
        } else {
          rejections.add(conflict(inserting.get(i)));
        }
      }
    }
    return new Stored(fresh.size(), duplicateCount, rejections, touched);
  }

  private static Rejection conflict(Valid v) {
    return new Rejection(
        v.index(),
        ProblemType.CONFLICT,
        "eventId '"
            + v.event().eventId()
            + "' is already used for a different scan (type, time, number, location or"
            + " description differ); a new scan needs a new eventId");
  }
}
