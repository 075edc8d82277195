package org.waypost.abuse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The SQL of abuse incidents. */
final class IncidentStore {
  private static final String COLUMNS =
      "id, day, rule, scope, client_tag, prefix_tag, sealed_ip, lookups, failures, first_seen,"
          + " last_seen, action, blocked_until, offence";

  /** An incident row as stored. */
  record Row(
      long id,
      LocalDate day,
      String rule,
      Blocks.Scope scope,
      byte[] clientTag,
      byte[] prefixTag,
      byte[] sealedIp,
      int lookups,
      int failures,
      long firstSeen,
      long lastSeen,
      String action,
      long blockedUntil,
      int offence) {}

  long insert(Connection c, Row row) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO incidents ("
                + COLUMNS.substring("id, ".length())
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")) {
      ps.setString(1, row.day().toString());
      ps.setString(2, row.rule());
      ps.setString(3, row.scope().name());
      ps.setBytes(4, row.clientTag());
      ps.setBytes(5, row.prefixTag());
      ps.setBytes(6, row.sealedIp());
      ps.setInt(7, row.lookups());
      ps.setInt(8, row.failures());
      ps.setLong(9, row.firstSeen());
      ps.setLong(10, row.lastSeen());
      ps.setString(11, row.action());
      ps.setLong(12, row.blockedUntil());
      ps.setInt(13, row.offence());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** Incidents with an id above {@code afterId} from days on or after {@code since}. */
  List<Row> since(Connection c, long afterId, LocalDate since) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT " + COLUMNS + " FROM incidents WHERE id > ? AND day >= ? ORDER BY id")) {
      ps.setLong(1, afterId);
      ps.setString(2, since.toString());
      return rows(ps);
    }
  }

  /** The newest incidents first. */
  List<Row> newest(Connection c, int limit) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + COLUMNS + " FROM incidents ORDER BY id DESC LIMIT ?")) {
      ps.setInt(1, limit);
      return rows(ps);
    }
  }

  Optional<Row> find(Connection c, long id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + COLUMNS + " FROM incidents WHERE id = ?")) {
      ps.setLong(1, id);
      List<Row> rows = rows(ps);
      return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }
  }

  private static List<Row> rows(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      List<Row> out = new ArrayList<>();
      while (rs.next()) {
        out.add(
            new Row(
                rs.getLong(1),
                LocalDate.parse(rs.getString(2)),
                rs.getString(3),
                Blocks.Scope.valueOf(rs.getString(4)),
                rs.getBytes(5),
                rs.getBytes(6),
                rs.getBytes(7),
                rs.getInt(8),
                rs.getInt(9),
                rs.getLong(10),
                rs.getLong(11),
                rs.getString(12),
                rs.getLong(13),
                rs.getInt(14)));
      }
      return out;
    }
  }
}
