package org.waypost.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The status projection: what a tracking page says about a piece, given its scans. Guarantee 7
 * ("honest tracking") depends on it: the status is the latest scan by event time, whatever order
 * the network delivered the scans in.
 */
class ProjectionTest {
  private static final ZoneOffset PACIFIC = ZoneOffset.ofHours(-8);

  /** Saturday 28 November 2026, 10:00 in Los Angeles. */
  private static OffsetDateTime saturday(int hour, int minute) {
    return OffsetDateTime.of(2026, 11, 28, hour, minute, 0, 0, PACIFIC);
  }

  /** Monday 30 November 2026, local time in Los Angeles. */
  private static OffsetDateTime monday(int hour, int minute) {
    return OffsetDateTime.of(2026, 11, 30, hour, minute, 0, 0, PACIFIC);
  }

  /** Tuesday 1 December 2026, local time in Los Angeles. */
  private static OffsetDateTime tuesday(int hour, int minute) {
    return OffsetDateTime.of(2026, 12, 1, hour, minute, 0, 0, PACIFIC);
  }

  private static Location losAngeles() {
    return new Location("Los Angeles", "CA", "90052", "US");
  }

  private static StoredEvent scan(long seq, EventType type, OffsetDateTime time) {
    return new StoredEvent(seq, type, time, losAngeles(), type.defaultDescription());
  }

  /** Scans numbered in the order given, which must already be the fold order. */
  private static Projection replayOf(Scan... scans) {
    return Projection.replay(received(List.of(scans)));
  }

  @Test
  void aPieceWithNoScansAwaitsTheItem() {
    Projection nothing = Projection.initial();

    assertThat(nothing.status()).isEqualTo(TrackingStatus.PRE_TRANSIT);
    assertThat(nothing.statusText()).isEqualTo(Projection.AWAITING_ITEM);
    assertThat(nothing.statusTime()).isNull();
    assertThat(nothing.acceptedAt()).isNull();
    assertThat(nothing.deliveredAt()).isNull();
  }

  @Test
  void statusTextAndTimeComeFromTheLatestScan() {
    Projection projection =
        replayOf(
            new Scan(EventType.LABEL_CREATED, saturday(10, 0)),
            new Scan(EventType.ACCEPTED, monday(9, 0)),
            new Scan(EventType.ARRIVED, monday(20, 0)),
            new Scan(EventType.OUT_FOR_DELIVERY, tuesday(7, 45)));

    assertThat(projection.status()).isEqualTo(TrackingStatus.OUT_FOR_DELIVERY);
    assertThat(projection.statusText()).isEqualTo("Out for delivery");
    assertThat(projection.statusTime()).isEqualTo(tuesday(7, 45));
  }

  @Test
  void theShipperDescriptionOfTheLatestScanIsShown() {
    StoredEvent arrived =
        new StoredEvent(
            1, EventType.ARRIVED, monday(20, 0), losAngeles(), "Arrived at regional hub");

    assertThat(Projection.initial().fold(arrived).statusText())
        .isEqualTo("Arrived at regional hub");
  }

  @Test
  void scansWithTheSameEventTimeAreWonByTheLaterReceived() {
    Projection departedLast =
        Projection.replay(
            List.of(
                scan(1, EventType.ARRIVED, monday(20, 0)),
                scan(2, EventType.OUT_FOR_DELIVERY, monday(20, 0))));
    Projection arrivedLast =
        Projection.replay(
            List.of(
                scan(1, EventType.OUT_FOR_DELIVERY, monday(20, 0)),
                scan(2, EventType.ARRIVED, monday(20, 0))));

    assertThat(departedLast.status()).isEqualTo(TrackingStatus.OUT_FOR_DELIVERY);
    assertThat(arrivedLast.status()).isEqualTo(TrackingStatus.IN_TRANSIT);
  }

  @Nested
  class CanFold {
    private final Projection afterMondayEvening =
        Projection.initial().fold(scan(5, EventType.ARRIVED, monday(20, 0)));

    @Test
    void aPieceWithNoScansTakesAnyScan() {
      assertThat(Projection.initial().canFold(scan(1, EventType.ACCEPTED, saturday(10, 0))))
          .isTrue();
    }

    @Test
    void aScanWithALaterEventTimeFoldsOnEvenIfReceivedEarlier() {
      assertThat(afterMondayEvening.canFold(scan(3, EventType.DEPARTED, monday(20, 1)))).isTrue();
    }

    @Test
    void aScanWithAnEarlierEventTimeDoesNotFold() {
      assertThat(afterMondayEvening.canFold(scan(9, EventType.ACCEPTED, monday(19, 59)))).isFalse();
    }

    @Test
    void aScanWithTheSameEventTimeFoldsOnlyIfReceivedLater() {
      assertThat(afterMondayEvening.canFold(scan(6, EventType.DEPARTED, monday(20, 0)))).isTrue();
      assertThat(afterMondayEvening.canFold(scan(4, EventType.DEPARTED, monday(20, 0)))).isFalse();
    }

    @Test
    void theSameInstantInAnotherOffsetIsTheSameEventTime() {
      OffsetDateTime sameInstantInNewYork =
          monday(20, 0).withOffsetSameInstant(ZoneOffset.ofHours(-5));

      assertThat(afterMondayEvening.canFold(scan(4, EventType.DEPARTED, sameInstantInNewYork)))
          .isFalse();
    }
  }

  @Nested
  class AcceptedAt {
    @Test
    void isNotSetByALabel() {
      assertThat(replayOf(new Scan(EventType.LABEL_CREATED, saturday(10, 0))).acceptedAt())
          .isNull();
    }

    @Test
    void isTheFirstScanMadeInTheNetwork() {
      Projection projection =
          replayOf(
              new Scan(EventType.LABEL_CREATED, saturday(10, 0)),
              new Scan(EventType.ACCEPTED, monday(9, 0)),
              new Scan(EventType.PROCESSED, monday(20, 0)),
              new Scan(EventType.DELIVERED, tuesday(14, 0)));

      assertThat(projection.acceptedAt()).isEqualTo(monday(9, 0));
    }

    @Test
    void isSetByAnyNetworkScanWhenTheAcceptanceScanIsMissing() {
      Projection projection =
          replayOf(
              new Scan(EventType.LABEL_CREATED, saturday(10, 0)),
              new Scan(EventType.PROCESSED, monday(20, 0)),
              new Scan(EventType.ARRIVED, tuesday(6, 0)));

      assertThat(projection.acceptedAt()).isEqualTo(monday(20, 0));
    }

    @Test
    void staysWhenALabelIsPrintedAgainLater() {
      Projection projection =
          replayOf(
              new Scan(EventType.ACCEPTED, monday(9, 0)),
              new Scan(EventType.LABEL_CREATED, monday(11, 0)));

      assertThat(projection.acceptedAt()).isEqualTo(monday(9, 0));
    }

    @Test
    void keepsTheScanOffset() {
      assertThat(replayOf(new Scan(EventType.ACCEPTED, monday(9, 0))).acceptedAt().getOffset())
          .isEqualTo(PACIFIC);
    }
  }

  @Nested
  class DeliveredAt {
    private final Scan accepted = new Scan(EventType.ACCEPTED, monday(9, 0));
    private final Scan delivered = new Scan(EventType.DELIVERED, tuesday(14, 0));

    @Test
    void isUnsetWhileInTransit() {
      assertThat(
              replayOf(accepted, new Scan(EventType.OUT_FOR_DELIVERY, tuesday(8, 0))).deliveredAt())
          .isNull();
    }

    @Test
    void isTheDeliveryScanTime() {
      Projection projection = replayOf(accepted, delivered);

      assertThat(projection.status()).isEqualTo(TrackingStatus.DELIVERED);
      assertThat(projection.deliveredAt()).isEqualTo(tuesday(14, 0));
    }

    @Test
    void staysWhenAStrayScanFollowsDelivery() {
      Projection projection =
          replayOf(accepted, delivered, new Scan(EventType.ARRIVED, tuesday(18, 0)));

      assertThat(projection.status()).isEqualTo(TrackingStatus.DELIVERED);
      assertThat(projection.statusText()).isEqualTo("Delivered");
      assertThat(projection.statusTime()).isEqualTo(tuesday(14, 0));
      assertThat(projection.deliveredAt()).isEqualTo(tuesday(14, 0));
    }

    @Test
    void movesWithADeliveryCorrection() {
      Projection projection =
          replayOf(accepted, delivered, new Scan(EventType.DELIVERED, tuesday(16, 30)));

      assertThat(projection.deliveredAt()).isEqualTo(tuesday(16, 30));
    }

    @Test
    void isClearedWhenThePieceIsReturned() {
      Projection projection =
          replayOf(accepted, delivered, new Scan(EventType.RETURN_TO_SENDER, tuesday(18, 0)));

      assertThat(projection.status()).isEqualTo(TrackingStatus.RETURN_TO_SENDER);
      assertThat(projection.deliveredAt()).isNull();
    }

    @Test
    void isClearedByAnAlert() {
      Projection projection =
          replayOf(accepted, delivered, new Scan(EventType.ALERT, tuesday(18, 0)));

      assertThat(projection.status()).isEqualTo(TrackingStatus.ALERT);
      assertThat(projection.deliveredAt()).isNull();
    }
  }

  @Nested
  class Rules {
    @Test
    void aLabelPrintedAgainDoesNotMoveAScannedPieceBack() {
      Projection projection =
          replayOf(
              new Scan(EventType.LABEL_CREATED, saturday(10, 0)),
              new Scan(EventType.ACCEPTED, monday(9, 0)),
              new Scan(EventType.LABEL_CREATED, monday(11, 0)));

      assertThat(projection.status()).isEqualTo(TrackingStatus.IN_TRANSIT);
      assertThat(projection.statusText()).isEqualTo("Accepted at post office");
      assertThat(projection.statusTime()).isEqualTo(monday(9, 0));
    }

    @Test
    void aLabelPrintedAgainBeforeAnyScanIsTheNewStatus() {
      Projection projection =
          replayOf(
              new Scan(EventType.LABEL_CREATED, saturday(10, 0)),
              new Scan(EventType.LABEL_CREATED, monday(8, 0)));

      assertThat(projection.status()).isEqualTo(TrackingStatus.PRE_TRANSIT);
      assertThat(projection.statusTime()).isEqualTo(monday(8, 0));
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void aPieceNotYetScannedTakesAnyScan(EventType type) {
      assertThat(TrackingStatus.PRE_TRANSIT.accepts(type)).isTrue();
    }

    @ParameterizedTest
    @EnumSource(
        value = TrackingStatus.class,
        names = {"PRE_TRANSIT"},
        mode = EnumSource.Mode.EXCLUDE)
    void aLabelNeverMovesAScannedPiece(TrackingStatus status) {
      assertThat(status.accepts(EventType.LABEL_CREATED)).isFalse();
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void aDeliveredPieceOnlyTakesADeliveryCorrectionAReturnOrAnAlert(EventType type) {
      Set<EventType> taken =
          EnumSet.of(EventType.DELIVERED, EventType.RETURN_TO_SENDER, EventType.ALERT);

      assertThat(TrackingStatus.DELIVERED.accepts(type)).isEqualTo(taken.contains(type));
    }

    @ParameterizedTest
    @EnumSource(
        value = TrackingStatus.class,
        names = {"PRE_TRANSIT", "DELIVERED"},
        mode = EnumSource.Mode.EXCLUDE)
    void anUndeliveredScannedPieceTakesEveryNetworkScan(TrackingStatus status) {
      for (EventType type : EventType.values()) {
        if (type.inNetwork()) {
          assertThat(status.accepts(type)).as("%s accepts %s", status, type).isTrue();
        }
      }
    }

    @Test
    void aReturnedPieceCanBeDeliveredBackToTheSender() {
      Projection projection =
          replayOf(
              new Scan(EventType.ACCEPTED, monday(9, 0)),
              new Scan(EventType.DELIVERED, monday(15, 0)),
              new Scan(EventType.RETURN_TO_SENDER, monday(18, 0)),
              new Scan(EventType.ARRIVED, tuesday(6, 0)),
              new Scan(EventType.DELIVERED, tuesday(14, 0)));

      assertThat(projection.status()).isEqualTo(TrackingStatus.DELIVERED);
      assertThat(projection.deliveredAt()).isEqualTo(tuesday(14, 0));
    }
  }

  /**
   * The stored projection must not depend on the order in which the network delivers scans nor on
   * how they are batched: EventIngestion folds in-order scans onto the stored state and replays the
   * whole history when one is late, and both paths must agree with a replay of the full history.
   */
  @Nested
  class ArrivalOrder {
    /** A realistic piece with a reprinted label and a stray facility scan after delivery. */
    private final List<Scan> realistic =
        List.of(
            new Scan(EventType.LABEL_CREATED, saturday(10, 0)),
            new Scan(EventType.ACCEPTED, monday(9, 0)),
            new Scan(EventType.LABEL_CREATED, monday(11, 0)),
            new Scan(EventType.PROCESSED, monday(20, 0)),
            new Scan(EventType.ARRIVED, tuesday(6, 0)),
            new Scan(EventType.OUT_FOR_DELIVERY, tuesday(8, 0)),
            new Scan(EventType.DELIVERED, tuesday(14, 0)),
            new Scan(EventType.ARRIVED, tuesday(18, 0)));

    @Test
    void theRealisticHistoryReplayedInOrderIsDeliveredOnTuesday() {
      Projection projection = Projection.replay(received(realistic));

      assertThat(projection.status()).isEqualTo(TrackingStatus.DELIVERED);
      assertThat(projection.statusTime()).isEqualTo(tuesday(14, 0));
      assertThat(projection.deliveredAt()).isEqualTo(tuesday(14, 0));
      assertThat(projection.acceptedAt()).isEqualTo(monday(9, 0));
      assertThat(projection.lastEventMillis()).isEqualTo(tuesday(18, 0).toInstant().toEpochMilli());
    }

    @Test
    void theRealisticHistoryGivesOneAnswerWhateverTheArrivalOrderAndBatching() {
      Projection expected = ignoringReceipt(Projection.replay(received(realistic)));
      Random random = new Random(20261128L);
      int[] runs = {0};

      forEachPermutation(
          realistic,
          arrival -> {
            int n = arrival.size();
            for (List<Integer> split :
                List.of(
                    List.of(n), nCopies(n, 1), randomSplit(n, random), randomSplit(n, random))) {
              Projection ingested = ingestLikeEventIngestion(arrival, split);
              assertThat(ignoringReceipt(ingested))
                  .as("arrival %s in batches %s", arrival, split)
                  .isEqualTo(expected);
              runs[0]++;
            }
          });

      assertThat(runs[0]).isEqualTo(40320 * 4);
    }

    @Test
    void randomHistoriesMatchAReplayOfTheStoredHistory() {
      Random random = new Random(7L);
      for (int history = 0; history < 40; history++) {
        List<Scan> scans = randomHistory(random);
        for (int order = 0; order < 200; order++) {
          List<Scan> arrival = new ArrayList<>(scans);
          Collections.shuffle(arrival, random);
          List<Integer> split = randomSplit(arrival.size(), random);

          Projection expected = Projection.replay(inFoldOrder(received(arrival)));
          Projection ingested = ingestLikeEventIngestion(arrival, split);

          assertThat(ingested).as("arrival %s in batches %s", arrival, split).isEqualTo(expected);
        }
      }
    }

    @Test
    void aTieIsWonByTheLaterReceivedScanHoweverTheScansAreBatched() {
      Scan arrived = new Scan(EventType.ARRIVED, tuesday(6, 0));
      Scan outForDelivery = new Scan(EventType.OUT_FOR_DELIVERY, tuesday(6, 0));
      Scan accepted = new Scan(EventType.ACCEPTED, monday(9, 0));

      for (List<Integer> split : List.of(List.of(3), List.of(1, 1, 1), List.of(2, 1))) {
        assertThat(
                ingestLikeEventIngestion(List.of(outForDelivery, arrived, accepted), split)
                    .status())
            .as("arrived received last, batches %s", split)
            .isEqualTo(TrackingStatus.IN_TRANSIT);
        assertThat(
                ingestLikeEventIngestion(List.of(arrived, outForDelivery, accepted), split)
                    .status())
            .as("out for delivery received last, batches %s", split)
            .isEqualTo(TrackingStatus.OUT_FOR_DELIVERY);
      }
    }

    /**
     * The store keeps event times to the millisecond and sorts ties by receipt; scans may carry
     * finer times (ISO-8601 allows nanoseconds). The status must still be what a replay of the
     * stored history says, or it changes when some later late scan forces a replay.
     */
    @Test
    void scansWithinOneMillisecondAgreeWithAReplayOfTheStoredHistory() {
      OffsetDateTime tick = tuesday(6, 0);
      Scan arrivedLater = new Scan(EventType.ARRIVED, tick.plusNanos(500_000));
      Scan outForDeliveryEarlier = new Scan(EventType.OUT_FOR_DELIVERY, tick.plusNanos(100_000));
      List<Scan> arrival = List.of(arrivedLater, outForDeliveryEarlier);

      Projection stored = Projection.replay(inFoldOrder(received(arrival)));
      Projection ingested = ingestLikeEventIngestion(arrival, List.of(2));

      assertThat(ingested.status()).isEqualTo(stored.status());
    }
  }

  // ---- simulating EventIngestion

  /** A scan as the network reports it; its receipt sequence is fixed by the arrival order. */
  private record Scan(EventType type, OffsetDateTime time) {
    @Override
    public String toString() {
      return type + "@" + time.toLocalDateTime();
    }
  }

  /** The scans as stored, numbered 1, 2, ... in arrival order. */
  private static List<StoredEvent> received(List<Scan> arrival) {
    List<StoredEvent> events = new ArrayList<>();
    for (Scan s : arrival) {
      events.add(scan(events.size() + 1, s.type(), s.time()));
    }
    return events;
  }

  /**
   * Feeds the scans through the projection in batches of the given sizes, as EventIngestion does:
   * each batch is stored, then {@link #projectLikeEventIngestion} moves the stored projection.
   */
  private static Projection ingestLikeEventIngestion(List<Scan> arrival, List<Integer> batchSizes) {
    List<StoredEvent> all = received(arrival);
    List<StoredEvent> stored = new ArrayList<>();
    Projection projection = Projection.initial();
    int from = 0;
    for (int size : batchSizes) {
      List<StoredEvent> batch = all.subList(from, from + size);
      batch.forEach(e -> stored.add(asStored(e)));
      projection = projectLikeEventIngestion(projection, new ArrayList<>(batch), stored);
      from += size;
    }
    assertThat(from).as("batch sizes add up").isEqualTo(all.size());
    return projection;
  }

  /**
   * Mirror of {@code EventIngestion#project} (keep the two in step): folds the new scans onto the
   * stored projection, or replays the stored history when the first new one is late.
   */
  private static Projection projectLikeEventIngestion(
      Projection storedProjection, List<StoredEvent> added, List<StoredEvent> storedHistory) {
    added.sort(
        Comparator.comparingLong((StoredEvent e) -> e.time().toInstant().toEpochMilli())
            .thenComparingLong(StoredEvent::seq));
    Projection projection = storedProjection;
    if (!projection.canFold(added.get(0))) {
      return Projection.replay(inFoldOrder(storedHistory));
    }
    for (StoredEvent event : added) {
      projection = projection.fold(event);
    }
    return projection;
  }

  /** A scan as TrackingStore reads it back: event time kept to the millisecond, with its offset. */
  private static StoredEvent asStored(StoredEvent event) {
    return new StoredEvent(
        event.seq(),
        event.type(),
        event.time().truncatedTo(ChronoUnit.MILLIS),
        event.location(),
        event.description());
  }

  /** Mirror of {@code TrackingStore#historyInFoldOrder}: ORDER BY event_time, seq. */
  private static List<StoredEvent> inFoldOrder(List<StoredEvent> events) {
    return events.stream()
        .map(ProjectionTest::asStored)
        .sorted(
            Comparator.comparingLong((StoredEvent e) -> e.time().toInstant().toEpochMilli())
                .thenComparingLong(StoredEvent::seq))
        .toList();
  }

  /** The projection without the receipt sequence, which differs by arrival order by design. */
  private static Projection ignoringReceipt(Projection p) {
    return new Projection(
        p.status(),
        p.statusText(),
        p.statusTime(),
        p.acceptedAt(),
        p.deliveredAt(),
        p.lastEventMillis(),
        0);
  }

  private static List<Scan> randomHistory(Random random) {
    EventType[] types = EventType.values();
    int size = 3 + random.nextInt(10);
    List<Scan> scans = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      // Half-hour slots over two days, so that many histories have ties on event time.
      OffsetDateTime time = monday(0, 0).plusMinutes(30L * random.nextInt(96));
      scans.add(new Scan(types[random.nextInt(types.length)], time));
    }
    return scans;
  }

  /** Sizes of consecutive batches adding up to {@code n}. */
  private static List<Integer> randomSplit(int n, Random random) {
    List<Integer> sizes = new ArrayList<>();
    int left = n;
    while (left > 0) {
      int size = 1 + random.nextInt(left);
      sizes.add(size);
      left -= size;
    }
    return sizes;
  }

  private static List<Integer> nCopies(int n, int value) {
    return Collections.nCopies(n, value);
  }

  private static <T> void forEachPermutation(List<T> items, Consumer<List<T>> action) {
    permute(new ArrayList<>(items), 0, action);
  }

  private static <T> void permute(List<T> items, int from, Consumer<List<T>> action) {
    if (from == items.size()) {
      action.accept(List.copyOf(items));
      return;
    }
    for (int i = from; i < items.size(); i++) {
      Collections.swap(items, from, i);
      permute(items, from + 1, action);
      Collections.swap(items, from, i);
    }
  }
}
