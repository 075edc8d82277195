package org.waypost.shipper.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.waypost.catalog.Service;
import org.waypost.config.ServerConfig;
import org.waypost.error.ProblemException;
import org.waypost.error.ProblemType;
import org.waypost.json.Json;
import org.waypost.shipper.ApiKeys;
import org.waypost.shipper.EventReader;
import org.waypost.shipper.Fields;
import org.waypost.shipper.IdempotencyKeys;
import org.waypost.shipper.LimitedInputStream;
import org.waypost.tracking.EventIngestion;
import org.waypost.tracking.Shipment;
import org.waypost.tracking.ShipmentRegistry;
import org.waypost.tracking.TrackingLinks;
import org.waypost.tracking.TrackingNumber;
import org.waypost.web.Gate;
import org.waypost.web.Problems;
import org.waypost.web.Responses;
import org.waypost.web.Routes;

/**
 * The shipper API: register shipments (numbers issued on request, retries made safe by {@code
 * Idempotency-Key}), read one's own shipments, and post scan events. Each key acts for its account
 * only: another account's piece answers exactly as a number that does not exist.
 */
public final class ShipperRoutes implements Routes {
  private static final Set<String> SHIPMENT_FIELDS =
      Set.of("service", "trackingNumber", "origin", "destination", "reference");

  /** Shared: the one answer for a number without a piece and for another account's piece. */
  private static final ProblemException NOT_FOUND =
      ProblemException.notFound("No shipment of yours is registered under this tracking number.");

  private final ShipperAuth auth;
  private final ShipmentRegistry registry;
  private final IdempotencyKeys idempotency;
  private final EventIngestion ingestion;
  private final EventReader reader;
  private final ShipmentJson json;
  private final long maxRequestBytes;

  public ShipperRoutes(
      ApiKeys apiKeys,
      ShipmentRegistry registry,
      IdempotencyKeys idempotency,
      EventIngestion ingestion,
      TrackingLinks links,
      ServerConfig server,
      Gate gate) {
    this.auth = new ShipperAuth(apiKeys, gate);
    this.registry = registry;
    this.idempotency = idempotency;
    this.ingestion = ingestion;
    this.json = new ShipmentJson(links);
    this.reader = new EventReader(server.maxEventsPerRequest());
    this.maxRequestBytes = server.maxRequestBytes();
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.post("/api/v1/shipments", this::registerShipment);
    routes.get("/api/v1/shipments", this::byReference);
    routes.get("/api/v1/shipments/{number}", this::shipment);
    routes.post("/api/v1/events", this::postEvents);
  }

  private ApiKeys.Shipper authenticate(Context ctx) {
    return auth.authenticate(ctx);
  }

  private InputStream body(Context ctx) throws IOException {
    long declared = ctx.req().getContentLengthLong();
    if (declared > maxRequestBytes) {
      throw LimitedInputStream.tooLarge(maxRequestBytes);
    }
    return new LimitedInputStream(ctx.req().getInputStream(), maxRequestBytes);
  }

  private static String mediaType(Context ctx) {
    String type = ctx.contentType();
    return type == null ? "" : type.split(";")[0].strip().toLowerCase(java.util.Locale.ROOT);
  }

  private void registerShipment(Context ctx) throws IOException {
    ApiKeys.Shipper shipper = authenticate(ctx);
    String idempotencyKey = IdempotencyKeys.check(ctx.header("Idempotency-Key"));
    if (!mediaType(ctx).equals("application/json")) {
      throw new ProblemException(
          ProblemType.UNSUPPORTED_MEDIA_TYPE, "send the shipment as application/json");
    }
    byte[] raw;
    try (InputStream in = body(ctx)) {
      raw = in.readAllBytes();
    }
    JsonNode body;
    try {
      body = Json.MAPPER.readTree(raw);
    } catch (JsonProcessingException e) {
      throw ProblemException.validation("the body is not valid JSON");
    }
    ShipmentRegistry.Request request;
    try {
      Fields.onlyKnown(body == null ? Json.MAPPER.nullNode() : body, SHIPMENT_FIELDS, "");
      request =
          new ShipmentRegistry.Request(
              Fields.choice(body, "service", Service.class, ""),
              Fields.text(body, "trackingNumber", 64, false, ""),
              Fields.location(body, "origin", true, true),
              Fields.location(body, "destination", true, true),
              Fields.text(body, "reference", 64, false, ""));
    } catch (Fields.Invalid e) {
      throw ProblemException.validation(e.getMessage());
    }
    IdempotencyKeys.Answer answer =
        idempotencyKey == null
            ? created(registry.register(shipper.id(), request))
            : idempotency.once(
                shipper.id(),
                idempotencyKey,
                raw,
                bound -> registry.register(shipper.id(), request, bound),
                this::created);
    ctx.status(answer.status())
        .header("Location", "/api/v1/tracking/" + answer.trackingNumber())
        .contentType("application/json")
        .result(answer.body());
  }

  private IdempotencyKeys.Answer created(Shipment shipment) {
    return new IdempotencyKeys.Answer(
        201, shipment.trackingNumber(), Json.bytes(json.registered(shipment)));
  }

  private void shipment(Context ctx) {
    ApiKeys.Shipper shipper = authenticate(ctx);
    TrackingNumber number = TrackingNumber.parse(ctx.pathParam("number"));
    ShipmentRegistry.Owned owned =
        registry.owned(shipper.id(), number).orElseThrow(() -> NOT_FOUND);
    Responses.json(ctx, Json.bytes(json.tracked(owned.shipment(), owned.tracked())));
  }

  private void byReference(Context ctx) {
    ApiKeys.Shipper shipper = authenticate(ctx);
    String reference = ctx.queryParam("reference");
    reference = reference == null ? "" : reference.strip();
    if (reference.isEmpty() || reference.length() > 64) {
      throw ProblemException.validation("reference is required: 1 to 64 characters");
    }
    List<Map<String, Object>> shipments = new ArrayList<>();
    for (ShipmentRegistry.Owned owned : registry.byReference(shipper.id(), reference)) {
      shipments.add(json.summary(owned.shipment(), owned.tracked()));
    }
    Responses.json(ctx, Json.bytes(Map.of("shipments", shipments)));
  }

  private static Map<String, Object> rejection(int index, Map<String, Object> problem) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("index", index);
    out.put("problem", problem);
    return out;
  }

  private void postEvents(Context ctx) throws IOException {
    ApiKeys.Shipper shipper = authenticate(ctx);
    String type = mediaType(ctx);
    List<EventIngestion.Item> items;
    try (InputStream in = body(ctx)) {
      items =
          switch (type) {
            case "application/json" -> reader.readJsonArray(in);
            case "application/x-ndjson", "application/jsonl" -> reader.readNdjson(in);
            default ->
                throw new ProblemException(
                    ProblemType.UNSUPPORTED_MEDIA_TYPE,
                    "send events as application/json (an array) or application/x-ndjson");
          };
    }
    EventIngestion.Outcome outcome = ingestion.ingest(shipper.sender(), items);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("accepted", outcome.accepted());
    out.put("duplicates", outcome.duplicates());
    out.put(
        "rejected",
        outcome.rejected().stream()
            .map(r -> rejection(r.index(), Problems.body(r.type(), r.detail(), Map.of())))
            .toList());
    ctx.contentType("application/json").result(Json.bytes(out));
  }
}
