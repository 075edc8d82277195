package org.waypost.abuse.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.waypost.abuse.Incidents;
import org.waypost.error.ProblemException;
import org.waypost.governance.Operator;
import org.waypost.governance.Role;
import org.waypost.governance.http.OperatorAccess;
import org.waypost.json.Json;
import org.waypost.web.Routes;

/**
 * Incidents for the security role: the list (no addresses), the audited reveal, and the audited
 * actions on a block: lift it, allow the network for some hours, mark it a false positive.
 */
public final class IncidentRoutes implements Routes {
  private static final String BASE = "/api/v1/admin/incidents";
  private static final String REASON = "{\"reason\": \"...\"}";

  private final Incidents incidents;
  private final OperatorAccess access;

  public IncidentRoutes(Incidents incidents, OperatorAccess access) {
    this.incidents = incidents;
    this.access = access;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get(BASE, this::list);
    routes.post(BASE + "/{id}/reveal", this::reveal);
    action(
        routes,
        "unblock",
        REASON,
        (id, body, by) -> incidents.unblock(id, text(body, "reason"), by));
    action(
        routes,
        "allow",
        "{\"reason\": \"...\", \"hours\": 24}",
        (id, body, by) -> incidents.allow(id, hours(body), text(body, "reason"), by));
    action(
        routes,
        "false-positive",
        REASON,
        (id, body, by) -> incidents.markFalsePositive(id, text(body, "reason"), by));
  }

  /** An action on an incident, as {@link Incidents} takes it. */
  private interface Action {
    Incidents.Acted take(long id, JsonNode body, Operator by);
  }

  /** {@code POST /api/v1/admin/incidents/{id}/<name>} with a JSON body of {@code shape}. */
  private void action(RoutesConfig routes, String name, String shape, Action action) {
    routes.post(
        BASE + "/{id}/" + name,
        ctx -> {
          Operator operator = access.require(ctx, Role.SECURITY);
          JsonNode body = body(ctx, shape);
          acted(ctx, action.take(id(ctx), body, operator));
        });
  }

  private void list(Context ctx) {
    access.require(ctx, Role.SECURITY);
    int limit = 100;
    String text = ctx.queryParam("limit");
    if (text != null) {
      try {
        limit = Integer.parseInt(text);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > 1000) {
        throw ProblemException.validation("limit must be a whole number from 1 to 1000");
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("incidents", incidents.list(limit));
    json(ctx, out);
  }

  private void reveal(Context ctx) {
    Operator operator = access.require(ctx, Role.SECURITY);
    long id = id(ctx);
    JsonNode body = body(ctx, REASON);
    Incidents.Revealed revealed = incidents.reveal(id, text(body, "reason"), operator);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("incident", revealed.incident());
    out.put("scope", revealed.scope());
    out.put(revealed.scope().equals("CLIENT") ? "ip" : "network", revealed.address());
    out.put("revealedBy", operator.name());
    out.put("auditSeq", revealed.auditSeq());
    json(ctx, out);
  }

  private static void acted(Context ctx, Incidents.Acted acted) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("incident", acted.incident());
    out.put("action", acted.action().name());
    if (acted.allowedUntil() != null) {
      out.put("allowedUntil", acted.allowedUntil().toString());
    }
    out.put("auditSeq", acted.auditSeq());
    json(ctx, out);
  }

  private static long id(Context ctx) {
    try {
      return Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      throw ProblemException.notFound("No such incident.");
    }
  }

  /** The JSON object in the body; an empty body reads as {}. */
  private static JsonNode body(Context ctx, String shape) {
    byte[] body = ctx.bodyAsBytes();
    if (body.length == 0) {
      return Json.MAPPER.createObjectNode();
    }
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw ProblemException.validation("the body must be JSON: " + shape);
    }
    if (node == null || !node.isObject()) {
      throw ProblemException.validation("the body must be JSON: " + shape);
    }
    return node;
  }

  private static String text(JsonNode body, String field) {
    JsonNode value = body.get(field);
    return value != null && value.isTextual() ? value.textValue() : null;
  }

  private static int hours(JsonNode body) {
    JsonNode value = body.get("hours");
    if (value == null || !value.canConvertToInt() || !value.isIntegralNumber()) {
      throw ProblemException.validation("hours is required: a whole number of hours");
    }
    return value.intValue();
  }

  private static void json(Context ctx, Object body) {
    ctx.contentType("application/json").result(Json.bytes(body));
  }
}
