package org.waypost.console;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.Map;
import org.waypost.console.Sessions.Session;
import org.waypost.governance.Role;
import org.waypost.governance.Transparency;
import org.waypost.web.Routes;

/**
 * The transparency report's statements, for admins: draft a new one, confirm that one still holds.
 * The same {@link Transparency} methods answer {@code /api/v1/admin/transparency/statements}.
 */
final class ConsoleStatements implements Routes {
  static final String LIST = "/operator/admin/statements";

  private static final Map<String, String> DONE =
      Map.of(
          "drafted", "The statement was added; it shows as not yet confirmed until confirmed.",
          "confirmed", "The statement was confirmed as of today.");

  private final Transparency transparency;
  private final ConsoleSecurity security;
  private final ConsoleView view;

  ConsoleStatements(Transparency transparency, ConsoleSecurity security, ConsoleView view) {
    this.transparency = transparency;
    this.security = security;
    this.view = view;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get(LIST, this::list);
    routes.post(LIST, this::draft);
    routes.post(LIST + "/{id}/confirm", this::confirm);
  }

  private void list(Context ctx) {
    Session session = security.session(ctx, Role.ADMIN);
    show(ctx, session, DONE.get(String.valueOf(ctx.queryParam("done"))), null);
  }

  private void draft(Context ctx) {
    Session session = security.postSession(ctx, Role.ADMIN);
    ConsoleForms.act(
        ctx,
        LIST,
        "drafted",
        () -> transparency.addStatement(ctx.formParam("text"), session.operator()),
        why -> show(ctx, session, null, why));
  }

  private void confirm(Context ctx) {
    Session session = security.postSession(ctx, Role.ADMIN);
    long id = ConsoleView.pathId(ctx, "statement");
    transparency.confirm(id, session.operator());
    ctx.redirect(LIST + "?done=confirmed", HttpStatus.SEE_OTHER);
  }

  private void show(Context ctx, Session session, String notice, String error) {
    view.show(
        ctx,
        "operator/statements.jte",
        new AdminPages.StatementList(
            view.frame(session),
            transparency.report().statements(),
            Transparency.MAX_STATEMENT,
            notice,
            error));
  }
}
