package org.waypost.tracking;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.waypost.db.BinaryCopy;
import org.waypost.tracking.ScanEventWriter.NewEvent;

/**
 * The columns of scan_events that storing a scan fills, in order, and how a scan maps onto each:
 * the one list that {@link ScanEventWriter}'s three ways of writing (SQLite's multi-row VALUES,
 * PostgreSQL's unnested arrays and its binary COPY) all walk, so that a new column is added here
 * and in a migration, nowhere else.
 *
 * <p>A column takes its value straight from the scan to store, as a primitive where the column is a
 * number: COPY writes it into its buffer unboxed, and nothing is allocated per row.
 */
enum ScanEventColumn {
  /** The receipt order. PostgreSQL's writers take it in blocks; SQLite numbers rows itself. */
  SEQ("seq", int8((row, seq, receivedAt) -> seq)),
  EVENT_ID("event_id", text(row -> row.event().eventId())),
  SHIPMENT_ID("shipment_id", int8((row, seq, receivedAt) -> row.piece().id())),
  TRACKING_NUMBER("tracking_number", text(row -> row.piece().trackingNumber())),
  TYPE("type", text(row -> row.event().type().name())),
  EVENT_TIME(
      "event_time", int8((row, seq, receivedAt) -> row.event().time().toInstant().toEpochMilli())),
  EVENT_TIME_OFFSET(
      "event_time_offset", int4(row -> row.event().time().getOffset().getTotalSeconds())),
  DESCRIPTION("description", text(row -> row.event().description())),
  CITY("city", place(Location::city)),
  REGION("region", place(Location::region)),
  POSTAL_CODE("postal_code", place(Location::postalCode)),
  COUNTRY("country", place(Location::country)),
  RECEIVED_AT("received_at", int8((row, seq, receivedAt) -> receivedAt));

  private static final ScanEventColumn[] ALL = values();
  private static final ScanEventColumn[] BUT_SEQ = Arrays.copyOfRange(ALL, 1, ALL.length);

  /** Every column, for PostgreSQL's writers, which number the rows themselves. */
  static final String NAMES = names(ALL);

  /** Every column but {@link #SEQ}, for SQLite, which assigns it (AUTOINCREMENT). */
  static final String NAMES_BUT_SEQ = names(BUT_SEQ);

  static final int COUNT = ALL.length;
  static final int COUNT_BUT_SEQ = BUT_SEQ.length;

  /** The parameters that take the columns of a batch as arrays, each cast to its type. */
  static final String ARRAY_PARAMETERS =
      Arrays.stream(ALL)
          .map(c -> "?::" + c.binder.sqlType() + "[]")
          .collect(Collectors.joining(", "));

  private final String column;
  private final Binder binder;

  ScanEventColumn(String column, Binder binder) {
    this.column = column;
    this.binder = binder;
  }

  /** Binds {@code row}'s {@link #NAMES_BUT_SEQ} from parameter {@code at}; returns the next one. */
  static int bindButSeq(PreparedStatement ps, int at, NewEvent row, long receivedAt)
      throws SQLException {
    for (ScanEventColumn c : BUT_SEQ) {
      c.binder.bind(ps, at++, row, 0, receivedAt);
    }
    return at;
  }

  /**
   * Binds the {@link #ARRAY_PARAMETERS}, from parameter 1: row {@code i} is {@code
   * rows.get(order[i])}, numbered {@code seqs[order[i]]}.
   */
  static void bindArrays(
      Connection c,
      PreparedStatement ps,
      List<NewEvent> rows,
      int[] order,
      long[] seqs,
      long receivedAt)
      throws SQLException {
    for (ScanEventColumn column : ALL) {
      Object[] values = column.binder.array(rows, order, seqs, receivedAt);
      ps.setArray(column.ordinal() + 1, c.createArrayOf(column.binder.sqlType(), values));
    }
  }

  /** Writes {@code row}, numbered {@code seq}, as the next row of {@code copy} ({@link #NAMES}). */
  static void copy(BinaryCopy copy, NewEvent row, long seq, long receivedAt) {
    copy.row();
    for (ScanEventColumn c : ALL) {
      c.binder.copy(copy, row, seq, receivedAt);
    }
  }

  private static String names(ScanEventColumn[] columns) {
    return Arrays.stream(columns).map(c -> c.column).collect(Collectors.joining(", "));
  }

  /** A number column's value: besides the scan, a row's number and its batch's receipt time. */
  @FunctionalInterface
  private interface LongValue {
    long of(NewEvent row, long seq, long receivedAt);
  }

  @FunctionalInterface
  private interface IntValue {
    int of(NewEvent row);
  }

  private static Binder int8(LongValue value) {
    return new Int8(value);
  }

  private static Binder int4(IntValue value) {
    return new Int4(value);
  }

  private static Binder text(Function<NewEvent, String> value) {
    return new Text(value);
  }

  /** A part of the scan's location, NULL where the scan has none. */
  private static Binder place(Function<Location, String> part) {
    return text(
        row -> {
          Location location = row.event().location();
          return location == null ? null : part.apply(location);
        });
  }

  /** One SQL type's way into each of the three writers. */
  private sealed interface Binder permits Int8, Int4, Text {
    String sqlType();

    void bind(PreparedStatement ps, int at, NewEvent row, long seq, long receivedAt)
        throws SQLException;

    Object[] array(List<NewEvent> rows, int[] order, long[] seqs, long receivedAt);

    void copy(BinaryCopy copy, NewEvent row, long seq, long receivedAt);
  }

  private record Int8(LongValue value) implements Binder {
    @Override
    public String sqlType() {
      return "bigint";
    }

    @Override
    public void bind(PreparedStatement ps, int at, NewEvent row, long seq, long receivedAt)
        throws SQLException {
      ps.setLong(at, value.of(row, seq, receivedAt));
    }

    @Override
    public Long[] array(List<NewEvent> rows, int[] order, long[] seqs, long receivedAt) {
      Long[] values = new Long[order.length];
      for (int i = 0; i < order.length; i++) {
        values[i] = value.of(rows.get(order[i]), seqs[order[i]], receivedAt);
      }
      return values;
    }

    @Override
    public void copy(BinaryCopy copy, NewEvent row, long seq, long receivedAt) {
      copy.int8(value.of(row, seq, receivedAt));
    }
  }

  private record Int4(IntValue value) implements Binder {
    @Override
    public String sqlType() {
      return "integer";
    }

    @Override
    public void bind(PreparedStatement ps, int at, NewEvent row, long seq, long receivedAt)
        throws SQLException {
      ps.setInt(at, value.of(row));
    }

    @Override
    public Integer[] array(List<NewEvent> rows, int[] order, long[] seqs, long receivedAt) {
      Integer[] values = new Integer[order.length];
      for (int i = 0; i < order.length; i++) {
        values[i] = value.of(rows.get(order[i]));
      }
      return values;
    }

    @Override
    public void copy(BinaryCopy copy, NewEvent row, long seq, long receivedAt) {
      copy.int4(value.of(row));
    }
  }

  private record Text(Function<NewEvent, String> value) implements Binder {
    @Override
    public String sqlType() {
      return "varchar";
    }

    @Override
    public void bind(PreparedStatement ps, int at, NewEvent row, long seq, long receivedAt)
        throws SQLException {
      ps.setString(at, value.apply(row));
    }

    @Override
    public String[] array(List<NewEvent> rows, int[] order, long[] seqs, long receivedAt) {
      String[] values = new String[order.length];
      for (int i = 0; i < order.length; i++) {
        values[i] = value.apply(rows.get(order[i]));
      }
      return values;
    }

    @Override
    public void copy(BinaryCopy copy, NewEvent row, long seq, long receivedAt) {
      copy.text(value.apply(row));
    }
  }
}
