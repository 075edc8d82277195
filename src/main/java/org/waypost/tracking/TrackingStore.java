package org.waypost.tracking;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import org.waypost.catalog.Service;
import org.waypost.db.Dialect;

/**
 * The SQL of the tracking feature's pieces and the histories read from their scans, and retention's
 * deletion of both. Storing scans, the hot path of ingestion, is {@link ScanEventWriter}'s. Methods
 * take the connection so that callers decide what runs in one transaction (see {@link
 * org.waypost.db.Database#inTransaction}).
 *
 * <p>Long (about 510 lines) because it holds every query of one table pair, each written for both
 * SQLite and PostgreSQL where they differ; splitting it by query would scatter one schema.
 */
public final class TrackingStore {
  /** A new piece's columns, in the order {@link #insertShipment} binds them. */
  private static final String NEW_SHIPMENT_COLUMNS =
      "tracking_number, shipper_id, service, reference,"
          + " origin_city, origin_region, origin_postal_code, origin_country,"
          + " destination_city, destination_region, destination_postal_code, destination_country,"
          + " created_at";

  private static final int NEW_SHIPMENT_COLUMN_COUNT = NEW_SHIPMENT_COLUMNS.split(",").length;

  /** A stored piece, in the order {@link #shipment} reads it. */
  private static final String SHIPMENT_COLUMNS = "id, " + NEW_SHIPMENT_COLUMNS;

  /** A stored scan, in the order {@link #storedEvent} reads it. */
  private static final String EVENT_COLUMNS =
      "type, event_time, event_time_offset, description, city, region, postal_code, country";

  private static final int EVENT_COLUMN_COUNT = EVENT_COLUMNS.split(",").length;

  /** A {@link Piece}, in the order {@link #collectLatest} reads it. */
  private static final String PIECE_COLUMNS = "id, tracking_number, shipper_id, created_at";

  /** The first key of the advisory locks {@link #lockNumber} takes ("WPN1"). */
  private static final int NUMBER_LOCKS = 0x5750_4e31;

  /** How many pieces retention locks, folds and deletes at a time. */
  private static final int RETENTION_CHUNK = 500;

  private final Dialect dialect;

  public TrackingStore(Dialect dialect) {
    this.dialect = dialect;
  }

  /** The most recently registered piece under {@code number}. */
  public Optional<Shipment> findLatest(Connection c, String number) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT "
                + SHIPMENT_COLUMNS
                + " FROM shipments WHERE tracking_number = ? ORDER BY id DESC LIMIT 1")) {
      ps.setString(1, number);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(shipment(rs)) : Optional.empty();
      }
    }
  }

  /**
   * A piece as ingestion sees it: which it is, under which number, the account that owns it and
   * when it was registered (epoch ms).
   */
  public record Piece(long id, String trackingNumber, long owner, long createdAt) {}

  /**
   * The most recent piece for each of {@code numbers}. On PostgreSQL each piece under those numbers
   * is share-locked until commit ({@code FOR KEY SHARE}, in id order): batches storing scans for
   * the same piece do not wait for each other, but retention cannot delete the piece until the
   * scans are committed (see {@link #deleteDeliveredBefore}).
   */
  public Map<String, Piece> latestPieces(Connection c, Collection<String> numbers)
      throws SQLException {
    Map<String, Piece> latest = new HashMap<>();
    List<String> all = List.copyOf(numbers);
    if (dialect == Dialect.POSTGRESQL) {
      // one array parameter: one cached plan, whatever the batch size
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT "
                  + PIECE_COLUMNS
                  + " FROM shipments WHERE tracking_number = ANY (?) ORDER BY id FOR KEY SHARE")) {
        ps.setArray(1, c.createArrayOf("varchar", all.toArray()));
        collectLatest(ps, latest);
      }
      return latest;
    }
    // SQLite: the IMMEDIATE transaction already holds the database's one write lock
    int chunk = Math.min(1000, dialect.maxParameters());
    for (int from = 0; from < all.size(); from += chunk) {
      List<String> part = all.subList(from, Math.min(all.size(), from + chunk));
      String sql =
          "SELECT "
              + PIECE_COLUMNS
              + " FROM shipments WHERE tracking_number IN ("
              + placeholders(part.size())
              + ")";
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (int i = 0; i < part.size(); i++) {
          ps.setString(i + 1, part.get(i));
        }
        collectLatest(ps, latest);
      }
    }
    return latest;
  }

  private static void collectLatest(PreparedStatement ps, Map<String, Piece> latest)
      throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        Piece piece = new Piece(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4));
        latest.merge(piece.trackingNumber(), piece, (a, b) -> a.id() > b.id() ? a : b);
      }
    }
  }

  /** The history of one piece, newest first (the order the public sees). */
  public List<StoredEvent> historyNewestFirst(Connection c, long shipmentId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT "
                + EVENT_COLUMNS
                + " FROM scan_events WHERE shipment_id = ? ORDER BY event_time DESC, seq DESC")) {
      ps.setLong(1, shipmentId);
      try (ResultSet rs = ps.executeQuery()) {
        List<StoredEvent> events = new ArrayList<>();
        while (rs.next()) {
          events.add(storedEvent(rs));
        }
        return events;
      }
    }
  }

  /** The histories of up to a few hundred pieces, each in fold order (event time, then receipt). */
  Map<Long, List<StoredEvent>> historiesInFoldOrder(Connection c, List<Long> shipmentIds)
      throws SQLException {
    Map<Long, List<StoredEvent>> histories = new HashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT "
                + EVENT_COLUMNS
                + ", shipment_id FROM scan_events WHERE shipment_id IN ("
                + placeholders(shipmentIds.size())
                + ") ORDER BY shipment_id, event_time, seq")) {
      for (int i = 0; i < shipmentIds.size(); i++) {
        ps.setLong(i + 1, shipmentIds.get(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          histories
              .computeIfAbsent(rs.getLong(EVENT_COLUMN_COUNT + 1), id -> new ArrayList<>())
              .add(storedEvent(rs));
        }
      }
    }
    return histories;
  }

  /** A scan from the {@link #EVENT_COLUMNS} at the start of the current row. */
  private static StoredEvent storedEvent(ResultSet rs) throws SQLException {
    return storedEvent(rs, 1);
  }

  /** A scan from the {@link #EVENT_COLUMNS} from column {@code at} of the current row. */
  static StoredEvent storedEvent(ResultSet rs, int at) throws SQLException {
    return new StoredEvent(
        EventType.valueOf(rs.getString(at)),
        time(rs, at + 1),
        location(rs, at + 4),
        rs.getString(at + 3));
  }

  /** A scan with who sent it, for operators: the account whose event id it is and the key. */
  public record SentScan(
      String eventId, StoredEvent event, Instant receivedAt, long account, Long key) {}

  /** The history of one piece with who sent each scan, newest first. */
  public List<SentScan> historyWithSenders(Connection c, long shipmentId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT "
                + EVENT_COLUMNS
                + ", event_id, received_at, account_id, api_key_id FROM scan_events"
                + " WHERE shipment_id = ? ORDER BY event_time DESC, seq DESC")) {
      ps.setLong(1, shipmentId);
      try (ResultSet rs = ps.executeQuery()) {
        List<SentScan> scans = new ArrayList<>();
        int at = EVENT_COLUMN_COUNT + 1;
        while (rs.next()) {
          long key = rs.getLong(at + 3);
          scans.add(
              new SentScan(
                  rs.getString(at),
                  storedEvent(rs),
                  Instant.ofEpochMilli(rs.getLong(at + 1)),
                  rs.getLong(at + 2),
                  rs.wasNull() ? null : key));
        }
        return scans;
      }
    }
  }

  /** An account's most recent pieces registered under {@code reference}, newest first. */
  public List<Shipment> byReference(Connection c, long account, String reference, int limit)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT "
                + SHIPMENT_COLUMNS
                + " FROM shipments WHERE shipper_id = ? AND reference = ? ORDER BY id DESC"
                + " LIMIT ?")) {
      ps.setLong(1, account);
      ps.setString(2, reference);
      ps.setInt(3, limit);
      try (ResultSet rs = ps.executeQuery()) {
        List<Shipment> shipments = new ArrayList<>();
        while (rs.next()) {
          shipments.add(shipment(rs));
        }
        return shipments;
      }
    }
  }

  /** Who a number is in use by, as a registration by some account sees it. */
  enum NumberUse {
    /** No piece, or only the registering account's delivered ones: it may (re)use the number. */
    FREE,
    /** A piece of another account, still in the database: still trackable by its owner's users. */
    OTHER_ACCOUNT,
    /** One of the registering account's own pieces that is not delivered. */
    UNDELIVERED
  }

  /**
   * Whether {@code account} may register a piece under {@code number}. Call it under {@link
   * #lockNumber}, so that the answer holds until the registration commits.
   */
  NumberUse numberUse(Connection c, String number, long account) throws SQLException {
    List<Long> scanned = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id, shipper_id, delivered_at FROM shipments WHERE tracking_number = ?")) {
      ps.setString(1, number);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (rs.getLong(2) != account) {
            return NumberUse.OTHER_ACCOUNT;
          }
          rs.getLong(3);
          if (rs.wasNull()) {
            return NumberUse.UNDELIVERED; // never had a delivery scan
          }
          scanned.add(rs.getLong(1));
        }
      }
    }
    if (scanned.isEmpty()) {
      return NumberUse.FREE;
    }
    // a delivery scan was received, but a later scan (a return, an alert) may have turned it
    Map<Long, List<StoredEvent>> histories = historiesInFoldOrder(c, scanned);
    for (long id : scanned) {
      if (Projection.replay(histories.getOrDefault(id, List.of())).status()
          != TrackingStatus.DELIVERED) {
        return NumberUse.UNDELIVERED;
      }
    }
    return NumberUse.FREE;
  }

  /**
   * Holds {@code number} for this transaction: a registration of the same number elsewhere waits
   * here until this one commits or rolls back, so that deciding whether the number is free ({@link
   * #numberUse}) and taking it are one step, under any concurrency.
   *
   * <p>Why an advisory lock: what must be serialized is often a number with no row yet (two first
   * registrations would both find nothing, and there is no row to lock); a unique index cannot say
   * "undelivered, or another account's", which depends on the scans; and SERIALIZABLE would make
   * every registration liable to fail and be retried. The lock is keyed by the number's hash in a
   * space of Waypost's own: equal numbers always meet, and a rare collision only makes two
   * unrelated registrations wait for each other for a moment. SQLite needs nothing: its write
   * transactions run one at a time.
   */
  void lockNumber(Connection c, String number) throws SQLException {
    if (dialect != Dialect.POSTGRESQL) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?, ?)")) {
      ps.setInt(1, NUMBER_LOCKS);
      ps.setInt(2, number.hashCode());
      ps.execute();
    }
  }

  /**
   * Reserves {@code count} consecutive values of a numbering scheme's serial and returns the first;
   * never the same value twice. Holds the scheme's row locked until {@code c} commits: run it in a
   * transaction of its own ({@link SerialBlocks}).
   */
  long reserveSerials(Connection c, String scheme, int count) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO number_serials (scheme, next_value) VALUES (?, 1)"
                + " ON CONFLICT (scheme) DO NOTHING")) {
      ps.setString(1, scheme);
      ps.executeUpdate();
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE number_serials SET next_value = next_value + ? WHERE scheme = ?"
                + " RETURNING next_value")) {
      ps.setInt(1, count);
      ps.setString(2, scheme);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1) - count;
      }
    }
  }

  public Shipment insertShipment(
      Connection c,
      String number,
      long shipperId,
      Service service,
      String reference,
      Location origin,
      Location destination,
      Instant createdAt)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO shipments ("
                + NEW_SHIPMENT_COLUMNS
                + ") VALUES ("
                + placeholders(NEW_SHIPMENT_COLUMN_COUNT)
                + ") RETURNING id")) {
      ps.setString(1, number);
      ps.setLong(2, shipperId);
      ps.setString(3, service.name());
      ps.setString(4, reference);
      setLocation(ps, 5, origin);
      setLocation(ps, 9, destination);
      ps.setLong(13, createdAt.toEpochMilli());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new Shipment(
            rs.getLong(1), number, shipperId, service, reference, origin, destination, createdAt);
      }
    }
  }

  /**
   * Records that pieces received a delivery scan: {@code shipments.delivered_at} keeps when the
   * newest one was received (epoch ms, by piece id), which is where retention looks for candidates.
   * The receipt, not the time a scan claims, so that a back-dated delivery scan cannot get a piece
   * deleted early.
   */
  public void markDelivered(Connection c, SortedMap<Long, Long> deliveredAtByPiece)
      throws SQLException {
    if (deliveredAtByPiece.isEmpty()) {
      return;
    }
    // in id order, as every writer locks pieces, so two batches cannot deadlock over them
    if (dialect == Dialect.POSTGRESQL) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "UPDATE shipments s SET delivered_at = v.delivered_at"
                  + " FROM unnest(?::bigint[], ?::bigint[]) AS v(id, delivered_at)"
                  + " WHERE s.id = v.id AND (s.delivered_at IS NULL"
                  + " OR s.delivered_at < v.delivered_at)")) {
        ps.setArray(1, c.createArrayOf("bigint", deliveredAtByPiece.keySet().toArray()));
        ps.setArray(2, c.createArrayOf("bigint", deliveredAtByPiece.values().toArray()));
        ps.executeUpdate();
      }
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE shipments SET delivered_at = ?"
                + " WHERE id = ? AND (delivered_at IS NULL OR delivered_at < ?)")) {
      for (var piece : deliveredAtByPiece.entrySet()) {
        ps.setLong(1, piece.getValue());
        ps.setLong(2, piece.getKey());
        ps.setLong(3, piece.getValue());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /**
   * Deletes the pieces whose status is DELIVERED and whose newest delivery scan was received before
   * {@code cutoff}, with their scans; returns how many pieces.
   *
   * <p>Candidates are pieces with a delivery scan received before the cutoff ({@code
   * delivered_at}). Each is locked first ({@code FOR UPDATE} on PostgreSQL, which waits for any
   * batch still storing scans for it and keeps new ones out), then its whole history is folded,
   * since a later scan may have turned it from delivered (a return, say). Scans carry no foreign
   * key (migration V11); this lock is what keeps a scan from outliving its piece.
   */
  public int deleteDeliveredBefore(Connection c, Instant cutoff) throws SQLException {
    int deleted = 0;
    long after = 0;
    while (true) {
      List<Long> candidates = new ArrayList<>();
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT id FROM shipments WHERE delivered_at < ? AND id > ? ORDER BY id LIMIT "
                  + RETENTION_CHUNK
                  + dialect.forUpdate())) {
        ps.setLong(1, cutoff.toEpochMilli());
        ps.setLong(2, after);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            candidates.add(rs.getLong(1));
          }
        }
      }
      if (candidates.isEmpty()) {
        return deleted;
      }
      after = candidates.getLast();
      Map<Long, List<StoredEvent>> histories = historiesInFoldOrder(c, candidates);
      List<Long> expired = new ArrayList<>();
      for (long id : candidates) {
        Projection projection = Projection.replay(histories.getOrDefault(id, List.of()));
        if (projection.status() == TrackingStatus.DELIVERED) {
          expired.add(id);
        }
      }
      if (!expired.isEmpty()) {
        deleteByIds(c, "DELETE FROM scan_events WHERE shipment_id IN (", expired);
        deleteByIds(c, "DELETE FROM shipments WHERE id IN (", expired);
        deleted += expired.size();
      }
    }
  }

  private static void deleteByIds(Connection c, String sqlStart, List<Long> ids)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sqlStart + placeholders(ids.size()) + ")")) {
      for (int i = 0; i < ids.size(); i++) {
        ps.setLong(i + 1, ids.get(i));
      }
      ps.executeUpdate();
    }
  }

  private static Shipment shipment(ResultSet rs) throws SQLException {
    return new Shipment(
        rs.getLong(1),
        rs.getString(2),
        rs.getLong(3),
        Service.valueOf(rs.getString(4)),
        rs.getString(5),
        location(rs, 6),
        location(rs, 10),
        Instant.ofEpochMilli(rs.getLong(14)));
  }

  private static OffsetDateTime time(ResultSet rs, int at) throws SQLException {
    long millis = rs.getLong(at);
    if (rs.wasNull()) {
      return null;
    }
    ZoneOffset offset = ZoneOffset.ofTotalSeconds(rs.getInt(at + 1));
    return OffsetDateTime.ofInstant(Instant.ofEpochMilli(millis), offset);
  }

  private static int setLocation(PreparedStatement ps, int at, Location location)
      throws SQLException {
    ps.setString(at, location == null ? null : location.city());
    ps.setString(at + 1, location == null ? null : location.region());
    ps.setString(at + 2, location == null ? null : location.postalCode());
    ps.setString(at + 3, location == null ? null : location.country());
    return at + 4;
  }

  private static Location location(ResultSet rs, int at) throws SQLException {
    Location location =
        new Location(
            rs.getString(at), rs.getString(at + 1), rs.getString(at + 2), rs.getString(at + 3));
    boolean empty =
        location.city() == null
            && location.region() == null
            && location.postalCode() == null
            && location.country() == null;
    return empty ? null : location;
  }

  static String placeholders(int count) {
    return String.join(",", Collections.nCopies(count, "?"));
  }
}
