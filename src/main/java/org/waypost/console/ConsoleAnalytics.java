package org.waypost.console;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.LocalDate;
import org.waypost.analytics.Analytics;
import org.waypost.analytics.Report;
import org.waypost.console.AnalyticsPage.Preset;
import org.waypost.console.Sessions.Session;
import org.waypost.error.ProblemException;
import org.waypost.governance.Role;
import org.waypost.web.Routes;

/**
 * The analytics dashboard for the admin role: one screen in the manner of Plausible, drawn on the
 * server with inline SVG (no script), and the same figures as CSV. A period of one day is shown by
 * the hour, a longer one by the day, always beside the period of the same length before it. The
 * figures are {@link Analytics}'s report, the one the API answers with.
 */
final class ConsoleAnalytics implements Routes {
  private final Analytics analytics;
  private final boolean countries;
  private final ConsoleSecurity security;
  private final ConsoleView view;

  /**
   * @param countries whether countries are counted (a GeoIP file is configured)
   */
  ConsoleAnalytics(
      Analytics analytics, boolean countries, ConsoleSecurity security, ConsoleView view) {
    this.analytics = analytics;
    this.countries = countries;
    this.security = security;
    this.view = view;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get("/operator/analytics", this::dashboard);
    routes.get("/operator/analytics.csv", this::csv);
  }

  private void dashboard(Context ctx) {
    Session session = security.session(ctx, Role.ADMIN);
    String asked = ctx.queryParam("range");
    Preset preset = asked == null || asked.isBlank() ? null : Preset.of(asked.strip());
    if (asked != null && !asked.isBlank() && preset == null) {
      throw ProblemException.validation("range must be today, 7d, 30d or custom.");
    }
    if (preset == null) {
      boolean dates = ctx.queryParam("from") != null || ctx.queryParam("to") != null;
      preset = dates ? Preset.CUSTOM : Preset.WEEK;
    }
    Analytics.Range range = range(ctx, preset);
    Report current = report(range);
    Report previous = analytics.previous(current);
    view.show(
        ctx,
        "operator/analytics.jte",
        new AnalyticsPage(
            view.frame(session),
            preset,
            current.from().toString(),
            current.to().toString(),
            AnalyticsFigures.period(current),
            AnalyticsFigures.period(previous),
            current.hourly(),
            current.minCount(),
            countries,
            AnalyticsFigures.of(current, previous, countries)));
  }

  /** The figures of {@code GET /operator/analytics?range=custom&from=&to=}, as CSV. */
  private void csv(Context ctx) {
    security.session(ctx, Role.ADMIN);
    Report current = report(analytics.range(ctx.queryParam("from"), ctx.queryParam("to")));
    Report previous = analytics.previous(current);
    byte[] csv = DataTable.csv(AnalyticsFigures.of(current, previous, countries).tables());
    ctx.header(
        "Content-Disposition",
        "attachment; filename=\"waypost-analytics-"
            + current.from()
            + "-to-"
            + current.to()
            + ".csv\"");
    ctx.contentType("text/csv; charset=utf-8").result(csv);
  }

  private Analytics.Range range(Context ctx, Preset preset) {
    LocalDate today = analytics.today();
    return switch (preset) {
      case TODAY -> new Analytics.Range(today, today);
      case WEEK -> new Analytics.Range(today.minusDays(6), today);
      case MONTH -> new Analytics.Range(today.minusDays(29), today);
      case CUSTOM -> analytics.range(ctx.queryParam("from"), ctx.queryParam("to"));
    };
  }

  /** A day is shown by the hour, a longer period by the day. */
  private Report report(Analytics.Range range) {
    return analytics.report(range, range.from().equals(range.to()));
  }
}
