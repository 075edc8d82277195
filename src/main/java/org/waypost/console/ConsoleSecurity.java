package org.waypost.console;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.waypost.console.Sessions.Session;
import org.waypost.error.ProblemException;
import org.waypost.error.ProblemType;
import org.waypost.governance.Operator;
import org.waypost.governance.Role;
import org.waypost.web.Exchange;
import org.waypost.web.Routes;

/**
 * Who may see a console page or send one of its forms. The area routes ask this for a session and
 * name the roles they need; none of them reads a cookie or a header itself, so the defences below
 * are written once and every page gets all of them.
 *
 * <p>The session lives in a cookie that is HttpOnly, {@code SameSite=Strict}, scoped to {@code
 * /operator} and {@code Secure} whenever the request came over TLS ({@link Exchange#overTls()}:
 * directly, or at a trusted proxy that says so). Cross-site request forgery meets three independent
 * checks on every POST: the strict cookie is not sent cross-site; a POST whose {@code Origin} (or
 * {@code Sec-Fetch-Site}) names another origin is refused; and each form carries the session's
 * synchronizer token, compared in constant time. The login form, which has no session yet, carries
 * a token that is also set in a short-lived cookie of its own.
 *
 * <p>Waypost pages send {@code Referrer-Policy: no-referrer}, under which browsers send {@code
 * Origin: null} on form posts even to their own origin; such a post is accepted only when {@code
 * Sec-Fetch-Site} says it came from this origin.
 *
 * <p>A page view without a session is sent to the login page; a refusal is a {@code
 * ProblemException}, which {@link ConsoleErrorPages} shows as a console page.
 */
final class ConsoleSecurity implements Routes {
  static final String CONSOLE = "/operator";
  static final String LOGIN = "/operator/login";
  static final String SESSION_COOKIE = "waypost_session";
  static final String LOGIN_COOKIE = "waypost_login";
  static final String CSRF_FIELD = "csrf";
  static final String CSRF_REFUSED =
      "This form has expired or was not sent from this console. Go back, reload the page and try"
          + " again.";
  static final String CROSS_ORIGIN = "This console accepts forms only from its own pages.";

  /** Thrown when a page needs a session and there is none: answered with the login page. */
  private static final class LoginRequired extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LoginRequired() {
      super(null, null, false, false);
    }
  }

  private final Sessions sessions;

  ConsoleSecurity(Sessions sessions) {
    this.sessions = sessions;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.exception(
        LoginRequired.class,
        (e, ctx) -> {
          if (ctx.cookie(SESSION_COOKIE) != null) {
            clearCookie(ctx, SESSION_COOKIE, CONSOLE);
          }
          ctx.redirect(LOGIN, HttpStatus.SEE_OTHER);
        });
  }

  /** The session this request carries, if any: for what shows either way (an error page). */
  Optional<Session> current(Context ctx) {
    return sessions.find(ctx.cookie(SESSION_COOKIE));
  }

  /** The session of a page view, holding one of {@code roles} (any session when none is named). */
  Session session(Context ctx, Role... roles) {
    Session session = current(ctx).orElseThrow(LoginRequired::new);
    requireRole(session, roles);
    return session;
  }

  /** Like {@link #session}, for a form post: also from this origin, with this session's token. */
  Session postSession(Context ctx, Role... roles) {
    requireSameOrigin(ctx);
    Session session = current(ctx).orElseThrow(LoginRequired::new);
    if (!session.csrfMatches(ctx.formParam(CSRF_FIELD))) {
      throw new ProblemException(ProblemType.FORBIDDEN, CSRF_REFUSED);
    }
    requireRole(session, roles);
    return session;
  }

  /** Checks a posted login form: from this origin, with the token its login cookie holds. */
  void checkLoginForm(Context ctx) {
    requireSameOrigin(ctx);
    String expected = ctx.cookie(LOGIN_COOKIE);
    if (!Sessions.wellFormed(expected)
        || !Sessions.constantTimeEquals(expected, ctx.formParam(CSRF_FIELD))) {
      throw new ProblemException(ProblemType.FORBIDDEN, CSRF_REFUSED);
    }
  }

  /** The login form's token: the one its cookie holds, or a new one set in that cookie. */
  String loginToken(Context ctx) {
    String token = ctx.cookie(LOGIN_COOKIE);
    if (!Sessions.wellFormed(token)) {
      token = Sessions.randomToken();
      setCookie(ctx, LOGIN_COOKIE, token, LOGIN);
    }
    return token;
  }

  /**
   * Starts a session for {@code operator} and spends the login token. The session id is fresh at
   * every login, so that an id planted before it is worth nothing.
   */
  void logIn(Context ctx, Operator operator) {
    sessions.destroy(ctx.cookie(SESSION_COOKIE));
    setCookie(ctx, SESSION_COOKIE, sessions.create(operator).cookieValue(), CONSOLE);
    clearCookie(ctx, LOGIN_COOKIE, LOGIN);
  }

  /** Ends this request's session everywhere and deletes its cookie. */
  void logOut(Context ctx) {
    sessions.destroy(ctx.cookie(SESSION_COOKIE));
    clearCookie(ctx, SESSION_COOKIE, CONSOLE);
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
  private static boolean sameOrigin(Context ctx) {
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

  private static void setCookie(Context ctx, String name, String value, String path) {
    ctx.addHeader("Set-Cookie", cookie(ctx, name, value, path));
  }

  private static void clearCookie(Context ctx, String name, String path) {
    ctx.addHeader("Set-Cookie", cookie(ctx, name, "", path) + "; Max-Age=0");
  }

  /**
   * A console cookie: never readable by scripts, never sent cross-site, and only over TLS when the
   * console is reached over TLS.
   */
  private static String cookie(Context ctx, String name, String value, String path) {
    String cookie = name + "=" + value + "; Path=" + path + "; HttpOnly; SameSite=Strict";
    return Exchange.of(ctx).overTls() ? cookie + "; Secure" : cookie;
  }
}
