package org.waypost.console;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.waypost.console.LegalListPage.FilingForm;
import org.waypost.console.Sessions.Session;
import org.waypost.error.InputDates;
import org.waypost.error.ProblemException;
import org.waypost.error.ProblemType;
import org.waypost.governance.LegalDeadlines;
import org.waypost.governance.LegalProcess;
import org.waypost.governance.LegalRequests;
import org.waypost.governance.LegalRequests.Disclosure;
import org.waypost.governance.LegalRequests.LegalRequest;
import org.waypost.governance.Role;
import org.waypost.tracking.NumberQuery;
import org.waypost.web.Routes;

/**
 * Legal requests under dual authorization: the legal role files and executes, the privacy role
 * decides, and nobody decides on a request they filed (the service enforces it; these pages only
 * leave out the buttons). A refused filing comes back with what was typed.
 */
final class ConsoleLegalRequests implements Routes {
  private final LegalRequests legal;
  private final LegalDeadlines deadlines;
  private final ConsoleSecurity security;
  private final ConsoleView view;
  private final Clock clock;

  ConsoleLegalRequests(
      LegalRequests legal,
      LegalDeadlines deadlines,
      ConsoleSecurity security,
      ConsoleView view,
      Clock clock) {
    this.legal = legal;
    this.deadlines = deadlines;
    this.security = security;
    this.view = view;
    this.clock = clock;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get("/operator/legal", this::list);
    routes.post("/operator/legal", this::file);
    routes.get("/operator/legal/{id}", this::request);
    routes.post("/operator/legal/{id}/approve", this::approve);
    routes.post("/operator/legal/{id}/reject", this::reject);
    routes.post("/operator/legal/{id}/execute", this::execute);
    routes.get("/operator/legal/{id}/disclosure.csv", this::exportAgain);
  }

  private void list(Context ctx) {
    String today = LocalDate.now(clock.withZone(ZoneOffset.UTC)).toString();
    FilingForm blank = new FilingForm("", LegalProcess.SUBPOENA.name(), "", "", today, today);
    showList(ctx, view.frame(security.session(ctx, Role.LEGAL, Role.PRIVACY)), blank, null);
  }

  private void file(Context ctx) {
    Session session = security.postSession(ctx, Role.LEGAL);
    FilingForm form =
        new FilingForm(
            field(ctx, "authority"),
            field(ctx, "process"),
            field(ctx, "caseReference"),
            field(ctx, "trackingNumbers"),
            field(ctx, "from"),
            field(ctx, "to"));
    LegalRequest filed;
    try {
      filed = legal.file(session.operator(), filing(form));
    } catch (ProblemException e) {
      if (e.type().status() != 400) {
        throw e; // not something to fix in the form
      }
      ctx.status(HttpStatus.BAD_REQUEST);
      showList(ctx, view.frame(session), form, e.detail());
      return;
    }
    ctx.redirect("/operator/legal/" + filed.id(), HttpStatus.SEE_OTHER);
  }

  private void showList(Context ctx, ConsolePage console, FilingForm form, String error) {
    view.show(
        ctx,
        "operator/legal-list.jte",
        new LegalListPage(
            console,
            legal.list(ConsoleView.LIST_LIMIT).stream()
                .map(r -> new LegalListPage.Listed(r, deadlines.dueOn(r), deadlines.overdue(r)))
                .toList(),
            form,
            error));
  }

  private void request(Context ctx) {
    Session session = security.session(ctx, Role.LEGAL, Role.PRIVACY);
    showRequest(ctx, view.frame(session), find(id(ctx)), null, null);
  }

  private void approve(Context ctx) {
    Session session = security.postSession(ctx, Role.PRIVACY);
    long id = id(ctx);
    legal.approve(id, session.operator());
    ctx.redirect("/operator/legal/" + id, HttpStatus.SEE_OTHER);
  }

  private void reject(Context ctx) {
    Session session = security.postSession(ctx, Role.PRIVACY);
    long id = id(ctx);
    try {
      legal.reject(id, session.operator(), ctx.formParam("reason"));
    } catch (ProblemException e) {
      if (e.type() != ProblemType.VALIDATION_FAILED) {
        throw e;
      }
      ctx.status(HttpStatus.BAD_REQUEST);
      showRequest(ctx, view.frame(session), find(id), null, e.detail());
      return;
    }
    ctx.redirect("/operator/legal/" + id, HttpStatus.SEE_OTHER);
  }

  /**
   * Executes and shows the disclosure in the answer itself, with its one CSV export: it is not
   * stored to be seen or exported later.
   */
  private void execute(Context ctx) {
    Session session = security.postSession(ctx, Role.LEGAL);
    Disclosure disclosure = legal.execute(id(ctx), session.operator());
    showRequest(ctx, view.frame(session), disclosure.request(), disclosure, null);
  }

  /**
   * The disclosure's CSV asked for after the execution that exported it: refused, saying what was
   * exported and its SHA-256, to compare a copy with.
   */
  private void exportAgain(Context ctx) {
    security.session(ctx, Role.LEGAL, Role.PRIVACY);
    LegalRequest request = find(id(ctx));
    String detail =
        request.disclosureSha256() == null
            ? "Legal request "
                + request.id()
                + " has not been executed: its disclosure is exported once, as CSV, when it is"
                + " executed."
            : "The disclosure of legal request "
                + request.id()
                + " was exported once, as CSV, when "
                + request.executedBy()
                + " executed it at "
                + ConsolePage.time(request.executedAt())
                + ". Its SHA-256 is "
                + request.disclosureSha256()
                + ". Waypost keeps no copy, so it cannot be exported again.";
    throw new ProblemException(ProblemType.CONFLICT, detail);
  }

  private void showRequest(
      Context ctx, ConsolePage console, LegalRequest request, Disclosure disclosure, String error) {
    view.show(
        ctx,
        "operator/legal-request.jte",
        new LegalRequestPage(
            console,
            request,
            deadlines.dueOn(request),
            deadlines.overdue(request),
            disclosure,
            error));
  }

  private static long id(Context ctx) {
    return ConsoleView.pathId(ctx, "legal request");
  }

  private LegalRequest find(long id) {
    return legal
        .find(id)
        .orElseThrow(() -> ProblemException.notFound("There is no legal request " + id + "."));
  }

  /** The typed form as a filing; the service checks the rest (lengths, period, scope). */
  private static LegalRequests.Filing filing(FilingForm form) {
    LegalProcess process;
    try {
      process = LegalProcess.valueOf(form.process());
    } catch (IllegalArgumentException e) {
      throw ProblemException.validation("Choose the legal process.");
    }
    List<String> numbers;
    try {
      numbers = NumberQuery.parse(form.trackingNumbers()).numbers();
    } catch (ProblemException e) {
      throw ProblemException.validation(
          e.type() == ProblemType.TOO_MANY_NUMBERS
              ? "A legal request names at most " + NumberQuery.MAX + " tracking numbers."
              : "Name at least one tracking number.");
    }
    return new LegalRequests.Filing(
        form.authority(),
        process,
        form.caseReference(),
        numbers,
        date(form.from(), "From"),
        date(form.to(), "To"));
  }

  private static LocalDate date(String text, String label) {
    return InputDates.parse(text, label + " must be a date written as YYYY-MM-DD.");
  }

  private static String field(Context ctx, String name) {
    String value = ctx.formParam(name);
    return value == null ? "" : value;
  }
}
