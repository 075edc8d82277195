package org.waypost.abuse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The SQL of abuse incidents and of what operators did about them. */
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

  /**
   * Incidents from days on or after {@code since} with an id above {@code afterId}, or recorded
   * (last seen) at or after {@code seenFrom}: ids are taken when a transaction inserts and become
   * visible when it commits, so an incident with a lower id may appear after a higher one.
   */
  List<Row> since(Connection c, long afterId, long seenFrom, LocalDate since) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT "
                + COLUMNS
                + " FROM incidents WHERE day >= ? AND (id > ? OR last_seen >= ?) ORDER BY id")) {
      ps.setString(1, since.toString());
      ps.setLong(2, afterId);
      ps.setLong(3, seenFrom);
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
    return find(c, id, "");
  }

  /** The incident, its row locked until the transaction ends ({@code forUpdate} of the dialect). */
  Optional<Row> find(Connection c, long id, String forUpdate) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + COLUMNS + " FROM incidents WHERE id = ?" + forUpdate)) {
      ps.setLong(1, id);
      List<Row> rows = rows(ps);
      return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }
  }

  /**
   * An operator's action on an incident, with what the block index needs to know of the incident:
   * its day, scope and network tag.
   *
   * @param allowedUntil for {@link IncidentAction#ALLOWED}, when the allowance ends; else null
   */
  record Action(
      long id,
      long incident,
      IncidentAction kind,
      String operator,
      String reason,
      long at,
      Long allowedUntil,
      long auditSeq,
      LocalDate day,
      Blocks.Scope scope,
      byte[] prefixTag) {
    /** This action as stored under {@code id}. */
    Action withId(long id) {
      return new Action(
          id, incident, kind, operator, reason, at, allowedUntil, auditSeq, day, scope, prefixTag);
    }
  }

  private static final String ACTION_COLUMNS =
      "a.id, a.incident_id, a.action, a.operator, a.reason, a.created_at, a.allowed_until,"
          + " a.audit_seq, i.day, i.scope, i.prefix_tag";

  /** Stores an action (its id, day, scope and tag are not stored: they are the incident's). */
  long insertAction(Connection c, Action action) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO incident_actions (incident_id, action, operator, reason, created_at,"
                + " allowed_until, audit_seq) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id")) {
      ps.setLong(1, action.incident());
      ps.setString(2, action.kind().name());
      ps.setString(3, action.operator());
      ps.setString(4, action.reason());
      ps.setLong(5, action.at());
      if (action.allowedUntil() == null) {
        ps.setNull(6, java.sql.Types.BIGINT);
      } else {
        ps.setLong(6, action.allowedUntil());
      }
      ps.setLong(7, action.auditSeq());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /**
   * Actions with an id above {@code afterId} or created at or after {@code createdFrom} (for the
   * same reason as {@link #since}), oldest first.
   */
  List<Action> actionsSince(Connection c, long afterId, long createdFrom) throws SQLException {
    return actions(c, "(a.id > ? OR a.created_at >= ?)", afterId, createdFrom);
  }

  /** The actions on one incident, oldest first. */
  List<Action> actionsOf(Connection c, long incident) throws SQLException {
    return actions(c, "a.incident_id = ?", incident);
  }

  /** The actions on incidents with an id of at least {@code fromIncident}, oldest first. */
  List<Action> actionsFrom(Connection c, long fromIncident) throws SQLException {
    return actions(c, "a.incident_id >= ?", fromIncident);
  }

  private static List<Action> actions(Connection c, String where, long... values)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT "
                + ACTION_COLUMNS
                + " FROM incident_actions a JOIN incidents i ON i.id = a.incident_id WHERE "
                + where
                + " ORDER BY a.id")) {
      for (int i = 0; i < values.length; i++) {
        ps.setLong(i + 1, values[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        List<Action> out = new ArrayList<>();
        while (rs.next()) {
          long until = rs.getLong(7);
          Long allowedUntil = rs.wasNull() ? null : until;
          out.add(
              new Action(
                  rs.getLong(1),
                  rs.getLong(2),
                  IncidentAction.valueOf(rs.getString(3)),
                  rs.getString(4),
                  rs.getString(5),
                  rs.getLong(6),
                  allowedUntil,
                  rs.getLong(8),
                  LocalDate.parse(rs.getString(9)),
                  Blocks.Scope.valueOf(rs.getString(10)),
                  rs.getBytes(11)));
        }
        return out;
      }
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
