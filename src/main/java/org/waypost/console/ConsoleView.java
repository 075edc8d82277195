package org.waypost.console;

import io.javalin.http.Context;
import org.waypost.console.Sessions.Session;
import org.waypost.error.ProblemException;
import org.waypost.governance.Operator;
import org.waypost.web.Pages;

/**
 * Console pages in the console's frame: who is logged in, the sections their roles open, and the
 * CSRF token every form on the page carries. Each area's routes and the error pages render through
 * this, so that the frame is built one way.
 */
final class ConsoleView {
  /** The most rows a console list shows (and the dashboard counts). */
  static final int LIST_LIMIT = 100;

  private final Pages pages;

  ConsoleView(Pages pages) {
    this.pages = pages;
  }

  /** The frame of a page seen with {@code session}. */
  ConsolePage frame(Session session) {
    Operator operator = session.operator();
    return new ConsolePage(
        pages.englishOnly(), operator.name(), operator.roles(), session.csrfToken());
  }

  /** The frame of a page seen before logging in. */
  ConsolePage anonymous() {
    return ConsolePage.anonymous(pages.englishOnly());
  }

  String page(String template, Object model) {
    return pages.render(template, model);
  }

  /** Answers with the page. */
  void show(Context ctx, String template, Object model) {
    ctx.html(page(template, model));
  }

  /** The {@code {id}} in a console address; one that is not a number names nothing there. */
  static long pathId(Context ctx, String what) {
    try {
      return Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      throw ProblemException.notFound("There is no such " + what + ".");
    }
  }
}
