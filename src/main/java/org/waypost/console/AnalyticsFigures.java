package org.waypost.console;

import static org.waypost.visitor.TrafficCounts.BROWSER;
import static org.waypost.visitor.TrafficCounts.COUNTRY;
import static org.waypost.visitor.TrafficCounts.DEVICE;
import static org.waypost.visitor.TrafficCounts.LOOKUPS;
import static org.waypost.visitor.TrafficCounts.OS;
import static org.waypost.visitor.TrafficCounts.REFERRER;
import static org.waypost.visitor.TrafficCounts.REQUESTS;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.waypost.analytics.Count;
import org.waypost.analytics.Figures;
import org.waypost.analytics.Report;
import org.waypost.console.DataTable.Cell;
import org.waypost.console.DataTable.Row;
import org.waypost.visitor.DeviceClass;
import org.waypost.visitor.Outcome;
import org.waypost.visitor.Referrers;
import org.waypost.visitor.RouteClass;

/**
 * What the analytics dashboard shows of a period and the one before it, laid out as tables and
 * charts: the page and the CSV export are both written from this. Every figure is a {@link Count}
 * of {@link Report}, the same report the API answers with; nothing here counts anything itself.
 */
record AnalyticsFigures(
    DataTable summary, List<BarChart> charts, DataTable series, List<DataTable> breakdowns) {
  static final int TOP = 10;
  private static final String NOT_COMPARABLE = "–";

  AnalyticsFigures {
    charts = List.copyOf(charts);
    breakdowns = List.copyOf(breakdowns);
  }

  /** Every table, in the order of the page. */
  List<DataTable> tables() {
    List<DataTable> tables = new ArrayList<>();
    tables.add(summary);
    tables.add(series);
    tables.addAll(breakdowns);
    return tables;
  }

  static AnalyticsFigures of(Report current, Report previous, boolean countries) {
    List<DataTable> breakdowns = new ArrayList<>();
    Figures totals = current.totals();
    breakdowns.add(breakdown("kinds", "Requests by kind", "Kind", totals, REQUESTS, Labels::kind));
    breakdowns.add(
        breakdown("referrers", "Top referrers", "Referrer", totals, REFERRER, Labels::referrer));
    breakdowns.add(breakdown("devices", "Devices", "Device", totals, DEVICE, Labels::device));
    breakdowns.add(breakdown("browsers", "Browsers", "Browser", totals, BROWSER, v -> v));
    breakdowns.add(
        breakdown("systems", "Operating systems", "Operating system", totals, OS, v -> v));
    if (countries) {
      breakdowns.add(breakdown("countries", "Countries", "Country", totals, COUNTRY, v -> v));
    }
    return new AnalyticsFigures(
        summary(current, previous),
        List.of(
            chart("requests", "Requests", current, previous, Report.Bucket::requests),
            chart("lookups", "Lookups", current, previous, Report.Bucket::lookups)),
        series(current, previous),
        breakdowns);
  }

  // ---- the summary

  private static DataTable summary(Report current, Report previous) {
    Figures now = current.totals();
    Figures then = previous.totals();
    List<Row> rows = new ArrayList<>();
    rows.add(compared("Requests", current.requests(), previous.requests()));
    rows.add(compared("Lookups", current.lookups(), previous.lookups()));
    for (Outcome outcome : Outcome.values()) {
      rows.add(
          compared(
              "Lookups: " + Labels.outcome(outcome),
              now.count(LOOKUPS, outcome.name()),
              then.count(LOOKUPS, outcome.name())));
    }
    rows.add(
        new Row(
            "Share of requests from bots",
            List.of(
                Cell.text(percent(now.botShare())),
                Cell.text(percent(then.botShare())),
                Cell.text(NOT_COMPARABLE))));
    rows.add(
        compared(
            "Requests left out for Global Privacy Control or Do Not Track",
            now.excluded(),
            then.excluded()));
    return new DataTable(
        "summary",
        "Summary: " + period(current) + ", compared with " + period(previous),
        List.of("Figure", "This period", "Previous period", "Change"),
        rows);
  }

  private static Row compared(String label, Count now, Count then) {
    return new Row(label, List.of(Cell.of(now), Cell.of(then), Cell.text(change(now, then))));
  }

  /** The change from {@code then} to {@code now} in whole percent, when both are exact. */
  static String change(Count now, Count then) {
    if (!now.exact() || !then.exact() || then.known() == 0) {
      return NOT_COMPARABLE;
    }
    long percent = Math.round(100.0 * (now.known() - then.known()) / then.known());
    return percent > 0 ? "+" + percent + "%" : percent + "%";
  }

  private static String percent(Double share) {
    return share == null ? NOT_COMPARABLE : String.format(Locale.ROOT, "%.1f%%", share * 100);
  }

  /** "2026-11-28 to 2026-12-04", or one day. */
  static String period(Report report) {
    return report.from().equals(report.to())
        ? report.from().toString()
        : report.from() + " to " + report.to();
  }

  // ---- over time

  private static BarChart chart(
      String id,
      String noun,
      Report current,
      Report previous,
      Function<Report.Bucket, Count> figure) {
    List<Count> now = new ArrayList<>();
    List<Count> then = new ArrayList<>();
    List<String> names = new ArrayList<>();
    String highest = null;
    long most = -1;
    for (int i = 0; i < current.slots(); i++) {
      Report.Bucket bucket = bucket(current, i);
      Count count = bucket == null ? null : figure.apply(bucket);
      now.add(count);
      Report.Bucket before = bucket(previous, i);
      if (before != null) {
        then.add(figure.apply(before));
      }
      names.add(shortName(current, i));
      if (count != null && count.atLeast() > most) {
        most = count.atLeast();
        highest = count.text() + " on " + name(current, i);
      }
    }
    String per = current.hourly() ? "hour" : "day";
    String title = noun + " per " + per + ", " + period(current);
    String description =
        "Bars: "
            + noun.toLowerCase(Locale.ROOT)
            + " per "
            + per
            + " from "
            + period(current)
            + ". Dashed line: the previous period, "
            + period(previous)
            + "."
            + (highest == null ? " Nothing counted yet." : " Highest: " + highest + ".")
            + " A grey bar, or the grey top of a bar, is a count below "
            + current.minCount()
            + ", hidden for privacy: the value lies somewhere in it."
            + " Every value is in the table of "
            + noun.toLowerCase(Locale.ROOT)
            + " and lookups per "
            + per
            + ".";
    return BarChart.of(id, title, description, now, then, names);
  }

  private static DataTable series(Report current, Report previous) {
    boolean daily = !current.hourly();
    List<String> columns = new ArrayList<>();
    columns.add(daily ? "Day" : "Hour");
    columns.addAll(List.of("Requests", "Lookups"));
    for (Outcome outcome : Outcome.values()) {
      columns.add(Labels.outcome(outcome));
    }
    if (daily) {
      columns.add("Visitors");
    }
    columns.addAll(
        List.of(daily ? "Day before" : "Hour before", "Requests before", "Lookups before"));
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < current.slots(); i++) {
      Report.Bucket bucket = bucket(current, i);
      List<Cell> cells = new ArrayList<>();
      if (bucket == null) {
        int blanks = columns.size() - 4;
        for (int b = 0; b < blanks; b++) {
          cells.add(Cell.text(""));
        }
      } else {
        cells.add(Cell.of(bucket.requests()));
        cells.add(Cell.of(bucket.lookups()));
        for (Outcome outcome : Outcome.values()) {
          cells.add(Cell.of(bucket.figures().count(LOOKUPS, outcome.name())));
        }
        if (daily) {
          cells.add(Cell.of(bucket.uniqueVisitors()));
        }
      }
      Report.Bucket before = bucket(previous, i);
      cells.add(Cell.text(name(previous, i)));
      cells.add(before == null ? Cell.text("") : Cell.of(before.requests()));
      cells.add(before == null ? Cell.text("") : Cell.of(before.lookups()));
      rows.add(new Row(name(current, i), cells));
    }
    String per = daily ? "day" : "hour";
    return new DataTable(
        "series",
        "Requests and lookups per " + per + ", " + period(current) + ", beside " + period(previous),
        columns,
        rows);
  }

  private static Report.Bucket bucket(Report report, int slot) {
    return slot < report.buckets().size() ? report.buckets().get(slot) : null;
  }

  /** The slot's full name: {@code 2026-12-04}, or {@code 2026-12-04 13:00}. */
  private static String name(Report report, int slot) {
    if (!report.hourly()) {
      return report.from().plusDays(slot).toString();
    }
    LocalDate day = report.from().plusDays(slot / 24);
    return String.format(Locale.ROOT, "%s %02d:00", day, slot % 24);
  }

  /** The slot's name under a chart's axis: {@code 12-04}, or {@code 13:00}. */
  private static String shortName(Report report, int slot) {
    String name = name(report, slot);
    return report.hourly() ? name.substring(11) : name.substring(5);
  }

  // ---- breakdowns

  private static DataTable breakdown(
      String id,
      String caption,
      String column,
      Figures totals,
      String dimension,
      Function<String, String> label) {
    List<Map.Entry<String, Count>> entries = new ArrayList<>(totals.of(dimension).entrySet());
    entries.sort(
        Comparator.comparingLong((Map.Entry<String, Count> e) -> e.getValue().atLeast())
            .reversed()
            .thenComparing(Map.Entry::getKey));
    List<Row> rows = new ArrayList<>();
    long largest = entries.isEmpty() ? 0 : entries.get(0).getValue().atLeast();
    for (int i = 0; i < Math.min(TOP, entries.size()); i++) {
      Count count = entries.get(i).getValue();
      rows.add(
          new Row(
              label.apply(entries.get(i).getKey()),
              List.of(Cell.of(count, largest == 0 ? 0.0 : (double) count.atLeast() / largest))));
    }
    if (entries.size() > TOP) {
      List<Map.Entry<String, Count>> rest = entries.subList(TOP, entries.size());
      Count other = rest.stream().map(Map.Entry::getValue).reduce(Count::plus).orElseThrow();
      rows.add(
          new Row(
              rest.size() + " more",
              List.of(Cell.of(other, largest == 0 ? 0.0 : (double) other.atLeast() / largest))));
    }
    if (rows.isEmpty()) {
      rows.add(new Row("Nothing counted", List.of(Cell.text("0"))));
    }
    return new DataTable(id, caption, List.of(column, "Requests"), rows);
  }

  /** How the stored values of some dimensions read to a person. */
  static final class Labels {
    private Labels() {}

    static String outcome(Outcome outcome) {
      return switch (outcome) {
        case FOUND -> "Found";
        case NOT_FOUND -> "Not found";
        case INVALID -> "Invalid";
      };
    }

    static String kind(String value) {
      for (RouteClass kind : RouteClass.values()) {
        if (kind.name().equals(value)) {
          return switch (kind) {
            case PAGE -> "Pages";
            case TRACKING_API -> "Tracking API";
            case SHIPPER_API -> "Shipper API";
            case PRIVACY_API -> "Other public API";
            case STATIC -> "Stylesheet and files";
            case OPS -> "Health and metrics";
            case UNMATCHED -> "Unknown addresses";
          };
        }
      }
      return value;
    }

    static String device(String value) {
      for (DeviceClass device : DeviceClass.values()) {
        if (device.name().equals(value)) {
          String lower = value.toLowerCase(Locale.ROOT);
          return Character.toUpperCase(lower.charAt(0)) + lower.substring(1);
        }
      }
      return value;
    }

    static String referrer(String value) {
      return switch (value) {
        case Referrers.NONE -> "None (typed or bookmarked)";
        case Referrers.INTERNAL -> "This site";
        case Referrers.INVALID -> "Unreadable referrer";
        case "(other)" -> "Other sites";
        default -> value;
      };
    }
  }
}
