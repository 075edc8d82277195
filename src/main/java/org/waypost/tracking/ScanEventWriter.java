package org.waypost.tracking;

import static org.waypost.tracking.TrackingStore.placeholders;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.waypost.db.BinaryCopy;
import org.waypost.db.Dialect;
import org.waypost.tracking.TrackingStore.Piece;

/**
 * Stores scans: the write side of scan_events, kept apart from {@link TrackingStore}'s pieces and
 * histories because it is where ingestion spends its time, and because it is written three ways.
 * SQLite takes multi-row VALUES; PostgreSQL takes a batch as one array per column, or as one binary
 * COPY when none of its scans is stored yet. All three fill the columns {@link ScanEventColumn}
 * lists, each row mapped there once. An event id is unique per account (migration V13): the key of
 * a scan is its account and its id.
 */
final class ScanEventWriter {
  /**
   * How many receipt sequence numbers one nextval reserves on PostgreSQL. Migration V10 sets the
   * sequence's increment to it (and names it by its former place, TrackingStore.EVENT_SEQ_BLOCK).
   */
  static final int EVENT_SEQ_BLOCK = 1024;

  private static final String INSERT_ARRAYS =
      "INSERT INTO scan_events ("
          + ScanEventColumn.NAMES
          + ") SELECT * FROM unnest("
          + ScanEventColumn.ARRAY_PARAMETERS
          + ") ON CONFLICT (account_id, event_id) DO NOTHING RETURNING account_id, event_id";

  /** What {@link #storedContents} reads of a stored scan, in order. */
  private static final String CONTENT_COLUMNS =
      "event_id, tracking_number, type, event_time, event_time_offset, description,"
          + " city, region, postal_code, country";

  /**
   * A scan about to be stored: the piece it belongs to, the account whose event id it is, and the
   * key that sent it (null for none).
   */
  record NewEvent(ScanEvent event, Piece piece, long account, Long key) {
    EventKey eventKey() {
      return new EventKey(account, event.eventId());
    }
  }

  /** What identifies a stored scan: its account's event id. */
  record EventKey(long account, String eventId) {}

  /**
   * What makes two scans under one event id the same scan: its number, type, time (to the
   * millisecond, as stored) and offset, location and description.
   */
  record Content(
      String trackingNumber,
      EventType type,
      long millis,
      int offsetSeconds,
      Location location,
      String description) {

    static Content of(ScanEvent e) {
      return new Content(
          e.trackingNumber().value(),
          e.type(),
          e.time().toInstant().toEpochMilli(),
          e.time().getOffset().getTotalSeconds(),
          e.location(),
          e.description());
    }
  }

  /**
   * Raised when a bulk load meets a scan whose event id is stored already; the transaction is then
   * lost, and the batch should be stored again through {@link #insertEvents}, which skips such
   * scans one by one.
   */
  static final class AlreadyStored extends RuntimeException {
    private static final long serialVersionUID = 1L;

    AlreadyStored(SQLException cause) {
      super("an event id is stored already", cause, false, false);
    }
  }

  private final Dialect dialect;

  ScanEventWriter(Dialect dialect) {
    this.dialect = dialect;
  }

  /**
   * Inserts the events whose key is new; element {@code i} of the result says whether {@code
   * events.get(i)} was inserted. Events already stored are skipped, not failed.
   */
  boolean[] insertEvents(Connection c, List<NewEvent> events, Instant receivedAt)
      throws SQLException {
    Map<EventKey, Integer> positions = HashMap.newHashMap(events.size());
    for (int i = 0; i < events.size(); i++) {
      positions.put(events.get(i).eventKey(), i);
    }
    boolean[] inserted = new boolean[events.size()];
    if (dialect == Dialect.POSTGRESQL) {
      insertEventsAsArrays(c, events, receivedAt, positions, inserted);
      return inserted;
    }
    long received = receivedAt.toEpochMilli();
    int chunk = Math.min(1000, dialect.maxParameters() / ScanEventColumn.COUNT_BUT_SEQ);
    String row = "(" + placeholders(ScanEventColumn.COUNT_BUT_SEQ) + ")";
    for (int from = 0; from < events.size(); from += chunk) {
      List<NewEvent> part = events.subList(from, Math.min(events.size(), from + chunk));
      StringBuilder sql =
          new StringBuilder("INSERT INTO scan_events (")
              .append(ScanEventColumn.NAMES_BUT_SEQ)
              .append(") VALUES ");
      for (int i = 0; i < part.size(); i++) {
        sql.append(i == 0 ? "" : ",").append(row);
      }
      sql.append(" ON CONFLICT (account_id, event_id) DO NOTHING RETURNING account_id, event_id");
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        int p = 1;
        for (NewEvent e : part) {
          p = ScanEventColumn.bindButSeq(ps, p, e, received);
        }
        markInserted(ps, positions, inserted);
      }
    }
    return inserted;
  }

  /**
   * PostgreSQL only, the fast way for {@link #insertEvents} when none of the scans is stored yet:
   * takes their receipt sequence numbers in blocks and loads them with one binary COPY. Throws
   * {@link AlreadyStored}, leaving the transaction aborted, if an event id is already stored (or is
   * stored meanwhile by another transaction); the caller then stores the batch again through {@link
   * #insertEvents}, which skips such scans one by one.
   */
  boolean[] copyNewEvents(Connection c, List<NewEvent> events, Instant receivedAt)
      throws SQLException {
    if (dialect != Dialect.POSTGRESQL) {
      throw new IllegalStateException("COPY is PostgreSQL's");
    }
    boolean[] inserted = new boolean[events.size()];
    if (events.isEmpty()) {
      return inserted;
    }
    long[] seqs = nextEventSeqs(c, events.size());
    BinaryCopy rows = new BinaryCopy(ScanEventColumn.COUNT, events.size() * 256);
    long received = receivedAt.toEpochMilli();
    for (int i : insertOrder(events)) {
      ScanEventColumn.copy(rows, events.get(i), seqs[i], received);
    }
    try {
      rows.into(c, "scan_events", ScanEventColumn.NAMES);
    } catch (SQLException e) {
      if (dialect.isUniqueViolation(e)) {
        throw new AlreadyStored(e);
      }
      throw e;
    }
    Arrays.fill(inserted, true);
    return inserted;
  }

  /**
   * The order PostgreSQL gets a batch's rows in: by event id (then account). A resent batch can be
   * stored while the first send still is, reordered; inserting shared ids in opposite orders, each
   * transaction would wait on the other's uncommitted ids, a deadlock. In one order for all, the
   * waits cannot form a cycle. Each row keeps the receipt sequence of its place in the batch.
   */
  private static int[] insertOrder(List<NewEvent> events) {
    Comparator<Integer> byKey =
        Comparator.<Integer, String>comparing(i -> events.get(i).event().eventId())
            .thenComparingLong(i -> events.get(i).account());
    return IntStream.range(0, events.size()).boxed().sorted(byKey).mapToInt(i -> i).toArray();
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
   * PostgreSQL: the whole batch as one array parameter per column, unnested into rows, in {@link
   * #insertOrder} with receipt sequence numbers taken as for COPY. Binding 13 arrays instead of
   * 13,000 scalars is most of the cost of a batch otherwise.
   */
  private static void insertEventsAsArrays(
      Connection c,
      List<NewEvent> events,
      Instant receivedAt,
      Map<EventKey, Integer> positions,
      boolean[] inserted)
      throws SQLException {
    long[] seqs = nextEventSeqs(c, events.size());
    try (PreparedStatement ps = c.prepareStatement(INSERT_ARRAYS)) {
      ScanEventColumn.bindArrays(
          c, ps, events, insertOrder(events), seqs, receivedAt.toEpochMilli());
      markInserted(ps, positions, inserted);
    }
  }

  /** Runs {@code ps}, marking the position of each (account, event id) it returns as inserted. */
  private static void markInserted(
      PreparedStatement ps, Map<EventKey, Integer> positions, boolean[] inserted)
      throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        Integer at = positions.get(new EventKey(rs.getLong(1), rs.getString(2)));
        if (at != null) {
          inserted[at] = true;
        }
      }
    }
  }

  /**
   * What is stored under the given keys, as far as it is: one query per account among them (a
   * batch's keys nearly always share one), never one per scan. Ingestion asks only for the scans it
   * could not insert, to tell a resent scan from a different one under a reused id.
   */
  Map<EventKey, Content> storedContents(Connection c, Collection<EventKey> keys)
      throws SQLException {
    Map<Long, List<String>> idsByAccount = new TreeMap<>();
    for (EventKey key : keys) {
      idsByAccount.computeIfAbsent(key.account(), a -> new ArrayList<>()).add(key.eventId());
    }
    Map<EventKey, Content> stored = HashMap.newHashMap(keys.size());
    for (var account : idsByAccount.entrySet()) {
      List<String> ids = account.getValue();
      if (dialect == Dialect.POSTGRESQL) {
        try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT "
                    + CONTENT_COLUMNS
                    + " FROM scan_events WHERE account_id = ? AND event_id = ANY (?)")) {
          ps.setLong(1, account.getKey());
          ps.setArray(2, c.createArrayOf("varchar", ids.toArray()));
          collectContents(ps, account.getKey(), stored);
        }
        continue;
      }
      int chunk = Math.min(1000, dialect.maxParameters() - 1);
      for (int from = 0; from < ids.size(); from += chunk) {
        List<String> part = ids.subList(from, Math.min(ids.size(), from + chunk));
        try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT "
                    + CONTENT_COLUMNS
                    + " FROM scan_events WHERE account_id = ? AND event_id IN ("
                    + placeholders(part.size())
                    + ")")) {
          ps.setLong(1, account.getKey());
          for (int i = 0; i < part.size(); i++) {
            ps.setString(i + 2, part.get(i));
          }
          collectContents(ps, account.getKey(), stored);
        }
      }
    }
    return stored;
  }

  private static void collectContents(
      PreparedStatement ps, long account, Map<EventKey, Content> stored) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        StoredEvent event = TrackingStore.storedEvent(rs, 3);
        stored.put(
            new EventKey(account, rs.getString(1)),
            new Content(
                rs.getString(2),
                event.type(),
                event.time().toInstant().toEpochMilli(),
                event.time().getOffset().getTotalSeconds(),
                event.location(),
                event.description()));
      }
    }
  }
}
