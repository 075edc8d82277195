package org.waypost.console;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.Map;
import org.waypost.console.Sessions.Session;
import org.waypost.governance.Role;
import org.waypost.shipper.ApiKeys;
import org.waypost.web.Routes;

/**
 * Shipper accounts and their API keys, for admins, with the {@link ApiKeys} methods the {@code
 * waypost apikey} commands use. Keys are listed by their public id only; a new key's secret is
 * shown once, in the answer to the form that created it, and never again.
 */
final class ConsoleShippers implements Routes {
  static final String LIST = "/operator/admin/shippers";

  private static final Map<String, String> DONE =
      Map.of("revoked", "The key was revoked; it stops working within 30 seconds everywhere.");

  private final ApiKeys keys;
  private final ConsoleSecurity security;
  private final ConsoleView view;

  ConsoleShippers(ApiKeys keys, ConsoleSecurity security, ConsoleView view) {
    this.keys = keys;
    this.security = security;
    this.view = view;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get(LIST, this::list);
    routes.post(LIST + "/keys", this::create);
    routes.post(LIST + "/keys/revoke", this::revoke);
  }

  private void list(Context ctx) {
    Session session = security.session(ctx, Role.ADMIN);
    show(ctx, session, DONE.get(String.valueOf(ctx.queryParam("done"))), null);
  }

  private void create(Context ctx) {
    Session session = security.postSession(ctx, Role.ADMIN);
    boolean network = "on".equals(ctx.formParam("network"));
    ConsoleForms.Attempt<ApiKeys.Created> attempt =
        ConsoleForms.attempt(
            () ->
                keys.create(
                    ConsoleForms.field(ctx, "shipper"), network, session.operator().name()));
    if (attempt.refused()) {
      ctx.status(HttpStatus.BAD_REQUEST);
      show(ctx, session, null, attempt.refusal());
      return;
    }
    ApiKeys.Created created = attempt.value();
    view.show(
        ctx,
        "operator/secret.jte",
        new AdminPages.SecretShown(
            view.frame(session),
            (network ? "Network key " : "API key ")
                + AdminPages.ShipperList.prefix(created.keyId())
                + " for "
                + created.shipper().name(),
            "API key",
            created.key(),
            "This key is shown only now: Waypost keeps only a hash of it. Give it to the shipper"
                + " over a safe channel; if it is lost, revoke it and create another.",
            LIST,
            "Back to shipper accounts"));
  }

  private void revoke(Context ctx) {
    Session session = security.postSession(ctx, Role.ADMIN);
    ConsoleForms.act(
        ctx,
        LIST,
        "revoked",
        () -> keys.revoke(ConsoleForms.field(ctx, "keyId"), session.operator().name()),
        why -> show(ctx, session, null, why));
  }

  private void show(Context ctx, Session session, String notice, String error) {
    view.show(
        ctx,
        "operator/shippers.jte",
        new AdminPages.ShipperList(view.frame(session), keys.accounts(), notice, error));
  }
}
