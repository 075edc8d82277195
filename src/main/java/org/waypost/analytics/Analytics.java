package org.waypost.analytics;

import static org.waypost.visitor.TrafficCounts.UNIQUE;
import static org.waypost.visitor.TrafficCounts.VISITORS;

import java.time.Clock;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.waypost.db.Database;
import org.waypost.error.InputDates;
import org.waypost.error.ProblemException;
import org.waypost.visitor.TrafficCounts;

/**
 * Reads the aggregates for operators, for the API and the console alike (one {@link Report}). Small
 * cells are reported as suppressed ("&lt;k", k = {@code privacy.analyticsMinCount}) rather than as
 * exact small numbers, totals are summed from what is reported ({@link Count}), and ratios are only
 * given when they cannot reveal a suppressed cell.
 */
public final class Analytics {

  static final int MAX_DAYS = 92;
  private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH");

  private final Database database;
  private final TrafficCounts counts;
  private final int minCount;
  private final Clock clock;

  public Analytics(Database database, TrafficCounts counts, int minCount, Clock clock) {
    this.database = database;
    this.counts = counts;
    this.minCount = minCount;
    this.clock = clock;
  }

  /** Today, in UTC: the day the aggregates are being counted into. */
  public LocalDate today() {
    return LocalDate.now(clock.withZone(ZoneOffset.UTC));
  }

  /** A range of days, both included, checked: from is not after to, and it is not too long. */
  public record Range(LocalDate from, LocalDate to) {
    public Range {
      if (from.isAfter(to)) {
        throw ProblemException.validation("from must not be after to");
      }
      if (ChronoUnit.DAYS.between(from, to) >= MAX_DAYS) {
        throw ProblemException.validation("a report covers at most " + MAX_DAYS + " days");
      }
    }
  }

  /**
   * A date range as given in a request: {@code to} defaults to today, {@code from} to six days
   * before {@code to}.
   *
   * @throws ProblemException {@code validation-failed} naming the date at fault, or when the range
   *     is backwards or longer than {@value #MAX_DAYS} days
   */
  public Range range(String fromText, String toText) {
    LocalDate to = date("to", toText, today());
    LocalDate from = date("from", fromText, to.minusDays(6));
    return new Range(from, to);
  }

  /**
   * Reads a date range as given in a request ({@link #range}); {@code hourly} gives one entry per
   * hour instead of per day.
   */
  public Report report(String fromText, String toText, boolean hourly) {
    return report(range(fromText, toText), hourly);
  }

  /** Reads the days of {@code range}. */
  public Report report(Range range, boolean hourly) {
    LocalDate from = range.from();
    LocalDate to = range.to();
    LocalDate today = today();
    return database.read(
        c -> {
          List<TrafficCounts.Count> rows =
              hourly
                  ? counts.read(c, 'H', from + "T00", to + "T23")
                  : counts.read(c, 'D', from.toString(), to.toString());
          Map<String, Map<String, Map<String, Long>>> byBucket = new TreeMap<>();
          for (TrafficCounts.Count row : rows) {
            byBucket
                .computeIfAbsent(row.bucket(), b -> new TreeMap<>())
                .computeIfAbsent(row.dimension(), d -> new TreeMap<>())
                .put(row.value(), row.count());
          }
          Long liveVisitors =
              !hourly && !today.isBefore(from) && !today.isAfter(to)
                  ? counts.visitorsSoFar(c, today)
                  : null;
          List<Report.Bucket> buckets = new ArrayList<>();
          Figures totals = Figures.none(minCount);
          for (String key : keys(from, to, hourly)) {
            Map<String, Map<String, Long>> stored = byBucket.getOrDefault(key, Map.of());
            Report.Bucket bucket = bucket(key, stored, hourly, today, liveVisitors);
            buckets.add(bucket);
            totals = totals.plus(bucket.figures());
          }
          return new Report(from, to, hourly, minCount, buckets, totals);
        });
  }

  /** The same number of days right before {@code report}'s: what the dashboard compares with. */
  public Report previous(Report report) {
    long days = report.days();
    return report(
        new Range(report.from().minusDays(days), report.from().minusDays(1)), report.hourly());
  }

  private Report.Bucket bucket(
      String key,
      Map<String, Map<String, Long>> stored,
      boolean hourly,
      LocalDate today,
      Long liveVisitors) {
    Figures figures = Figures.reported(stored, minCount);
    if (hourly) {
      return new Report.Bucket(key, figures, null, true);
    }
    boolean live = liveVisitors != null && key.equals(today.toString());
    long visitors =
        live ? liveVisitors : stored.getOrDefault(VISITORS, Map.of()).getOrDefault(UNIQUE, 0L);
    return new Report.Bucket(key, figures, Count.reported(visitors, minCount), !live);
  }

  /** Every day (or hour) of the range that has begun by now, oldest first. */
  private List<String> keys(LocalDate from, LocalDate to, boolean hourly) {
    List<String> keys = new ArrayList<>();
    if (!hourly) {
      LocalDate last = to.isAfter(today()) ? today() : to;
      for (LocalDate day = from; !day.isAfter(last); day = day.plusDays(1)) {
        keys.add(day.toString());
      }
      return keys;
    }
    LocalDateTime now = LocalDateTime.now(clock.withZone(ZoneOffset.UTC));
    LocalDateTime end = to.atTime(23, 0);
    LocalDateTime last = end.isAfter(now) ? now.truncatedTo(ChronoUnit.HOURS) : end;
    for (LocalDateTime hour = from.atStartOfDay(); !hour.isAfter(last); hour = hour.plusHours(1)) {
      keys.add(HOUR.format(hour));
    }
    return keys;
  }

  private static LocalDate date(String name, String text, LocalDate fallback) {
    if (text == null || text.isBlank()) {
      return fallback;
    }
    return InputDates.parse(text, name + " must be a date such as 2026-11-29");
  }
}
