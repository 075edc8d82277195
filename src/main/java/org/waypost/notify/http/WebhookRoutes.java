package org.waypost.notify.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.waypost.error.ProblemException;
import org.waypost.error.ProblemType;
import org.waypost.json.Json;
import org.waypost.notify.WebhookDispatcher;
import org.waypost.notify.WebhookTargets;
import org.waypost.notify.Webhooks;
import org.waypost.shipper.ApiKeys;
import org.waypost.shipper.http.ShipperAuth;
import org.waypost.tracking.EventType;
import org.waypost.web.Responses;
import org.waypost.web.Routes;

/**
 * A shipper's webhook endpoints: register (the signing secret is in that answer only), list,
 * delete, read an endpoint's delivery log, redeliver one delivery, send a test ping. Another
 * account's endpoint answers 404, as one that does not exist.
 */
public final class WebhookRoutes implements Routes {
  private static final long MAX_BODY = 16 * 1024;
  private static final ProblemException NO_SUCH_ENDPOINT =
      ProblemException.notFound("You have no webhook endpoint with this id.");

  private final Webhooks webhooks;
  private final WebhookDispatcher dispatcher;
  private final ShipperAuth auth;

  public WebhookRoutes(Webhooks webhooks, WebhookDispatcher dispatcher, ShipperAuth auth) {
    this.webhooks = webhooks;
    this.dispatcher = dispatcher;
    this.auth = auth;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.post("/api/v1/webhooks", this::create);
    routes.get("/api/v1/webhooks", this::list);
    routes.delete("/api/v1/webhooks/{id}", this::delete);
    routes.get("/api/v1/webhooks/{id}/deliveries", this::deliveries);
    routes.post("/api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver", this::redeliver);
    routes.post("/api/v1/webhooks/{id}/ping", this::ping);
  }

  private void create(Context ctx) throws IOException {
    ApiKeys.Shipper shipper = auth.authenticate(ctx);
    JsonNode body = jsonBody(ctx);
    JsonNode url = body.get("url");
    if (url == null || !url.isTextual() || url.asText().isBlank() || url.asText().length() > 2048) {
      throw ProblemException.validation("url is required: an https URL of at most 2048 characters");
    }
    Set<EventType> events = events(body.get("events"));
    Webhooks.Created created;
    try {
      created = webhooks.create(shipper.id(), url.asText().strip(), events);
    } catch (WebhookTargets.Refused e) {
      throw ProblemException.validation(e.getMessage());
    } catch (Webhooks.TooMany e) {
      throw new ProblemException(ProblemType.CONFLICT, e.getMessage());
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", created.id());
    out.put("url", created.url());
    out.put("events", eventNames(created.events()));
    out.put("secret", created.secret());
    ctx.status(201).header("Location", "/api/v1/webhooks/" + created.id());
    Responses.json(ctx, Json.bytes(out));
  }

  private JsonNode jsonBody(Context ctx) throws IOException {
    return JsonBodies.object(ctx, MAX_BODY, Set.of("url", "events"), "endpoint");
  }

  /** {@code events}: absent, null or ["*"] for every scan, else a list of scan types. */
  private static Set<EventType> events(JsonNode node) {
    Set<EventType> events = EnumSet.noneOf(EventType.class);
    if (node == null || node.isNull()) {
      return events;
    }
    String allowed =
        "events must be a list of scan types ("
            + EnumSet.allOf(EventType.class)
            + ") or [\"*\"] for all";
    if (!node.isArray() || node.isEmpty() || node.size() > EventType.values().length) {
      throw ProblemException.validation(allowed);
    }
    for (JsonNode item : node) {
      if (!item.isTextual()) {
        throw ProblemException.validation(allowed);
      }
      if (item.asText().equals("*")) {
        return EnumSet.noneOf(EventType.class);
      }
      try {
        events.add(EventType.valueOf(item.asText().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw ProblemException.validation(allowed);
      }
    }
    return events;
  }

  private static List<String> eventNames(Set<EventType> events) {
    return events.isEmpty() ? List.of("*") : events.stream().map(Enum::name).toList();
  }

  private static long id(Context ctx) {
    try {
      long id = Long.parseLong(ctx.pathParam("id"));
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw NO_SUCH_ENDPOINT;
  }

  private void list(Context ctx) {
    ApiKeys.Shipper shipper = auth.authenticate(ctx);
    List<Map<String, Object>> out = new ArrayList<>();
    for (Webhooks.Endpoint e : webhooks.list(shipper.id())) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("id", e.id());
      row.put("url", e.url());
      row.put("events", eventNames(e.events()));
      row.put("createdAt", e.createdAt().toString());
      row.put("disabledAt", e.disabledAt() == null ? null : e.disabledAt().toString());
      out.add(row);
    }
    Responses.json(ctx, Json.bytes(Map.of("webhooks", out)));
  }

  private void delete(Context ctx) {
    ApiKeys.Shipper shipper = auth.authenticate(ctx);
    if (!webhooks.delete(shipper.id(), id(ctx))) {
      throw NO_SUCH_ENDPOINT;
    }
    ctx.status(204);
  }

  private void deliveries(Context ctx) {
    ApiKeys.Shipper shipper = auth.authenticate(ctx);
    int limit = 50;
    String given = ctx.queryParam("limit");
    if (given != null) {
      try {
        limit = Integer.parseInt(given);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > 500) {
        throw ProblemException.validation("limit must be a whole number from 1 to 500");
      }
    }
    List<Webhooks.Delivery> deliveries =
        webhooks.deliveries(shipper.id(), id(ctx), limit).orElseThrow(() -> NO_SUCH_ENDPOINT);
    List<Map<String, Object>> out = new ArrayList<>();
    for (Webhooks.Delivery d : deliveries) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("id", d.id());
      row.put("type", d.type());
      row.put("trackingNumber", d.trackingNumber());
      row.put("state", d.state());
      row.put("attempts", d.attempts());
      row.put("createdAt", d.createdAt().toString());
      row.put("lastAttemptAt", text(d.lastAttemptAt()));
      row.put("lastStatus", d.lastStatus());
      row.put("lastError", d.lastError());
      row.put("nextAttemptAt", text(d.nextAttemptAt()));
      row.put("deliveredAt", text(d.deliveredAt()));
      out.add(row);
    }
    Responses.json(ctx, Json.bytes(Map.of("deliveries", out)));
  }

  private static String text(Object value) {
    return value == null ? null : value.toString();
  }

  private void redeliver(Context ctx) {
    ApiKeys.Shipper shipper = auth.authenticate(ctx);
    String delivery = ctx.pathParam("deliveryId");
    if (delivery.length() > 40 || !webhooks.redeliver(shipper.id(), id(ctx), delivery)) {
      throw ProblemException.notFound("This endpoint of yours has no delivery with this id.");
    }
    dispatcher.wake();
    ctx.status(202);
    Responses.json(ctx, Json.bytes(Map.of("id", delivery, "state", "PENDING")));
  }

  private void ping(Context ctx) {
    ApiKeys.Shipper shipper = auth.authenticate(ctx);
    String delivery = webhooks.ping(shipper.id(), id(ctx)).orElseThrow(() -> NO_SUCH_ENDPOINT);
    dispatcher.wake();
    ctx.status(202);
    Responses.json(ctx, Json.bytes(Map.of("id", delivery, "state", "PENDING")));
  }
}
