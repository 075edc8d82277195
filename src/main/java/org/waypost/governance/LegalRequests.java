package org.waypost.governance;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.waypost.db.Database;
import org.waypost.error.ProblemException;
import org.waypost.error.ProblemType;
import org.waypost.keys.DayKeyDestroyedException;
import org.waypost.keys.DayKeys;
import org.waypost.keys.KeyStore;
import org.waypost.tracking.InvalidTrackingNumberException;
import org.waypost.tracking.NumberQuery;
import org.waypost.tracking.TrackingNumber;
import org.waypost.visitor.SecurityLogStore;
import org.waypost.visitor.VisitorLog;

/**
 * Disclosure only through due process (guarantee 5). A {@code legal} operator files a request that
 * names its authority, its legal process, a case reference and a narrow scope (1 to {@value
 * #MAX_NUMBERS} numbers, at most {@value #MAX_DAYS} days); a {@code privacy} operator who did not
 * file it approves or rejects it (dual authorization, NIST SP 800-53 AC-3(2)); a {@code legal}
 * operator executes an approved request once.
 *
 * <p>Execution answers "which clients asked for these numbers on these days" from the security log,
 * through each day's number tag, and only for days whose keys still exist: for every day outside
 * retention it says plainly that the data was destroyed, and when. What it finds (addresses, times,
 * browsers) is returned once and never stored; the request keeps only counts.
 *
 * <p>Each step is appended to the audit log in the transaction that takes it (guarantee 6), and a
 * checkpoint is signed after it commits, when it can be: a step that committed stands, so a failing
 * checkpoint never swallows a disclosure that can no longer be repeated. Deciding and executing
 * lock the request's row, so two operators deciding at once, or two executions at once, cannot both
 * succeed.
 */
public final class LegalRequests {
  public static final int MAX_NUMBERS = NumberQuery.MAX;
  public static final int MAX_DAYS = 31;
  static final int MAX_AUTHORITY = 200;
  static final int MAX_CASE_REFERENCE = 100;
  static final int MAX_REASON = 500;
  static final String SELF_DECISION = "the operator who filed a request cannot decide it";

  /** What a legal operator files; the service normalizes and checks it. */
  public record Filing(
      String authority,
      LegalProcess process,
      String caseReference,
      List<String> trackingNumbers,
      LocalDate from,
      LocalDate to) {}

  /**
   * A request as recorded, from filing to outcome; the decision and execution fields are null until
   * then.
   */
  public record LegalRequest(
      long id,
      String authority,
      LegalProcess process,
      boolean emergency,
      String caseReference,
      List<String> trackingNumbers,
      LocalDate from,
      LocalDate to,
      LegalStatus status,
      String filedBy,
      Instant filedAt,
      String decidedBy,
      Instant decidedAt,
      String decisionReason,
      String executedBy,
      Instant executedAt,
      Integer recordsDisclosed,
      Integer daysDestroyed) {
    public LegalRequest {
      trackingNumbers = List.copyOf(trackingNumbers);
    }
  }

  /**
   * The answer to an execution: shown once, to the executing operator, and stored nowhere.
   *
   * @param records the security-log entries still retained that asked for a number in scope, by
   *     number (in the request's order), then time
   * @param destroyed one statement for each day of the range outside retention, ascending
   */
  public record Disclosure(
      LegalRequest request, List<Record> records, List<DestroyedDay> destroyed) {
    public Disclosure {
      records = List.copyOf(records);
      destroyed = List.copyOf(destroyed);
    }

    /** One request that asked for {@code trackingNumber}: when, from which address, with what. */
    public record Record(
        String trackingNumber, LocalDate day, Instant time, String ip, String browserFamily) {
      /** Without the number or the address, should a record ever reach a log line. */
      @Override
      public String toString() {
        return "Record[" + day + ", " + time + ", " + browserFamily + "]";
      }
    }

    /**
     * A day for which nothing can be disclosed because its data was destroyed.
     *
     * @param destroyedOn the date retention destroyed it; null when it went before its policy date
     *     (the retention period was shortened since), which the statement then says
     */
    public record DestroyedDay(LocalDate day, LocalDate destroyedOn, String statement) {}
  }

  private static final String COLUMNS =
      "id, authority, legal_process, emergency, case_reference, tracking_numbers, date_from,"
          + " date_to, status, filed_by, filed_at, decided_by, decided_at, decision_reason,"
          + " executed_by, executed_at, records_disclosed, days_destroyed";

  private final Database database;
  private final AuditLog audit;
  private final KeyStore keys;
  private final SecurityLogStore securityLog;
  private final Clock clock;
  private final int retentionDays;

  public LegalRequests(
      Database db,
      AuditLog audit,
      KeyStore keys,
      SecurityLogStore securityLog,
      Clock clock,
      int retentionDays) {
    if (retentionDays < 1) {
      throw new IllegalArgumentException("retentionDays must be at least 1, was " + retentionDays);
    }
    this.database = Objects.requireNonNull(db, "db");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.securityLog = Objects.requireNonNull(securityLog, "securityLog");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.retentionDays = retentionDays;
  }

  /**
   * Files a request; it starts {@link LegalStatus#PENDING}.
   *
   * @throws ProblemException {@code forbidden} without the legal role; {@code validation-failed}
   *     naming the field at fault; {@code invalid-tracking-number} naming the number at fault
   */
  public LegalRequest file(Operator by, Filing filing) {
    require(by, Role.LEGAL, "filing a legal request");
    Filing f = checked(filing);
    long now = clock.millis();
    LegalRequest filed =
        database.inTransaction(
            c -> {
              long id;
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
                ps.setString(9, by.name());
                ps.setLong(10, now);
                try (ResultSet rs = ps.executeQuery()) {
                  rs.next();
                  id = rs.getLong(1);
                }
              }
              Map<String, Object> details = new LinkedHashMap<>();
              details.put("authority", f.authority());
              details.put("legalProcess", f.process().name());
              details.put("emergency", f.process() == LegalProcess.EMERGENCY);
              details.put("caseReference", f.caseReference());
              details.put("trackingNumbers", f.trackingNumbers());
              details.put("from", f.from().toString());
              details.put("to", f.to().toString());
              audit.append(c, by.name(), "legal.file", target(id), details);
              return find(c, id).orElseThrow();
            });
    audit.checkpointWhenPossible();
    return filed;
  }

  /**
   * Approves a pending request.
   *
   * @throws ProblemException {@code forbidden} without the privacy role or for the operator who
   *     filed it; {@code not-found}; {@code conflict} when it is not pending
   */
  public LegalRequest approve(long id, Operator by) {
    require(by, Role.PRIVACY, "approving a legal request");
    return decide(id, by, LegalStatus.APPROVED, null);
  }

  /**
   * Rejects a pending request, with a reason.
   *
   * @throws ProblemException as {@link #approve}, and {@code validation-failed} without a reason
   */
  public LegalRequest reject(long id, Operator by, String reason) {
    require(by, Role.PRIVACY, "rejecting a legal request");
    String why = reason == null ? "" : reason.strip();
    if (why.isEmpty()) {
      throw ProblemException.validation("reason is required to reject a legal request");
    }
    if (why.length() > MAX_REASON) {
      throw ProblemException.validation("reason must be at most " + MAX_REASON + " characters");
    }
    return decide(id, by, LegalStatus.REJECTED, why);
  }

  private LegalRequest decide(long id, Operator by, LegalStatus decision, String reason) {
    long now = clock.millis();
    LegalRequest decided =
        database.inTransaction(
            c -> {
              LegalRequest request = lock(c, id);
              if (request.filedBy().equals(by.name())) {
                throw new ProblemException(ProblemType.FORBIDDEN, SELF_DECISION);
              }
              if (!request.status().canBecome(decision)) {
                throw conflict(request, decision == LegalStatus.APPROVED ? "approved" : "rejected");
              }
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "UPDATE legal_requests SET status = ?, decided_by = ?, decided_at = ?,"
                          + " decision_reason = ? WHERE id = ?")) {
                ps.setString(1, decision.name());
                ps.setString(2, by.name());
                ps.setLong(3, now);
                ps.setString(4, reason);
                ps.setLong(5, id);
                ps.executeUpdate();
              }
              Map<String, Object> details = new LinkedHashMap<>();
              details.put("legalProcess", request.process().name());
              details.put("emergency", request.emergency());
              details.put("filedBy", request.filedBy());
              if (reason != null) {
                details.put("reason", reason);
              }
              String action = decision == LegalStatus.APPROVED ? "legal.approve" : "legal.reject";
              audit.append(c, by.name(), action, target(id), details);
              return find(c, id).orElseThrow();
            });
    audit.checkpointWhenPossible();
    return decided;
  }

  /**
   * Executes an approved request: the security-log records in scope that are still retained, and a
   * statement for each day that is not. Ends the request {@link LegalStatus#DISCLOSED} or {@link
   * LegalStatus#NO_DATA}; only the counts are stored.
   *
   * @throws ProblemException {@code forbidden} without the legal role; {@code not-found}; {@code
   *     conflict} unless approved (so also when executed already)
   */
  public Disclosure execute(long id, Operator by) {
    require(by, Role.LEGAL, "executing a legal request");
    Instant now = Instant.ofEpochMilli(clock.millis());
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    Disclosure disclosure =
        database.inTransaction(
            c -> {
              LegalRequest request = lock(c, id);
              if (request.status() != LegalStatus.APPROVED) {
                throw conflict(request, "executed");
              }
              List<Disclosure.Record> records = new ArrayList<>();
              List<Disclosure.DestroyedDay> destroyed = new ArrayList<>();
              LocalDate keptFrom = KeyStore.keptFrom(today, retentionDays);
              for (LocalDate day = request.from();
                  !day.isAfter(request.to());
                  day = day.plusDays(1)) {
                if (day.isBefore(keptFrom)) {
                  destroyed.add(destroyedDay(day, today));
                  continue;
                }
                try {
                  Optional<List<Disclosure.Record>> found = records(c, day, request);
                  if (found.isPresent()) {
                    records.addAll(found.get());
                  } else {
                    destroyed.add(destroyedDay(day, today));
                  }
                } catch (DayKeyDestroyedException e) {
                  destroyed.add(destroyedDay(day, today)); // destroyed while we were reading
                }
              }
              List<String> order = request.trackingNumbers();
              records.sort(
                  Comparator.comparingInt(
                          (Disclosure.Record r) -> order.indexOf(r.trackingNumber()))
                      .thenComparing(Disclosure.Record::time));
              LegalStatus outcome = records.isEmpty() ? LegalStatus.NO_DATA : LegalStatus.DISCLOSED;
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "UPDATE legal_requests SET status = ?, executed_by = ?, executed_at = ?,"
                          + " records_disclosed = ?, days_destroyed = ? WHERE id = ?")) {
                ps.setString(1, outcome.name());
                ps.setString(2, by.name());
                ps.setLong(3, now.toEpochMilli());
                ps.setInt(4, records.size());
                ps.setInt(5, destroyed.size());
                ps.setLong(6, id);
                ps.executeUpdate();
              }
              Map<String, Object> details = new LinkedHashMap<>();
              details.put("outcome", outcome.name());
              details.put("recordsDisclosed", records.size());
              details.put(
                  "daysSearched",
                  ChronoUnit.DAYS.between(request.from(), request.to()) + 1 - destroyed.size());
              details.put("daysDestroyed", destroyed.size());
              audit.append(c, by.name(), "legal.execute", target(id), details);
              return new Disclosure(find(c, id).orElseThrow(), records, destroyed);
            });
    audit.checkpointWhenPossible();
    return disclosure;
  }

  /**
   * The retained records of {@code day} for the request's numbers; empty when the day's keys are
   * gone (destroyed ahead of its policy date); an empty list when nothing was recorded.
   */
  private Optional<List<Disclosure.Record>> records(
      Connection c, LocalDate day, LegalRequest request) throws SQLException {
    Optional<DayKeys> existing = keys.existing(day);
    if (existing.isEmpty()) {
      return keys.isDestroyed(day) ? Optional.empty() : Optional.of(List.of());
    }
    DayKeys dayKeys = existing.get();
    List<Disclosure.Record> found = new ArrayList<>();
    for (String number : request.trackingNumbers()) {
      byte[] tag = dayKeys.tag(VisitorLog.NUMBER, VisitorLog.numberBytes(number));
      for (SecurityLogStore.Entry entry : securityLog.askedFor(c, day, tag)) {
        String ip =
            new String(
                dayKeys.open(entry.sealedIp(), VisitorLog.associatedData(day)),
                StandardCharsets.US_ASCII);
        found.add(
            new Disclosure.Record(
                number, day, Instant.ofEpochMilli(entry.time()), ip, entry.browserFamily()));
      }
    }
    return Optional.of(found);
  }

  /** What can be said of a day whose data no longer exists. */
  private Disclosure.DestroyedDay destroyedDay(LocalDate day, LocalDate today) {
    LocalDate policyDate = KeyStore.destroyedOn(day, retentionDays);
    if (day.isBefore(KeyStore.keptFrom(today, retentionDays))) {
      return new Disclosure.DestroyedDay(
          day,
          policyDate,
          "The security log of "
              + day
              + " was destroyed on "
              + policyDate
              + " under the "
              + retentionDays
              + "-day retention policy; no data exists for that day.");
    }
    return new Disclosure.DestroyedDay(
        day,
        null,
        "The security log of "
            + day
            + " was destroyed before the end of the current "
            + retentionDays
            + "-day retention period (a shorter period applied then); no data exists for that"
            + " day.");
  }

  /** The request with this id. */
  public Optional<LegalRequest> find(long id) {
    return database.read(c -> find(c, id));
  }

  /** The newest {@code limit} requests, newest first. */
  public List<LegalRequest> list(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
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

  private static Optional<LegalRequest> find(Connection c, long id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + COLUMNS + " FROM legal_requests WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(request(rs)) : Optional.empty();
      }
    }
  }

  /** Reads and locks the row until the transaction ends; {@code not-found} when there is none. */
  private LegalRequest lock(Connection c, long id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT "
                + COLUMNS
                + " FROM legal_requests WHERE id = ?"
                + database.dialect().forUpdate())) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw ProblemException.notFound("No legal request " + id + ".");
        }
        return request(rs);
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
        integer(rs, 18));
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    long millis = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
  }

  private static Integer integer(ResultSet rs, int column) throws SQLException {
    int value = rs.getInt(column);
    return rs.wasNull() ? null : value;
  }

  private static ProblemException conflict(LegalRequest request, String wanted) {
    String state =
        switch (request.status()) {
          case PENDING -> "is still pending: it has not been approved";
          case APPROVED -> "was approved already";
          case REJECTED -> "was rejected";
          case DISCLOSED, NO_DATA ->
              "was executed already (" + request.status().name() + "); it runs only once";
        };
    return new ProblemException(
        ProblemType.CONFLICT,
        "Legal request " + request.id() + " " + state + ", so it cannot be " + wanted + ".",
        Map.of("status", request.status().name()),
        0);
  }

  private static void require(Operator by, Role role, String action) {
    if (by == null || !by.has(role)) {
      throw new ProblemException(
          ProblemType.FORBIDDEN, action + " needs the " + role.label() + " role");
    }
  }

  static String target(long id) {
    return "legal-request:" + id;
  }

  // ---- checking a filing

  private Filing checked(Filing filing) {
    if (filing == null) {
      throw ProblemException.validation("a legal request needs a body");
    }
    String authority = Texts.checked(filing.authority(), "authority", MAX_AUTHORITY);
    if (filing.process() == null) {
      LegalProcess.parse(null); // throws, naming the field and the values
    }
    String caseReference =
        Texts.checked(filing.caseReference(), "caseReference", MAX_CASE_REFERENCE);
    List<String> numbers = numbers(filing.trackingNumbers());
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    LocalDate from = date(filing.from(), "from", today);
    LocalDate to = date(filing.to(), "to", today);
    if (from.isAfter(to)) {
      throw ProblemException.validation("from (" + from + ") must not be after to (" + to + ")");
    }
    long days = ChronoUnit.DAYS.between(from, to) + 1;
    if (days > MAX_DAYS) {
      throw ProblemException.validation(
          "from and to span "
              + days
              + " days; a legal request may cover at most "
              + MAX_DAYS
              + " days");
    }
    return new Filing(authority, filing.process(), caseReference, numbers, from, to);
  }

  /** Normalized, duplicates removed, order kept; each a valid number. */
  private static List<String> numbers(List<String> raw) {
    Set<String> unique = new LinkedHashSet<>();
    if (raw != null) {
      for (String entry : raw) {
        String normalized = TrackingNumber.normalize(entry);
        if (!normalized.isEmpty()) {
          unique.add(normalized);
        }
      }
    }
    if (unique.isEmpty() || unique.size() > MAX_NUMBERS) {
      throw ProblemException.validation(
          "trackingNumbers must name 1 to "
              + MAX_NUMBERS
              + " numbers (after removing duplicates); it names "
              + unique.size());
    }
    for (String number : unique) {
      try {
        TrackingNumber.parse(number);
      } catch (InvalidTrackingNumberException e) {
        throw new ProblemException(
            ProblemType.INVALID_TRACKING_NUMBER,
            "trackingNumbers: " + number + " is not a valid tracking number. " + e.detail(),
            Map.of("trackingNumber", number),
            0);
      }
    }
    return List.copyOf(unique);
  }

  private static LocalDate date(LocalDate date, String field, LocalDate today) {
    if (date == null) {
      throw ProblemException.validation(field + " is required: a date such as " + today);
    }
    if (date.isAfter(today)) {
      throw ProblemException.validation(
          field + " (" + date + ") must not be in the future; today is " + today + " (UTC)");
    }
    return date;
  }
}
