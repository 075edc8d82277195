package org.waypost.console;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.function.Supplier;
import org.waypost.governance.Role;
import org.waypost.retention.Retention;
import org.waypost.web.Routes;

/**
 * The retention periods in force, for admins, and what the next run would remove if it ran now,
 * counted by {@link Retention#preview} without removing anything. Periods are configuration ({@code
 * privacy.*RetentionDays}, {@code tracking.shipmentRetentionDays}): changing one is a restart, and
 * the audit log records it then.
 */
final class ConsoleRetention implements Routes {
  static final String PAGE = "/operator/admin/retention";

  private final Supplier<Retention> retention;
  private final ConsoleSecurity security;
  private final ConsoleView view;
  private final Clock clock;

  ConsoleRetention(
      Supplier<Retention> retention, ConsoleSecurity security, ConsoleView view, Clock clock) {
    this.retention = retention;
    this.security = security;
    this.view = view;
    this.clock = clock;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get(PAGE, this::page);
  }

  private void page(Context ctx) {
    ConsolePage console = view.frame(security.session(ctx, Role.ADMIN));
    Retention r = retention.get();
    view.show(
        ctx,
        "operator/retention.jte",
        new AdminPages.RetentionView(console, r.periods(), r.preview(clock.instant())));
  }
}
