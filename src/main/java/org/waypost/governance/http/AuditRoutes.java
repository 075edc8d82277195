package org.waypost.governance.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import org.waypost.error.ProblemException;
import org.waypost.governance.AuditLog;
import org.waypost.governance.AuditLog.Entry;
import org.waypost.governance.AuditLog.Verification;
import org.waypost.governance.OperatorAuth;
import org.waypost.governance.Role;
import org.waypost.json.Json;
import org.waypost.web.Routes;

/**
 * {@code GET /api/v1/admin/audit?after=SEQ&limit=N}, the log a page at a time, and {@code GET
 * /api/v1/admin/audit/verify}, its verification: for operators with the privacy role. The handlers
 * only move values between HTTP and {@link #page} and {@link #verification}, which do the checking.
 */
public final class AuditRoutes implements Routes {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 500;

  /**
   * One page of the log, oldest first; {@code nextAfter} is the {@code after} of the next page, or
   * null when this page reached the end.
   */
  public record Page(List<Entry> entries, Long nextAfter) {}

  private final AuditLog audit;
  private final OperatorAuth auth;
  private final OperatorAccess access;

  /**
   * @param access puts the token check behind the authentication-failure lockout
   */
  public AuditRoutes(AuditLog audit, OperatorAuth auth, OperatorAccess access) {
    this.audit = audit;
    this.auth = auth;
    this.access = access;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get(
        "/api/v1/admin/audit",
        ctx ->
            json(
                ctx,
                access.authenticated(
                    ctx,
                    () ->
                        page(
                            ctx.header("Authorization"),
                            ctx.queryParam("after"),
                            ctx.queryParam("limit")))));
    routes.get(
        "/api/v1/admin/audit/verify",
        ctx ->
            json(ctx, access.authenticated(ctx, () -> verification(ctx.header("Authorization")))));
  }

  /**
   * The answer to {@code GET /api/v1/admin/audit}.
   *
   * @throws ProblemException {@code unauthorized}, {@code forbidden}, or {@code validation-failed}
   *     naming the bad parameter
   */
  public Page page(String authorization, String after, String limit) {
    auth.require(authorization, Role.PRIVACY);
    long afterSeq = parameter(after, "after", 0, 0, Long.MAX_VALUE);
    int size = (int) parameter(limit, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    List<Entry> entries = audit.list(afterSeq, size);
    return new Page(entries, entries.size() == size ? entries.getLast().seq() : null);
  }

  /** The answer to {@code GET /api/v1/admin/audit/verify}. */
  Verification verification(String authorization) {
    auth.require(authorization, Role.PRIVACY);
    return audit.verify();
  }

  private static long parameter(String text, String name, long absent, long min, long max) {
    if (text == null || text.isBlank()) {
      return absent;
    }
    try {
      long value = Long.parseLong(text.strip());
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ProblemException.validation(
        name
            + " must be a whole number"
            + (max == Long.MAX_VALUE ? " of at least " + min : " from " + min + " to " + max));
  }

  private static void json(Context ctx, Object body) {
    ctx.contentType("application/json").result(Json.bytes(body));
  }
}
