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

/** Incidents for the security role: the list (no addresses) and the audited reveal. */
public final class IncidentRoutes implements Routes {
  private final Incidents incidents;
  private final OperatorAccess access;

  public IncidentRoutes(Incidents incidents, OperatorAccess access) {
    this.incidents = incidents;
    this.access = access;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get("/api/v1/admin/incidents", this::list);
    routes.post("/api/v1/admin/incidents/{id}/reveal", this::reveal);
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
    ctx.contentType("application/json").result(Json.bytes(out));
  }

  private void reveal(Context ctx) throws IOException {
    Operator operator = access.require(ctx, Role.SECURITY);
    long id;
    try {
      id = Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      throw ProblemException.notFound("No such incident.");
    }
    String reason = null;
    byte[] body = ctx.bodyAsBytes();
    if (body.length > 0) {
      JsonNode node;
      try {
        node = Json.MAPPER.readTree(body);
      } catch (IOException e) {
        throw ProblemException.validation("the body must be JSON: {\"reason\": \"...\"}");
      }
      if (node == null || !node.isObject()) {
        throw ProblemException.validation("the body must be JSON: {\"reason\": \"...\"}");
      }
      JsonNode value = node.get("reason");
      reason = value != null && value.isTextual() ? value.textValue() : null;
    }
    Incidents.Revealed revealed = incidents.reveal(id, reason, operator);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("incident", revealed.incident());
    out.put("scope", revealed.scope());
    out.put(revealed.scope().equals("CLIENT") ? "ip" : "network", revealed.address());
    out.put("revealedBy", operator.name());
    out.put("auditSeq", revealed.auditSeq());
    ctx.contentType("application/json").result(Json.bytes(out));
  }
}
