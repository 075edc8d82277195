package org.waypost.testing;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.waypost.db.Database;
import org.waypost.visitor.TrafficCounts;
import org.waypost.visitor.TrafficCounts.Cell;

/**
 * Aggregate traffic as a month of a small postal site leaves it (tier 3 only: counters by hour and
 * day), written straight into the counters so that a dashboard has something to show: busy
 * afternoons, quiet nights and weekends, a few rare browsers and referrers whose counts stay below
 * the privacy threshold. The same seed gives the same counts.
 */
public final class Traffic {
  private static final Map<String, Double> KINDS =
      weights(
          "PAGE",
          40,
          "TRACKING_API",
          24,
          "STATIC",
          30,
          "PRIVACY_API",
          1.5,
          "OPS",
          2,
          "UNMATCHED",
          1);
  private static final Map<String, Double> STATUSES = weights("200", 90, "404", 7, "429", 1.5);
  private static final Map<String, Double> OUTCOMES =
      weights("FOUND", 80, "NOT_FOUND", 15, "INVALID", 4);
  private static final Map<String, Double> BROWSERS =
      weights(
          "Chrome",
          48,
          "Safari",
          22,
          "Firefox",
          9,
          "Edge",
          8,
          "Samsung Internet",
          4,
          "curl",
          3,
          "Googlebot",
          3,
          "Opera",
          1.2,
          "Vivaldi",
          0.6,
          "Pale Moon",
          0.2);
  private static final Map<String, Double> SYSTEMS =
      weights("Android", 38, "iOS", 24, "Windows", 22, "Mac OS X", 9, "Linux", 5, "ChromeOS", 1);
  private static final Map<String, Double> DEVICES =
      weights("MOBILE", 55, "DESKTOP", 36, "TABLET", 3, "BOT", 6, "OTHER", 0.5);
  private static final Map<String, Double> TRAFFIC = weights("human", 93, "bot", 7);
  private static final Map<String, Double> REFERRERS =
      weights(
          "(none)",
          52,
          "(internal)",
          30,
          "www.google.com",
          8,
          "duckduckgo.com",
          3,
          "shop.example.com",
          4,
          "news.example.org",
          1.2,
          "forum.example.net",
          0.5,
          "mail.example.com",
          0.4,
          "www.bing.com",
          0.8,
          "(invalid)",
          0.1);
  private static final Map<String, Double> COUNTRIES =
      weights("US", 86, "CA", 5, "MX", 3, "GB", 2, "DE", 1.5, "JP", 0.6, "BR", 0.4);

  private Traffic() {}

  /**
   * Writes {@code days} days of counts ending with {@code last}, whose hours up to {@code lastHour}
   * are counted (a day still running).
   */
  public static void seed(Database database, LocalDate last, int lastHour, int days, long seed) {
    Random random = new Random(seed);
    TrafficCounts counts = new TrafficCounts();
    Map<Cell, Long> cells = new LinkedHashMap<>();
    for (LocalDate day = last.minusDays(days - 1L); !day.isAfter(last); day = day.plusDays(1)) {
      boolean weekend = day.getDayOfWeek().getValue() >= 6;
      long visitors = 0;
      for (int hour = 0; hour < 24 && (!day.equals(last) || hour <= lastHour); hour++) {
        double busy = hour < 6 ? 0.15 : hour < 9 ? 0.6 : hour < 18 ? 1.0 : 0.5;
        long requests = Math.round(busy * (weekend ? 70 : 160) * (0.7 + 0.6 * random.nextDouble()));
        if (requests == 0) {
          continue;
        }
        String bucket = String.format("%sT%02d", day, hour);
        split(cells, day, bucket, TrafficCounts.REQUESTS, KINDS, requests, random);
        split(cells, day, bucket, TrafficCounts.STATUS, STATUSES, requests, random);
        split(cells, day, bucket, TrafficCounts.BROWSER, BROWSERS, requests, random);
        split(cells, day, bucket, TrafficCounts.OS, SYSTEMS, requests, random);
        split(cells, day, bucket, TrafficCounts.DEVICE, DEVICES, requests, random);
        split(cells, day, bucket, TrafficCounts.TRAFFIC, TRAFFIC, requests, random);
        split(cells, day, bucket, TrafficCounts.REFERRER, REFERRERS, requests, random);
        split(cells, day, bucket, TrafficCounts.COUNTRY, COUNTRIES, requests, random);
        long lookups = Math.round(requests * 0.3);
        split(cells, day, bucket, TrafficCounts.LOOKUPS, OUTCOMES, lookups, random);
        long excluded = Math.round(requests * 0.04 * random.nextDouble());
        if (excluded > 0) {
          add(cells, day, bucket, TrafficCounts.EXCLUDED, TrafficCounts.PRIVACY_SIGNAL, excluded);
        }
        visitors += Math.round(requests * 0.35);
      }
      if (!day.equals(last)) {
        cells.merge(
            new Cell('D', day.toString(), TrafficCounts.VISITORS, TrafficCounts.UNIQUE),
            visitors,
            Long::sum);
      }
    }
    database.inTransaction(
        c -> {
          counts.add(c, cells);
          return null;
        });
  }

  /** Shares {@code total} out by weight, each share jittered a little. */
  private static void split(
      Map<Cell, Long> cells,
      LocalDate day,
      String hour,
      String dimension,
      Map<String, Double> weights,
      long total,
      Random random) {
    double sum = weights.values().stream().mapToDouble(Double::doubleValue).sum();
    long left = total;
    String first = null;
    for (var entry : weights.entrySet()) {
      first = first == null ? entry.getKey() : first;
      double share = total * entry.getValue() / sum * (0.85 + 0.3 * random.nextDouble());
      long count = Math.min(left, Math.round(share));
      if (count > 0) {
        add(cells, day, hour, dimension, entry.getKey(), count);
        left -= count;
      }
    }
    if (left > 0) {
      add(cells, day, hour, dimension, first, left);
    }
  }

  private static void add(
      Map<Cell, Long> cells,
      LocalDate day,
      String hour,
      String dimension,
      String value,
      long count) {
    cells.merge(new Cell('D', day.toString(), dimension, value), count, Long::sum);
    cells.merge(new Cell('H', hour, dimension, value), count, Long::sum);
  }

  private static Map<String, Double> weights(Object... pairs) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      out.put((String) pairs[i], ((Number) pairs[i + 1]).doubleValue());
    }
    return out;
  }
}
