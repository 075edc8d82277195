package org.waypost.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The expected delivery date shown beside the history: a service-standard estimate, never a scan.
 * November 2026: Thursday 26, Friday 27, Saturday 28, Sunday 29, Monday 30; December: Tuesday 1,
 * Wednesday 2, Thursday 3, Friday 4, Saturday 5, Monday 7.
 */
class DeliveryEstimateTest {
  private static final ZoneOffset PACIFIC = ZoneOffset.ofHours(-8);
  private static final int PRIORITY_DAYS = 2;
  private static final int GROUND_DAYS = 4;

  private static OffsetDateTime pacific(int month, int day, int hour, int minute) {
    return OffsetDateTime.of(2026, month, day, hour, minute, 0, 0, PACIFIC);
  }

  private static LocalDate date(int month, int day) {
    return LocalDate.of(2026, month, day);
  }

  /** A piece accepted at {@code accepted} and not scanned since. */
  private static Projection piece(OffsetDateTime accepted) {
    return Projection.replay(List.of(scan(EventType.ACCEPTED, accepted)));
  }

  /** A piece accepted at {@code accepted}, whose latest scan is {@code type} at {@code time}. */
  private static Projection piece(OffsetDateTime accepted, EventType type, OffsetDateTime time) {
    return Projection.replay(List.of(scan(EventType.ACCEPTED, accepted), scan(type, time)));
  }

  private static StoredEvent scan(EventType type, OffsetDateTime time) {
    return new StoredEvent(type, time, new Location("Los Angeles", "CA", "90052", "US"), null);
  }

  @Nested
  class BusinessDays {
    @Test
    void skipSaturdayAndSunday() {
      assertThat(DeliveryEstimate.addBusinessDays(date(11, 27), 1)).isEqualTo(date(11, 30));
    }

    @Test
    void countFromAWeekendDayToMonday() {
      assertThat(DeliveryEstimate.addBusinessDays(date(11, 28), 1)).isEqualTo(date(11, 30));
      assertThat(DeliveryEstimate.addBusinessDays(date(11, 29), 1)).isEqualTo(date(11, 30));
    }

    @Test
    void fiveMakeAWeek() {
      assertThat(DeliveryEstimate.addBusinessDays(date(11, 30), 5)).isEqualTo(date(12, 7));
    }
  }

  @Nested
  class InTransit {
    @Test
    void isTheAcceptanceDatePlusTheStandard() {
      Projection projection =
          piece(pacific(11, 30, 9, 0), EventType.ARRIVED, pacific(11, 30, 20, 0));

      assertThat(DeliveryEstimate.expected(projection, PRIORITY_DAYS)).isEqualTo(date(12, 2));
    }

    @Test
    void skipsTheWeekend() {
      Projection acceptedFriday = piece(pacific(11, 27, 16, 0));

      assertThat(DeliveryEstimate.expected(acceptedFriday, PRIORITY_DAYS)).isEqualTo(date(12, 1));
    }

    @Test
    void countsALongerStandardAcrossTheWeekend() {
      Projection acceptedThursday = piece(pacific(11, 26, 10, 0));

      assertThat(DeliveryEstimate.expected(acceptedThursday, GROUND_DAYS)).isEqualTo(date(12, 2));
    }

    @Test
    void startsFromTheLocalDateOfAcceptance() {
      // 23:30 on Thursday in Los Angeles is already Friday in UTC.
      Projection acceptedLateThursday = piece(pacific(11, 26, 23, 30));

      assertThat(DeliveryEstimate.expected(acceptedLateThursday, PRIORITY_DAYS))
          .isEqualTo(date(11, 30));
    }

    @Test
    void staysWhileScansAreAheadOfIt() {
      Projection projection =
          piece(pacific(11, 30, 9, 0), EventType.DEPARTED, pacific(12, 1, 22, 0));

      assertThat(DeliveryEstimate.expected(projection, PRIORITY_DAYS)).isEqualTo(date(12, 2));
    }

    @Test
    void movesToTheNextBusinessDayAfterALateScan() {
      Projection late = piece(pacific(11, 30, 9, 0), EventType.ARRIVED, pacific(12, 3, 6, 0));

      assertThat(DeliveryEstimate.expected(late, PRIORITY_DAYS)).isEqualTo(date(12, 4));
    }

    @Test
    void movesToTheNextDayWhenStillInTransitOnTheExpectedDay() {
      Projection late = piece(pacific(11, 30, 9, 0), EventType.ARRIVED, pacific(12, 2, 6, 0));

      assertThat(DeliveryEstimate.expected(late, PRIORITY_DAYS)).isEqualTo(date(12, 3));
    }

    @Test
    void movesOverTheWeekendAfterALateFridayScan() {
      Projection late = piece(pacific(11, 30, 9, 0), EventType.ARRIVED, pacific(12, 4, 6, 0));

      assertThat(DeliveryEstimate.expected(late, PRIORITY_DAYS)).isEqualTo(date(12, 7));
    }

    @Test
    void movesToMondayAfterALateSaturdayScan() {
      Projection late = piece(pacific(11, 30, 9, 0), EventType.PROCESSED, pacific(12, 5, 3, 0));

      assertThat(DeliveryEstimate.expected(late, PRIORITY_DAYS)).isEqualTo(date(12, 7));
    }
  }

  @Nested
  class OutForDelivery {
    @Test
    void isThatDay() {
      Projection projection =
          piece(pacific(11, 30, 9, 0), EventType.OUT_FOR_DELIVERY, pacific(12, 1, 7, 30));

      assertThat(DeliveryEstimate.expected(projection, PRIORITY_DAYS)).isEqualTo(date(12, 1));
    }

    @Test
    void isThatDayEvenWhenLate() {
      Projection projection =
          piece(pacific(11, 30, 9, 0), EventType.OUT_FOR_DELIVERY, pacific(12, 4, 7, 30));

      assertThat(DeliveryEstimate.expected(projection, PRIORITY_DAYS)).isEqualTo(date(12, 4));
    }

    @Test
    void isTheLocalDateOfTheScan() {
      // 23:30 on Friday 4 December in Los Angeles is Saturday 5 December in UTC.
      OffsetDateTime lateFriday = pacific(12, 4, 23, 30);
      Projection projection = piece(pacific(11, 30, 9, 0), EventType.OUT_FOR_DELIVERY, lateFriday);

      assertThat(lateFriday.atZoneSameInstant(ZoneOffset.UTC).toLocalDate()).isEqualTo(date(12, 5));
      assertThat(DeliveryEstimate.expected(projection, PRIORITY_DAYS)).isEqualTo(date(12, 4));
    }
  }

  @Nested
  class NoEstimate {
    @Test
    void beforeAcceptance() {
      Projection labelOnly =
          Projection.replay(List.of(scan(EventType.LABEL_CREATED, pacific(11, 28, 10, 0))));

      assertThat(labelOnly.status()).isEqualTo(TrackingStatus.PRE_TRANSIT);
      assertThat(DeliveryEstimate.expected(labelOnly, PRIORITY_DAYS)).isNull();
    }

    @Test
    void forAPieceNeverScanned() {
      assertThat(DeliveryEstimate.expected(Projection.initial(), PRIORITY_DAYS)).isNull();
    }

    @ParameterizedTest
    @EnumSource(
        value = EventType.class,
        names = {
          "DELIVERED",
          "DELIVERY_ATTEMPTED",
          "AVAILABLE_FOR_PICKUP",
          "ALERT",
          "RETURN_TO_SENDER"
        })
    void onceTheDateDependsOnSomeoneElse(EventType type) {
      Projection projection = piece(pacific(11, 30, 9, 0), type, pacific(12, 1, 11, 0));

      assertThat(projection.status()).isEqualTo(type.status());
      assertThat(DeliveryEstimate.expected(projection, PRIORITY_DAYS)).isNull();
    }

    @Test
    void forADeliveredPieceWithAStrayScanAfterwards() {
      Projection projection =
          Projection.replay(
              List.of(
                  scan(EventType.ACCEPTED, pacific(11, 30, 9, 0)),
                  scan(EventType.DELIVERED, pacific(12, 1, 11, 0)),
                  scan(EventType.ARRIVED, pacific(12, 1, 18, 0))));

      assertThat(projection.status()).isEqualTo(TrackingStatus.DELIVERED);
      assertThat(DeliveryEstimate.expected(projection, PRIORITY_DAYS)).isNull();
    }
  }
}
