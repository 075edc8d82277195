package org.waypost.console;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import org.waypost.console.Sessions.Session;
import org.waypost.governance.AuditLog;
import org.waypost.governance.AuditLog.Entry;
import org.waypost.governance.AuditLog.Verification;
import org.waypost.governance.Role;
import org.waypost.web.Routes;

/**
 * The audit log for the privacy role, newest entries first, a page at a time, under the result of
 * verifying the whole chain: a privacy operator sees at once whether anything was changed.
 */
final class ConsoleAuditLog implements Routes {
  static final int AUDIT_PAGE = 50;

  private final AuditLog audit;
  private final ConsoleSecurity security;
  private final ConsoleView view;

  ConsoleAuditLog(AuditLog audit, ConsoleSecurity security, ConsoleView view) {
    this.audit = audit;
    this.security = security;
    this.view = view;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get("/operator/audit", this::auditLog);
  }

  private void auditLog(Context ctx) {
    Session session = security.session(ctx, Role.PRIVACY);
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
    view.show(
        ctx,
        "operator/audit.jte",
        new AuditPage(
            view.frame(session),
            verification,
            entries,
            after > 0 ? after + 1 : null,
            before > head));
  }
}
