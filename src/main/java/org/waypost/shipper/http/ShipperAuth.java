package org.waypost.shipper.http;

import io.javalin.http.Context;
import org.waypost.error.ProblemException;
import org.waypost.error.ProblemType;
import org.waypost.shipper.ApiKeys;
import org.waypost.web.Exchange;
import org.waypost.web.Gate;

/**
 * The one way a shipper route learns its caller: {@code Authorization: Bearer <key>}, checked under
 * the abuse gate's lockout and counted in the key's quota.
 */
public final class ShipperAuth {
  private final ApiKeys apiKeys;
  private final Gate gate;

  public ShipperAuth(ApiKeys apiKeys, Gate gate) {
    this.apiKeys = apiKeys;
    this.gate = gate;
  }

  /** The calling key's account, or 401 {@code unauthorized}. */
  public ApiKeys.Shipper authenticate(Context ctx) {
    String header = ctx.header("Authorization");
    String key =
        header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
            ? header.substring(7).strip()
            : null;
    Exchange exchange = Exchange.of(ctx);
    ApiKeys.Shipper shipper =
        gate.authenticate(
            exchange,
            () ->
                apiKeys
                    .authenticate(key)
                    .orElseThrow(
                        () ->
                            new ProblemException(
                                ProblemType.UNAUTHORIZED,
                                "A valid shipper API key is required: Authorization: Bearer <key>.")));
    exchange.shipperKey(shipper.keyId());
    gate.admitShipper(exchange, shipper.keyId());
    return shipper;
  }
}
