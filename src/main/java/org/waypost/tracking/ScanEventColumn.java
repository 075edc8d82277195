package org.waypost.tracking;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToIntFunction;
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
 * number: COPY writes it into its buffer unboxed, with no row object in between. Each writer
 * switches on the column's kind of value rather than calling a binder per column, which keeps the
 * COPY loop free of a second virtual call per value.
 */
enum ScanEventColumn {
  /** The receipt order. PostgreSQL's writers take it in blocks; SQLite numbers rows itself. */
  SEQ("seq", int8((row, seq, receivedAt) -> seq)),
  EVENT_ID("event_id", text(row -> row.event().eventId())),
  /** The account whose event id it is: event ids are unique per account (migration V13). */
  ACCOUNT_ID("account_id", int8((row, seq, receivedAt) -> row.account())),
  /** The key that sent the scan; null when none did (the operator's import, see Sender). */
  API_KEY_ID("api_key_id", int8OrNull(NewEvent::key)),
  SHIPMENT_ID("shipment_id", int8((row, seq, receivedAt) -> row.piece().id())),
  TRACKING_NUMBER("tracking_number", text(row -> row.piece().trackingNumber())),
  TYPE("type", text(row -> row.event().type().name())),
  EVENT_TIME(
      "event_time", int8((row, seq, receivedAt) -> row.event().time().toInstant().toEpochMilli())),
  EVENT_TIME_OFFSET(
      "event_time_offset", int4(row -> row.event().time().getOffset().getTotalSeconds())),
  DESCRIPTION("description", text(row -> row.event().description())),
  CITY("city", text(row -> place(row) == null ? null : place(row).city())),
  REGION("region", text(row -> place(row) == null ? null : place(row).region())),
  POSTAL_CODE("postal_code", text(row -> place(row) == null ? null : place(row).postalCode())),
  COUNTRY("country", text(row -> place(row) == null ? null : place(row).country())),
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
          .map(c -> "?::" + sqlType(c.value) + "[]")
          .collect(Collectors.joining(", "));

  private final String column;
  private final Value value;

  ScanEventColumn(String column, Value value) {
    this.column = column;
    this.value = value;
  }

  /** Binds {@code row}'s {@link #NAMES_BUT_SEQ} from parameter {@code at}; returns the next one. */
  static int bindButSeq(PreparedStatement ps, int at, NewEvent row, long receivedAt)
      throws SQLException {
    for (ScanEventColumn c : BUT_SEQ) {
      switch (c.value) {
        case Int8 v -> ps.setLong(at++, v.value().of(row, 0, receivedAt)); // 0: SEQ is not bound
        case Int8OrNull v -> ps.setObject(at++, v.value().apply(row), Types.BIGINT);
        case Int4 v -> ps.setInt(at++, v.value().applyAsInt(row));
        case Text v -> ps.setString(at++, v.value().apply(row));
      }
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
      Object[] values =
          switch (column.value) {
            case Int8 v -> new Long[order.length];
            case Int8OrNull v -> new Long[order.length];
            case Int4 v -> new Integer[order.length];
            case Text v -> new String[order.length];
          };
      for (int i = 0; i < order.length; i++) {
        NewEvent row = rows.get(order[i]);
        values[i] =
            switch (column.value) {
              case Int8 v -> v.value().of(row, seqs[order[i]], receivedAt);
              case Int8OrNull v -> v.value().apply(row);
              case Int4 v -> v.value().applyAsInt(row);
              case Text v -> v.value().apply(row);
            };
      }
      ps.setArray(column.ordinal() + 1, c.createArrayOf(sqlType(column.value), values));
    }
  }

  /** Writes {@code row}, numbered {@code seq}, as the next row of {@code copy} ({@link #NAMES}). */
  static void copy(BinaryCopy copy, NewEvent row, long seq, long receivedAt) {
    copy.row();
    for (ScanEventColumn c : ALL) {
      switch (c.value) {
        case Int8 v -> copy.int8(v.value().of(row, seq, receivedAt));
        case Int8OrNull v -> {
          Long value = v.value().apply(row);
          if (value == null) {
            copy.nullValue();
          } else {
            copy.int8(value);
          }
        }
        case Int4 v -> copy.int4(v.value().applyAsInt(row));
        case Text v -> copy.text(v.value().apply(row));
      }
    }
  }

  private static String names(ScanEventColumn[] columns) {
    return Arrays.stream(columns).map(c -> c.column).collect(Collectors.joining(", "));
  }

  private static Location place(NewEvent row) {
    return row.event().location();
  }

  private static String sqlType(Value value) {
    return switch (value) {
      case Int8 v -> "bigint";
      case Int8OrNull v -> "bigint";
      case Int4 v -> "integer";
      case Text v -> "varchar";
    };
  }

  private static Value int8(LongValue value) {
    return new Int8(value);
  }

  private static Value int8OrNull(Function<NewEvent, Long> value) {
    return new Int8OrNull(value);
  }

  private static Value int4(ToIntFunction<NewEvent> value) {
    return new Int4(value);
  }

  private static Value text(Function<NewEvent, String> value) {
    return new Text(value);
  }

  /** How a column's value is taken from a row, by the column's SQL type. */
  private sealed interface Value permits Int8, Int8OrNull, Int4, Text {}

  private record Int8(LongValue value) implements Value {}

  private record Int8OrNull(Function<NewEvent, Long> value) implements Value {}

  private record Int4(ToIntFunction<NewEvent> value) implements Value {}

  private record Text(Function<NewEvent, String> value) implements Value {}

  /** A bigint's value: from the scan, or the row's receipt number, or its batch's receipt time. */
  @FunctionalInterface
  private interface LongValue {
    long of(NewEvent row, long seq, long receivedAt);
  }
}
