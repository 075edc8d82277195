package org.waypost.tracking;

import java.util.HashMap;
import java.util.Map;
import org.waypost.db.Database;

/**
 * Serials for issued numbers, handed out from memory in blocks this node reserved.
 *
 * <p>Why blocks: taking each serial in the registration's own transaction held the scheme's row in
 * {@code number_serials} locked until that registration committed, so every registration on every
 * node queued behind the one before. A node now reserves {@link #BLOCK} serials at a time in a
 * transaction of its own, which holds the row for one {@code UPDATE}, and hands them out without
 * touching the database. Serials stay unique across nodes and restarts: the database only ever
 * moves past a block once. What a node does not hand out before it stops is skipped for good (up to
 * {@code BLOCK - 1} per scheme per restart), and serials are issued in order per node, not across
 * nodes; neither is promised by a tracking number.
 */
final class SerialBlocks {
  /** Serials reserved at a time per scheme. */
  static final int BLOCK = 100;

  private final Database database;
  private final TrackingStore store;
  private final Map<String, long[]> blocks = new HashMap<>(); // scheme -> {next, end}

  SerialBlocks(Database database, TrackingStore store) {
    this.database = database;
    this.store = store;
  }

  /**
   * The next serial of {@code scheme}, reserving a block first when this node has none left. Held
   * under the lock while reserving: the other registrations of this node wait one short transaction
   * rather than each reserving a block of their own.
   */
  synchronized long next(String scheme) {
    long[] block = blocks.get(scheme);
    if (block == null || block[0] == block[1]) {
      long first = database.inTransaction(c -> store.reserveSerials(c, scheme, BLOCK));
      block = new long[] {first, first + BLOCK};
      blocks.put(scheme, block);
    }
    return block[0]++;
  }
}
