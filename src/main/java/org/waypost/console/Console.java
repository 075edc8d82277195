package org.waypost.console;

import io.javalin.config.RoutesConfig;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;
import org.waypost.abuse.Incidents;
import org.waypost.analytics.Analytics;
import org.waypost.governance.AuditLog;
import org.waypost.governance.LegalDeadlines;
import org.waypost.governance.LegalRequests;
import org.waypost.governance.Operators;
import org.waypost.governance.Transparency;
import org.waypost.retention.Retention;
import org.waypost.shipper.ApiKeys;
import org.waypost.shipper.ShipmentRecords;
import org.waypost.web.ErrorPages;
import org.waypost.web.Gate;
import org.waypost.web.Pages;
import org.waypost.web.Routes;

/**
 * The operator console: server-rendered pages behind a password login, for people in a browser
 * (scripts use the bearer-token API). Every answer here is a page, errors included. This builds the
 * console's parts, so that {@code App} wires it in two lines: its routes, and its error pages.
 *
 * <p>{@link ConsoleSecurity} decides who may see a page or send a form; each area (login,
 * dashboard, analytics, incidents, legal requests, audit log, and the admin's operators, shipper
 * keys, statements, retention and shipments) has its own routes; {@link ConsoleView} gives them the
 * frame, and {@link ConsoleErrorPages} shows refusals and failures in it.
 */
public final class Console implements Routes {
  /**
   * What the administration pages manage, through the same features the commands and the API use.
   *
   * @param retention builds the retention job with the key store, when a page needs it
   */
  public record Administration(
      ApiKeys apiKeys,
      Transparency transparency,
      Supplier<Retention> retention,
      ShipmentRecords shipments) {}

  private final List<Routes> areas;
  private final ErrorPages errorPages;

  public Console(
      Operators operators,
      Sessions sessions,
      Incidents incidents,
      LegalRequests legal,
      LegalDeadlines deadlines,
      AuditLog audit,
      Analytics analytics,
      boolean countries,
      Administration admin,
      Gate gate,
      Pages pages,
      Clock clock) {
    ConsoleSecurity security = new ConsoleSecurity(sessions);
    ConsoleView view = new ConsoleView(pages);
    this.areas =
        List.of(
            security,
            new ConsoleLogin(operators, gate, security, view),
            new ConsoleDashboard(incidents, legal, security, view),
            new ConsoleAnalytics(analytics, countries, security, view),
            new ConsoleIncidents(incidents, security, view),
            new ConsoleLegalRequests(legal, deadlines, security, view, clock),
            new ConsoleAuditLog(audit, security, view),
            new ConsoleOperators(operators, security, view),
            new ConsoleShippers(admin.apiKeys(), security, view),
            new ConsoleStatements(admin.transparency(), security, view),
            new ConsoleRetention(admin.retention(), security, view, clock),
            new ConsoleShipments(admin.shipments(), security, view));
    this.errorPages = new ConsoleErrorPages(security, view);
  }

  @Override
  public void register(RoutesConfig routes) {
    for (Routes area : areas) {
      area.register(routes);
    }
  }

  /** Every error under {@code /operator} as a console page. */
  public ErrorPages errorPages() {
    return errorPages;
  }
}
