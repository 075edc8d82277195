package org.waypost.db;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import org.postgresql.PGConnection;

/**
 * Rows in PostgreSQL's binary COPY format, loaded with {@code COPY ... FROM STDIN (FORMAT binary)}:
 * the cheapest way into a PostgreSQL table, since the server neither parses text nor plans a
 * statement per row, and writes whole pages of rows per WAL record. Each row must give every
 * column, in the order named when copying; PostgreSQL checks the types and constraints as usual.
 */
public final class BinaryCopy {
  private static final byte[] SIGNATURE = {
    'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0
  };

  private final int columns;
  private byte[] buffer;
  private int length;

  public BinaryCopy(int columns, int expectedBytes) {
    this.columns = columns;
    this.buffer = new byte[Math.max(64, expectedBytes)];
    bytes(SIGNATURE);
    int4Raw(0); // flags: no OIDs
    int4Raw(0); // no header extension
  }

  /** Starts the next row; its columns follow. */
  public BinaryCopy row() {
    int2Raw(columns);
    return this;
  }

  /** A {@code varchar}, {@code text} or {@code char} value, or NULL. */
  public BinaryCopy text(String value) {
    if (value == null) {
      return nullValue();
    }
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    int4Raw(utf8.length);
    bytes(utf8);
    return this;
  }

  /** A {@code bigint}. */
  public BinaryCopy int8(long value) {
    int4Raw(8);
    int4Raw((int) (value >>> 32));
    int4Raw((int) value);
    return this;
  }

  /** An {@code integer}. */
  public BinaryCopy int4(int value) {
    int4Raw(4);
    int4Raw(value);
    return this;
  }

  public BinaryCopy nullValue() {
    int4Raw(-1);
    return this;
  }

  /**
   * Loads the rows into {@code table}, whose {@code columnList} names the columns in the order the
   * rows give them; returns how many rows PostgreSQL stored. A constraint violation fails the whole
   * COPY (and the transaction it runs in) with PostgreSQL's SQLState.
   */
  public long into(Connection c, String table, String columnList) throws SQLException {
    int2Raw(-1); // trailer
    var copy =
        c.unwrap(PGConnection.class)
            .getCopyAPI()
            .copyIn("COPY " + table + " (" + columnList + ") FROM STDIN (FORMAT binary)");
    try {
      copy.writeToCopy(buffer, 0, length);
      return copy.endCopy();
    } finally {
      if (copy.isActive()) {
        copy.cancelCopy();
      }
    }
  }

  private void int2Raw(int value) {
    room(2);
    buffer[length++] = (byte) (value >>> 8);
    buffer[length++] = (byte) value;
  }

  private void int4Raw(int value) {
    room(4);
    buffer[length++] = (byte) (value >>> 24);
    buffer[length++] = (byte) (value >>> 16);
    buffer[length++] = (byte) (value >>> 8);
    buffer[length++] = (byte) value;
  }

  private void bytes(byte[] value) {
    room(value.length);
    System.arraycopy(value, 0, buffer, length, value.length);
    length += value.length;
  }

  private void room(int more) {
    if (length + more > buffer.length) {
      buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
    }
  }
}
