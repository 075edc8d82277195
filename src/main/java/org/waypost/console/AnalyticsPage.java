package org.waypost.console;

import java.util.List;

/**
 * The analytics dashboard: a period chosen by a preset or by dates, its figures beside the previous
 * period's, and the link to the same figures as CSV.
 *
 * @param from the first day shown, as the custom form's value
 * @param to the last day shown
 * @param minCount the threshold below which counts are hidden
 */
public record AnalyticsPage(
    ConsolePage console,
    Preset preset,
    String from,
    String to,
    String period,
    String previousPeriod,
    boolean hourly,
    int minCount,
    boolean countries,
    AnalyticsFigures figures) {

  /** The periods one link away. */
  public enum Preset {
    TODAY("today", "Today"),
    WEEK("7d", "Last 7 days"),
    MONTH("30d", "Last 30 days"),
    CUSTOM("custom", "Custom");

    private final String code;
    private final String label;

    Preset(String code, String label) {
      this.code = code;
      this.label = label;
    }

    public String code() {
      return code;
    }

    public String label() {
      return label;
    }

    /** The preset a {@code range} parameter names; null for none. */
    static Preset of(String code) {
      for (Preset preset : values()) {
        if (preset.code.equals(code)) {
          return preset;
        }
      }
      return null;
    }
  }

  /** The presets offered as links (custom is the form). */
  public List<Preset> links() {
    return List.of(Preset.TODAY, Preset.WEEK, Preset.MONTH);
  }

  public String href(Preset link) {
    return "/operator/analytics?range=" + link.code();
  }

  public String csvHref() {
    return "/operator/analytics.csv?from=" + from + "&to=" + to;
  }

  public DataTable summary() {
    return figures.summary();
  }

  public List<BarChart> charts() {
    return figures.charts();
  }

  public DataTable series() {
    return figures.series();
  }

  public List<DataTable> breakdowns() {
    return figures.breakdowns();
  }
}
