package org.waypost.console;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.List;
import java.util.function.Function;
import org.waypost.abuse.IncidentAction;
import org.waypost.abuse.Incidents;
import org.waypost.console.Sessions.Session;
import org.waypost.error.ProblemException;
import org.waypost.error.ProblemType;
import org.waypost.governance.Operator;
import org.waypost.governance.Role;
import org.waypost.web.Routes;

/**
 * Abuse incidents for the security role: the list shows pseudonyms only; revealing the address
 * behind one, lifting its block, allowing its network for a while or marking it a false positive
 * each take a reason and go to the audit log. A reveal is shown once in the answer itself; the
 * other actions lead back to the list, which says what was done.
 */
final class ConsoleIncidents implements Routes {
  private static final String LIST = "/operator/incidents";

  /** The allowance lengths offered, in hours, as far as the longest allowed. */
  private static final List<Integer> ALLOW_HOURS = List.of(1, 4, 12, 24, 72, 168);

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
    routes.get(LIST, this::list);
    routes.post(LIST + "/{id}/reveal", this::reveal);
    routes.post(
        LIST + "/{id}/unblock",
        ctx -> act(ctx, s -> incidents.unblock(id(ctx), ctx.formParam("reason"), s)));
    routes.post(
        LIST + "/{id}/allow",
        ctx -> act(ctx, s -> incidents.allow(id(ctx), hours(ctx), ctx.formParam("reason"), s)));
    routes.post(
        LIST + "/{id}/false-positive",
        ctx -> act(ctx, s -> incidents.markFalsePositive(id(ctx), ctx.formParam("reason"), s)));
  }

  private void list(Context ctx) {
    ConsolePage console = view.frame(security.session(ctx, Role.SECURITY));
    showList(ctx, console, notice(ctx.queryParam("done"), ctx.queryParam("incident")), null);
  }

  private void reveal(Context ctx) {
    Session session = security.postSession(ctx, Role.SECURITY);
    long id = id(ctx);
    Incidents.Revealed revealed;
    try {
      revealed = incidents.reveal(id, ctx.formParam("reason"), session.operator());
    } catch (ProblemException e) {
      refusedForm(ctx, session, e);
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

  /** Takes an action, then shows the list again saying what was done (post, redirect, get). */
  private void act(Context ctx, Function<Operator, Incidents.Acted> action) {
    Session session = security.postSession(ctx, Role.SECURITY);
    Incidents.Acted acted;
    try {
      acted = action.apply(session.operator());
    } catch (ProblemException e) {
      refusedForm(ctx, session, e);
      return;
    }
    ctx.redirect(
        LIST + "?done=" + acted.action().name() + "&incident=" + acted.incident(),
        HttpStatus.SEE_OTHER);
  }

  /** A form refused for what was typed comes back on the list; other refusals are pages. */
  private void refusedForm(Context ctx, Session session, ProblemException e) {
    if (e.type() != ProblemType.VALIDATION_FAILED) {
      throw e;
    }
    ctx.status(HttpStatus.BAD_REQUEST);
    showList(ctx, view.frame(session), null, e.detail());
  }

  private void showList(Context ctx, ConsolePage console, String notice, String error) {
    List<IncidentsPage.Incident> listed =
        incidents.list(ConsoleView.LIST_LIMIT).stream().map(IncidentsPage.Incident::of).toList();
    List<Integer> hours = ALLOW_HOURS.stream().filter(h -> h <= incidents.maxAllowHours()).toList();
    view.show(
        ctx, "operator/incidents.jte", new IncidentsPage(console, listed, notice, error, hours));
  }

  /** What the action named by {@code done} did to {@code incident}; null when they name none. */
  private static String notice(String done, String incident) {
    if (done == null || incident == null || !incident.matches("[0-9]{1,18}")) {
      return null;
    }
    String what;
    try {
      what =
          switch (IncidentAction.valueOf(done)) {
            case UNBLOCKED -> "its block is lifted";
            case ALLOWED -> "its network is allowed until the time shown below";
            case FALSE_POSITIVE -> "marked a false positive; its block, if any, is lifted";
          };
    } catch (IllegalArgumentException e) {
      return null;
    }
    return "Incident " + incident + ": " + what + ". The audit log records it with your reason.";
  }

  private static long id(Context ctx) {
    return ConsoleView.pathId(ctx, "incident");
  }

  private static int hours(Context ctx) {
    String text = ctx.formParam("hours");
    try {
      return Integer.parseInt(text == null ? "" : text.strip());
    } catch (NumberFormatException e) {
      throw ProblemException.validation("Choose how long to allow the network.");
    }
  }
}
