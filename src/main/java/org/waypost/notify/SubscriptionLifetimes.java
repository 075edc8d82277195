package org.waypost.notify;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waypost.keys.DayKeyDestroyedException;
import org.waypost.tracking.EventType;
import org.waypost.tracking.ScanHook;

/**
 * Moves each confirmed subscription's expiry with the scans of its number, in the transaction that
 * stores them: every scan pushes it to {@code daysAfterLastScan} later, a delivered or
 * returned-to-sender scan pulls it to {@code daysAfterDelivery} after (whichever is first). When
 * the expiry moves to another day, the address is re-sealed under that day's mail key, so the key
 * that opens it is always destroyed by the end of the day the row is deleted ({@link AddressSeal}).
 *
 * <p>Keys are never created here (that would wait on the key ledger's own transaction): {@link
 * AddressSeal#prepare} makes them ahead. Should one still be missing, the address stays sealed
 * where it is and the expiry is capped at the end of that key's day, so a row never outlives its
 * key.
 */
public final class SubscriptionLifetimes implements ScanHook {
  private static final Logger log = LoggerFactory.getLogger(SubscriptionLifetimes.class);
  private static final Set<EventType> ENDING =
      Set.of(EventType.DELIVERED, EventType.RETURN_TO_SENDER);

  private record Row(
      long id,
      String number,
      String sealed,
      String unsubscribeHash,
      Long lastScanAt,
      Long endedAt) {}

  private final AddressSeal addresses;

  public SubscriptionLifetimes(AddressSeal addresses) {
    this.addresses = addresses;
  }

  @Override
  public void stored(Connection c, List<StoredScan> scans, Instant receivedAt) throws SQLException {
    Set<String> numbers = new LinkedHashSet<>();
    Set<String> ended = new HashSet<>();
    for (StoredScan scan : scans) {
      numbers.add(scan.piece().trackingNumber());
      if (ENDING.contains(scan.event().type())) {
        ended.add(scan.piece().trackingNumber());
      }
    }
    long now = receivedAt.toEpochMilli();
    try (PreparedStatement update =
        c.prepareStatement(
            "UPDATE mail_subscriptions SET last_scan_at = ?, ended_at = ?, expires_at = ?,"
                + " sealed = ? WHERE id = ?")) {
      int updated = 0;
      for (Row row : confirmed(c, List.copyOf(numbers))) {
        long lastScan = Math.max(now, row.lastScanAt() == null ? now : row.lastScanAt());
        Long endedAt = ended.contains(row.number()) ? Long.valueOf(now) : row.endedAt();
        Instant expiry =
            addresses.expiry(
                Instant.ofEpochMilli(lastScan),
                endedAt == null ? null : Instant.ofEpochMilli(endedAt));
        Optional<String> sealed = resealed(row, expiry);
        if (sealed.isEmpty()) {
          continue; // its key is gone: the row is being deleted
        }
        long expiresAt =
            AddressSeal.sealedOn(sealed.get()).equals(AddressSeal.keyDay(expiry))
                ? expiry.toEpochMilli()
                : Math.min(expiry.toEpochMilli(), endOfKeyDay(sealed.get()));
        update.setLong(1, lastScan);
        update.setObject(2, endedAt);
        update.setLong(3, expiresAt);
        update.setString(4, sealed.get());
        update.setLong(5, row.id());
        update.addBatch();
        updated++;
      }
      if (updated > 0) {
        update.executeBatch();
      }
    }
  }

  /**
   * The row's address sealed for {@code expiry}: as it is when the day does not change, under the
   * new day's key when that key exists, else as it is (the caller caps the expiry); empty when the
   * row's key was destroyed already.
   */
  private Optional<String> resealed(Row row, Instant expiry) {
    if (AddressSeal.sealedOn(row.sealed()).equals(AddressSeal.keyDay(expiry))) {
      return Optional.of(row.sealed());
    }
    String plain;
    try {
      plain = addresses.open(row.sealed(), row.unsubscribeHash());
    } catch (DayKeyDestroyedException e) {
      return Optional.empty();
    }
    Optional<String> resealed = addresses.sealIfKeyExists(plain, row.unsubscribeHash(), expiry);
    if (resealed.isEmpty()) {
      log.warn(
          "mail key missing, subscription kept under its old key row={} day={}",
          row.id(),
          AddressSeal.keyDay(expiry));
    }
    return Optional.of(resealed.orElse(row.sealed()));
  }

  /** The last millisecond of the day whose key seals {@code sealed}. */
  private static long endOfKeyDay(String sealed) {
    return AddressSeal.sealedOn(sealed)
            .plusDays(1)
            .atStartOfDay(ZoneOffset.UTC)
            .toInstant()
            .toEpochMilli()
        - 1;
  }

  private static List<Row> confirmed(Connection c, List<String> numbers) throws SQLException {
    List<Row> rows = new ArrayList<>();
    NumberLists.query(
        c,
        "SELECT id, tracking_number, sealed, unsubscribe_hash, last_scan_at, ended_at"
            + " FROM mail_subscriptions WHERE confirmed_at IS NOT NULL AND tracking_number IN ",
        numbers,
        "",
        rs ->
            rows.add(
                new Row(
                    rs.getLong(1),
                    rs.getString(2),
                    rs.getString(3),
                    rs.getString(4),
                    Subscriptions.nullable(rs, 5),
                    Subscriptions.nullable(rs, 6))));
    return rows;
  }
}
