package org.waypost.console;

import org.waypost.shipper.ShipmentRecords;

/**
 * A piece as admins see it: its owner and who sent each scan.
 *
 * @param number what was asked for, as typed
 * @param piece the newest piece under it; null when none, or nothing asked yet
 * @param error why nothing is shown; null when nothing went wrong
 */
public record ShipmentPage(
    ConsolePage console, String number, ShipmentRecords.Piece piece, String error) {
  /** How a scan's key is shown: its public part, never its secret; "none" without a key. */
  public static String key(ShipmentRecords.Scan scan) {
    return scan.key() == null
        ? "none (imported)"
        : AdminPages.ShipperList.prefix(scan.key().keyId());
  }
}
