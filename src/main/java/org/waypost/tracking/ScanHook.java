package org.waypost.tracking;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.waypost.tracking.TrackingStore.Piece;

/**
 * Work that must commit together with the scans that caused it, such as a notification outbox: a
 * scan is acknowledged only after its transaction commits, so what a hook writes is never lost when
 * the scan is kept, and never kept when the scan is not.
 */
public interface ScanHook {
  /** One scan stored for the first time (not a duplicate), and the piece it belongs to. */
  record StoredScan(ScanEvent event, Piece piece, long account, Long key) {}

  /**
   * Called inside the transaction that stored {@code scans}, after they are written and before it
   * commits; an exception rolls the whole batch back. May be called again for the same scans in a
   * new transaction when the first one was rolled back.
   */
  void stored(Connection c, List<StoredScan> scans, Instant receivedAt) throws SQLException;
}
