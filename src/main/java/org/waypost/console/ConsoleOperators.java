package org.waypost.console;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.waypost.console.Sessions.Session;
import org.waypost.governance.Operators;
import org.waypost.governance.Role;
import org.waypost.web.Routes;

/**
 * Operators, for admins: list, add, disable, change roles, revoke tokens, with the very {@link
 * Operators} methods the {@code waypost user} commands use; the audit log names the admin who did
 * it. An admin cannot disable their own account or take away their own admin role here, so that the
 * console always keeps someone able to undo a mistake.
 */
final class ConsoleOperators implements Routes {
  static final String LIST = "/operator/admin/operators";

  private static final Map<String, String> DONE =
      Map.of(
          "added", "The operator was added.",
          "disabled", "The operator was disabled; their sessions and tokens no longer work.",
          "roles", "The roles were changed; they apply from the operator's next request.",
          "revoked", "The operator's tokens were revoked.");

  private final Operators operators;
  private final ConsoleSecurity security;
  private final ConsoleView view;

  ConsoleOperators(Operators operators, ConsoleSecurity security, ConsoleView view) {
    this.operators = operators;
    this.security = security;
    this.view = view;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get(LIST, this::list);
    routes.post(LIST, this::add);
    routes.post(LIST + "/disable", ctx -> change(ctx, "disabled"));
    routes.post(LIST + "/roles", ctx -> change(ctx, "roles"));
    routes.post(LIST + "/revoke-tokens", ctx -> change(ctx, "revoked"));
  }

  private void list(Context ctx) {
    Session session = security.session(ctx, Role.ADMIN);
    show(ctx, session, DONE.get(String.valueOf(ctx.queryParam("done"))), null);
  }

  private void add(Context ctx) {
    Session session = security.postSession(ctx, Role.ADMIN);
    String password = ConsoleForms.field(ctx, "password");
    ConsoleForms.Attempt<Operators.Added> added =
        ConsoleForms.attempt(
            () ->
                operators.add(
                    ConsoleForms.field(ctx, "name"),
                    roles(ctx),
                    password.isEmpty() ? null : password,
                    session.operator().name()));
    if (added.refused()) {
      ctx.status(HttpStatus.BAD_REQUEST);
      show(ctx, session, null, added.refusal());
    } else if (added.value().generatedPassword() == null) {
      ctx.redirect(LIST + "?done=added", HttpStatus.SEE_OTHER);
    } else {
      view.show(
          ctx,
          "operator/secret.jte",
          new AdminPages.SecretShown(
              view.frame(session),
              "Operator " + added.value().operator().name() + " added",
              "Generated password",
              added.value().generatedPassword(),
              "This password is shown only now and is not stored in a form anyone can read back."
                  + " Hand it to the operator over a safe channel.",
              LIST,
              "Back to operators"));
    }
  }

  private void change(Context ctx, String done) {
    Session session = security.postSession(ctx, Role.ADMIN);
    String name = ConsoleForms.field(ctx, "name");
    String self = session.operator().name();
    ConsoleForms.act(
        ctx,
        LIST,
        done,
        () -> {
          switch (done) {
            case "disabled" -> {
              if (name.equals(self)) {
                throw new IllegalArgumentException(
                    "You cannot disable your own account here; another admin can.");
              }
              operators.disable(name, self);
            }
            case "roles" -> {
              Set<Role> roles = roles(ctx);
              if (name.equals(self) && !roles.contains(Role.ADMIN)) {
                throw new IllegalArgumentException(
                    "You cannot take away your own admin role here; another admin can.");
              }
              operators.setRoles(name, roles, self);
            }
            default -> operators.revokeTokens(name, self);
          }
        },
        why -> show(ctx, session, null, why));
  }

  private void show(Context ctx, Session session, String notice, String error) {
    view.show(
        ctx,
        "operator/operators.jte",
        new AdminPages.OperatorList(view.frame(session), operators.list(), notice, error));
  }

  /** The roles ticked in the form; none ticked is refused by {@link Operators} itself. */
  private static Set<Role> roles(Context ctx) {
    List<String> ticked = ctx.formParams("role");
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (String label : ticked) {
      roles.addAll(Role.parse(label));
    }
    return roles;
  }
}
