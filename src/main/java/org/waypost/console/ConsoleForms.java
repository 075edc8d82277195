package org.waypost.console;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.waypost.error.ProblemException;
import org.waypost.error.ProblemType;

/**
 * How an administration form ends: done, the list again by post-redirect-get with what was done
 * ({@code ?done=CODE}); refused for what was typed or named (a short name, an unknown operator, a
 * key already revoked), the list again with why. Other refusals are error pages, as everywhere.
 */
final class ConsoleForms {
  private ConsoleForms() {}

  /** What an action gave, or why it was refused for what the form held (then value is null). */
  record Attempt<T>(T value, String refusal) {
    boolean refused() {
      return refusal != null;
    }
  }

  /**
   * Runs {@code action}; a refusal for what the form held (validation, conflict, an unknown name)
   * is caught with its reason, any other failure is thrown on.
   */
  static <T> Attempt<T> attempt(Supplier<T> action) {
    try {
      return new Attempt<>(action.get(), null);
    } catch (IllegalArgumentException e) {
      return new Attempt<>(null, e.getMessage());
    } catch (ProblemException e) {
      if (e.type() == ProblemType.VALIDATION_FAILED || e.type() == ProblemType.CONFLICT) {
        return new Attempt<>(null, e.detail());
      }
      throw e;
    }
  }

  /**
   * Runs {@code action}; when it went through, redirects to {@code list} saying {@code done},
   * otherwise answers 400 with the list {@code refused} shows with the reason.
   */
  static void act(
      Context ctx, String list, String done, Runnable action, Consumer<String> refused) {
    Attempt<Object> attempt =
        attempt(
            () -> {
              action.run();
              return Boolean.TRUE;
            });
    if (attempt.refused()) {
      ctx.status(HttpStatus.BAD_REQUEST);
      refused.accept(attempt.refusal());
    } else {
      ctx.redirect(list + "?done=" + done, HttpStatus.SEE_OTHER);
    }
  }

  /** A form field, stripped; empty when absent. */
  static String field(Context ctx, String name) {
    String value = ctx.formParam(name);
    return value == null ? "" : value.strip();
  }
}
