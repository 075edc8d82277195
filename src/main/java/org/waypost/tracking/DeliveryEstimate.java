package org.waypost.tracking;

import java.time.DayOfWeek;
import java.time.LocalDate;

/**
 * The expected delivery date: an estimate from the service standard, never a scan.
 *
 * <p>In transit, it is the acceptance date plus the service's standard in business days (Monday to
 * Friday), pushed to the next business day when a later scan shows the piece is behind. Out for
 * delivery, it is that day. In every other status there is no estimate: before acceptance nothing
 * is known, and after an attempt, a hold, an alert or a return the date depends on someone other
 * than the network.
 */
public final class DeliveryEstimate {
  private DeliveryEstimate() {}

  public static LocalDate expected(Projection projection, int standardDays) {
    return switch (projection.status()) {
      case IN_TRANSIT -> inTransit(projection, standardDays);
      case OUT_FOR_DELIVERY -> projection.statusTime().toLocalDate();
      default -> null;
    };
  }

  private static LocalDate inTransit(Projection projection, int standardDays) {
    if (projection.acceptedAt() == null) {
      return null;
    }
    LocalDate date = addBusinessDays(projection.acceptedAt().toLocalDate(), standardDays);
    LocalDate latestScan = projection.statusTime().toLocalDate();
    return date.isAfter(latestScan) ? date : addBusinessDays(latestScan, 1);
  }

  static LocalDate addBusinessDays(LocalDate start, int days) {
    LocalDate date = start;
    int added = 0;
    while (added < days) {
      date = date.plusDays(1);
      if (date.getDayOfWeek() != DayOfWeek.SATURDAY && date.getDayOfWeek() != DayOfWeek.SUNDAY) {
        added++;
      }
    }
    return date;
  }
}
