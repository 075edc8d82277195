package org.waypost.visitor;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.waypost.db.Dialect;

/**
 * The SQL of the security log (tier 2). Rows hold tags and a sealed address, never an address or a
 * number in clear; reading them back means holding that day's keys.
 */
public final class SecurityLogStore {
  private static final String COLUMNS =
      "id, day, time, route_class, status, latency_micros, client_tag, prefix_tag, sealed_ip,"
          + " browser_family, browser_major, device_class, bot, privacy_signal, shipper_key_id";
  private static final int ROW_PARAMETERS = 15;

  /** One row as written. */
  public record Row(
      long id,
      LocalDate day,
      long time,
      RouteClass route,
      int status,
      long latencyMicros,
      byte[] clientTag,
      byte[] prefixTag,
      byte[] sealedIp,
      String browserFamily,
      String browserMajor,
      String deviceClass,
      boolean bot,
      boolean privacySignal,
      String shipperKeyId,
      List<NumberTag> numbers) {}

  /** A number asked in that request, as a tag, with its outcome. */
  public record NumberTag(byte[] tag, Outcome outcome) {}

  /** One row of {@code security_log_numbers}: a number asked in a visit. */
  private record NumberRow(Row row, NumberTag number) {}

  private final Dialect dialect;

  public SecurityLogStore(Dialect dialect) {
    this.dialect = dialect;
  }

  public void insert(Connection c, List<Row> rows) throws SQLException {
    int chunk = Math.min(1000, dialect.maxParameters() / ROW_PARAMETERS);
    for (int from = 0; from < rows.size(); from += chunk) {
      List<Row> part = rows.subList(from, Math.min(rows.size(), from + chunk));
      try (PreparedStatement ps =
          c.prepareStatement(insertSql("security_log", COLUMNS, ROW_PARAMETERS, part.size()))) {
        int p = 1;
        for (Row row : part) {
          ps.setLong(p++, row.id());
          ps.setString(p++, row.day().toString());
          ps.setLong(p++, row.time());
          ps.setString(p++, row.route().name());
          ps.setInt(p++, row.status());
          ps.setLong(p++, row.latencyMicros());
          ps.setBytes(p++, row.clientTag());
          ps.setBytes(p++, row.prefixTag());
          ps.setBytes(p++, row.sealedIp());
          ps.setString(p++, row.browserFamily());
          ps.setString(p++, row.browserMajor());
          ps.setString(p++, row.deviceClass());
          ps.setBoolean(p++, row.bot());
          ps.setBoolean(p++, row.privacySignal());
          ps.setString(p++, row.shipperKeyId());
        }
        ps.executeUpdate();
      }
    }
    List<NumberRow> numbers = new ArrayList<>();
    for (Row row : rows) {
      for (NumberTag number : row.numbers()) {
        numbers.add(new NumberRow(row, number));
      }
    }
    int numberChunk = Math.min(1000, dialect.maxParameters() / 4);
    for (int from = 0; from < numbers.size(); from += numberChunk) {
      List<NumberRow> part = numbers.subList(from, Math.min(numbers.size(), from + numberChunk));
      try (PreparedStatement ps =
          c.prepareStatement(
              insertSql(
                  "security_log_numbers", "log_id, day, number_tag, outcome", 4, part.size()))) {
        int p = 1;
        for (NumberRow n : part) {
          ps.setLong(p++, n.row().id());
          ps.setString(p++, n.row().day().toString());
          ps.setBytes(p++, n.number().tag());
          ps.setString(p++, n.number().outcome().name());
        }
        ps.executeUpdate();
      }
    }
  }

  /** Deletes the rows of every day before {@code cutoff}; returns how many rows went. */
  public int deleteBefore(Connection c, LocalDate cutoff) throws SQLException {
    try (PreparedStatement numbers =
            c.prepareStatement("DELETE FROM security_log_numbers WHERE day < ?");
        PreparedStatement rows = c.prepareStatement("DELETE FROM security_log WHERE day < ?")) {
      numbers.setString(1, cutoff.toString());
      numbers.executeUpdate();
      rows.setString(1, cutoff.toString());
      return rows.executeUpdate();
    }
  }

  /** A security-log entry as read back: enough to answer "who, when, with what". */
  public record Entry(long id, LocalDate day, long time, byte[] sealedIp, String browserFamily) {}

  /** The entries of {@code day} that asked for the number with {@code numberTag}. */
  public List<Entry> askedFor(Connection c, LocalDate day, byte[] numberTag) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT l.id, l.day, l.time, l.sealed_ip, l.browser_family FROM security_log l"
                + " JOIN security_log_numbers n ON n.log_id = l.id"
                + " WHERE n.day = ? AND n.number_tag = ? ORDER BY l.time")) {
      ps.setString(1, day.toString());
      ps.setBytes(2, numberTag);
      return entries(ps);
    }
  }

  private static List<Entry> entries(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      List<Entry> out = new ArrayList<>();
      while (rs.next()) {
        out.add(
            new Entry(
                rs.getLong(1),
                LocalDate.parse(rs.getString(2)),
                rs.getLong(3),
                rs.getBytes(4),
                rs.getString(5)));
      }
      return out;
    }
  }

  static String insertSql(String table, String columns, int parameters, int rows) {
    String row = "(" + String.join(",", Collections.nCopies(parameters, "?")) + ")";
    return "INSERT INTO "
        + table
        + " ("
        + columns
        + ") VALUES "
        + String.join(",", Collections.nCopies(rows, row));
  }
}
