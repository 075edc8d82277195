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

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The reported counts of one hour, one day or a whole range: for each dimension (what kind of
 * request, status, lookup outcome, browser, …) a count per value. A range's figures are the sum of
 * its buckets' reported counts ({@link #plus}), so they hide what the buckets hide.
 */
public final class Figures {
  /** The dimensions reported, each under the name the API gives it, in the API's order. */
  static final Map<String, String> DIMENSIONS = dimensions();

  private final Map<String, Map<String, Count>> cells;
  private final int threshold;

  private Figures(Map<String, Map<String, Count>> cells, int threshold) {
    this.cells = cells;
    this.threshold = threshold;
  }

  private static Map<String, String> dimensions() {
    Map<String, String> names = new LinkedHashMap<>();
    names.put("requests", REQUESTS);
    names.put("statuses", STATUS);
    names.put("lookups", LOOKUPS);
    names.put("browsers", BROWSER);
    names.put("operatingSystems", OS);
    names.put("devices", DEVICE);
    names.put("referrers", REFERRER);
    names.put("countries", COUNTRY);
    names.put("traffic", TRAFFIC);
    return Collections.unmodifiableMap(names);
  }

  /** Figures reported from stored counters: dimension to value to stored count. */
  static Figures reported(Map<String, Map<String, Long>> stored, int threshold) {
    Map<String, Map<String, Count>> cells = new TreeMap<>();
    stored.forEach(
        (dimension, values) -> {
          Map<String, Count> reported = new TreeMap<>();
          values.forEach((value, count) -> reported.put(value, Count.reported(count, threshold)));
          cells.put(dimension, reported);
        });
    return new Figures(cells, threshold);
  }

  static Figures none(int threshold) {
    return new Figures(Map.of(), threshold);
  }

  /** These figures and {@code other}'s, value by value. */
  Figures plus(Figures other) {
    Map<String, Map<String, Count>> sum = new TreeMap<>();
    for (Figures figures : new Figures[] {this, other}) {
      figures.cells.forEach(
          (dimension, values) -> {
            Map<String, Count> into = sum.computeIfAbsent(dimension, d -> new TreeMap<>());
            values.forEach((value, count) -> into.merge(value, count, Count::plus));
          });
    }
    return new Figures(sum, threshold);
  }

  /** The counts of one dimension ({@code TrafficCounts.BROWSER}, …), by value, in value order. */
  public Map<String, Count> of(String dimension) {
    return Collections.unmodifiableMap(cells.getOrDefault(dimension, Map.of()));
  }

  /** One count; zero when nothing was counted under it. */
  public Count count(String dimension, String value) {
    return of(dimension).getOrDefault(value, Count.zero(threshold));
  }

  /** The sum over a dimension's values: all requests, all lookups. */
  public Count total(String dimension) {
    return of(dimension).values().stream().reduce(Count.zero(threshold), Count::plus);
  }

  /**
   * All requests counted. Each request is counted once in each of several dimensions (its kind,
   * status, browser, …), so each of them adds up to the same number; they differ only in which of
   * their counts are hidden. This is the sum with the fewest hidden counts, exact when any is: it
   * adds nothing to what the reported counts already tell.
   */
  public Count requests() {
    Count best = total(REQUESTS);
    for (String dimension : List.of(TRAFFIC, STATUS, DEVICE, BROWSER, OS, REFERRER)) {
      Count sum = total(dimension);
      if (sum.hidden() < best.hidden() && sum.atLeast() > 0) {
        best = sum;
      }
    }
    return best;
  }

  /** Requests left out of every other figure because they carried Sec-GPC or DNT. */
  public Count excluded() {
    return count(EXCLUDED, PRIVACY_SIGNAL);
  }

  /**
   * The share of requests from bots, to three decimals; null when nothing was counted or when
   * either part is not exact, since the share would then reveal a hidden count.
   */
  public Double botShare() {
    Count bots = count(TRAFFIC, BOT);
    Count humans = count(TRAFFIC, HUMAN);
    long total = bots.known() + humans.known();
    if (!bots.exact() || !humans.exact() || total == 0) {
      return null;
    }
    return Math.round(1000.0 * bots.known() / total) / 1000.0;
  }

  /** The figures as the API writes them, with each dimension under its API name. */
  void putJson(Map<String, Object> out) {
    DIMENSIONS.forEach((name, dimension) -> out.put(name, json(of(dimension))));
  }

  static Map<String, Object> json(Map<String, Count> counts) {
    Map<String, Object> out = new LinkedHashMap<>();
    counts.forEach((value, count) -> out.put(value, count.json()));
    return out;
  }
}
