package org.waypost.governance;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.waypost.governance.LegalRequests.Disclosure;
import org.waypost.governance.LegalRequests.LegalRequest;
import org.waypost.keys.DayKeyDestroyedException;
import org.waypost.keys.DayKeys;
import org.waypost.keys.KeyStore;
import org.waypost.visitor.SecurityLogStore;
import org.waypost.visitor.VisitorLog;

/**
 * What executing a legal request finds: "which clients asked for these numbers on these days", read
 * from the security log through each day's number tag, and only for days whose keys still exist;
 * for every other day, a plain statement that its data was destroyed, and when.
 *
 * <p>Why apart from {@link LegalRequests}: that class decides whether a request may run; this one
 * knows how the security log is sealed and what retention left of it. Nothing here is stored.
 */
final class DisclosureSearch {
  /** The records still retained (by number in the request's order, then time) and the days not. */
  record Found(List<Disclosure.Record> records, List<Disclosure.DestroyedDay> destroyed) {}

  private final KeyStore keys;
  private final SecurityLogStore securityLog;
  private final int retentionDays;

  DisclosureSearch(KeyStore keys, SecurityLogStore securityLog, int retentionDays) {
    this.keys = keys;
    this.securityLog = securityLog;
    this.retentionDays = retentionDays;
  }

  /** Searches every day of the request's range, {@code today} deciding which are retained. */
  Found search(Connection c, LegalRequest request, LocalDate today) throws SQLException {
    List<Disclosure.Record> records = new ArrayList<>();
    List<Disclosure.DestroyedDay> destroyed = new ArrayList<>();
    LocalDate keptFrom = KeyStore.keptFrom(today, retentionDays);
    for (LocalDate day = request.from(); !day.isAfter(request.to()); day = day.plusDays(1)) {
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
        Comparator.comparingInt((Disclosure.Record r) -> order.indexOf(r.trackingNumber()))
            .thenComparing(Disclosure.Record::time));
    return new Found(records, destroyed);
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
}
