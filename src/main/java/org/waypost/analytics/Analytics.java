package org.waypost.analytics;

import static org.waypost.visitor.TrafficCounts.BOT;
import static org.waypost.visitor.TrafficCounts.BROWSER;
import static org.waypost.visitor.TrafficCounts.COUNTRY;
import static org.waypost.visitor.TrafficCounts.DEVICE;
import static org.waypost.visitor.TrafficCounts.EXCLUDED;
import static org.waypost.visitor.TrafficCounts.HUMAN;
import static org.waypost.visitor.TrafficCounts.LOOKUPS;
import static org.waypost.visitor.TrafficCounts.OS;
import static org.waypost.visitor.TrafficCounts.PRIVACY_SIGNAL;
import static org.waypost.visitor.TrafficCounts.REFERRER;
import static org.waypost.visitor.TrafficCounts.REQUESTS;
import static org.waypost.visitor.TrafficCounts.STATUS;
import static org.waypost.visitor.TrafficCounts.TRAFFIC;
import static org.waypost.visitor.TrafficCounts.UNIQUE;
import static org.waypost.visitor.TrafficCounts.VISITORS;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.waypost.db.Database;
import org.waypost.error.InputDates;
import org.waypost.error.ProblemException;
import org.waypost.visitor.TrafficCounts;

/**
 * Reads the aggregates for operators. Small cells are reported as suppressed ("&lt;k", k = {@code
 * privacy.analyticsMinCount}) rather than as exact small numbers, and ratios are only given when
 * they cannot reveal a suppressed cell.
 */
public final class Analytics {

  static final int MAX_DAYS = 92;

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

  /** Reads a date range; {@code hourly} gives one entry per hour instead of per day. */
  public Map<String, Object> report(String fromText, String toText, boolean hourly) {
    LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
    LocalDate to = date("to", toText, today);
    LocalDate from = date("from", fromText, to.minusDays(6));
    if (from.isAfter(to)) {
      throw ProblemException.validation("from must not be after to");
    }
    if (ChronoUnit.DAYS.between(from, to) >= MAX_DAYS) {
      throw ProblemException.validation("a report covers at most " + MAX_DAYS + " days");
    }
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
          Map<String, Long> liveVisitors = new LinkedHashMap<>();
          if (!hourly && !today.isBefore(from) && !today.isAfter(to)) {
            liveVisitors.put(today.toString(), counts.visitorsSoFar(c, today));
          }
          List<Map<String, Object>> entries = new ArrayList<>();
          for (var bucket : byBucket.entrySet()) {
            entries.add(entry(bucket.getKey(), bucket.getValue(), liveVisitors, hourly));
          }
          if (!hourly) {
            liveVisitors.forEach(
                (day, live) -> {
                  if (!byBucket.containsKey(day)) {
                    entries.add(entry(day, Map.of(), liveVisitors, false));
                  }
                });
          }
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
                  + "\". Requests that"
                  + " carried Sec-GPC: 1 or DNT: 1 appear only in excludedRequests.");
          report.put(hourly ? "hours" : "days", entries);
          return report;
        });
  }

  private Map<String, Object> entry(
      String bucket,
      Map<String, Map<String, Long>> dims,
      Map<String, Long> liveVisitors,
      boolean hourly) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put(hourly ? "hour" : "date", bucket);
    entry.put("requests", cells(dims.get(REQUESTS)));
    entry.put("statuses", cells(dims.get(STATUS)));
    entry.put("lookups", cells(dims.get(LOOKUPS)));
    if (!hourly) {
      Long live = liveVisitors.get(bucket);
      Long finished = dims.getOrDefault(VISITORS, Map.of()).get(UNIQUE);
      entry.put("uniqueVisitors", cell(live != null ? live : finished == null ? 0 : finished));
      entry.put("uniqueVisitorsFinal", live == null);
    }
    entry.put("browsers", cells(dims.get(BROWSER)));
    entry.put("operatingSystems", cells(dims.get(OS)));
    entry.put("devices", cells(dims.get(DEVICE)));
    entry.put("referrers", cells(dims.get(REFERRER)));
    entry.put("countries", cells(dims.get(COUNTRY)));
    Map<String, Long> traffic = dims.getOrDefault(TRAFFIC, Map.of());
    entry.put("traffic", cells(traffic));
    entry.put("botShare", share(traffic.getOrDefault(BOT, 0L), traffic.getOrDefault(HUMAN, 0L)));
    entry.put(
        "excludedRequests",
        cell(dims.getOrDefault(EXCLUDED, Map.of()).getOrDefault(PRIVACY_SIGNAL, 0L)));
    return entry;
  }

  private Map<String, Object> cells(Map<String, Long> values) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (values != null) {
      values.forEach((value, count) -> out.put(value, cell(count)));
    }
    return out;
  }

  /** A count as reported: exact from k up (and 0), "&lt;k" below. */
  Object cell(long count) {
    return count == 0 || count >= minCount ? (Object) count : "<" + minCount;
  }

  private Double share(long bots, long humans) {
    boolean hidden = (bots > 0 && bots < minCount) || (humans > 0 && humans < minCount);
    long total = bots + humans;
    if (hidden || total == 0) {
      return null;
    }
    return Math.round(1000.0 * bots / total) / 1000.0;
  }

  private static LocalDate date(String name, String text, LocalDate fallback) {
    if (text == null || text.isBlank()) {
      return fallback;
    }
    return InputDates.parse(text, name + " must be a date such as 2026-11-29");
  }
}
