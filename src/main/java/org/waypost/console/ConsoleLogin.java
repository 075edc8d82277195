package org.waypost.console;

import static org.waypost.console.ConsoleSecurity.CONSOLE;
import static org.waypost.console.ConsoleSecurity.LOGIN;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import org.waypost.error.ProblemException;
import org.waypost.error.ProblemType;
import org.waypost.governance.Operator;
import org.waypost.governance.Operators;
import org.waypost.web.Exchange;
import org.waypost.web.Gate;
import org.waypost.web.Routes;

/**
 * Logging in and out of the console with a name and password. The password check runs behind the
 * gate's lockout, counted per account name as well as per client, and a failed login reads the same
 * for an unknown name as for a wrong password; the session and its cookies are {@link
 * ConsoleSecurity}'s.
 */
final class ConsoleLogin implements Routes {
  static final String BAD_LOGIN = "The name or password is not correct.";

  private final Operators operators;
  private final Gate gate;
  private final ConsoleSecurity security;
  private final ConsoleView view;

  ConsoleLogin(Operators operators, Gate gate, ConsoleSecurity security, ConsoleView view) {
    this.operators = operators;
    this.gate = gate;
    this.security = security;
    this.view = view;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get(LOGIN, this::form);
    routes.post(LOGIN, this::login);
    routes.post("/operator/logout", this::logout);
  }

  private void form(Context ctx) {
    if (security.current(ctx).isPresent()) {
      ctx.redirect(CONSOLE, HttpStatus.SEE_OTHER);
      return;
    }
    show(ctx, "", null);
  }

  private void login(Context ctx) {
    security.checkLoginForm(ctx);
    String name = ctx.formParam("name");
    String password = ctx.formParam("password");
    Operator operator;
    try {
      operator =
          gate.authenticate(
              Exchange.of(ctx),
              name,
              () ->
                  operators
                      .authenticatePassword(name, password)
                      .orElseThrow(
                          () -> new ProblemException(ProblemType.UNAUTHORIZED, BAD_LOGIN)));
    } catch (ProblemException e) {
      if (e.type() != ProblemType.UNAUTHORIZED) {
        throw e; // locked out: the problem page says until when
      }
      ctx.status(HttpStatus.UNAUTHORIZED);
      show(ctx, name == null ? "" : name, BAD_LOGIN);
      return;
    }
    security.logIn(ctx, operator);
    ctx.redirect(CONSOLE, HttpStatus.SEE_OTHER);
  }

  private void show(Context ctx, String name, String error) {
    String token = security.loginToken(ctx);
    view.show(ctx, "operator/login.jte", new LoginPage(view.anonymous(), token, name, error));
  }

  private void logout(Context ctx) {
    security.postSession(ctx);
    security.logOut(ctx);
    ctx.redirect(LOGIN, HttpStatus.SEE_OTHER);
  }
}
