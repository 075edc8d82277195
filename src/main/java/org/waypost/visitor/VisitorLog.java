package org.waypost.visitor;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waypost.db.Database;
import org.waypost.keys.DayKeys;
import org.waypost.keys.KeyStore;
import org.waypost.keys.Tagger;
import org.waypost.net.IpLiterals;
import org.waypost.visitor.TrafficCounts.Cell;

/**
 * Turns captured visits into what Waypost keeps: a security-log row per visit (tier 2: the address
 * sealed, client, network and numbers as day tags) and counters (tier 3), in one transaction per
 * batch. Visits that carried {@code Sec-GPC: 1} or {@code DNT: 1} are logged for security like any
 * other but, when {@code privacy.honorGpc} is on, counted only as excluded.
 *
 * <p>Runs on the single capture thread, so its small per-day state needs no locking.
 */
public final class VisitorLog {
  private static final Logger log = LoggerFactory.getLogger(VisitorLog.class);

  /** Tag domains: one key per day, separated by purpose. */
  public static final String CLIENT = "client";

  public static final String PREFIX = "prefix";
  public static final String NUMBER = "number";
  static final String VISITOR = "visitor";

  /** Distinct referrer hosts counted per day; the rest are counted as {@link Referrers#OTHER}. */
  static final int REFERRER_HOSTS_PER_DAY = 1_000;

  /**
   * Visitors this node wrote lately, so that a visitor's later requests are not appended to {@code
   * daily_visitors} again. Tags of different days differ (each day has its own key), so one set
   * serves every day. Bounded: a visitor forgotten here is appended once more and still counted
   * once.
   */
  static final int REMEMBERED_VISITORS = 50_000;

  private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH");

  private final Database database;
  private final SecurityLogStore securityLog;
  private final TrafficCounts counts;
  private final KeyStore keys;
  private final UserAgents userAgents;
  private final GeoIp geoIp;
  private final boolean honorPrivacySignals;
  private final Map<LocalDate, Set<String>> referrersSeen = new HashMap<>();
  private final LogIds ids = new LogIds(java.time.Clock.systemUTC());
  private LocalDate reportedDestroyed;
  private final Map<Tag, Boolean> written =
      new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Tag, Boolean> eldest) {
          return size() > REMEMBERED_VISITORS;
        }
      };

  public VisitorLog(
      Database database,
      SecurityLogStore securityLog,
      TrafficCounts counts,
      KeyStore keys,
      UserAgents userAgents,
      GeoIp geoIp,
      boolean honorPrivacySignals) {
    this.database = database;
    this.securityLog = securityLog;
    this.counts = counts;
    this.keys = keys;
    this.userAgents = userAgents;
    this.geoIp = geoIp;
    this.honorPrivacySignals = honorPrivacySignals;
  }

  /** The address as sealed: its canonical text, bound to the day it was sealed on. */
  public static byte[] associatedData(LocalDate day) {
    return ("waypost-ip:" + day).getBytes(StandardCharsets.US_ASCII);
  }

  public static byte[] numberBytes(String normalizedNumber) {
    return normalizedNumber.getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Records a batch in one transaction. A visit of a day whose keys were destroyed (retention was
   * run for a later instant) cannot be sealed, so it is left out whole, counted by the caller; once
   * a day's unique-visitor key is destroyed its count is final, so its visits are recorded without
   * adding to it.
   *
   * @return how many visits were left out because their day's keys are destroyed
   */
  public int record(List<Visit> visits) {
    List<SecurityLogStore.Row> rows = new ArrayList<>(visits.size());
    Map<Cell, Long> increments = new LinkedHashMap<>();
    Map<LocalDate, Set<Tag>> visitors = new HashMap<>();
    // each look at the key store checks its files: once per day per batch is enough
    Map<LocalDate, Optional<DayKeys>> dayKeysOf = new HashMap<>(2);
    Map<LocalDate, Optional<Tagger>> taggers = new HashMap<>(2);
    int leftOut = 0;
    for (Visit visit : visits) {
      ZonedDateTime utc = visit.time().atZone(ZoneOffset.UTC);
      LocalDate day = utc.toLocalDate();
      DayKeys dayKeys = dayKeysOf.computeIfAbsent(day, keys::dayIfKept).orElse(null);
      if (dayKeys == null) {
        leftOut++;
        if (!day.equals(reportedDestroyed)) {
          reportedDestroyed = day;
          log.warn("visits of {} are not recorded: its keys were destroyed ahead of time", day);
        }
        continue;
      }
      Browser browser = userAgents.parse(visit.userAgent());
      rows.add(row(visit, day, dayKeys, browser));
      String hour = HOUR.format(utc);
      if (visit.privacySignal() && honorPrivacySignals) {
        count(increments, day, hour, TrafficCounts.EXCLUDED, TrafficCounts.PRIVACY_SIGNAL);
        continue;
      }
      countVisit(increments, visit, day, hour, browser);
      Tagger tagger = taggers.computeIfAbsent(day, keys::visitorTaggerIfKept).orElse(null);
      if (tagger != null) {
        Tag visitor = new Tag(tagger.tag(VISITOR, visit.client().getAddress()));
        if (written.get(visitor) == null) {
          visitors.computeIfAbsent(day, d -> new HashSet<>()).add(visitor);
        }
      }
    }
    if (rows.isEmpty()) {
      return leftOut;
    }
    database.inTransaction(
        c -> {
          securityLog.insert(c, rows);
          counts.add(c, increments);
          for (var entry : visitors.entrySet()) {
            counts.addVisitors(
                c, entry.getKey(), entry.getValue().stream().map(Tag::bytes).toList());
          }
          return null;
        });
    visitors.values().forEach(tags -> tags.forEach(tag -> written.put(tag, Boolean.TRUE)));
    LocalDate latest = rows.get(rows.size() - 1).day();
    referrersSeen.keySet().removeIf(d -> d.isBefore(latest.minusDays(1)));
    return leftOut;
  }

  private SecurityLogStore.Row row(Visit visit, LocalDate day, DayKeys dayKeys, Browser browser) {
    InetAddress client = visit.client();
    List<SecurityLogStore.NumberTag> numbers = new ArrayList<>(visit.lookups().size());
    for (Visit.Lookup lookup : visit.lookups()) {
      numbers.add(
          new SecurityLogStore.NumberTag(
              dayKeys.tag(NUMBER, numberBytes(lookup.number())), lookup.outcome()));
    }
    return new SecurityLogStore.Row(
        ids.next(),
        day,
        visit.time().toEpochMilli(),
        visit.route(),
        visit.status(),
        visit.latencyMicros(),
        dayKeys.tag(CLIENT, client.getAddress()),
        dayKeys.tag(PREFIX, IpLiterals.networkPrefix(client)),
        dayKeys.seal(
            IpLiterals.normalized(client).getBytes(StandardCharsets.US_ASCII), associatedData(day)),
        browser.family(),
        browser.major().isEmpty() ? UserAgents.UNKNOWN : browser.major(),
        browser.device().name(),
        browser.bot(),
        visit.privacySignal(),
        visit.shipperKeyId(),
        numbers);
  }

  private void countVisit(
      Map<Cell, Long> increments, Visit visit, LocalDate day, String hour, Browser browser) {
    count(increments, day, hour, TrafficCounts.REQUESTS, visit.route().name());
    count(increments, day, hour, TrafficCounts.STATUS, Integer.toString(visit.status()));
    for (Visit.Lookup lookup : visit.lookups()) {
      count(increments, day, hour, TrafficCounts.LOOKUPS, lookup.outcome().name());
    }
    count(increments, day, hour, TrafficCounts.BROWSER, browser.family());
    count(increments, day, hour, TrafficCounts.OS, browser.os());
    count(increments, day, hour, TrafficCounts.DEVICE, browser.device().name());
    count(
        increments,
        day,
        hour,
        TrafficCounts.TRAFFIC,
        browser.bot() ? TrafficCounts.BOT : TrafficCounts.HUMAN);
    count(increments, day, hour, TrafficCounts.REFERRER, referrer(day, visit));
    geoIp
        .country(visit.client())
        .ifPresent(country -> count(increments, day, hour, TrafficCounts.COUNTRY, country));
  }

  private String referrer(LocalDate day, Visit visit) {
    String host = Referrers.host(visit.referrer(), visit.ownHost());
    if (host.startsWith("(")) {
      return host;
    }
    Set<String> seen = referrersSeen.computeIfAbsent(day, d -> new HashSet<>());
    if (seen.contains(host) || seen.size() < REFERRER_HOSTS_PER_DAY) {
      seen.add(host);
      return host;
    }
    return Referrers.OTHER;
  }

  private static void count(
      Map<Cell, Long> increments, LocalDate day, String hour, String dimension, String value) {
    increments.merge(new Cell('D', day.toString(), dimension, value), 1L, Long::sum);
    increments.merge(new Cell('H', hour, dimension, value), 1L, Long::sum);
  }

  /** A tag with value equality, for de-duplicating within a batch. */
  private record Tag(byte[] bytes) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Tag other && java.util.Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "Tag[" + bytes.length + " bytes]";
    }
  }
}
