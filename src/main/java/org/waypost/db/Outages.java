package org.waypost.db;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/**
 * The one place that tells a database outage from a statement's own failure. An outage is not the
 * request's fault and goes away on its own (the server restarts, space is freed, a lock is let go),
 * so its callers answer {@code 503 unavailable} with {@code Retry-After}; anything else stays an
 * internal error.
 *
 * <p>Outages by class: the pool gave up waiting for a connection (HikariCP's {@link
 * SQLTransientConnectionException}); PostgreSQL's SQLState classes 08 (connection exception), 53
 * (insufficient resources, 53100 being a full disk), 57P01–57P03 (shut down, crashed, starting) and
 * 58030 (I/O error); SQLite's primary result codes BUSY (a lock held past the busy timeout), IOERR,
 * FULL (a full disk, or {@code max_page_count} reached) and CANTOPEN.
 */
final class Outages {
  private static final int SQLITE_BUSY = 5;
  private static final int SQLITE_IOERR = 10;
  private static final int SQLITE_FULL = 13;
  private static final int SQLITE_CANTOPEN = 14;

  private Outages() {}

  /** The first outage-class {@link SQLException} in {@code e}'s cause chain; null when none. */
  static SQLException find(Dialect dialect, Throwable e) {
    int depth = 0;
    for (Throwable t = e; t != null && depth < 10; t = t.getCause(), depth++) {
      if (t instanceof SQLException sql && isOutage(dialect, sql)) {
        return sql;
      }
    }
    return null;
  }

  static boolean isOutage(Dialect dialect, SQLException e) {
    if (e instanceof SQLTransientConnectionException) {
      return true;
    }
    String state = e.getSQLState();
    if (state != null
        && (state.startsWith("08")
            || state.startsWith("53")
            || state.startsWith("57P0")
            || state.equals("58030"))) {
      return true;
    }
    if (dialect == Dialect.SQLITE) {
      int primary = e.getErrorCode() & 0xff;
      return primary == SQLITE_BUSY
          || primary == SQLITE_IOERR
          || primary == SQLITE_FULL
          || primary == SQLITE_CANTOPEN;
    }
    return false;
  }

  /**
   * Whether the outage is one of storage rather than of the connection: the disk (or PostgreSQL's
   * resources) refused a write, which may leave reads working.
   */
  static boolean refusesWrites(Dialect dialect, SQLException e) {
    String state = e.getSQLState();
    if (state != null && (state.startsWith("53") || state.equals("58030"))) {
      return true;
    }
    int primary = e.getErrorCode() & 0xff;
    return dialect == Dialect.SQLITE
        && (primary == SQLITE_IOERR || primary == SQLITE_FULL || primary == SQLITE_CANTOPEN);
  }
}
