package org.waypost.shipper;

import static java.util.stream.Collectors.joining;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.waypost.db.Database;
import org.waypost.tracking.Projection;
import org.waypost.tracking.Shipment;
import org.waypost.tracking.StoredEvent;
import org.waypost.tracking.TrackingNumber;
import org.waypost.tracking.TrackingStatus;
import org.waypost.tracking.TrackingStore;
import org.waypost.tracking.TrackingStore.SentScan;

/**
 * The operator's record of a piece (guarantee 10's accountability): the account that owns it, and
 * for each scan the account it was filed under and the key that sent it. Keys are revoked, never
 * deleted, so a revoked key's scans stay attributed; a scan stored before migration V13 or by the
 * operator's own import has no key and is shown as unattributed.
 */
public final class ShipmentRecords {
  /** A shipper account. */
  public record Account(long id, String name) {}

  /** A key: its public id, and whether it is a network key. */
  public record Key(String keyId, boolean network) {}

  /** One scan and who sent it; {@code key} is null when no key did. */
  public record Scan(
      String eventId, StoredEvent event, Instant receivedAt, Account account, Key key) {}

  /** A piece, its owner, its status now, and its scans newest first. */
  public record Piece(Shipment shipment, Account owner, TrackingStatus status, List<Scan> scans) {}

  private final Database database;
  private final TrackingStore store;

  public ShipmentRecords(Database database, TrackingStore store) {
    this.database = database;
    this.store = store;
  }

  /** The newest piece under {@code number} (the one lookups show), if there is one. */
  public Optional<Piece> newest(TrackingNumber number) {
    return database.read(
        c -> {
          Optional<Shipment> found = store.findLatest(c, number.value());
          if (found.isEmpty()) {
            return Optional.empty();
          }
          Shipment shipment = found.get();
          List<SentScan> sent = store.historyWithSenders(c, shipment.id());
          Set<Long> accountIds = new TreeSet<>();
          Set<Long> keyIds = new TreeSet<>();
          accountIds.add(shipment.shipperId());
          for (SentScan scan : sent) {
            accountIds.add(scan.account());
            if (scan.key() != null) {
              keyIds.add(scan.key());
            }
          }
          Map<Long, Account> accounts = accounts(c, accountIds);
          Map<Long, Key> keys = keys(c, keyIds);
          List<Scan> scans = new ArrayList<>(sent.size());
          List<StoredEvent> history = new ArrayList<>(sent.size());
          for (SentScan scan : sent) {
            history.add(scan.event());
            scans.add(
                new Scan(
                    scan.eventId(),
                    scan.event(),
                    scan.receivedAt(),
                    accounts.get(scan.account()),
                    scan.key() == null ? null : keys.get(scan.key())));
          }
          TrackingStatus status = Projection.replay(history.reversed()).status();
          return Optional.of(
              new Piece(shipment, accounts.get(shipment.shipperId()), status, scans));
        });
  }

  private static Map<Long, Account> accounts(Connection c, Set<Long> ids) throws SQLException {
    Map<Long, Account> accounts = new HashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement("SELECT id, name FROM shippers WHERE id IN (" + marks(ids) + ")")) {
      bind(ps, ids);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          accounts.put(rs.getLong(1), new Account(rs.getLong(1), rs.getString(2)));
        }
      }
    }
    return accounts;
  }

  private static Map<Long, Key> keys(Connection c, Set<Long> ids) throws SQLException {
    Map<Long, Key> keys = new HashMap<>();
    if (ids.isEmpty()) {
      return keys;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id, key_id, network FROM api_keys WHERE id IN (" + marks(ids) + ")")) {
      bind(ps, ids);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          keys.put(rs.getLong(1), new Key(rs.getString(2), rs.getBoolean(3)));
        }
      }
    }
    return keys;
  }

  private static String marks(Set<Long> ids) {
    return Collections.nCopies(ids.size(), "?").stream().collect(joining(","));
  }

  private static void bind(PreparedStatement ps, Set<Long> ids) throws SQLException {
    int at = 1;
    for (long id : ids) {
      ps.setLong(at++, id);
    }
  }
}
