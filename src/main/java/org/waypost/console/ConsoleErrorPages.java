package org.waypost.console;

import io.javalin.http.Context;
import org.waypost.console.Sessions.Session;
import org.waypost.error.ProblemType;
import org.waypost.web.ErrorPages;

/**
 * Every console answer is a page, a refusal or failure too, never problem+json: the server's one
 * problem renderer hands errors under {@code /operator} to this. The page keeps the console's frame
 * (the operator, when logged in) and leads back to where the failed form was.
 */
final class ConsoleErrorPages implements ErrorPages {
  /** Where a problem page leads back to. */
  private record Back(String href, String text) {}

  private final ConsoleSecurity security;
  private final ConsoleView view;

  ConsoleErrorPages(ConsoleSecurity security, ConsoleView view) {
    this.security = security;
    this.view = view;
  }

  @Override
  public boolean covers(String path) {
    return path.equals(ConsoleSecurity.CONSOLE) || path.startsWith(ConsoleSecurity.CONSOLE + "/");
  }

  @Override
  public String render(Context ctx, ProblemType type, String detail) {
    Session session = security.current(ctx).orElse(null);
    Back back = back(ctx.path(), session != null);
    ConsolePage console = session == null ? view.anonymous() : view.frame(session);
    return view.page(
        "operator/problem.jte", new ProblemPage(console, type, detail, back.href(), back.text()));
  }

  /** Where a problem page on {@code path} leads back to: the page the failed form was on. */
  private static Back back(String path, boolean loggedIn) {
    String[] parts = path.split("/");
    // ["", "operator", area, id, action]
    if (parts.length == 3 && parts[2].startsWith("analytics") && loggedIn) {
      return new Back("/operator/analytics", "Back to analytics");
    }
    if (parts.length == 3 && parts[2].startsWith("audit") && loggedIn) {
      return new Back("/operator/audit", "Back to the audit log");
    }
    if (parts.length == 5 && parts[2].equals("incidents")) {
      return new Back("/operator/incidents", "Back to incidents");
    }
    if (parts.length == 5 && parts[2].equals("legal") && parts[3].matches("[0-9]{1,18}")) {
      long id = Long.parseLong(parts[3]);
      return new Back("/operator/legal/" + id, "Back to legal request " + id);
    }
    return loggedIn
        ? new Back(ConsoleSecurity.CONSOLE, "Back to the console")
        : new Back(ConsoleSecurity.LOGIN, "Back to the login page");
  }
}
