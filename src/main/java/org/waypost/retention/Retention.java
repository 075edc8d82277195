package org.waypost.retention;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waypost.db.Database;
import org.waypost.governance.AuditLog;
import org.waypost.keys.KeyStore;
import org.waypost.shipper.IdempotencyKeys;
import org.waypost.tracking.TrackingStore;
import org.waypost.visitor.SecurityLogStore;
import org.waypost.visitor.TrafficCounts;

/**
 * Makes "we keep it N days" true: deletes security-log rows older than the retention period and
 * destroys the day keys that sealed and tagged them; counts each finished day's unique visitors and
 * destroys the key they were counted with; deletes pieces long delivered (counted from when their
 * delivery scan was received) and registrations' idempotency keys older than 24 hours. Runs on a
 * schedule and from {@code waypost retention run --at INSTANT}; every expiry follows the instant it
 * is given, never the wall clock.
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
      int idempotencyKeysDeleted) {

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
          "  idempotency keys deleted:      " + idempotencyKeysDeleted);
    }

    boolean removedAnything() {
      return securityLogRows > 0
          || !dayKeysDestroyed.isEmpty()
          || !visitorKeysDestroyed.isEmpty()
          || shipmentsDeleted > 0
          || idempotencyKeysDeleted > 0;
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
  private final int securityLogDays;
  private final int shipmentDays;

  public Retention(
      Database database,
      SecurityLogStore securityLog,
      TrafficCounts counts,
      TrackingStore tracking,
      IdempotencyKeys idempotencyKeys,
      KeyStore keys,
      AuditLog audit,
      int securityLogDays,
      int shipmentDays) {
    this.database = database;
    this.securityLog = securityLog;
    this.counts = counts;
    this.tracking = tracking;
    this.idempotencyKeys = idempotencyKeys;
    this.keys = keys;
    this.audit = audit;
    this.securityLogDays = securityLogDays;
    this.shipmentDays = shipmentDays;
  }

  /** The first day still kept at {@code at}. */
  public LocalDate keptFrom(Instant at) {
    return KeyStore.keptFrom(at.atZone(ZoneOffset.UTC).toLocalDate(), securityLogDays);
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
    LocalDate visitorsFinishedBefore = at.minus(VISITOR_GRACE).atZone(ZoneOffset.UTC).toLocalDate();
    Instant deliveredBefore = at.minus(Duration.ofDays(shipmentDays));
    List<LocalDate> counted = new ArrayList<>();
    int[] deleted =
        database.inTransaction(
            c -> {
              int rows = securityLog.deleteBefore(c, keptFrom);
              for (LocalDate day : counts.unfinishedDaysBefore(c, visitorsFinishedBefore)) {
                if (counts.finishVisitors(c, day) > 0) {
                  counted.add(day); // zero: another run counted it a moment ago
                }
              }
              int shipments = tracking.deleteDeliveredBefore(c, deliveredBefore);
              int idempotency =
                  idempotencyKeys.deleteCreatedBefore(c, at.minus(IdempotencyKeys.LIFETIME));
              return new int[] {rows, shipments, idempotency};
            });
    List<LocalDate> destroyed = keys.destroyBefore(keptFrom);
    List<LocalDate> visitorKeys = keys.destroyVisitorKeysBefore(visitorsFinishedBefore);
    Report report =
        new Report(
            at, keptFrom, deleted[0], destroyed, counted, visitorKeys, deleted[1], deleted[2]);
    if (report.removedAnything()) {
      database.inTransaction(
          c -> audit.append(c, "retention", "retention.run", "as-of:" + at, report.details()));
      audit.checkpointWhenPossible();
    }
    log.info(
        "retention ran rows={} day_keys={} visitor_days={} visitor_keys={} shipments={}"
            + " idempotency_keys={}",
        report.securityLogRows(),
        destroyed.size(),
        counted.size(),
        visitorKeys.size(),
        report.shipmentsDeleted(),
        report.idempotencyKeysDeleted());
    return report;
  }
}
