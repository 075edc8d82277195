package org.waypost.governance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.waypost.db.Database;
import org.waypost.error.ProblemException;
import org.waypost.error.ProblemType;

/**
 * The public transparency report (guarantee 5): how many legal requests were received in each
 * half-year, by legal process and outcome, like Google's and Apple's reports; and the statements
 * the operator keeps making (warrant-canary style), each with the day an admin last confirmed it.
 *
 * <p>Requests count in the half-year they were filed in (UTC), whatever happened to them later. A
 * period shows every legal process, with zeros, and every half-year from the first request to now
 * is shown, so that "none" is said as plainly as any number. Nothing identifies a request here: no
 * authority, case reference or number. Beside them, each half-year counts the addresses security
 * operators revealed behind abuse incidents, the other way an address leaves Waypost. Periods run
 * from the first data (the first audit entry, written when a server first starts) to now.
 *
 * <p>Each confirmation of a statement is signed with the audit signing key, whose public half the
 * report publishes with the latest checkpoint, so that a copy of a statement can be checked offline
 * (docs/governance.md).
 *
 * <p>It also publishes the audit log's newest signed checkpoint, so that anyone who keeps a copy
 * can later catch a log cut or rewritten behind it, and every restore from a backup with the
 * entries it lost: a restore is never silent.
 *
 * <p>With a read replica the report is read from it, except for {@link Database#OWN_WRITES_WINDOW}
 * after this node changed a statement: the admin who just added or confirmed one sees it at once.
 */
public final class Transparency {
  /**
   * One legal process's requests in a period.
   *
   * @param pending filed but without an outcome yet: awaiting a decision, or approved and not yet
   *     executed
   * @param disclosed requests answered with data: approved, executed, and some records in scope
   *     still existed
   * @param recordsDisclosed the security-log records those requests disclosed, summed: the figure
   *     the console shows on each request as "records disclosed"
   */
  public record Row(
      LegalProcess legalProcess,
      int received,
      int rejected,
      int disclosed,
      int noData,
      int pending,
      int recordsDisclosed) {}

  /** The totals of a period, over all legal processes. */
  public record Totals(
      int received, int rejected, int disclosed, int noData, int pending, int recordsDisclosed) {}

  /**
   * A half-year, e.g. {@code 2026-H2} from 2026-07-01 to 2026-12-31.
   *
   * @param addressReveals how many times a security operator revealed the address behind an abuse
   *     incident (each reveal is an {@code incident.reveal} audit entry): disclosures made without
   *     a legal request, counted beside those made with one
   */
  public record Period(
      String period,
      LocalDate from,
      LocalDate to,
      List<Row> byProcess,
      Totals total,
      int addressReveals) {
    public Period {
      byProcess = List.copyOf(byProcess);
    }
  }

  /**
   * A statement and the day an admin last confirmed it still holds; null when never.
   *
   * @param signature base64 Ed25519 signature (Tink, with its key-id prefix) by the audit key over
   *     {@link #statementMessage}; null until first confirmed
   */
  public record Statement(long id, String text, LocalDate confirmedOn, String signature) {}

  /** The tag that starts what a statement's signature covers. */
  public static final String STATEMENT_TAG = "waypost-transparency-statement";

  /**
   * The whole report, newest period first.
   *
   * @param latestCheckpoint the audit log's newest signed checkpoint, published so that outsiders
   *     hold copies: a later log that does not reach it, or differs at it, was cut or rewritten;
   *     null before the first
   * @param restores every restore of the database from a backup, with the audit entries it lost
   */
  public record Report(
      LocalDate asOf,
      List<Period> periods,
      List<Statement> statements,
      AuditLog.PublishedCheckpoint latestCheckpoint,
      List<AuditLog.Restore> restores) {
    public Report {
      periods = List.copyOf(periods);
      statements = List.copyOf(statements);
      restores = List.copyOf(restores);
    }
  }

  public static final int MAX_STATEMENT = 300;

  /** Positions in a tally: received, then the outcome columns. */
  private static final int RECEIVED = 0;

  private static final int REJECTED = 1;
  private static final int DISCLOSED = 2;
  private static final int NO_DATA = 3;
  private static final int PENDING = 4;
  private static final int RECORDS = 5;
  private static final int COLUMNS = 6;
  private static final ObjectMapper PLAIN = new ObjectMapper();

  private final Database database;
  private final Database reads;
  private final AuditLog audit;
  private final Clock clock;
  private volatile long wroteAt = System.nanoTime() - Database.OWN_WRITES_WINDOW.toNanos();

  public Transparency(Database db, AuditLog audit, Clock clock) {
    this(db, db, audit, clock);
  }

  /** Reads the report from {@code reads} (a replica, or the primary itself). */
  public Transparency(Database db, Database reads, AuditLog audit, Clock clock) {
    this.database = Objects.requireNonNull(db, "db");
    this.reads = Objects.requireNonNull(reads, "reads");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The report as of now: every half-year from the first data (audit entry or request) on. */
  public Report report() {
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    TreeMap<Integer, Map<LegalProcess, int[]>> tallies = new TreeMap<>();
    TreeMap<Integer, Integer> reveals = new TreeMap<>();
    int[] firstData = {halfYear(today)};
    boolean ownWrite = System.nanoTime() - wroteAt < Database.OWN_WRITES_WINDOW.toNanos();
    List<Statement> statements =
        (ownWrite ? database : reads)
            .read(
                c -> {
                  try (PreparedStatement ps =
                          c.prepareStatement(
                              "SELECT legal_process, status, filed_at, records_disclosed"
                                  + " FROM legal_requests");
                      ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                      int[] tally =
                          tallies
                              .computeIfAbsent(
                                  halfYear(rs.getLong(3)), h -> new EnumMap<>(LegalProcess.class))
                              .computeIfAbsent(
                                  LegalProcess.valueOf(rs.getString(1)), p -> new int[COLUMNS]);
                      count(tally, LegalStatus.valueOf(rs.getString(2)));
                      tally[RECORDS] += rs.getInt(4);
                    }
                  }
                  try (PreparedStatement ps =
                          c.prepareStatement(
                              "SELECT time FROM audit_log WHERE action = 'incident.reveal'");
                      ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                      reveals.merge(halfYear(rs.getLong(1)), 1, Integer::sum);
                    }
                  }
                  // the first entry is the oldest: entries are appended in time order
                  try (PreparedStatement ps =
                          c.prepareStatement("SELECT time FROM audit_log ORDER BY seq LIMIT 1");
                      ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                      firstData[0] = Math.min(firstData[0], halfYear(rs.getLong(1)));
                    }
                  }
                  return statements(c);
                });
    int current = halfYear(today);
    int first = firstData[0];
    int last = current;
    for (TreeMap<Integer, ?> seen : List.of(tallies, reveals)) {
      if (!seen.isEmpty()) {
        first = Math.min(first, seen.firstKey());
        last = Math.max(last, seen.lastKey());
      }
    }
    List<Period> periods = new ArrayList<>();
    for (int half = last; half >= first; half--) {
      periods.add(
          period(half, tallies.getOrDefault(half, Map.of()), reveals.getOrDefault(half, 0)));
    }
    return new Report(
        today, periods, statements, audit.latestCheckpoint().orElse(null), audit.restores());
  }

  /**
   * What a statement's signature covers: the JSON array {@code
   * ["waypost-transparency-statement",id,"text","2026-12-05"]}, as UTF-8 without spaces.
   */
  public static byte[] statementMessage(long id, String text, LocalDate confirmedOn) {
    try {
      return PLAIN.writeValueAsBytes(List.of(STATEMENT_TAG, id, text, confirmedOn.toString()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode a statement", e);
    }
  }

  /**
   * Records that an admin confirmed, today, that a statement still holds.
   *
   * @throws ProblemException {@code forbidden} without the admin role; {@code not-found}
   */
  public Statement confirm(long statementId, Operator by) {
    require(by);
    long now = clock.millis();
    LocalDate today = LocalDate.ofInstant(Instant.ofEpochMilli(now), ZoneOffset.UTC);
    Statement confirmed =
        database.inTransaction(
            c -> {
              String text = null;
              try (PreparedStatement ps =
                  c.prepareStatement("SELECT text FROM transparency_statements WHERE id = ?")) {
                ps.setLong(1, statementId);
                try (ResultSet rs = ps.executeQuery()) {
                  if (rs.next()) {
                    text = rs.getString(1);
                  }
                }
              }
              if (text == null) {
                throw ProblemException.notFound("No transparency statement " + statementId + ".");
              }
              String signature = audit.sign(statementMessage(statementId, text, today));
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "UPDATE transparency_statements SET confirmed_at = ?, confirmed_by = ?,"
                          + " signature = ? WHERE id = ?")) {
                ps.setLong(1, now);
                ps.setString(2, by.name());
                ps.setString(3, signature);
                ps.setLong(4, statementId);
                ps.executeUpdate();
              }
              Statement statement =
                  statements(c).stream()
                      .filter(s -> s.id() == statementId)
                      .findFirst()
                      .orElseThrow();
              audit.append(
                  c,
                  by.name(),
                  "transparency.confirm",
                  "statement:" + statementId,
                  Map.of("text", statement.text(), "signature", statement.signature()));
              return statement;
            });
    wroteAt = System.nanoTime();
    audit.checkpointWhenPossible();
    return confirmed;
  }

  /**
   * Adds a statement at the end; it shows as not yet confirmed until an admin confirms it.
   *
   * @throws ProblemException {@code forbidden} without the admin role; {@code validation-failed}
   *     for empty, long or control-character text
   */
  public Statement addStatement(String text, Operator by) {
    require(by);
    String clean = Texts.checked(text, "text", MAX_STATEMENT);
    Statement added =
        database.inTransaction(
            c -> {
              long id;
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "INSERT INTO transparency_statements (text, position)"
                          + " SELECT ?, COALESCE(MAX(position), 0) + 1 FROM transparency_statements"
                          + " RETURNING id")) {
                ps.setString(1, clean);
                try (ResultSet rs = ps.executeQuery()) {
                  rs.next();
                  id = rs.getLong(1);
                }
              }
              audit.append(
                  c,
                  by.name(),
                  "transparency.statement.add",
                  "statement:" + id,
                  Map.of("text", clean));
              return new Statement(id, clean, null, null);
            });
    wroteAt = System.nanoTime();
    audit.checkpointWhenPossible();
    return added;
  }

  private static List<Statement> statements(Connection c) throws SQLException {
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT id, text, confirmed_at, signature FROM transparency_statements"
                    + " ORDER BY position, id");
        ResultSet rs = ps.executeQuery()) {
      List<Statement> out = new ArrayList<>();
      while (rs.next()) {
        long confirmedAt = rs.getLong(3);
        LocalDate confirmedOn =
            rs.wasNull()
                ? null
                : LocalDate.ofInstant(Instant.ofEpochMilli(confirmedAt), ZoneOffset.UTC);
        out.add(new Statement(rs.getLong(1), rs.getString(2), confirmedOn, rs.getString(4)));
      }
      return out;
    }
  }

  private static void count(int[] tally, LegalStatus status) {
    tally[RECEIVED]++;
    switch (status) {
      case PENDING, APPROVED -> tally[PENDING]++;
      case REJECTED -> tally[REJECTED]++;
      case DISCLOSED -> tally[DISCLOSED]++;
      case NO_DATA -> tally[NO_DATA]++;
    }
  }

  private static Period period(int half, Map<LegalProcess, int[]> tallies, int addressReveals) {
    List<Row> rows = new ArrayList<>();
    int[] total = new int[COLUMNS];
    for (LegalProcess process : LegalProcess.values()) {
      int[] t = tallies.getOrDefault(process, new int[COLUMNS]);
      rows.add(
          new Row(
              process, t[RECEIVED], t[REJECTED], t[DISCLOSED], t[NO_DATA], t[PENDING], t[RECORDS]));
      for (int i = 0; i < total.length; i++) {
        total[i] += t[i];
      }
    }
    int year = half / 2;
    boolean second = half % 2 == 1;
    LocalDate from = LocalDate.of(year, second ? 7 : 1, 1);
    return new Period(
        year + (second ? "-H2" : "-H1"),
        from,
        from.plusMonths(6).minusDays(1),
        rows,
        new Totals(
            total[RECEIVED],
            total[REJECTED],
            total[DISCLOSED],
            total[NO_DATA],
            total[PENDING],
            total[RECORDS]),
        addressReveals);
  }

  private static int halfYear(long epochMillis) {
    return halfYear(LocalDate.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC));
  }

  /** Half-years as consecutive integers: year * 2, plus 1 for July to December. */
  private static int halfYear(LocalDate day) {
    return day.getYear() * 2 + (day.getMonthValue() > 6 ? 1 : 0);
  }

  private static void require(Operator by) {
    if (by == null || !by.has(Role.ADMIN)) {
      throw new ProblemException(
          ProblemType.FORBIDDEN, "changing the transparency statements needs the admin role");
    }
  }
}
