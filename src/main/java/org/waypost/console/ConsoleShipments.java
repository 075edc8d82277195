package org.waypost.console;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import org.waypost.error.ProblemException;
import org.waypost.governance.Role;
import org.waypost.shipper.ShipmentRecords;
import org.waypost.tracking.TrackingNumber;
import org.waypost.web.Routes;

/**
 * Who sent what, for admins (issue 11): a piece's owning account and, for each of its scans, the
 * account and the key that sent it, revoked keys included. The page reads what {@code GET
 * /api/v1/admin/shipments/{number}} reads, through the same {@link ShipmentRecords}; like that
 * read, it is not an access to visitor data and is not audited.
 */
final class ConsoleShipments implements Routes {
  static final String PAGE = "/operator/shipments";

  private final ShipmentRecords records;
  private final ConsoleSecurity security;
  private final ConsoleView view;

  ConsoleShipments(ShipmentRecords records, ConsoleSecurity security, ConsoleView view) {
    this.records = records;
    this.security = security;
    this.view = view;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get(PAGE, this::page);
  }

  private void page(Context ctx) {
    ConsolePage console = view.frame(security.session(ctx, Role.ADMIN));
    String asked = ctx.queryParam("number");
    if (asked == null || asked.isBlank()) {
      view.show(ctx, "operator/shipment.jte", new ShipmentPage(console, "", null, null));
      return;
    }
    ShipmentRecords.Piece piece = null;
    String error = null;
    try {
      piece = records.newest(TrackingNumber.parse(asked)).orElse(null);
      if (piece == null) {
        error = "No piece is registered under this number.";
      }
    } catch (ProblemException e) {
      error = e.detail();
    }
    if (error != null) {
      ctx.status(HttpStatus.NOT_FOUND);
    }
    view.show(ctx, "operator/shipment.jte", new ShipmentPage(console, asked.strip(), piece, error));
  }
}
