package org.waypost.governance;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.waypost.db.Database;
import org.waypost.governance.LegalRequests.Filing;
import org.waypost.governance.LegalRequests.LegalRequest;

/**
 * The {@code legal_requests} table: every statement that reads or writes it, and its row mapping.
 *
 * <p>Why apart from {@link LegalRequests}: the workflow (who may take which step, in which state,
 * with which audit entry) reads best without the column lists in between. The writes take the
 * caller's connection, so each step and its audit entry stay in one transaction.
 */
final class LegalRequestStore {
  private static final String COLUMNS =
      "id, authority, legal_process, emergency, case_reference, tracking_numbers, date_from,"
          + " date_to, status, filed_by, filed_at, decided_by, decided_at, decision_reason,"
          + " executed_by, executed_at, records_disclosed, days_destroyed, disclosure_sha256";

  private final Database database;

  LegalRequestStore(Database database) {
    this.database = Objects.requireNonNull(database, "database");
  }

  /** Inserts a checked filing as {@link LegalStatus#PENDING}; returns its id. */
  long insert(Connection c, Filing f, String filedBy, long filedAt) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO legal_requests (authority, legal_process, emergency,"
                + " case_reference, tracking_numbers, date_from, date_to, status,"
                + " filed_by, filed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " RETURNING id")) {
      ps.setString(1, f.authority());
      ps.setString(2, f.process().name());
      ps.setBoolean(3, f.process() == LegalProcess.EMERGENCY);
      ps.setString(4, f.caseReference());
      ps.setString(5, String.join(",", f.trackingNumbers()));
      ps.setString(6, f.from().toString());
      ps.setString(7, f.to().toString());
      ps.setString(8, LegalStatus.PENDING.name());
      ps.setString(9, filedBy);
      ps.setLong(10, filedAt);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** Records an approval or a rejection ({@code reason} null for an approval). */
  void decide(
      Connection c, long id, LegalStatus decision, String decidedBy, long decidedAt, String reason)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE legal_requests SET status = ?, decided_by = ?, decided_at = ?,"
                + " decision_reason = ? WHERE id = ?")) {
      ps.setString(1, decision.name());
      ps.setString(2, decidedBy);
      ps.setLong(3, decidedAt);
      ps.setString(4, reason);
      ps.setLong(5, id);
      ps.executeUpdate();
    }
  }

  /**
   * Records an execution's outcome, its counts and the SHA-256 of the CSV exported; what was
   * disclosed is never stored.
   */
  void executed(
      Connection c,
      long id,
      LegalStatus outcome,
      String executedBy,
      long executedAt,
      int recordsDisclosed,
      int daysDestroyed,
      String disclosureSha256)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE legal_requests SET status = ?, executed_by = ?, executed_at = ?,"
                + " records_disclosed = ?, days_destroyed = ?, disclosure_sha256 = ?"
                + " WHERE id = ?")) {
      ps.setString(1, outcome.name());
      ps.setString(2, executedBy);
      ps.setLong(3, executedAt);
      ps.setInt(4, recordsDisclosed);
      ps.setInt(5, daysDestroyed);
      ps.setString(6, disclosureSha256);
      ps.setLong(7, id);
      ps.executeUpdate();
    }
  }

  /** The request with this id. */
  Optional<LegalRequest> find(long id) {
    return database.read(c -> find(c, id));
  }

  /** The request with this id, read on {@code c}. */
  Optional<LegalRequest> find(Connection c, long id) throws SQLException {
    return one(c, "SELECT " + COLUMNS + " FROM legal_requests WHERE id = ?", id);
  }

  /** The request with this id, its row locked until {@code c}'s transaction ends. */
  Optional<LegalRequest> lock(Connection c, long id) throws SQLException {
    return one(
        c,
        "SELECT " + COLUMNS + " FROM legal_requests WHERE id = ?" + database.dialect().forUpdate(),
        id);
  }

  /** The newest {@code limit} requests, newest first. */
  List<LegalRequest> list(int limit) {
    return database.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT " + COLUMNS + " FROM legal_requests ORDER BY id DESC LIMIT ?")) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
              List<LegalRequest> out = new ArrayList<>();
              while (rs.next()) {
                out.add(request(rs));
              }
              return out;
            }
          }
        });
  }

  private static Optional<LegalRequest> one(Connection c, String sql, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(request(rs)) : Optional.empty();
      }
    }
  }

  private static LegalRequest request(ResultSet rs) throws SQLException {
    String numbers = rs.getString(6);
    return new LegalRequest(
        rs.getLong(1),
        rs.getString(2),
        LegalProcess.valueOf(rs.getString(3)),
        rs.getBoolean(4),
        rs.getString(5),
        numbers.isEmpty() ? List.of() : Arrays.asList(numbers.split(",")),
        LocalDate.parse(rs.getString(7)),
        LocalDate.parse(rs.getString(8)),
        LegalStatus.valueOf(rs.getString(9)),
        rs.getString(10),
        Instant.ofEpochMilli(rs.getLong(11)),
        rs.getString(12),
        instant(rs, 13),
        rs.getString(14),
        rs.getString(15),
        instant(rs, 16),
        integer(rs, 17),
        integer(rs, 18),
        rs.getString(19));
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    long millis = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
  }

  private static Integer integer(ResultSet rs, int column) throws SQLException {
    int value = rs.getInt(column);
    return rs.wasNull() ? null : value;
  }
}
