package org.waypost.tracking;

import static org.waypost.tracking.TrackingStore.placeholders;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.waypost.db.BinaryCopy;
import org.waypost.db.Dialect;
import org.waypost.tracking.TrackingStore.Piece;

/**
 * Stores scans: the write side of scan_events, kept apart from {@link TrackingStore}'s pieces and
 * histories because it is where ingestion spends its time, and because it is written three ways.
 * SQLite takes multi-row VALUES; PostgreSQL takes a batch as one array per column, or as one binary
 * COPY when none of its scans is stored yet. All three fill the columns {@link ScanEventColumn}
 * lists, each row mapped there once.
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
          + ") ON CONFLICT (event_id) DO NOTHING RETURNING event_id";

  /** A scan about to be stored, with the piece it belongs to. */
  record NewEvent(ScanEvent event, Piece piece) {}

  /**
   * Raised when a bulk load meets a scan whose {@code eventId} is stored already; the transaction
   * is then lost, and the batch should be stored again through {@link #insertEvents}, which skips
   * such scans one by one.
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
   * Inserts the events whose {@code eventId} is new; returns the ids of those inserted. Events
   * already stored are skipped, not failed.
   */
  Set<String> insertEvents(Connection c, List<NewEvent> events, Instant receivedAt)
      throws SQLException {
    Set<String> inserted = new HashSet<>();
    if (dialect == Dialect.POSTGRESQL) {
      insertEventsAsArrays(c, events, receivedAt, inserted);
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
      sql.append(" ON CONFLICT (event_id) DO NOTHING RETURNING event_id");
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        int p = 1;
        for (NewEvent e : part) {
          p = ScanEventColumn.bindButSeq(ps, p, e, received);
        }
        collectIds(ps, inserted);
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
  Set<String> copyNewEvents(Connection c, List<NewEvent> events, Instant receivedAt)
      throws SQLException {
    if (dialect != Dialect.POSTGRESQL) {
      throw new IllegalStateException("COPY is PostgreSQL's");
    }
    Set<String> inserted = new HashSet<>();
    if (events.isEmpty()) {
      return inserted;
    }
    long[] seqs = nextEventSeqs(c, events.size());
    BinaryCopy rows = new BinaryCopy(ScanEventColumn.COUNT, events.size() * 256);
    long received = receivedAt.toEpochMilli();
    for (int i : insertOrder(events)) {
      NewEvent event = events.get(i);
      ScanEventColumn.copy(rows, event, seqs[i], received);
      inserted.add(event.event().eventId());
    }
    try {
      rows.into(c, "scan_events", ScanEventColumn.NAMES);
    } catch (SQLException e) {
      if (dialect.isUniqueViolation(e)) {
        throw new AlreadyStored(e);
      }
      throw e;
    }
    return inserted;
  }

  /**
   * The order PostgreSQL gets a batch's rows in: by event id. A resent batch can be stored while
   * the first send still is, reordered; inserting shared ids in opposite orders, each transaction
   * would wait on the other's uncommitted ids, a deadlock. In one order for all, the waits cannot
   * form a cycle. Each row keeps the receipt sequence of its place in the batch.
   */
  private static int[] insertOrder(List<NewEvent> events) {
    return IntStream.range(0, events.size())
        .boxed()
        .sorted(Comparator.comparing(i -> events.get(i).event().eventId()))
        .mapToInt(Integer::intValue)
        .toArray();
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
      Connection c, List<NewEvent> events, Instant receivedAt, Set<String> inserted)
      throws SQLException {
    long[] seqs = nextEventSeqs(c, events.size());
    try (PreparedStatement ps = c.prepareStatement(INSERT_ARRAYS)) {
      ScanEventColumn.bindArrays(
          c, ps, events, insertOrder(events), seqs, receivedAt.toEpochMilli());
      collectIds(ps, inserted);
    }
  }

  /** Runs {@code ps}, adding each event id it returns to {@code inserted}. */
  private static void collectIds(PreparedStatement ps, Set<String> inserted) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        inserted.add(rs.getString(1));
      }
    }
  }
}
