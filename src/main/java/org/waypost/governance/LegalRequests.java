package org.waypost.governance;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
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
import org.waypost.keys.KeyStore;
import org.waypost.tracking.InvalidTrackingNumberException;
import org.waypost.tracking.NumberQuery;
import org.waypost.tracking.TrackingNumber;
import org.waypost.visitor.SecurityLogStore;

/**
 * Disclosure only through due process (guarantee 5). A {@code legal} operator files a request that
 * names its authority, its legal process, a case reference and a narrow scope (1 to {@value
 * #MAX_NUMBERS} numbers, at most {@value #MAX_DAYS} days); a {@code privacy} operator who did not
 * file it approves or rejects it (dual authorization, NIST SP 800-53 AC-3(2)); a {@code legal}
 * operator executes an approved request once.
 *
 * <p>Execution answers "which clients asked for these numbers on these days" from the security log,
 * and only for days whose keys still exist: for every day outside retention it says plainly that
 * the data was destroyed, and when ({@link DisclosureSearch}). What it finds (addresses, times,
 * browsers) is returned once, with the one CSV file it is exported as, and never stored; the
 * request keeps only counts and the CSV's SHA-256, which the audit entry records too.
 *
 * <p>Each step is appended to the audit log in the transaction that takes it (guarantee 6), and a
 * checkpoint is signed after it commits, when it can be: a step that committed stands, so a failing
 * checkpoint never swallows a disclosure that can no longer be repeated. Deciding and executing
 * lock the request's row, so two operators deciding at once, or two executions at once, cannot both
 * succeed.
 *
 * <p>This class is the workflow: who may take which step, in which state, with which audit entry. A
 * filing checks itself ({@link Filing#checked}); the SQL is {@link LegalRequestStore}'s. The
 * records below stay nested because callers name them {@code LegalRequests.Filing} and so on.
 */
public final class LegalRequests {
  public static final int MAX_NUMBERS = NumberQuery.MAX;
  public static final int MAX_DAYS = 31;
  static final int MAX_AUTHORITY = 200;
  static final int MAX_CASE_REFERENCE = 100;
  static final int MAX_REASON = 500;
  static final String SELF_DECISION = "the operator who filed a request cannot decide it";

  /**
   * What a legal operator files, as entered: any field may be missing or wrong until {@link
   * #checked} says otherwise. Not checked on construction: a filing is judged against today's date,
   * and only after the filer's role (without it the answer is {@code forbidden}, whatever the
   * filing holds).
   */
  public record Filing(
      String authority,
      LegalProcess process,
      String caseReference,
      List<String> trackingNumbers,
      LocalDate from,
      LocalDate to) {

    /**
     * This filing normalized: texts stripped, numbers normalized without duplicates (order kept).
     *
     * @param today the current date (UTC); neither date may be after it
     * @throws ProblemException {@code validation-failed} naming the field at fault; {@code
     *     invalid-tracking-number} naming the number at fault
     */
    Filing checked(LocalDate today) {
      String cleanAuthority = Texts.checked(authority, "authority", MAX_AUTHORITY);
      if (process == null) {
        LegalProcess.parse(null); // throws, naming the field and the values
      }
      String cleanCaseReference = Texts.checked(caseReference, "caseReference", MAX_CASE_REFERENCE);
      List<String> numbers = numbers(trackingNumbers);
      LocalDate checkedFrom = date(from, "from", today);
      LocalDate checkedTo = date(to, "to", today);
      if (checkedFrom.isAfter(checkedTo)) {
        throw ProblemException.validation(
            "from (" + checkedFrom + ") must not be after to (" + checkedTo + ")");
      }
      long days = ChronoUnit.DAYS.between(checkedFrom, checkedTo) + 1;
      if (days > MAX_DAYS) {
        throw ProblemException.validation(
            "from and to span "
                + days
                + " days; a legal request may cover at most "
                + MAX_DAYS
                + " days");
      }
      return new Filing(
          cleanAuthority, process, cleanCaseReference, numbers, checkedFrom, checkedTo);
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
      Integer daysDestroyed,
      String disclosureSha256) {
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
   * @param subscribers the confirmed email subscriptions to a number in scope, when the operator
   *     lets legal requests reach them ({@code notifications.legalRequestsReachSubscriptions});
   *     always empty otherwise
   * @param csv the disclosure as the one CSV file exported, whose SHA-256 the request and the
   *     {@code legal.execute} audit entry record ({@link LegalRequest#disclosureSha256()})
   * @param auditSeq the {@code legal.execute} audit entry
   */
  public record Disclosure(
      LegalRequest request,
      List<Record> records,
      List<DestroyedDay> destroyed,
      List<Subscriber> subscribers,
      String csv,
      long auditSeq) {
    public Disclosure {
      records = List.copyOf(records);
      destroyed = List.copyOf(destroyed);
      subscribers = List.copyOf(subscribers);
    }

    /** A confirmed email subscription to {@code trackingNumber}, as it stands at execution. */
    public record Subscriber(String trackingNumber, String email, Instant confirmedAt) {
      /** Without the number or the address, should one ever reach a log line. */
      @Override
      public String toString() {
        return "Subscriber[" + confirmedAt + "]";
      }
    }

    /** The SHA-256 of {@link #csv}, lowercase hex, as recorded. */
    public String csvSha256() {
      return request.disclosureSha256();
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

  /**
   * Finds the confirmed email subscriptions to some numbers, addresses opened, in the execution's
   * transaction. Lives with the subscriptions (org.waypost.notify); {@link #NONE} unless the
   * operator lets legal requests reach them.
   */
  @FunctionalInterface
  public interface SubscriberSearch {
    SubscriberSearch NONE = (c, numbers) -> List.of();

    List<Disclosure.Subscriber> find(Connection c, List<String> numbers) throws SQLException;
  }

  private final Database database;
  private final LegalRequestStore store;
  private final AuditLog audit;
  private final DisclosureSearch search;
  private final SubscriberSearch subscribers;
  private final Clock clock;

  public LegalRequests(
      Database db,
      AuditLog audit,
      KeyStore keys,
      SecurityLogStore securityLog,
      Clock clock,
      int retentionDays) {
    this(db, audit, keys, securityLog, SubscriberSearch.NONE, clock, retentionDays);
  }

  public LegalRequests(
      Database db,
      AuditLog audit,
      KeyStore keys,
      SecurityLogStore securityLog,
      SubscriberSearch subscribers,
      Clock clock,
      int retentionDays) {
    if (retentionDays < 1) {
      throw new IllegalArgumentException("retentionDays must be at least 1, was " + retentionDays);
    }
    this.database = Objects.requireNonNull(db, "db");
    this.store = new LegalRequestStore(db);
    this.audit = Objects.requireNonNull(audit, "audit");
    this.search =
        new DisclosureSearch(
            Objects.requireNonNull(keys, "keys"),
            Objects.requireNonNull(securityLog, "securityLog"),
            retentionDays);
    this.subscribers = Objects.requireNonNull(subscribers, "subscribers");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Files a request; it starts {@link LegalStatus#PENDING}.
   *
   * @throws ProblemException {@code forbidden} without the legal role; {@code validation-failed}
   *     naming the field at fault; {@code invalid-tracking-number} naming the number at fault
   */
  public LegalRequest file(Operator by, Filing filing) {
    require(by, Role.LEGAL, "filing a legal request");
    if (filing == null) {
      throw ProblemException.validation("a legal request needs a body");
    }
    Filing f = filing.checked(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
    long now = clock.millis();
    LegalRequest filed =
        database.inTransaction(
            c -> {
              long id = store.insert(c, f, by.name(), now);
              Map<String, Object> details = new LinkedHashMap<>();
              details.put("authority", f.authority());
              details.put("legalProcess", f.process().name());
              details.put("emergency", f.process() == LegalProcess.EMERGENCY);
              details.put("caseReference", f.caseReference());
              details.put("trackingNumbers", f.trackingNumbers());
              details.put("from", f.from().toString());
              details.put("to", f.to().toString());
              audit.append(c, by.name(), "legal.file", target(id), details);
              return store.find(c, id).orElseThrow();
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
              store.decide(c, id, decision, by.name(), now, reason);
              Map<String, Object> details = new LinkedHashMap<>();
              details.put("legalProcess", request.process().name());
              details.put("emergency", request.emergency());
              details.put("filedBy", request.filedBy());
              if (reason != null) {
                details.put("reason", reason);
              }
              String action = decision == LegalStatus.APPROVED ? "legal.approve" : "legal.reject";
              audit.append(c, by.name(), action, target(id), details);
              return store.find(c, id).orElseThrow();
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
              DisclosureSearch.Found found = search.search(c, request, today);
              List<Disclosure.Record> records = found.records();
              List<Disclosure.DestroyedDay> destroyed = found.destroyed();
              List<Disclosure.Subscriber> subscribed =
                  subscribers.find(c, request.trackingNumbers());
              int disclosed = records.size() + subscribed.size();
              LegalStatus outcome = disclosed == 0 ? LegalStatus.NO_DATA : LegalStatus.DISCLOSED;
              String csv = DisclosureCsv.of(request, records, destroyed, subscribed);
              String sha256 = DisclosureCsv.sha256(csv);
              store.executed(
                  c,
                  id,
                  outcome,
                  by.name(),
                  now.toEpochMilli(),
                  disclosed,
                  destroyed.size(),
                  sha256);
              Map<String, Object> details = new LinkedHashMap<>();
              details.put("outcome", outcome.name());
              details.put("recordsDisclosed", disclosed);
              details.put("subscriptionsDisclosed", subscribed.size());
              details.put(
                  "daysSearched",
                  ChronoUnit.DAYS.between(request.from(), request.to()) + 1 - destroyed.size());
              details.put("daysDestroyed", destroyed.size());
              details.put("disclosureCsvSha256", sha256);
              long seq = audit.append(c, by.name(), "legal.execute", target(id), details).seq();
              return new Disclosure(
                  store.find(c, id).orElseThrow(), records, destroyed, subscribed, csv, seq);
            });
    audit.checkpointWhenPossible();
    return disclosure;
  }

  /** The request with this id. */
  public Optional<LegalRequest> find(long id) {
    return store.find(id);
  }

  /** The newest {@code limit} requests, newest first. */
  public List<LegalRequest> list(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
    return store.list(limit);
  }

  /** Reads and locks the row until the transaction ends; {@code not-found} when there is none. */
  private LegalRequest lock(Connection c, long id) throws SQLException {
    return store
        .lock(c, id)
        .orElseThrow(() -> ProblemException.notFound("No legal request " + id + "."));
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
}
