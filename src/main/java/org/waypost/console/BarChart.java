package org.waypost.console;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.waypost.analytics.Count;

/**
 * A bar chart drawn as inline SVG, laid out here so that the template only writes elements: bars
 * for this period, a dashed line for the previous one. A count that is partly hidden (below the
 * privacy threshold) is a solid bar up to what is known and a grey bar above it up to the most it
 * can be. The SVG carries a title and a description; the numbers themselves are in a table beside
 * it.
 *
 * @param id the prefix of its element ids
 * @param previousPoints the previous period's line as SVG polyline points, one per slot
 */
public record BarChart(
    String id,
    String title,
    String description,
    List<Bar> bars,
    String previousPoints,
    List<Tick> ticks,
    List<Label> labels) {
  static final int WIDTH = 720;
  static final int HEIGHT = 240;
  private static final double LEFT = 48;
  private static final double RIGHT = 8;
  private static final double TOP = 10;
  private static final double BOTTOM = 26;
  private static final double PLOT_WIDTH = WIDTH - LEFT - RIGHT;
  private static final double PLOT_HEIGHT = HEIGHT - TOP - BOTTOM;
  private static final int MAX_LABELS = 8;

  public BarChart {
    bars = List.copyOf(bars);
    ticks = List.copyOf(ticks);
    labels = List.copyOf(labels);
  }

  /** One slot's bar: the known part, and above it the part that may be hidden. */
  public record Bar(
      String x,
      String width,
      String knownY,
      String knownHeight,
      String hiddenY,
      String hiddenHeight) {}

  /** A horizontal grid line and its value. */
  public record Tick(String y, String text) {}

  /** A slot's name under the axis. */
  public record Label(String x, String text) {}

  public String viewBox() {
    return "0 0 " + WIDTH + " " + HEIGHT;
  }

  public String left() {
    return number(LEFT);
  }

  public String right() {
    return number(WIDTH - RIGHT);
  }

  /** Where the grid's values end, left of the plot. */
  public String tickX() {
    return number(LEFT - 6);
  }

  public String baseline() {
    return number(TOP + PLOT_HEIGHT);
  }

  public String labelY() {
    return number(HEIGHT - 8);
  }

  /**
   * Lays a chart out.
   *
   * @param current this period's counts, one per slot; null for a slot that has not begun
   * @param previous the previous period's counts, one per slot
   * @param names each slot's name under the axis
   */
  static BarChart of(
      String id,
      String title,
      String description,
      List<Count> current,
      List<Count> previous,
      List<String> names) {
    int slots = Math.max(1, names.size());
    long max = 1;
    for (Count count : current) {
      max = count == null ? max : Math.max(max, count.atMost());
    }
    for (Count count : previous) {
      max = Math.max(max, count.atLeast());
    }
    long step = niceStep(max);
    long top = step * ((max + step - 1) / step);
    double slot = PLOT_WIDTH / slots;
    List<Bar> bars = new ArrayList<>();
    for (int i = 0; i < current.size(); i++) {
      Count count = current.get(i);
      if (count == null) {
        continue;
      }
      double known = height(count.known(), top);
      double most = height(count.atMost(), top);
      double x = LEFT + i * slot + slot * 0.15;
      bars.add(
          new Bar(
              number(x),
              number(slot * 0.7),
              number(TOP + PLOT_HEIGHT - known),
              number(known),
              number(TOP + PLOT_HEIGHT - most),
              number(most - known)));
    }
    StringBuilder points = new StringBuilder();
    for (int i = 0; i < previous.size(); i++) {
      double x = LEFT + (i + 0.5) * slot;
      double y = TOP + PLOT_HEIGHT - height(previous.get(i).atLeast(), top);
      points.append(i == 0 ? "" : " ").append(number(x)).append(',').append(number(y));
    }
    List<Tick> ticks = new ArrayList<>();
    for (long value = 0; value <= top; value += step) {
      ticks.add(new Tick(number(TOP + PLOT_HEIGHT - height(value, top)), Long.toString(value)));
    }
    List<Label> labels = new ArrayList<>();
    int every = (slots + MAX_LABELS - 1) / MAX_LABELS;
    for (int i = 0; i < names.size(); i += every) {
      labels.add(new Label(number(LEFT + (i + 0.5) * slot), names.get(i)));
    }
    return new BarChart(id, title, description, bars, points.toString(), ticks, labels);
  }

  private static double height(long value, long top) {
    return PLOT_HEIGHT * value / top;
  }

  /** A step of 1, 2 or 5 times a power of ten that divides {@code max} into at most 5 parts. */
  static long niceStep(long max) {
    double raw = Math.max(1, max / 4.0);
    long magnitude = (long) Math.pow(10, Math.floor(Math.log10(raw)));
    for (long factor : new long[] {1, 2, 5, 10}) {
      if (factor * magnitude >= raw) {
        return factor * magnitude;
      }
    }
    return 10 * magnitude;
  }

  private static String number(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }
}
