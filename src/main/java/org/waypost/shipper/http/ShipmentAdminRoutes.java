package org.waypost.shipper.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.waypost.error.ProblemException;
import org.waypost.governance.Role;
import org.waypost.governance.http.OperatorAccess;
import org.waypost.json.Json;
import org.waypost.shipper.ShipmentRecords;
import org.waypost.tracking.Shipment;
import org.waypost.tracking.TrackingNumber;
import org.waypost.web.Responses;
import org.waypost.web.Routes;

/**
 * {@code GET /api/v1/admin/shipments/{number}}, for operators with the admin role: the newest piece
 * under a number, the account that owns it, and who sent each of its scans (account, key, and
 * whether the key is a network key).
 */
public final class ShipmentAdminRoutes implements Routes {
  private final ShipmentRecords records;
  private final OperatorAccess access;

  public ShipmentAdminRoutes(ShipmentRecords records, OperatorAccess access) {
    this.records = records;
    this.access = access;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get("/api/v1/admin/shipments/{number}", this::shipment);
  }

  private void shipment(Context ctx) {
    access.require(ctx, Role.ADMIN);
    TrackingNumber number = TrackingNumber.parse(ctx.pathParam("number"));
    ShipmentRecords.Piece piece =
        records
            .newest(number)
            .orElseThrow(
                () -> ProblemException.notFound("No piece is registered under this number."));
    Shipment shipment = piece.shipment();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("trackingNumber", shipment.trackingNumber());
    out.put("service", shipment.service());
    out.put("status", piece.status());
    out.put("reference", shipment.reference());
    out.put("createdAt", shipment.createdAt().toString());
    out.put("origin", shipment.origin());
    out.put("destination", shipment.destination());
    out.put("account", piece.owner());
    List<Map<String, Object>> scans = new ArrayList<>(piece.scans().size());
    for (ShipmentRecords.Scan scan : piece.scans()) {
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("eventId", scan.eventId());
      one.put("type", scan.event().type());
      one.put("time", scan.event().time());
      one.put("description", scan.event().description());
      one.put("location", scan.event().location());
      one.put("receivedAt", scan.receivedAt().toString());
      one.put("account", scan.account());
      one.put("keyId", scan.key() == null ? null : scan.key().keyId());
      one.put("network", scan.key() != null && scan.key().network());
      scans.add(one);
    }
    out.put("scans", scans);
    Responses.json(ctx, Json.bytes(out));
  }
}
