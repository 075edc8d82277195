package org.waypost.retention;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waypost.db.Database;
import org.waypost.governance.AuditLog;
import org.waypost.keys.KeyStore;
import org.waypost.notify.Subscriptions;
import org.waypost.shipper.IdempotencyKeys;
import org.waypost.tracking.TrackingStore;
import org.waypost.visitor.SecurityLogStore;
import org.waypost.visitor.TrafficCounts;

/**
 * Makes "we keep it N days" true: deletes security-log rows older than the retention period and
 * destroys the day keys that sealed and tagged them; counts each finished day's unique visitors and
 * destroys the key they were counted with; deletes pieces long delivered (counted from when their
 * delivery scan was received), registrations' idempotency keys older than 24 hours, traffic
 * aggregates older than their own retention and abuse incidents (pseudonyms and counts, with what
 * operators did about them) older than theirs, once no block or allowance of theirs is in force;
 * deletes mail subscriptions past their expiry and destroys the mail key of each day that is over
 * (and makes the ones scans will need ahead: {@code AddressSeal}). Runs on a schedule and from
 * {@code waypost retention run --at INSTANT}; every expiry follows the instant it is given, never
 * the wall clock.
 *
 * <p>With a retention of N days, the rows and keys of day D go at 00:00 UTC of day D + N, so
 * nothing is older than N days.
 */
public final class Retention {
  /** Late visits of a finished day may still be in the capture queue for a moment. */
  static final Duration VISITOR_GRACE = Duration.ofMinutes(5);

  private static final Logger log = LoggerFactory.getLogger(Retention.class);

  /** The name of retention's job lock. */
  public static final String JOB = "retention";

  /** What one run removed. */
  public record Report(
      Instant at,
      LocalDate keptFrom,
      int securityLogRows,
      List<LocalDate> dayKeysDestroyed,
      List<LocalDate> visitorDaysCounted,
      List<LocalDate> visitorKeysDestroyed,
      int shipmentsDeleted,
      int idempotencyKeysDeleted,
      int aggregateRowsDeleted,
      int incidentsDeleted,
      int subscriptionsDeleted,
      List<LocalDate> mailKeysDestroyed) {

    public List<String> lines() {
      return List.of(
          "Retention as of " + at + " (security log kept from " + keptFrom + "):",
          "  security log rows deleted:     " + securityLogRows,
          "  day keys destroyed:            " + dayKeysDestroyed.size() + days(dayKeysDestroyed),
          "  visitor days counted:          "
              + visitorDaysCounted.size()
              + days(visitorDaysCounted),
          "  visitor-count keys destroyed:  "
              + visitorKeysDestroyed.size()
              + days(visitorKeysDestroyed),
          "  delivered shipments deleted:   " + shipmentsDeleted,
          "  idempotency keys deleted:      " + idempotencyKeysDeleted,
          "  aggregate rows deleted:        " + aggregateRowsDeleted,
          "  incidents deleted:             " + incidentsDeleted,
          "  mail subscriptions deleted:    " + subscriptionsDeleted,
          "  mail keys destroyed:           " + mailKeysDestroyed.size() + days(mailKeysDestroyed));
    }

    boolean removedAnything() {
      return securityLogRows > 0
          || !dayKeysDestroyed.isEmpty()
          || !visitorKeysDestroyed.isEmpty()
          || shipmentsDeleted > 0
          || idempotencyKeysDeleted > 0
          || aggregateRowsDeleted > 0
          || incidentsDeleted > 0
          || subscriptionsDeleted > 0
          || !mailKeysDestroyed.isEmpty();
    }

    /** What the audit log records of a run: counts and the days whose keys were destroyed. */
    Map<String, Object> details() {
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("keptFrom", keptFrom.toString());
      details.put("securityLogRows", securityLogRows);
      details.put("dayKeysDestroyed", dayKeysDestroyed.stream().map(LocalDate::toString).toList());
      details.put("visitorDaysCounted", visitorDaysCounted.size());
      details.put(
          "visitorKeysDestroyed", visitorKeysDestroyed.stream().map(LocalDate::toString).toList());
      details.put("shipmentsDeleted", shipmentsDeleted);
      details.put("idempotencyKeysDeleted", idempotencyKeysDeleted);
      details.put("aggregateRowsDeleted", aggregateRowsDeleted);
      details.put("incidentsDeleted", incidentsDeleted);
      details.put("subscriptionsDeleted", subscriptionsDeleted);
      details.put(
          "mailKeysDestroyed", mailKeysDestroyed.stream().map(LocalDate::toString).toList());
      return details;
    }

    private static String days(List<LocalDate> days) {
      return days.isEmpty() ? "" : " " + days;
    }
  }

  private final Database database;
  private final SecurityLogStore securityLog;
  private final TrafficCounts counts;
  private final TrackingStore tracking;
  private final IdempotencyKeys idempotencyKeys;
  private final KeyStore keys;
  private final AuditLog audit;
  private final Subscriptions subscriptions;
  private final Consumer<Instant> mailKeysAhead;
  private final int securityLogDays;
  private final int shipmentDays;
  private final int aggregateDays;
  private final int incidentDays;

  public Retention(
      Database database,
      SecurityLogStore securityLog,
      TrafficCounts counts,
      TrackingStore tracking,
      IdempotencyKeys idempotencyKeys,
      KeyStore keys,
      AuditLog audit,
      Subscriptions subscriptions,
      Consumer<Instant> mailKeysAhead,
      int securityLogDays,
      int shipmentDays,
      int aggregateDays,
      int incidentDays) {
    this.database = database;
    this.securityLog = securityLog;
    this.counts = counts;
    this.tracking = tracking;
    this.idempotencyKeys = idempotencyKeys;
    this.keys = keys;
    this.audit = audit;
    this.subscriptions = subscriptions;
    this.mailKeysAhead = mailKeysAhead;
    this.securityLogDays = securityLogDays;
    this.shipmentDays = shipmentDays;
    this.aggregateDays = aggregateDays;
    this.incidentDays = incidentDays;
  }

  /** The retention periods this applies, in days, for the console to show beside a preview. */
  public record Periods(int securityLog, int shipments, int aggregates, int incidents) {}

  public Periods periods() {
    return new Periods(securityLogDays, shipmentDays, aggregateDays, incidentDays);
  }

  /** The first day still kept at {@code at}. */
  public LocalDate keptFrom(Instant at) {
    return KeyStore.keptFrom(at.atZone(ZoneOffset.UTC).toLocalDate(), securityLogDays);
  }

  /**
   * What {@link #run} at {@code at} would remove, counted by running the same deletions in a
   * transaction that is rolled back, and listing the keys it would destroy: nothing changes.
   */
  public Report preview(Instant at) {
    LocalDate keptFrom = keptFrom(at);
    LocalDate visitorsFinishedBefore = visitorsFinishedBefore(at);
    List<LocalDate> counted = new ArrayList<>();
    int[] deleted = database.rolledBack(c -> deleteExpired(c, at, counted));
    List<LocalDate> dayKeys = keys.days().stream().filter(d -> d.isBefore(keptFrom)).toList();
    List<LocalDate> visitorKeys =
        keys.visitorKeyDays().stream().filter(d -> d.isBefore(visitorsFinishedBefore)).toList();
    List<LocalDate> mailKeys =
        keys.mailKeyDays().stream().filter(d -> d.isBefore(today(at))).toList();
    return report(at, keptFrom, deleted, dayKeys, counted, visitorKeys, mailKeys);
  }

  /**
   * {@link #run}, unless another run holds the job lock (another node, or {@code retention run}
   * next to a server, on PostgreSQL): then nothing is done, one line is logged, and the result is
   * empty. Counting stays exact without the lock ({@link TrafficCounts#finishVisitors}); the lock
   * saves the duplicate work and keeps the audit log to one entry per run.
   */
  public Optional<Report> runUnlessRunning(Instant at) {
    return database.exclusively(JOB, () -> run(at));
  }

  public Report run(Instant at) {
    LocalDate keptFrom = keptFrom(at);
    List<LocalDate> counted = new ArrayList<>();
    int[] deleted = database.inTransaction(c -> deleteExpired(c, at, counted));
    List<LocalDate> destroyed = keys.destroyBefore(keptFrom);
    List<LocalDate> visitorKeys = keys.destroyVisitorKeysBefore(visitorsFinishedBefore(at));
    // after the rows: a subscription expires within its key's day, so none outlives its key
    List<LocalDate> mailKeys = keys.destroyMailKeysBefore(today(at));
    mailKeysAhead.accept(at);
    Report report = report(at, keptFrom, deleted, destroyed, counted, visitorKeys, mailKeys);
    if (report.removedAnything()) {
      database.inTransaction(
          c -> audit.append(c, "retention", "retention.run", "as-of:" + at, report.details()));
      audit.checkpointWhenPossible();
    }
    log.info(
        "retention ran rows={} day_keys={} visitor_days={} visitor_keys={} shipments={}"
            + " idempotency_keys={} aggregate_rows={} incidents={} subscriptions={} mail_keys={}",
        report.securityLogRows(),
        destroyed.size(),
        counted.size(),
        visitorKeys.size(),
        report.shipmentsDeleted(),
        report.idempotencyKeysDeleted(),
        report.aggregateRowsDeleted(),
        report.incidentsDeleted(),
        report.subscriptionsDeleted(),
        mailKeys.size());
    return report;
  }

  private static Report report(
      Instant at,
      LocalDate keptFrom,
      int[] deleted,
      List<LocalDate> dayKeys,
      List<LocalDate> counted,
      List<LocalDate> visitorKeys,
      List<LocalDate> mailKeys) {
    return new Report(
        at,
        keptFrom,
        deleted[0],
        dayKeys,
        counted,
        visitorKeys,
        deleted[1],
        deleted[2],
        deleted[3],
        deleted[4],
        deleted[5],
        mailKeys);
  }

  private static LocalDate today(Instant at) {
    return at.atZone(ZoneOffset.UTC).toLocalDate();
  }

  private static LocalDate visitorsFinishedBefore(Instant at) {
    return at.minus(VISITOR_GRACE).atZone(ZoneOffset.UTC).toLocalDate();
  }

  /**
   * Every deletion of a run, in one transaction: security-log rows, visitor days counted (added to
   * {@code counted}), shipments, idempotency keys, aggregates, incidents, mail subscriptions.
   */
  private int[] deleteExpired(Connection c, Instant at, List<LocalDate> counted)
      throws SQLException {
    int rows = securityLog.deleteBefore(c, keptFrom(at));
    for (LocalDate day : counts.unfinishedDaysBefore(c, visitorsFinishedBefore(at))) {
      if (counts.finishVisitors(c, day) > 0) {
        counted.add(day); // zero: another run counted it a moment ago
      }
    }
    int shipments = tracking.deleteDeliveredBefore(c, at.minus(Duration.ofDays(shipmentDays)));
    int idempotency = idempotencyKeys.deleteCreatedBefore(c, at.minus(IdempotencyKeys.LIFETIME));
    LocalDate today = at.atZone(ZoneOffset.UTC).toLocalDate();
    int aggregates = counts.deleteBefore(c, today.minusDays(aggregateDays));
    int incidents = deleteIncidentsBefore(c, today.minusDays(incidentDays), at);
    int subscriptionRows = subscriptions.deleteExpired(c, at);
    return new int[] {rows, shipments, idempotency, aggregates, incidents, subscriptionRows};
  }

  /**
   * Deletes the incidents of days before {@code cutoff} whose block has ended and whose network
   * allowance, if any, has run out by {@code at}, with the actions taken on them (their audit
   * entries stay, as every audit entry does).
   */
  private static int deleteIncidentsBefore(Connection c, LocalDate cutoff, Instant at)
      throws SQLException {
    String expired =
        "SELECT i.id FROM incidents i WHERE i.day < ? AND i.blocked_until < ?"
            + " AND NOT EXISTS (SELECT 1 FROM incident_actions a WHERE a.incident_id = i.id"
            + " AND a.allowed_until >= ?)";
    try (PreparedStatement actions =
            c.prepareStatement(
                "DELETE FROM incident_actions WHERE incident_id IN (" + expired + ")");
        PreparedStatement incidents =
            c.prepareStatement("DELETE FROM incidents WHERE id IN (" + expired + ")")) {
      for (PreparedStatement ps : List.of(actions, incidents)) {
        ps.setString(1, cutoff.toString());
        ps.setLong(2, at.toEpochMilli());
        ps.setLong(3, at.toEpochMilli());
      }
      actions.executeUpdate();
      return incidents.executeUpdate();
    }
  }
}
