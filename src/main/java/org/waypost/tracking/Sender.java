package org.waypost.tracking;

import org.waypost.tracking.TrackingStore.Piece;

/**
 * Who sends a batch of scans, as ingestion judges it: the account whose event ids they are, the key
 * that sent them (each stored scan records it), and whether that key belongs to the operator's own
 * scanning network, which may write any piece. Any other key writes only its own account's pieces.
 *
 * @param account the sending key's account; null for {@link #OPERATOR}
 * @param key the sending key's row in api_keys; null for {@link #OPERATOR}
 * @param network whether it may post scans for any piece
 */
public record Sender(Long account, Long key, boolean network) {
  /**
   * The operator's own tools on the server ({@code waypost import events}, the demo's seeding): a
   * writer for any piece that holds no key, so its scans are stored unattributed, each under its
   * piece owner's account (as migration V13 files the scans stored before it).
   */
  public static final Sender OPERATOR = new Sender(null, null, true);

  public Sender {
    if ((account == null) != (key == null) || (account == null && !network)) {
      throw new IllegalArgumentException(
          "a sender has an account and a key, or neither and writes for the network");
    }
  }

  /** The key with row {@code key} of account {@code account}. */
  public static Sender key(long account, long key, boolean network) {
    return new Sender(account, key, network);
  }

  /** Whether this sender may store scans for {@code piece}. */
  boolean mayWrite(Piece piece) {
    return network || account == piece.owner();
  }

  /** The account a scan for {@code piece} is stored under: whose event id it is. */
  long accountFor(Piece piece) {
    return account != null ? account : piece.owner();
  }
}
