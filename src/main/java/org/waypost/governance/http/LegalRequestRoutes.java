package org.waypost.governance.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.waypost.error.InputDates;
import org.waypost.error.ProblemException;
import org.waypost.governance.LegalDeadlines;
import org.waypost.governance.LegalProcess;
import org.waypost.governance.LegalRequests;
import org.waypost.governance.LegalRequests.Disclosure;
import org.waypost.governance.LegalRequests.Filing;
import org.waypost.governance.LegalRequests.LegalRequest;
import org.waypost.governance.Operator;
import org.waypost.governance.Role;
import org.waypost.json.Json;
import org.waypost.web.Routes;

/**
 * Legal requests over HTTP: filing and executing for the legal role, deciding for the privacy role,
 * reading for either. The handlers only move values between HTTP and {@link LegalRequests}, which
 * checks roles, the dual-authorization rule and the states itself.
 */
public final class LegalRequestRoutes implements Routes {
  static final String BASE = "/api/v1/admin/legal-requests";
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;
  private static final Set<String> FILING_FIELDS =
      Set.of("authority", "legalProcess", "caseReference", "trackingNumbers", "from", "to");
  private static final String FILING_SHAPE =
      "{\"authority\", \"legalProcess\", \"caseReference\", \"trackingNumbers\": [...], \"from\":"
          + " \"DATE\", \"to\": \"DATE\"}";

  private final LegalRequests requests;
  private final LegalDeadlines deadlines;
  private final OperatorAccess access;

  public LegalRequestRoutes(
      LegalRequests requests, LegalDeadlines deadlines, OperatorAccess access) {
    this.requests = requests;
    this.deadlines = deadlines;
    this.access = access;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.post(BASE, this::file);
    routes.get(BASE, this::list);
    routes.get(BASE + "/{id}", this::show);
    routes.post(BASE + "/{id}/approve", this::approve);
    routes.post(BASE + "/{id}/reject", this::reject);
    routes.post(BASE + "/{id}/execute", this::execute);
  }

  private void file(Context ctx) {
    Operator operator = access.require(ctx, Role.LEGAL);
    JsonNode body = body(ctx, FILING_FIELDS, FILING_SHAPE, true);
    String process = text(body, "legalProcess");
    Filing filing =
        new Filing(
            text(body, "authority"),
            process == null ? null : LegalProcess.parse(process),
            text(body, "caseReference"),
            numbers(body),
            date(body, "from"),
            date(body, "to"));
    LegalRequest filed = requests.file(operator, filing);
    ctx.status(201);
    json(ctx, describe(filed));
  }

  private void list(Context ctx) {
    requireReader(ctx);
    int limit = DEFAULT_LIMIT;
    String text = ctx.queryParam("limit");
    if (text != null) {
      try {
        limit = Integer.parseInt(text.strip());
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        throw ProblemException.validation("limit must be a whole number from 1 to " + MAX_LIMIT);
      }
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (LegalRequest request : requests.list(limit)) {
      out.add(describe(request));
    }
    json(ctx, Map.of("legalRequests", out));
  }

  private void show(Context ctx) {
    requireReader(ctx);
    long id = id(ctx);
    json(
        ctx,
        describe(
            requests
                .find(id)
                .orElseThrow(() -> ProblemException.notFound("No legal request " + id + "."))));
  }

  private void approve(Context ctx) {
    Operator operator = access.require(ctx, Role.PRIVACY);
    long id = id(ctx);
    body(ctx, Set.of(), "no body, or {}", false);
    json(ctx, describe(requests.approve(id, operator)));
  }

  private void reject(Context ctx) {
    Operator operator = access.require(ctx, Role.PRIVACY);
    long id = id(ctx);
    JsonNode body = body(ctx, Set.of("reason"), "{\"reason\": \"...\"}", false);
    json(ctx, describe(requests.reject(id, operator, text(body, "reason"))));
  }

  private void execute(Context ctx) {
    Operator operator = access.require(ctx, Role.LEGAL);
    long id = id(ctx);
    body(ctx, Set.of(), "no body, or {}", false);
    Disclosure disclosure = requests.execute(id, operator);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("request", describe(disclosure.request()));
    out.put("records", disclosure.records());
    out.put("destroyed", disclosure.destroyed());
    out.put("subscriptions", disclosure.subscribers());
    out.put("disclosureCsv", disclosure.csv());
    out.put("disclosureCsvSha256", disclosure.csvSha256());
    out.put("auditSeq", disclosure.auditSeq());
    json(ctx, out);
  }

  /** An operator with the legal or the privacy role: both may read requests. */
  private void requireReader(Context ctx) {
    access.require(ctx, Role.LEGAL, Role.PRIVACY);
  }

  /** The request as JSON: the contract's field names, times ISO-8601 in UTC. */
  private Map<String, Object> describe(LegalRequest request) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", request.id());
    out.put("authority", request.authority());
    out.put("legalProcess", request.process().name());
    out.put("emergency", request.emergency());
    out.put("caseReference", request.caseReference());
    out.put("trackingNumbers", request.trackingNumbers());
    out.put("from", request.from());
    out.put("to", request.to());
    out.put("status", request.status().name());
    out.put("filedBy", request.filedBy());
    out.put("filedAt", request.filedAt());
    out.put("decidedBy", request.decidedBy());
    out.put("decidedAt", request.decidedAt());
    out.put("decisionReason", request.decisionReason());
    out.put("executedBy", request.executedBy());
    out.put("executedAt", request.executedAt());
    out.put("recordsDisclosed", request.recordsDisclosed());
    out.put("daysDestroyed", request.daysDestroyed());
    out.put("disclosureSha256", request.disclosureSha256());
    out.put("dueOn", deadlines.dueOn(request));
    out.put("overdue", deadlines.overdue(request));
    return out;
  }

  private static long id(Context ctx) {
    try {
      return Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      throw ProblemException.notFound("No such legal request.");
    }
  }

  /**
   * The body as a JSON object holding only {@code allowed} fields; an empty object when there is no
   * body and none is {@code required}. Shared with {@link TransparencyRoutes}.
   */
  static JsonNode body(Context ctx, Set<String> allowed, String shape, boolean required) {
    byte[] bytes = ctx.bodyAsBytes();
    if (bytes.length == 0 && !required) {
      return Json.MAPPER.createObjectNode();
    }
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(bytes);
    } catch (IOException e) {
      node = null;
    }
    if (node == null || !node.isObject()) {
      throw ProblemException.validation("the body must be a JSON object: " + shape);
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        String shown = name.length() > 40 ? name.substring(0, 40) + "…" : name;
        throw ProblemException.validation("unknown field \"" + shown + "\"; the body is " + shape);
      }
    }
    return node;
  }

  private static String text(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw ProblemException.validation(field + " must be a string");
    }
    return value.textValue();
  }

  private static List<String> numbers(JsonNode body) {
    JsonNode value = body.get("trackingNumbers");
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isArray()) {
      throw ProblemException.validation("trackingNumbers must be an array of strings");
    }
    List<String> numbers = new ArrayList<>();
    for (JsonNode number : value) {
      if (!number.isTextual()) {
        throw ProblemException.validation("trackingNumbers must be an array of strings");
      }
      numbers.add(number.textValue());
    }
    return numbers;
  }

  private static LocalDate date(JsonNode body, String field) {
    String text = text(body, field);
    if (text == null) {
      return null;
    }
    return InputDates.parse(text, field + " must be a date such as 2026-11-20");
  }

  private static void json(Context ctx, Object body) {
    ctx.contentType("application/json").result(Json.bytes(body));
  }
}
