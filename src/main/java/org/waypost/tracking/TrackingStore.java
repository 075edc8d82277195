package org.waypost.tracking;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.waypost.db.BinaryCopy;
import org.waypost.db.Dialect;

/**
 * The SQL of the tracking feature. Methods take the connection so that callers decide what runs in
 * one transaction (see {@link org.waypost.db.Database#inTransaction}).
 */
public final class TrackingStore {
  /** A shipment's projection, in the order {@link #projection(ResultSet, int)} reads it. */
  private static final String PROJECTION_COLUMNS =
      "status, status_text, status_time, status_time_offset,"
          + " accepted_at, accepted_at_offset, delivered_at, delivered_at_offset,"
          + " last_event_time, last_event_seq";

  private static final String SHIPMENT_COLUMNS =
      "id, tracking_number, shipper_id, service, reference,"
          + " origin_city, origin_region, origin_postal_code, origin_country,"
          + " destination_city, destination_region, destination_postal_code, destination_country,"
          + " created_at, "
          + PROJECTION_COLUMNS;

  /** What ingestion needs of a piece: which it is, and its projection. */
  private static final String PIECE_COLUMNS = "id, tracking_number, " + PROJECTION_COLUMNS;

  private static final String EVENT_COLUMNS =
      "seq, type, event_time, event_time_offset, description, city, region, postal_code, country";
  private static final String INSERT_EVENT_COLUMNS =
      "event_id, shipment_id, tracking_number, type, event_time, event_time_offset,"
          + " description, city, region, postal_code, country, received_at";
  private static final int INSERT_EVENT_PARAMETERS = 12;

  /** How many receipt sequence numbers one nextval reserves on PostgreSQL (migration V10). */
  static final int EVENT_SEQ_BLOCK = 1024;

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

  /** A piece as ingestion sees it: which it is, under which number, and its projection. */
  public record Piece(long id, String trackingNumber, Projection projection) {}

  /**
   * The most recent piece for each of {@code numbers}, locked until commit on PostgreSQL so that
   * concurrent batches fold their scans one after the other.
   */
  public Map<String, Piece> lockLatest(Connection c, Collection<String> numbers)
      throws SQLException {
    Map<String, Piece> latest = new HashMap<>();
    List<String> all = List.copyOf(numbers);
    if (dialect == Dialect.POSTGRESQL) {
      // one array parameter: one cached plan, whatever the batch size
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT "
                  + PIECE_COLUMNS
                  + " FROM shipments WHERE tracking_number = ANY (?) ORDER BY id FOR UPDATE")) {
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
              + ") ORDER BY id";
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
        Piece piece = new Piece(rs.getLong(1), rs.getString(2), projection(rs, 3));
        latest.merge(piece.trackingNumber(), piece, (a, b) -> a.id() > b.id() ? a : b);
      }
    }
  }

  /** The history of one piece, newest first (the order the public sees). */
  public List<StoredEvent> historyNewestFirst(Connection c, long shipmentId) throws SQLException {
    return history(c, shipmentId, "DESC");
  }

  /** The history of one piece in fold order: event time, then receipt. */
  public List<StoredEvent> historyInFoldOrder(Connection c, long shipmentId) throws SQLException {
    return history(c, shipmentId, "ASC");
  }

  private List<StoredEvent> history(Connection c, long shipmentId, String direction)
      throws SQLException {
    String sql =
        "SELECT "
            + EVENT_COLUMNS
            + " FROM scan_events WHERE shipment_id = ?"
            + " ORDER BY event_time "
            + direction
            + ", seq "
            + direction;
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, shipmentId);
      try (ResultSet rs = ps.executeQuery()) {
        List<StoredEvent> events = new ArrayList<>();
        while (rs.next()) {
          events.add(
              new StoredEvent(
                  rs.getLong(1),
                  EventType.valueOf(rs.getString(2)),
                  time(rs, 3),
                  location(rs, 6),
                  rs.getString(5)));
        }
        return events;
      }
    }
  }

  /** Allocates the next value of a numbering scheme's serial; never the same value twice. */
  public long nextSerial(Connection c, String scheme) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO number_serials (scheme, next_value) VALUES (?, 1)"
                + " ON CONFLICT (scheme) DO NOTHING")) {
      ps.setString(1, scheme);
      ps.executeUpdate();
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE number_serials SET next_value = next_value + 1 WHERE scheme = ?"
                + " RETURNING next_value")) {
      ps.setString(1, scheme);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1) - 1;
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
    Projection projection = Projection.initial();
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO shipments ("
                + SHIPMENT_COLUMNS.substring("id, ".length())
                + ") VALUES ("
                + placeholders(23)
                + ") RETURNING id")) {
      ps.setString(1, number);
      ps.setLong(2, shipperId);
      ps.setString(3, service.name());
      ps.setString(4, reference);
      setLocation(ps, 5, origin);
      setLocation(ps, 9, destination);
      ps.setLong(13, createdAt.toEpochMilli());
      setProjection(ps, 14, projection);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new Shipment(
            rs.getLong(1),
            number,
            shipperId,
            service,
            reference,
            origin,
            destination,
            createdAt,
            projection);
      }
    }
  }

  /** A scan about to be stored, with the piece it belongs to. */
  public record NewEvent(ScanEvent event, Piece piece) {}

  /**
   * Inserts the events whose {@code eventId} is new; returns the receipt sequence of each event
   * that was inserted, by event id. Events already stored are skipped, not failed.
   */
  public Map<String, Long> insertEvents(Connection c, List<NewEvent> events, Instant receivedAt)
      throws SQLException {
    Map<String, Long> inserted = new HashMap<>();
    if (dialect == Dialect.POSTGRESQL) {
      insertEventsAsArrays(c, events, receivedAt, inserted);
      return inserted;
    }
    int chunk = Math.min(1000, dialect.maxParameters() / INSERT_EVENT_PARAMETERS);
    for (int from = 0; from < events.size(); from += chunk) {
      List<NewEvent> part = events.subList(from, Math.min(events.size(), from + chunk));
      StringBuilder sql =
          new StringBuilder("INSERT INTO scan_events (")
              .append(INSERT_EVENT_COLUMNS)
              .append(") VALUES ");
      String row = "(" + placeholders(INSERT_EVENT_PARAMETERS) + ")";
      for (int i = 0; i < part.size(); i++) {
        sql.append(i == 0 ? "" : ",").append(row);
      }
      sql.append(" ON CONFLICT (event_id) DO NOTHING RETURNING seq, event_id");
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        int p = 1;
        for (NewEvent e : part) {
          ScanEvent event = e.event();
          ps.setString(p++, event.eventId());
          ps.setLong(p++, e.piece().id());
          ps.setString(p++, e.piece().trackingNumber());
          ps.setString(p++, event.type().name());
          ps.setLong(p++, event.time().toInstant().toEpochMilli());
          ps.setInt(p++, event.time().getOffset().getTotalSeconds());
          ps.setString(p++, event.description());
          p = setLocation(ps, p, event.location());
          ps.setLong(p++, receivedAt.toEpochMilli());
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            inserted.put(rs.getString(2), rs.getLong(1));
          }
        }
      }
    }
    return inserted;
  }

  /**
   * Raised when a bulk load meets a scan whose {@code eventId} is stored already; the transaction
   * is then lost, and the batch should be stored again through {@link #insertEvents}, which skips
   * such scans one by one.
   */
  public static final class AlreadyStored extends RuntimeException {
    private static final long serialVersionUID = 1L;

    AlreadyStored(SQLException cause) {
      super("an event id is stored already", cause, false, false);
    }
  }

  /**
   * PostgreSQL only, the fast way for {@link #insertEvents} when none of the scans is stored yet:
   * takes their receipt sequence numbers in blocks and loads them with one binary COPY. Throws
   * {@link AlreadyStored}, leaving the transaction aborted, if an event id is already stored (or is
   * stored meanwhile by another transaction); the caller then stores the batch again through {@link
   * #insertEvents}, which skips such scans one by one.
   */
  public Map<String, Long> copyNewEvents(Connection c, List<NewEvent> events, Instant receivedAt)
      throws SQLException {
    if (dialect != Dialect.POSTGRESQL) {
      throw new IllegalStateException("COPY is PostgreSQL's");
    }
    Map<String, Long> inserted = new HashMap<>();
    if (events.isEmpty()) {
      return inserted;
    }
    long[] seqs = nextEventSeqs(c, events.size());
    BinaryCopy rows = new BinaryCopy(INSERT_EVENT_PARAMETERS + 1, events.size() * 256);
    long received = receivedAt.toEpochMilli();
    for (int i = 0; i < events.size(); i++) {
      ScanEvent event = events.get(i).event();
      Piece piece = events.get(i).piece();
      Location location = event.location();
      rows.row()
          .int8(seqs[i])
          .text(event.eventId())
          .int8(piece.id())
          .text(piece.trackingNumber())
          .text(event.type().name())
          .int8(event.time().toInstant().toEpochMilli())
          .int4(event.time().getOffset().getTotalSeconds())
          .text(event.description())
          .text(location == null ? null : location.city())
          .text(location == null ? null : location.region())
          .text(location == null ? null : location.postalCode())
          .text(location == null ? null : location.country())
          .int8(received);
      inserted.put(event.eventId(), seqs[i]);
    }
    try {
      rows.into(c, "scan_events", "seq, " + INSERT_EVENT_COLUMNS);
    } catch (SQLException e) {
      if (dialect.isUniqueViolation(e)) {
        throw new AlreadyStored(e);
      }
      throw e;
    }
    return inserted;
  }

  /**
   * {@code count} new receipt sequence numbers, ascending: one nextval of scan_events' sequence
   * (which counts in steps of {@link #EVENT_SEQ_BLOCK}, see migration V10) reserves a block.
   */
  private static long[] nextEventSeqs(Connection c, int count) throws SQLException {
    int blocks = (count + EVENT_SEQ_BLOCK - 1) / EVENT_SEQ_BLOCK;
    long[] starts = new long[blocks];
    int taken = 0;
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT nextval(pg_get_serial_sequence('scan_events', 'seq'))"
                + " FROM generate_series(1, ?)")) {
      ps.setInt(1, blocks);
      try (ResultSet rs = ps.executeQuery()) {
        while (taken < blocks && rs.next()) {
          starts[taken++] = rs.getLong(1);
        }
      }
    }
    if (taken != blocks) {
      throw new SQLException("took " + taken + " of " + blocks + " sequence blocks");
    }
    Arrays.sort(starts);
    long[] seqs = new long[count];
    for (int i = 0; i < count; i++) {
      seqs[i] = starts[i / EVENT_SEQ_BLOCK] + i % EVENT_SEQ_BLOCK;
    }
    return seqs;
  }

  /**
   * PostgreSQL: the whole batch as twelve array parameters, unnested into rows. Binding 12 arrays
   * instead of 12,000 scalars is most of the cost of a batch otherwise.
   */
  private static void insertEventsAsArrays(
      Connection c, List<NewEvent> events, Instant receivedAt, Map<String, Long> inserted)
      throws SQLException {
    int n = events.size();
    String[] ids = new String[n];
    Long[] shipments = new Long[n];
    String[] numbers = new String[n];
    String[] types = new String[n];
    Long[] times = new Long[n];
    Integer[] offsets = new Integer[n];
    String[] descriptions = new String[n];
    String[] cities = new String[n];
    String[] regions = new String[n];
    String[] postalCodes = new String[n];
    String[] countries = new String[n];
    Long[] received = new Long[n];
    for (int i = 0; i < n; i++) {
      NewEvent e = events.get(i);
      ScanEvent event = e.event();
      Location location = event.location();
      ids[i] = event.eventId();
      shipments[i] = e.piece().id();
      numbers[i] = e.piece().trackingNumber();
      types[i] = event.type().name();
      times[i] = event.time().toInstant().toEpochMilli();
      offsets[i] = event.time().getOffset().getTotalSeconds();
      descriptions[i] = event.description();
      cities[i] = location == null ? null : location.city();
      regions[i] = location == null ? null : location.region();
      postalCodes[i] = location == null ? null : location.postalCode();
      countries[i] = location == null ? null : location.country();
      received[i] = receivedAt.toEpochMilli();
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO scan_events ("
                + INSERT_EVENT_COLUMNS
                + ") SELECT * FROM unnest(?::varchar[], ?::bigint[], ?::varchar[], ?::varchar[],"
                + " ?::bigint[], ?::integer[], ?::varchar[], ?::varchar[], ?::varchar[],"
                + " ?::varchar[], ?::varchar[], ?::bigint[])"
                + " ON CONFLICT (event_id) DO NOTHING RETURNING seq, event_id")) {
      Object[][] columns = {
        ids,
        shipments,
        numbers,
        types,
        times,
        offsets,
        descriptions,
        cities,
        regions,
        postalCodes,
        countries,
        received
      };
      String[] sqlTypes = {
        "varchar", "bigint", "varchar", "varchar", "bigint", "integer", "varchar", "varchar",
        "varchar", "varchar", "varchar", "bigint"
      };
      for (int i = 0; i < columns.length; i++) {
        ps.setArray(i + 1, c.createArrayOf(sqlTypes[i], columns[i]));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          inserted.put(rs.getString(2), rs.getLong(1));
        }
      }
    }
  }

  /**
   * Deletes pieces delivered before {@code cutoff}, with their scans; returns how many pieces.
   *
   * <p>Scans carry no foreign key (migration V11), so the order matters. The pieces go first, and
   * their scans in a second statement: ingestion locks a piece before it stores scans for it, so a
   * batch either locked the piece before this DELETE reached it (the DELETE then waits for its
   * commit, and the second statement, which starts later, sees and deletes its scans), or finds the
   * piece gone.
   */
  public int deleteDeliveredBefore(Connection c, Instant cutoff) throws SQLException {
    List<Long> pieces = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "DELETE FROM shipments WHERE status = 'DELIVERED' AND delivered_at < ? RETURNING id")) {
      ps.setLong(1, cutoff.toEpochMilli());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          pieces.add(rs.getLong(1));
        }
      }
    }
    if (dialect == Dialect.POSTGRESQL) {
      try (PreparedStatement ps =
          c.prepareStatement("DELETE FROM scan_events WHERE shipment_id = ANY (?)")) {
        ps.setArray(1, c.createArrayOf("bigint", pieces.toArray()));
        ps.executeUpdate();
      }
      return pieces.size();
    }
    int chunk = Math.min(1000, dialect.maxParameters());
    for (int from = 0; from < pieces.size(); from += chunk) {
      List<Long> part = pieces.subList(from, Math.min(pieces.size(), from + chunk));
      try (PreparedStatement ps =
          c.prepareStatement(
              "DELETE FROM scan_events WHERE shipment_id IN (" + placeholders(part.size()) + ")")) {
        for (int i = 0; i < part.size(); i++) {
          ps.setLong(i + 1, part.get(i));
        }
        ps.executeUpdate();
      }
    }
    return pieces.size();
  }

  public void updateProjections(Connection c, Collection<Piece> pieces) throws SQLException {
    if (pieces.isEmpty()) {
      return;
    }
    if (dialect == Dialect.POSTGRESQL) {
      updateProjectionsAsArrays(c, pieces);
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE shipments SET status = ?, status_text = ?, status_time = ?,"
                + " status_time_offset = ?, accepted_at = ?, accepted_at_offset = ?,"
                + " delivered_at = ?, delivered_at_offset = ?, last_event_time = ?,"
                + " last_event_seq = ? WHERE id = ?")) {
      for (Piece piece : pieces) {
        setProjection(ps, 1, piece.projection());
        ps.setLong(11, piece.id());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** PostgreSQL: every piece's new projection in one set-based UPDATE. */
  private static void updateProjectionsAsArrays(Connection c, Collection<Piece> pieces)
      throws SQLException {
    int n = pieces.size();
    Long[] ids = new Long[n];
    String[] statuses = new String[n];
    String[] texts = new String[n];
    Long[][] times = new Long[3][n];
    Integer[][] offsets = new Integer[3][n];
    Long[] lastTimes = new Long[n];
    Long[] lastSeqs = new Long[n];
    int i = 0;
    for (Piece piece : pieces) {
      Projection p = piece.projection();
      ids[i] = piece.id();
      statuses[i] = p.status().name();
      texts[i] = p.statusText();
      OffsetDateTime[] values = {p.statusTime(), p.acceptedAt(), p.deliveredAt()};
      for (int t = 0; t < 3; t++) {
        times[t][i] = values[t] == null ? null : values[t].toInstant().toEpochMilli();
        offsets[t][i] = values[t] == null ? null : values[t].getOffset().getTotalSeconds();
      }
      lastTimes[i] = p.lastEventMillis();
      lastSeqs[i] = p.lastEventSeq();
      i++;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE shipments s SET status = v.status, status_text = v.status_text,"
                + " status_time = v.status_time, status_time_offset = v.status_time_offset,"
                + " accepted_at = v.accepted_at, accepted_at_offset = v.accepted_at_offset,"
                + " delivered_at = v.delivered_at, delivered_at_offset = v.delivered_at_offset,"
                + " last_event_time = v.last_event_time, last_event_seq = v.last_event_seq"
                + " FROM unnest(?::bigint[], ?::varchar[], ?::varchar[], ?::bigint[],"
                + " ?::integer[], ?::bigint[], ?::integer[], ?::bigint[], ?::integer[],"
                + " ?::bigint[], ?::bigint[]) AS v(id, status, status_text, status_time,"
                + " status_time_offset, accepted_at, accepted_at_offset, delivered_at,"
                + " delivered_at_offset, last_event_time, last_event_seq)"
                + " WHERE s.id = v.id")) {
      ps.setArray(1, c.createArrayOf("bigint", ids));
      ps.setArray(2, c.createArrayOf("varchar", statuses));
      ps.setArray(3, c.createArrayOf("varchar", texts));
      for (int t = 0; t < 3; t++) {
        ps.setArray(4 + 2 * t, c.createArrayOf("bigint", times[t]));
        ps.setArray(5 + 2 * t, c.createArrayOf("integer", offsets[t]));
      }
      ps.setArray(10, c.createArrayOf("bigint", lastTimes));
      ps.setArray(11, c.createArrayOf("bigint", lastSeqs));
      ps.executeUpdate();
    }
  }

  private static Shipment shipment(ResultSet rs) throws SQLException {
    Projection projection = projection(rs, 15);
    return new Shipment(
        rs.getLong(1),
        rs.getString(2),
        rs.getLong(3),
        Service.valueOf(rs.getString(4)),
        rs.getString(5),
        location(rs, 6),
        location(rs, 10),
        Instant.ofEpochMilli(rs.getLong(14)),
        projection);
  }

  /** The projection in the ten columns from {@code at} on ({@link #PROJECTION_COLUMNS}). */
  private static Projection projection(ResultSet rs, int at) throws SQLException {
    return new Projection(
        TrackingStatus.valueOf(rs.getString(at)),
        rs.getString(at + 1),
        time(rs, at + 2),
        time(rs, at + 4),
        time(rs, at + 6),
        rs.getLong(at + 8),
        rs.getLong(at + 9));
  }

  private static int setProjection(PreparedStatement ps, int at, Projection p) throws SQLException {
    ps.setString(at, p.status().name());
    ps.setString(at + 1, p.statusText());
    setTime(ps, at + 2, p.statusTime());
    setTime(ps, at + 4, p.acceptedAt());
    setTime(ps, at + 6, p.deliveredAt());
    ps.setLong(at + 8, p.lastEventMillis());
    ps.setLong(at + 9, p.lastEventSeq());
    return at + 10;
  }

  private static void setTime(PreparedStatement ps, int at, OffsetDateTime time)
      throws SQLException {
    if (time == null) {
      ps.setNull(at, Types.BIGINT);
      ps.setNull(at + 1, Types.INTEGER);
    } else {
      ps.setLong(at, time.toInstant().toEpochMilli());
      ps.setInt(at + 1, time.getOffset().getTotalSeconds());
    }
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

  private static String placeholders(int count) {
    return String.join(",", java.util.Collections.nCopies(count, "?"));
  }
}
