package org.waypost.db;

import java.sql.SQLException;
import org.waypost.error.Phrase;
import org.waypost.error.ProblemException;
import org.waypost.error.ProblemType;

/**
 * The database cannot serve right now (see {@link Outages}): the request was not at fault and may
 * be tried again. Over HTTP this is {@code 503 unavailable} with {@code Retry-After}, like every
 * other problem; the client is told nothing of the cause, which {@link #reason()} keeps for the
 * CLI.
 */
public final class DatabaseUnavailableException extends ProblemException {
  private static final long serialVersionUID = 1L;

  /** What clients are asked to wait before trying again. */
  public static final long RETRY_AFTER_SECONDS = 5;

  private final String reason;
  private final boolean writesRefused;

  DatabaseUnavailableException(SQLException cause, boolean writesRefused) {
    super(
        ProblemType.UNAVAILABLE,
        "The database is not available right now. Try again in a few seconds.",
        Phrase.of("database.unavailable"),
        RETRY_AFTER_SECONDS,
        cause);
    this.reason = describe(cause);
    this.writesRefused = writesRefused;
  }

  /** Whether storage refused a write (a full disk, say), rather than the connection failing. */
  boolean writesRefused() {
    return writesRefused;
  }

  /** The class of failure, for an operator: SQLState or SQLite code, and the driver's words. */
  public String reason() {
    return reason;
  }

  private static String describe(SQLException e) {
    String state = e.getSQLState() == null ? "" : " SQLState " + e.getSQLState();
    String code = e.getErrorCode() == 0 ? "" : " code " + e.getErrorCode();
    return (state + code).strip() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }
}
