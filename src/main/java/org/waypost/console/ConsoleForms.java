package org.waypost.console;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import org.waypost.error.ProblemException;
import org.waypost.error.ProblemType;

/**
 * How an administration form ends: done, the list again by post-redirect-get with what was done
 * ({@code ?done=CODE}); refused for what was typed or named (a short name, an unknown operator, a
 * key already revoked), the list again with why. Other refusals are error pages, as everywhere.
 */
final class ConsoleForms {
  private ConsoleForms() {}

  /** Why {@code action} was refused for what the form held; rethrows any other failure. */
  static String refusal(Runnable action) {
    try {
      action.run();
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    } catch (ProblemException e) {
      if (e.type() == ProblemType.VALIDATION_FAILED || e.type() == ProblemType.CONFLICT) {
        return e.detail();
      }
      throw e;
    }
  }

  /**
   * Runs {@code action}; when it went through, redirects to {@code list} saying {@code done},
   * otherwise answers 400 with the list {@code refused} renders with the reason.
   */
  static void act(Context ctx, String list, String done, Runnable action, RefusedPage refused) {
    String why = refusal(action);
    if (why == null) {
      ctx.redirect(list + "?done=" + done, HttpStatus.SEE_OTHER);
    } else {
      ctx.status(HttpStatus.BAD_REQUEST);
      refused.show(why);
    }
  }

  /** Shows a list page with the reason its form was refused. */
  @FunctionalInterface
  interface RefusedPage {
    void show(String why);
  }

  /** A form field, stripped; empty when absent. */
  static String field(Context ctx, String name) {
    String value = ctx.formParam(name);
    return value == null ? "" : value.strip();
  }
}
