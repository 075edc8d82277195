package org.waypost.governance.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Set;
import org.waypost.error.ProblemException;
import org.waypost.governance.Operator;
import org.waypost.governance.Role;
import org.waypost.governance.Transparency;
import org.waypost.json.Json;
import org.waypost.web.Pages;
import org.waypost.web.Routes;

/**
 * The transparency report, public as a page and as JSON, and the admin's statements: adding one and
 * confirming that one still holds.
 */
public final class TransparencyRoutes implements Routes {
  static final String STATEMENTS = "/api/v1/admin/transparency/statements";

  private final Transparency transparency;
  private final Pages pages;
  private final OperatorAccess access;

  public TransparencyRoutes(Transparency transparency, Pages pages, OperatorAccess access) {
    this.transparency = transparency;
    this.pages = pages;
    this.access = access;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get(
        "/transparency",
        ctx ->
            ctx.html(
                pages.render(
                    "transparency.jte",
                    new TransparencyPage(pages.site(ctx), transparency.report()))));
    routes.get("/api/v1/transparency", ctx -> json(ctx, transparency.report()));
    routes.post(STATEMENTS, this::add);
    routes.post(STATEMENTS + "/{id}/confirm", this::confirm);
  }

  private void add(Context ctx) {
    Operator operator = access.require(ctx, Role.ADMIN);
    JsonNode text =
        LegalRequestRoutes.body(ctx, Set.of("text"), "{\"text\": \"...\"}", true).get("text");
    if (text != null && !text.isNull() && !text.isTextual()) {
      throw ProblemException.validation("text must be a string");
    }
    Transparency.Statement added =
        transparency.addStatement(text == null ? null : text.textValue(), operator);
    ctx.status(201);
    json(ctx, added);
  }

  private void confirm(Context ctx) {
    Operator operator = access.require(ctx, Role.ADMIN);
    long id;
    try {
      id = Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      throw ProblemException.notFound("No such transparency statement.");
    }
    LegalRequestRoutes.body(ctx, Set.of(), "no body, or {}", false);
    json(ctx, transparency.confirm(id, operator));
  }

  private static void json(Context ctx, Object body) {
    ctx.contentType("application/json").result(Json.bytes(body));
  }
}
