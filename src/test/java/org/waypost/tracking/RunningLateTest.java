package org.waypost.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.waypost.catalog.Service;
import org.waypost.testing.Fixtures;

/**
 * When a page says "running late": the estimate now is later than the first one the history gave,
 * which is the one a recipient was shown after acceptance. Priority Mail, 2 business days.
 */
class RunningLateTest {
  private static final int PRIORITY_DAYS = 2;

  private static StoredEvent scan(EventType type, String time) {
    return new StoredEvent(type, OffsetDateTime.parse(time), Fixtures.fairfax(), null);
  }

  private static TrackingResult result(StoredEvent... oldestFirst) {
    Shipment shipment =
        new Shipment(
            1,
            "9400111206206406260787",
            1,
            Service.PRIORITY,
            null,
            Fixtures.losAngeles(),
            Fixtures.fairfax(),
            Instant.parse("2026-11-30T00:00:00Z"));
    return TrackingResult.of(shipment, List.of(oldestFirst).reversed(), PRIORITY_DAYS);
  }

  @Test
  void aPieceOnScheduleIsNotLate() {
    TrackingResult onTime =
        result(
            scan(EventType.ACCEPTED, "2026-11-30T10:00:00-08:00"),
            scan(EventType.ARRIVED, "2026-12-01T08:00:00-08:00"));

    assertThat(onTime.promisedDelivery()).isEqualTo(LocalDate.of(2026, 12, 2));
    assertThat(onTime.expectedDelivery()).isEqualTo(LocalDate.of(2026, 12, 2));
    assertThat(onTime.late()).isFalse();
  }

  @Test
  void aScanOnThePromisedDayStillInTransitMakesItLateAndSaysWhatItWas() {
    TrackingResult late =
        result(
            scan(EventType.ACCEPTED, "2026-11-30T10:00:00-08:00"),
            scan(EventType.ARRIVED, "2026-12-02T08:00:00-08:00"));

    assertThat(late.promisedDelivery()).isEqualTo(LocalDate.of(2026, 12, 2));
    assertThat(late.expectedDelivery()).isEqualTo(LocalDate.of(2026, 12, 3));
    assertThat(late.late()).isTrue();
  }

  @Test
  void theFirstEstimateStaysThePromiseWhenTheEstimateMovesTwice() {
    TrackingResult later =
        result(
            scan(EventType.ACCEPTED, "2026-11-30T10:00:00-08:00"),
            scan(EventType.ARRIVED, "2026-12-02T08:00:00-08:00"),
            scan(EventType.DEPARTED, "2026-12-03T08:00:00-08:00"));

    assertThat(later.promisedDelivery()).isEqualTo(LocalDate.of(2026, 12, 2));
    assertThat(later.expectedDelivery()).isEqualTo(LocalDate.of(2026, 12, 4));
    assertThat(later.late()).isTrue();
  }

  @Test
  void aPieceWithoutAnEstimateIsNeverLate() {
    TrackingResult attempted =
        result(
            scan(EventType.ACCEPTED, "2026-11-30T10:00:00-08:00"),
            scan(EventType.DELIVERY_ATTEMPTED, "2026-12-04T11:00:00-08:00"));

    assertThat(attempted.expectedDelivery()).isNull();
    assertThat(attempted.late()).isFalse();
    assertThat(attempted.statusType()).isEqualTo(EventType.DELIVERY_ATTEMPTED);
  }
}
