package org.waypost.console;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.waypost.abuse.Incidents;
import org.waypost.console.LegalListPage.FilingForm;
import org.waypost.console.Sessions.Session;
import org.waypost.error.ProblemException;
import org.waypost.error.ProblemType;
import org.waypost.governance.AuditLog;
import org.waypost.governance.AuditLog.Entry;
import org.waypost.governance.AuditLog.Verification;
import org.waypost.governance.LegalProcess;
import org.waypost.governance.LegalRequests;
import org.waypost.governance.LegalRequests.Disclosure;
import org.waypost.governance.LegalRequests.LegalRequest;
import org.waypost.governance.LegalStatus;
import org.waypost.governance.Operator;
import org.waypost.governance.Operators;
import org.waypost.governance.Role;
import org.waypost.tracking.NumberQuery;
import org.waypost.web.ErrorPages;
import org.waypost.web.Exchange;
import org.waypost.web.Gate;
import org.waypost.web.Pages;
import org.waypost.web.Routes;

/**
 * The operator console: server-rendered pages behind a password login, for people in a browser
 * (scripts use the bearer-token API). Every answer here is a page, errors included.
 *
 * <p>The session lives in a cookie that is HttpOnly, {@code SameSite=Strict}, scoped to {@code
 * /operator} and {@code Secure} whenever the request came over TLS. Cross-site request forgery
 * meets three independent checks on every POST: the strict cookie is not sent cross-site; a POST
 * whose {@code Origin} (or {@code Sec-Fetch-Site}) names another origin is refused; and each form
 * carries the session's synchronizer token, compared in constant time. The login form, which has no
 * session yet, carries a token that is also set in a short-lived cookie of its own.
 *
 * <p>Waypost pages send {@code Referrer-Policy: no-referrer}, under which browsers send {@code
 * Origin: null} on form posts even to their own origin; such a post is accepted only when {@code
 * Sec-Fetch-Site} says it came from this origin.
 */
public final class ConsoleRoutes implements Routes {
  static final String SESSION_COOKIE = "waypost_session";
  static final String LOGIN_COOKIE = "waypost_login";
  static final String CSRF_FIELD = "csrf";
  static final String BAD_LOGIN = "The name or password is not correct.";
  static final String CSRF_REFUSED =
      "This form has expired or was not sent from this console. Go back, reload the page and try"
          + " again.";
  static final String CROSS_ORIGIN = "This console accepts forms only from its own pages.";
  static final int LIST_LIMIT = 100;
  static final int AUDIT_PAGE = 50;

  private static final String CONSOLE = "/operator";
  private static final String LOGIN = "/operator/login";

  /** Where a problem page leads back to. */
  private record Back(String href, String text) {}

  /** Thrown when a page needs a session and there is none: answered with the login page. */
  private static final class LoginRequired extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LoginRequired() {
      super(null, null, false, false);
    }
  }

  private final Operators operators;
  private final Sessions sessions;
  private final Incidents incidents;
  private final LegalRequests legal;
  private final AuditLog audit;
  private final Gate gate;
  private final Pages pages;
  private final Clock clock;

  public ConsoleRoutes(
      Operators operators,
      Sessions sessions,
      Incidents incidents,
      LegalRequests legal,
      AuditLog audit,
      Gate gate,
      Pages pages,
      Clock clock) {
    this.operators = operators;
    this.sessions = sessions;
    this.incidents = incidents;
    this.legal = legal;
    this.audit = audit;
    this.gate = gate;
    this.pages = pages;
    this.clock = clock;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get(LOGIN, this::loginForm);
    routes.post(LOGIN, this::login);
    routes.post("/operator/logout", this::logout);
    routes.get(CONSOLE, this::dashboard);
    routes.get("/operator/incidents", this::incidentList);
    routes.post("/operator/incidents/{id}/reveal", this::reveal);
    routes.get("/operator/legal", this::legalList);
    routes.post("/operator/legal", this::file);
    routes.get("/operator/legal/{id}", this::legalRequest);
    routes.post("/operator/legal/{id}/approve", this::approve);
    routes.post("/operator/legal/{id}/reject", this::reject);
    routes.post("/operator/legal/{id}/execute", this::execute);
    routes.get("/operator/audit", this::auditLog);
    routes.exception(
        LoginRequired.class,
        (e, ctx) -> {
          if (ctx.cookie(SESSION_COOKIE) != null) {
            setCookie(ctx, SESSION_COOKIE, "", CONSOLE, true);
          }
          ctx.redirect(LOGIN, HttpStatus.SEE_OTHER);
        });
  }

  // ---- login and logout

  private void loginForm(Context ctx) {
    if (sessions.find(ctx.cookie(SESSION_COOKIE)).isPresent()) {
      ctx.redirect(CONSOLE, HttpStatus.SEE_OTHER);
      return;
    }
    renderLogin(ctx, "", null);
  }

  private void login(Context ctx) {
    requireSameOrigin(ctx);
    String expected = ctx.cookie(LOGIN_COOKIE);
    if (!Sessions.wellFormed(expected)
        || !Sessions.constantTimeEquals(expected, ctx.formParam(CSRF_FIELD))) {
      throw new ProblemException(ProblemType.FORBIDDEN, CSRF_REFUSED);
    }
    String name = ctx.formParam("name");
    String password = ctx.formParam("password");
    Operator operator;
    try {
      operator =
          gate.authenticate(
              Exchange.of(ctx),
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
      renderLogin(ctx, name == null ? "" : name, BAD_LOGIN);
      return;
    }
    // A fresh session id at every login, so that an id planted before it is worth nothing.
    sessions.destroy(ctx.cookie(SESSION_COOKIE));
    Sessions.Issued issued = sessions.create(operator);
    setCookie(ctx, SESSION_COOKIE, issued.cookieValue(), CONSOLE, false);
    setCookie(ctx, LOGIN_COOKIE, "", LOGIN, true);
    ctx.redirect(CONSOLE, HttpStatus.SEE_OTHER);
  }

  private void renderLogin(Context ctx, String name, String error) {
    String token = ctx.cookie(LOGIN_COOKIE);
    if (!Sessions.wellFormed(token)) {
      token = Sessions.randomToken();
      setCookie(ctx, LOGIN_COOKIE, token, LOGIN, false);
    }
    ctx.html(
        pages.render(
            "operator/login.jte",
            new LoginPage(ConsolePage.anonymous(pages.site()), token, name, error)));
  }

  private void logout(Context ctx) {
    postSession(ctx);
    sessions.destroy(ctx.cookie(SESSION_COOKIE));
    setCookie(ctx, SESSION_COOKIE, "", CONSOLE, true);
    ctx.redirect(LOGIN, HttpStatus.SEE_OTHER);
  }

  // ---- dashboard

  private void dashboard(Context ctx) {
    Session session = session(ctx);
    ConsolePage console = console(session);
    int incidentCount = 0;
    int revealable = 0;
    if (console.security()) {
      var listed = incidents.list(LIST_LIMIT);
      incidentCount = listed.size();
      revealable =
          (int) listed.stream().filter(i -> Boolean.TRUE.equals(i.get("revealable"))).count();
    }
    int awaitingDecision = 0;
    int awaitingExecution = 0;
    if (console.legal() || console.privacy()) {
      for (LegalRequest r : legal.list(LIST_LIMIT)) {
        if (r.status() == LegalStatus.PENDING && !r.filedBy().equals(console.operatorName())) {
          awaitingDecision++;
        } else if (r.status() == LegalStatus.APPROVED) {
          awaitingExecution++;
        }
      }
    }
    render(
        ctx,
        "operator/dashboard.jte",
        new DashboardPage(console, incidentCount, revealable, awaitingDecision, awaitingExecution));
  }

  // ---- incidents (security)

  private void incidentList(Context ctx) {
    renderIncidents(ctx, console(session(ctx, Role.SECURITY)), null);
  }

  private void reveal(Context ctx) {
    Session session = postSession(ctx, Role.SECURITY);
    long id = id(ctx, "incident");
    Incidents.Revealed revealed;
    try {
      revealed = incidents.reveal(id, ctx.formParam("reason"), session.operator());
    } catch (ProblemException e) {
      if (e.type() != ProblemType.VALIDATION_FAILED) {
        throw e;
      }
      ctx.status(HttpStatus.BAD_REQUEST);
      renderIncidents(ctx, console(session), e.detail());
      return;
    }
    render(
        ctx,
        "operator/revealed.jte",
        new RevealedPage(
            console(session),
            revealed.incident(),
            revealed.scope(),
            revealed.address(),
            revealed.auditSeq()));
  }

  private void renderIncidents(Context ctx, ConsolePage console, String error) {
    List<IncidentsPage.Incident> listed =
        incidents.list(LIST_LIMIT).stream().map(IncidentsPage.Incident::of).toList();
    render(ctx, "operator/incidents.jte", new IncidentsPage(console, listed, error));
  }

  // ---- legal requests (legal files and executes, privacy decides)

  private void legalList(Context ctx) {
    String today = LocalDate.now(clock.withZone(ZoneOffset.UTC)).toString();
    FilingForm blank = new FilingForm("", LegalProcess.SUBPOENA.name(), "", "", today, today);
    renderLegalList(ctx, console(session(ctx, Role.LEGAL, Role.PRIVACY)), blank, null);
  }

  private void file(Context ctx) {
    Session session = postSession(ctx, Role.LEGAL);
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
      renderLegalList(ctx, console(session), form, e.detail());
      return;
    }
    ctx.redirect("/operator/legal/" + filed.id(), HttpStatus.SEE_OTHER);
  }

  private void renderLegalList(Context ctx, ConsolePage console, FilingForm form, String error) {
    render(
        ctx,
        "operator/legal-list.jte",
        new LegalListPage(console, legal.list(LIST_LIMIT), form, error));
  }

  private void legalRequest(Context ctx) {
    Session session = session(ctx, Role.LEGAL, Role.PRIVACY);
    render(
        ctx,
        "operator/legal-request.jte",
        new LegalRequestPage(console(session), find(id(ctx, "legal request")), null, null));
  }

  private void approve(Context ctx) {
    Session session = postSession(ctx, Role.PRIVACY);
    long id = backToRequest(ctx);
    legal.approve(id, session.operator());
    ctx.redirect("/operator/legal/" + id, HttpStatus.SEE_OTHER);
  }

  private void reject(Context ctx) {
    Session session = postSession(ctx, Role.PRIVACY);
    long id = backToRequest(ctx);
    try {
      legal.reject(id, session.operator(), ctx.formParam("reason"));
    } catch (ProblemException e) {
      if (e.type() != ProblemType.VALIDATION_FAILED) {
        throw e;
      }
      ctx.status(HttpStatus.BAD_REQUEST);
      render(
          ctx,
          "operator/legal-request.jte",
          new LegalRequestPage(console(session), find(id), null, e.detail()));
      return;
    }
    ctx.redirect("/operator/legal/" + id, HttpStatus.SEE_OTHER);
  }

  /** Executes and shows the disclosure in the answer itself: it is not stored to be seen later. */
  private void execute(Context ctx) {
    Session session = postSession(ctx, Role.LEGAL);
    long id = backToRequest(ctx);
    Disclosure disclosure = legal.execute(id, session.operator());
    render(
        ctx,
        "operator/legal-request.jte",
        new LegalRequestPage(console(session), disclosure.request(), disclosure, null));
  }

  private long backToRequest(Context ctx) {
    return id(ctx, "legal request");
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
    try {
      return LocalDate.parse(text.strip());
    } catch (DateTimeParseException e) {
      throw ProblemException.validation(label + " must be a date written as YYYY-MM-DD.");
    }
  }

  // ---- audit log (privacy)

  private void auditLog(Context ctx) {
    Session session = session(ctx, Role.PRIVACY);
    Verification verification = audit.verify();
    long head = audit.lastSeq();
    long before = head + 1;
    String asked = ctx.queryParam("before");
    if (asked != null) {
      try {
        before = Math.max(1, Math.min(before, Long.parseLong(asked.strip())));
      } catch (NumberFormatException e) {
        // not a number: show the newest page
      }
    }
    long after = Math.max(0, before - 1 - AUDIT_PAGE);
    List<Entry> entries = new ArrayList<>();
    if (before - 1 > after) {
      for (Entry entry : audit.list(after, (int) (before - 1 - after))) {
        if (entry.seq() < before) {
          entries.addFirst(entry);
        }
      }
    }
    render(
        ctx,
        "operator/audit.jte",
        new AuditPage(
            console(session), verification, entries, after > 0 ? after + 1 : null, before > head));
  }

  // ---- sessions, roles and forgery checks

  /** The session of a page view, holding one of {@code roles} (any session when none is named). */
  private Session session(Context ctx, Role... roles) {
    Session session = sessions.find(ctx.cookie(SESSION_COOKIE)).orElseThrow(LoginRequired::new);
    requireRole(session, roles);
    return session;
  }

  /** Like {@link #session}, for a form post: also from this origin, with this session's token. */
  private Session postSession(Context ctx, Role... roles) {
    requireSameOrigin(ctx);
    Session session = sessions.find(ctx.cookie(SESSION_COOKIE)).orElseThrow(LoginRequired::new);
    if (!session.csrfMatches(ctx.formParam(CSRF_FIELD))) {
      throw new ProblemException(ProblemType.FORBIDDEN, CSRF_REFUSED);
    }
    requireRole(session, roles);
    return session;
  }

  private static void requireRole(Session session, Role... roles) {
    if (roles.length == 0 || Arrays.stream(roles).anyMatch(session.operator()::has)) {
      return;
    }
    String needed =
        roles.length == 1
            ? "the " + roles[0].label() + " role"
            : "one of the roles "
                + Arrays.stream(roles).map(Role::label).collect(Collectors.joining(", "));
    throw new ProblemException(
        ProblemType.FORBIDDEN, "This page is for operators with " + needed + ".");
  }

  private static void requireSameOrigin(Context ctx) {
    if (!sameOrigin(ctx)) {
      throw new ProblemException(ProblemType.FORBIDDEN, CROSS_ORIGIN);
    }
  }

  /**
   * Whether a POST may have come from this console's own pages. A browser names the sending page's
   * origin in {@code Origin} and says in {@code Sec-Fetch-Site} how it relates to this one; a
   * request with neither is not from a browser (or a very old one), and the CSRF token decides.
   */
  static boolean sameOrigin(Context ctx) {
    String origin = ctx.header("Origin");
    String site = ctx.header("Sec-Fetch-Site");
    if (site != null && !site.equalsIgnoreCase("same-origin")) {
      return false;
    }
    if (origin == null) {
      return true;
    }
    if (origin.strip().equals("null")) {
      return site != null; // an opaque origin is ours only when the browser says so
    }
    return withoutDefaultPort(origin.strip()).equalsIgnoreCase(ownOrigin(ctx));
  }

  /** This server's origin as the browser sees it: the scheme and the host it was asked for. */
  private static String ownOrigin(Context ctx) {
    Exchange exchange = Exchange.of(ctx);
    String host = exchange.host();
    return withoutDefaultPort(
        (exchange.overTls() ? "https://" : "http://") + (host == null ? "" : host));
  }

  private static String withoutDefaultPort(String origin) {
    String lower = origin.toLowerCase(Locale.ROOT);
    if (lower.startsWith("https://") && lower.endsWith(":443")) {
      return lower.substring(0, lower.length() - 4);
    }
    if (lower.startsWith("http://") && lower.endsWith(":80")) {
      return lower.substring(0, lower.length() - 3);
    }
    return lower;
  }

  /**
   * Sets (or, with {@code clear}, deletes) a console cookie: never readable by scripts, never sent
   * cross-site, and only over TLS when the console is reached over TLS.
   */
  private static void setCookie(
      Context ctx, String name, String value, String path, boolean clear) {
    StringBuilder cookie =
        new StringBuilder(name)
            .append('=')
            .append(value)
            .append("; Path=")
            .append(path)
            .append("; HttpOnly; SameSite=Strict");
    if (Exchange.of(ctx).overTls()) {
      cookie.append("; Secure");
    }
    if (clear) {
      cookie.append("; Max-Age=0");
    }
    ctx.addHeader("Set-Cookie", cookie.toString());
  }

  // ---- rendering

  private ConsolePage console(Session session) {
    Operator operator = session.operator();
    return new ConsolePage(pages.site(), operator.name(), operator.roles(), session.csrfToken());
  }

  private void render(Context ctx, String template, Object model) {
    ctx.html(pages.render(template, model));
  }

  private static long id(Context ctx, String what) {
    try {
      return Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      throw ProblemException.notFound("There is no such " + what + ".");
    }
  }

  private static String field(Context ctx, String name) {
    String value = ctx.formParam(name);
    return value == null ? "" : value;
  }

  /**
   * Every console answer is a page, a refusal or failure too, never problem+json: the server's one
   * problem renderer hands errors under {@code /operator} to this.
   */
  public ErrorPages errorPages() {
    return new ErrorPages() {
      @Override
      public boolean covers(String path) {
        return path.equals(CONSOLE) || path.startsWith(CONSOLE + "/");
      }

      @Override
      public String render(Context ctx, ProblemType type, String detail) {
        Session session = sessions.find(ctx.cookie(SESSION_COOKIE)).orElse(null);
        Back back = back(ctx.path(), session != null);
        ConsolePage console =
            session == null ? ConsolePage.anonymous(pages.site()) : console(session);
        return pages.render(
            "operator/problem.jte",
            new ProblemPage(console, type, detail, back.href(), back.text()));
      }
    };
  }

  /** Where a problem page on {@code path} leads back to: the page the failed form was on. */
  private static Back back(String path, boolean loggedIn) {
    String[] parts = path.split("/");
    // ["", "operator", area, id, action]
    if (parts.length == 5 && parts[2].equals("incidents") && parts[4].equals("reveal")) {
      return new Back("/operator/incidents", "Back to incidents");
    }
    if (parts.length == 5 && parts[2].equals("legal") && parts[3].matches("[0-9]{1,18}")) {
      long id = Long.parseLong(parts[3]);
      return new Back("/operator/legal/" + id, "Back to legal request " + id);
    }
    return loggedIn
        ? new Back(CONSOLE, "Back to the console")
        : new Back(LOGIN, "Back to the login page");
  }
}
