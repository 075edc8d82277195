package org.waypost.console;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.List;
import org.waypost.abuse.Incidents;
import org.waypost.console.Sessions.Session;
import org.waypost.error.ProblemException;
import org.waypost.error.ProblemType;
import org.waypost.governance.Role;
import org.waypost.web.Routes;

/**
 * Abuse incidents for the security role: the list shows pseudonyms only, and revealing the address
 * behind one takes a reason, goes to the audit log, and is shown once in the answer itself.
 */
final class ConsoleIncidents implements Routes {
  private final Incidents incidents;
  private final ConsoleSecurity security;
  private final ConsoleView view;

  ConsoleIncidents(Incidents incidents, ConsoleSecurity security, ConsoleView view) {
    this.incidents = incidents;
    this.security = security;
    this.view = view;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get("/operator/incidents", this::list);
    routes.post("/operator/incidents/{id}/reveal", this::reveal);
  }

  private void list(Context ctx) {
    showList(ctx, view.frame(security.session(ctx, Role.SECURITY)), null);
  }

  private void reveal(Context ctx) {
    Session session = security.postSession(ctx, Role.SECURITY);
    long id = ConsoleView.pathId(ctx, "incident");
    Incidents.Revealed revealed;
    try {
      revealed = incidents.reveal(id, ctx.formParam("reason"), session.operator());
    } catch (ProblemException e) {
      if (e.type() != ProblemType.VALIDATION_FAILED) {
        throw e;
      }
      ctx.status(HttpStatus.BAD_REQUEST);
      showList(ctx, view.frame(session), e.detail());
      return;
    }
    view.show(
        ctx,
        "operator/revealed.jte",
        new RevealedPage(
            view.frame(session),
            revealed.incident(),
            revealed.scope(),
            revealed.address(),
            revealed.auditSeq()));
  }

  private void showList(Context ctx, ConsolePage console, String error) {
    List<IncidentsPage.Incident> listed =
        incidents.list(ConsoleView.LIST_LIMIT).stream().map(IncidentsPage.Incident::of).toList();
    view.show(ctx, "operator/incidents.jte", new IncidentsPage(console, listed, error));
  }
}
