package org.waypost.visitor;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.waypost.db.Dialect;

/**
 * The SQL of the aggregates (tier 3): counters by hour and day, dimension and value, and the
 * distinct visitor tags of days not yet counted. Plain queries: this corner needs no model.
 */
public final class TrafficCounts {
  /** Dimensions of the counters: what each count is a count of. */
  public static final String REQUESTS = "requests";

  public static final String STATUS = "status";
  public static final String LOOKUPS = "lookups";
  public static final String BROWSER = "browser";
  public static final String OS = "os";
  public static final String DEVICE = "device";
  public static final String TRAFFIC = "traffic";
  public static final String REFERRER = "referrer";
  public static final String COUNTRY = "country";
  public static final String EXCLUDED = "excluded";
  public static final String VISITORS = "visitors";

  /** Values of the traffic, excluded and visitors dimensions. */
  public static final String BOT = "bot";

  public static final String HUMAN = "human";
  public static final String PRIVACY_SIGNAL = "privacy_signal";
  public static final String UNIQUE = "unique";

  /** A counter's address: period 'H' (bucket 2026-11-29T13) or 'D' (bucket 2026-11-29). */
  public record Cell(char period, String bucket, String dimension, String value) {}

  public void add(Connection c, Map<Cell, Long> increments) throws SQLException {
    if (increments.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO traffic_counts (period, bucket, dimension, value, count)"
                + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (period, bucket, dimension, value)"
                + " DO UPDATE SET count = traffic_counts.count + excluded.count")) {
      for (var entry : increments.entrySet()) {
        Cell cell = entry.getKey();
        ps.setString(1, String.valueOf(cell.period()));
        ps.setString(2, cell.bucket());
        ps.setString(3, cell.dimension());
        ps.setString(4, cell.value());
        ps.setLong(5, entry.getValue());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /**
   * Notes that these visitors came on {@code day}. The tags go into a table without a key, in the
   * order they come: a unique index on random tags costs a random page written per new visitor (on
   * SQLite, in the lookup server's own process: most of what capture cost per lookup), where
   * appending costs a share of one page. Repeats are dropped earlier ({@link VisitorLog} remembers
   * whom it wrote today) and the rest are counted once by {@link #finishVisitors}.
   */
  public void addVisitors(Connection c, LocalDate day, Collection<byte[]> tags)
      throws SQLException {
    if (tags.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement("INSERT INTO daily_visitors (day, tag) VALUES (?, ?)")) {
      String dayText = day.toString();
      for (byte[] tag : tags) {
        ps.setString(1, dayText);
        ps.setBytes(2, tag);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** Distinct visitors of a day still being counted. */
  public long visitorsSoFar(Connection c, LocalDate day) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT COUNT(DISTINCT tag) FROM daily_visitors WHERE day = ?")) {
      ps.setString(1, day.toString());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** Days before {@code cutoff} whose visitors are still held as tags. */
  public List<LocalDate> unfinishedDaysBefore(Connection c, LocalDate cutoff) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT DISTINCT day FROM daily_visitors WHERE day < ? ORDER BY day")) {
      ps.setString(1, cutoff.toString());
      try (ResultSet rs = ps.executeQuery()) {
        List<LocalDate> days = new ArrayList<>();
        while (rs.next()) {
          days.add(LocalDate.parse(rs.getString(1)));
        }
        return days;
      }
    }
  }

  /**
   * Counts a finished day's distinct visitors into the aggregates and deletes their tags. The count
   * is taken from the rows this transaction deletes, not from a count read beforehand: two runs at
   * once (two nodes, or a node and {@code retention run}) under READ COMMITTED would both read
   * every tag and add it twice, but a row can be deleted only once, so the second run adds what is
   * left (zero). PostgreSQL counts the deleted rows' distinct tags in the same statement; SQLite's
   * write transactions begin IMMEDIATE, so no other run can delete between its count and its
   * delete.
   */
  public long finishVisitors(Connection c, LocalDate day) throws SQLException {
    long count;
    boolean postgres = Dialect.of(c.getMetaData().getURL()) == Dialect.POSTGRESQL;
    String countSql =
        postgres
            ? "WITH gone AS (DELETE FROM daily_visitors WHERE day = ? RETURNING tag)"
                + " SELECT COUNT(DISTINCT tag) FROM gone"
            : "SELECT COUNT(DISTINCT tag) FROM daily_visitors WHERE day = ?";
    try (PreparedStatement ps = c.prepareStatement(countSql)) {
      ps.setString(1, day.toString());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        count = rs.getLong(1);
      }
    }
    if (!postgres) {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM daily_visitors WHERE day = ?")) {
        ps.setString(1, day.toString());
        ps.executeUpdate();
      }
    }
    if (count > 0) {
      add(c, Map.of(new Cell('D', day.toString(), VISITORS, UNIQUE), count));
    }
    return count;
  }

  /**
   * Deletes the hourly and daily counters of days before {@code cutoff}: buckets are ISO days or
   * days with an hour ({@code 2026-11-29T13}), so they sort as their time does.
   */
  public int deleteBefore(Connection c, LocalDate cutoff) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM traffic_counts WHERE bucket < ?")) {
      ps.setString(1, cutoff.toString());
      return ps.executeUpdate();
    }
  }

  /** A stored counter. */
  public record Count(String bucket, String dimension, String value, long count) {}

  /** Every counter of {@code period} with buckets in [from, to] (inclusive, as text). */
  public List<Count> read(Connection c, char period, String from, String to) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT bucket, dimension, value, count FROM traffic_counts"
                + " WHERE period = ? AND bucket >= ? AND bucket <= ? ORDER BY bucket, dimension, value")) {
      ps.setString(1, String.valueOf(period));
      ps.setString(2, from);
      ps.setString(3, to);
      try (ResultSet rs = ps.executeQuery()) {
        List<Count> out = new ArrayList<>();
        while (rs.next()) {
          out.add(new Count(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)));
        }
        return out;
      }
    }
  }
}
