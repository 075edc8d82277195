package org.waypost.analytics;

import static org.waypost.visitor.TrafficCounts.LOOKUPS;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The aggregates of a range of days, per day or per hour, and their totals: what {@code GET
 * /api/v1/admin/analytics} answers and the console's dashboard shows, built once. Every day (or
 * hour) of the range up to now has a bucket, zero when nothing was counted; the totals are the sum
 * of the buckets' reported counts.
 *
 * @param minCount the threshold below which a count is reported as "&lt;k"
 * @param buckets one per day (or hour) from {@code from} up to the end of the range or now,
 *     whichever comes first, oldest first
 */
public record Report(
    LocalDate from,
    LocalDate to,
    boolean hourly,
    int minCount,
    List<Bucket> buckets,
    Figures totals) {

  /**
   * One day or hour.
   *
   * @param key the day ({@code 2026-11-29}) or hour ({@code 2026-11-29T13})
   * @param uniqueVisitors distinct visitors of the day; null for an hour
   * @param visitorsFinal false while the day is still being counted
   */
  public record Bucket(String key, Figures figures, Count uniqueVisitors, boolean visitorsFinal) {
    /** All requests of the bucket ({@link Figures#requests}). */
    public Count requests() {
      return figures.requests();
    }

    public Count lookups() {
      return figures.total(LOOKUPS);
    }
  }

  public Report {
    buckets = List.copyOf(buckets);
  }

  /**
   * All requests of the range: the sum of each bucket's {@link Bucket#requests}, which hides no
   * more than the buckets do.
   */
  public Count requests() {
    return buckets.stream().map(Bucket::requests).reduce(Count::plus).orElse(Count.zero(minCount));
  }

  /** All lookups of the range. */
  public Count lookups() {
    return totals.total(LOOKUPS);
  }

  /** How many days the range spans. */
  public long days() {
    return ChronoUnit.DAYS.between(from, to) + 1;
  }

  /** How many buckets the whole range has, whether or not they have begun: days, or hours. */
  public int slots() {
    return (int) (hourly ? days() * 24 : days());
  }

  /** The report as the API writes it. */
  public Map<String, Object> json() {
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("from", from.toString());
    report.put("to", to.toString());
    report.put("resolution", hourly ? "hour" : "day");
    report.put("minCount", minCount);
    report.put(
        "note",
        "Counts below "
            + minCount
            + " are shown as \"<"
            + minCount
            + "\". A total that includes such counts is shown as \"N+\" (at least N). Requests that"
            + " carried Sec-GPC: 1 or DNT: 1 appear only in excludedRequests.");
    List<Map<String, Object>> entries = new ArrayList<>(buckets.size());
    for (Bucket bucket : buckets) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put(hourly ? "hour" : "date", bucket.key());
      putTotals(entry, bucket.requests(), bucket.figures());
      if (!hourly) {
        entry.put("uniqueVisitors", bucket.uniqueVisitors().json());
        entry.put("uniqueVisitorsFinal", bucket.visitorsFinal());
      }
      entries.add(entry);
    }
    report.put(hourly ? "hours" : "days", entries);
    Map<String, Object> totals = new LinkedHashMap<>();
    putTotals(totals, requests(), this.totals);
    report.put("totals", totals);
    return report;
  }

  private static void putTotals(Map<String, Object> out, Count requests, Figures figures) {
    out.put("totalRequests", requests.json());
    out.put("totalLookups", figures.total(LOOKUPS).json());
    figures.putJson(out);
    out.put("botShare", figures.botShare());
    out.put("excludedRequests", figures.excluded().json());
  }
}
