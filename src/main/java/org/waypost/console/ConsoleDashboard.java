package org.waypost.console;

import static org.waypost.console.ConsoleView.LIST_LIMIT;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.waypost.abuse.Incidents;
import org.waypost.governance.LegalRequests;
import org.waypost.governance.LegalRequests.LegalRequest;
import org.waypost.governance.LegalStatus;
import org.waypost.web.Routes;

/**
 * The console's start page: one section for each role held, with what waits for this operator. It
 * only counts; each count leads to its area's own page.
 */
final class ConsoleDashboard implements Routes {
  private final Incidents incidents;
  private final LegalRequests legal;
  private final ConsoleSecurity security;
  private final ConsoleView view;

  ConsoleDashboard(
      Incidents incidents, LegalRequests legal, ConsoleSecurity security, ConsoleView view) {
    this.incidents = incidents;
    this.legal = legal;
    this.security = security;
    this.view = view;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get(ConsoleSecurity.CONSOLE, this::dashboard);
  }

  private void dashboard(Context ctx) {
    ConsolePage console = view.frame(security.session(ctx));
    int incidentCount = 0;
    int revealable = 0;
    if (console.security()) {
      var listed = incidents.list(LIST_LIMIT);
      incidentCount = listed.size();
      revealable =
          (int) listed.stream().filter(i -> Boolean.TRUE.equals(i.get("revealable"))).count();
    }
    int awaitingDecision = 0;
    int awaitingExecution = 0;
    if (console.legal() || console.privacy()) {
      for (LegalRequest r : legal.list(LIST_LIMIT)) {
        if (r.status() == LegalStatus.PENDING && !r.filedBy().equals(console.operatorName())) {
          awaitingDecision++;
        } else if (r.status() == LegalStatus.APPROVED) {
          awaitingExecution++;
        }
      }
    }
    view.show(
        ctx,
        "operator/dashboard.jte",
        new DashboardPage(console, incidentCount, revealable, awaitingDecision, awaitingExecution));
  }
}
