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

  private static StoredEvent scan(EventType type, OffsetDateTime time) {
    return new StoredEvent(type, time, losAngeles(), type.defaultDescription());
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
        new StoredEvent(EventType.ARRIVED, monday(20, 0), losAngeles(), "Arrived at regional hub");

    assertThat(Projection.initial().fold(arrived).statusText())
        .isEqualTo("Arrived at regional hub");
  }

  @Test
  void scansWithTheSameEventTimeAreWonByTheLaterReceived() {
    Projection departedLast =
        Projection.replay(
            List.of(
                scan(EventType.ARRIVED, monday(20, 0)),
                scan(EventType.OUT_FOR_DELIVERY, monday(20, 0))));
    Projection arrivedLast =
        Projection.replay(
            List.of(
                scan(EventType.OUT_FOR_DELIVERY, monday(20, 0)),
                scan(EventType.ARRIVED, monday(20, 0))));

    assertThat(departedLast.status()).isEqualTo(TrackingStatus.OUT_FOR_DELIVERY);
    assertThat(arrivedLast.status()).isEqualTo(TrackingStatus.IN_TRANSIT);
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
    }

    @Test
    void theRealisticHistoryGivesOneAnswerWhateverTheArrivalOrder() {
      Projection expected = Projection.replay(received(realistic));
      int[] runs = {0};

      forEachPermutation(
          realistic,
          arrival -> {
            assertThat(asLookedUp(arrival)).as("arrival %s", arrival).isEqualTo(expected);
            runs[0]++;
          });

      assertThat(runs[0]).isEqualTo(40320);
    }

    @Test
    void aTieIsWonByTheLaterReceivedScan() {
      Scan arrived = new Scan(EventType.ARRIVED, tuesday(6, 0));
      Scan outForDelivery = new Scan(EventType.OUT_FOR_DELIVERY, tuesday(6, 0));
      Scan accepted = new Scan(EventType.ACCEPTED, monday(9, 0));

      assertThat(asLookedUp(List.of(outForDelivery, arrived, accepted)).status())
          .as("arrived received last")
          .isEqualTo(TrackingStatus.IN_TRANSIT);
      assertThat(asLookedUp(List.of(arrived, outForDelivery, accepted)).status())
          .as("out for delivery received last")
          .isEqualTo(TrackingStatus.OUT_FOR_DELIVERY);
    }

    /**
     * The store keeps event times to the millisecond and sorts ties by receipt; scans may carry
     * finer times (ISO-8601 allows nanoseconds). Two scans within one millisecond are therefore a
     * tie, won by the later-received, not ordered by their nanoseconds.
     */
    @Test
    void scansWithinOneMillisecondAreATie() {
      OffsetDateTime tick = tuesday(6, 0);
      Scan arrivedLater = new Scan(EventType.ARRIVED, tick.plusNanos(500_000));
      Scan outForDeliveryEarlier = new Scan(EventType.OUT_FOR_DELIVERY, tick.plusNanos(100_000));

      assertThat(asLookedUp(List.of(arrivedLater, outForDeliveryEarlier)).status())
          .isEqualTo(TrackingStatus.OUT_FOR_DELIVERY);
    }
  }

  // ---- simulating storage and lookup

  /** A scan as the network reports it; its receipt sequence is fixed by the arrival order. */
  private record Scan(EventType type, OffsetDateTime time) {
    @Override
    public String toString() {
      return type + "@" + time.toLocalDateTime();
    }
  }

  /** The scans as stored, in arrival order. */
  private static List<StoredEvent> received(List<Scan> arrival) {
    return arrival.stream().map(s -> scan(s.type(), s.time())).toList();
  }

  /**
   * What a lookup shows after the scans arrived in this order: the stored history (event times kept
   * to the millisecond), in the order TrackingStore reads it (ORDER BY event_time, seq), folded.
   * The sort is stable, so scans with the same event time stay in arrival (receipt) order.
   */
  private static Projection asLookedUp(List<Scan> arrival) {
    return Projection.replay(
        received(arrival).stream()
            .map(
                e ->
                    new StoredEvent(
                        e.type(),
                        e.time().truncatedTo(ChronoUnit.MILLIS),
                        e.location(),
                        e.description()))
            .sorted(Comparator.comparingLong(e -> e.time().toInstant().toEpochMilli()))
            .toList());
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
