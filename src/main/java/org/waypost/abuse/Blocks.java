package org.waypost.abuse;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waypost.db.Database;
import org.waypost.keys.DayKeys;
import org.waypost.keys.KeyStore;
import org.waypost.keys.KeyStoreException;
import org.waypost.net.IpLiterals;
import org.waypost.visitor.VisitorLog;

/**
 * Blocks as they outlive memory: each is persisted as an incident with day tags and a sealed
 * address, and indexed in memory by those day tags so that a client returning after a restart or
 * the hourly key rotation is still blocked, and a repeat offender is recognised. The index holds
 * only the incidents of the last {@code maxBlockDays} days; other nodes' incidents arrive through
 * {@link #refresh()}.
 *
 * <p>What operators decide about incidents lives here too ({@link #apply}): a lifted block stops
 * matching at once on the node that recorded the decision and within a refresh on the others, and
 * an allowed network is recognised by its incident's network day tag until the allowance ends.
 */
public final class Blocks {
  public enum Scope {
    CLIENT,
    PREFIX
  }

  /** A block as the index knows it; {@code incident} is 0 for one that could not be stored. */
  record Active(String rule, long until, int offence, long createdAt, long incident) {}

  /** A network allowed until {@code until}: the incident's network tag under its day's keys. */
  private record Allowance(LocalDate day, Pseudonym network, long until) {}

  /** What the index files a block under: its scope and the day tag of the client or network. */
  private record Key(Scope scope, Pseudonym tag) {}

  /**
   * One indexed day: its blocks, and its keys, resolved when the day is first indexed and again at
   * each {@link #refresh}; null while the day has no keys (destroyed), so that it matches nothing.
   */
  private static final class Day {
    final Map<Key, List<Active>> blocks = new ConcurrentHashMap<>();
    volatile DayKeys keys;

    Day(DayKeys keys) {
      this.keys = keys;
    }
  }

  private static final Logger log = LoggerFactory.getLogger(Blocks.class);

  private final Database database;
  private final IncidentStore store = new IncidentStore();
  private final KeyStore keys;
  private final int maxBlockDays;
  private final ConcurrentSkipListMap<LocalDate, Day> index = new ConcurrentSkipListMap<>();
  private volatile long lastSeenId;

  /** Incidents whose block operators lifted: true when marked a false positive. */
  private final Map<Long, Boolean> lifted = new ConcurrentHashMap<>();

  /** Allowances by the id of the action that granted them. */
  private final Map<Long, Allowance> allowances = new ConcurrentHashMap<>();

  private volatile long lastActionId;

  /**
   * How far back each refresh reads again, besides what has a higher id than any seen: an incident
   * or action whose lower id commits after a higher one (another node's slower transaction) is
   * found if it commits within this long of being recorded. Rows read twice are recognised (an
   * incident by its block, an action is applied idempotently).
   */
  static final Duration LATE_COMMITS = Duration.ofMinutes(5);

  private static final int TAG_BYTES = 16;

  public Blocks(Database database, KeyStore keys, int maxBlockDays) {
    this.database = database;
    this.keys = keys;
    this.maxBlockDays = maxBlockDays;
  }

  static byte[] associatedData(LocalDate day) {
    return ("waypost-incident:" + day).getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Persists a block the caller has already imposed in memory, and indexes it by day tags; returns
   * the incident's id, or 0 when it could not be stored. Nothing here may undo the block or fail
   * the request that triggered it: when the day's keys were destroyed ahead of time there is
   * nothing to tag or seal with, and when the database cannot take the incident it is indexed on
   * this node only; either way the reason is logged.
   */
  long record(
      InetAddress client,
      Scope scope,
      String rule,
      int lookups,
      int failures,
      long firstSeen,
      long now,
      long until,
      int offence) {
    LocalDate day = day(now);
    DayKeys dayKeys;
    try {
      dayKeys = keys.dayIfKept(day).orElse(null);
    } catch (KeyStoreException e) {
      log.error("block not stored: the keys of {} cannot be opened rule={}", day, rule);
      return 0;
    }
    if (dayKeys == null) {
      log.warn("block not stored: the keys of {} were destroyed ahead of time rule={}", day, rule);
      return 0;
    }
    byte[] clientTag = dayKeys.tag(VisitorLog.CLIENT, client.getAddress());
    byte[] prefixTag = dayKeys.tag(VisitorLog.PREFIX, IpLiterals.networkPrefix(client));
    String revealable = scope == Scope.CLIENT ? IpLiterals.normalized(client) : network(client);
    byte[] sealed =
        dayKeys.seal(revealable.getBytes(StandardCharsets.US_ASCII), associatedData(day));
    long incident = 0;
    try {
      incident =
          database.inTransaction(
              c ->
                  store.insert(
                      c,
                      new IncidentStore.Row(
                          0, day, rule, scope, clientTag, prefixTag, sealed, lookups, failures,
                          firstSeen, now, "BLOCKED", until, offence)));
    } catch (RuntimeException e) {
      log.error(
          "block not stored, kept on this node only rule={} error={}",
          rule,
          e.getClass().getName());
    }
    remember(
        indexed(day, dayKeys),
        scope,
        scope == Scope.CLIENT ? clientTag : prefixTag,
        new Active(rule, until, offence, now, incident));
    return incident;
  }

  /** The network of a prefix block, as text: 203.0.113.0/24 or 2001:db8:1::/48. */
  static String network(InetAddress client) {
    byte[] masked = client.getAddress().clone();
    int keep = masked.length == 4 ? 3 : 6;
    for (int i = keep; i < masked.length; i++) {
      masked[i] = 0;
    }
    try {
      return IpLiterals.normalized(InetAddress.getByAddress(masked))
          + (masked.length == 4 ? "/24" : "/48");
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The longest unexpired block on record for this client (or its prefix) not lifted since. */
  Optional<Active> activeBlock(InetAddress client, Scope scope, long now) {
    return matches(client, scope, now).stream()
        .filter(a -> a.until() > now && !lifted(a.incident()))
        .max(java.util.Comparator.comparingLong(Active::until));
  }

  /**
   * How many blocks of this client (or prefix) were imposed in the last week or so, leaving out
   * those marked false positives.
   */
  int recentOffences(InetAddress client, Scope scope, long now) {
    long since = now - java.util.concurrent.TimeUnit.DAYS.toMillis(maxBlockDays);
    return (int)
        matches(client, scope, now).stream()
            .filter(a -> a.createdAt() >= since && !forgiven(a.incident()))
            .count();
  }

  /** Whether operators lifted the block of this incident (unblocked it or found it wrong). */
  boolean lifted(long incident) {
    return incident != 0 && lifted.containsKey(incident);
  }

  /** Whether operators marked this incident a false positive. */
  boolean forgiven(long incident) {
    return incident != 0 && Boolean.TRUE.equals(lifted.get(incident));
  }

  /**
   * Whether the client's network is allowed at {@code now}: its day tag matches the network of an
   * incident whose network operators allowed until later. Nothing to compute while no allowance
   * exists, which is almost always.
   */
  boolean allowed(InetAddress client, long now) {
    if (allowances.isEmpty()) {
      return false;
    }
    byte[] prefix = IpLiterals.networkPrefix(client);
    Map<LocalDate, Pseudonym> tags = new java.util.HashMap<>(2);
    for (Allowance allowance : allowances.values()) {
      if (allowance.until() <= now) {
        continue;
      }
      Pseudonym tag =
          tags.computeIfAbsent(
              allowance.day(),
              d ->
                  keys.existing(d)
                      .map(k -> Pseudonym.of(k.tag(VisitorLog.PREFIX, prefix)))
                      .orElse(null));
      if (allowance.network().equals(tag)) {
        return true;
      }
    }
    return false;
  }

  /** Takes an operator's action on an incident into account, on this node, at once. */
  void apply(IncidentStore.Action action) {
    switch (action.kind()) {
      case UNBLOCKED -> lifted.merge(action.incident(), false, Boolean::logicalOr);
      case FALSE_POSITIVE -> lifted.put(action.incident(), true);
      case ALLOWED -> {
        if (action.prefixTag().length == TAG_BYTES) {
          allowances.put(
              action.id(),
              new Allowance(action.day(), Pseudonym.of(action.prefixTag()), action.allowedUntil()));
        }
      }
    }
  }

  private List<Active> matches(InetAddress client, Scope scope, long now) {
    if (index.isEmpty()) {
      return List.of();
    }
    List<Active> found = new ArrayList<>();
    for (Day day : index.values()) {
      DayKeys dayKeys = day.keys;
      if (dayKeys == null) {
        continue;
      }
      byte[] tag =
          scope == Scope.CLIENT
              ? dayKeys.tag(VisitorLog.CLIENT, client.getAddress())
              : dayKeys.tag(VisitorLog.PREFIX, IpLiterals.networkPrefix(client));
      List<Active> blocks = day.blocks.get(new Key(scope, Pseudonym.of(tag)));
      if (blocks != null) {
        synchronized (blocks) {
          found.addAll(blocks);
        }
      }
    }
    return found;
  }

  /** The indexed day, added with {@code known} keys (or those on file) if it is new. */
  private Day indexed(LocalDate day, DayKeys known) {
    Day indexed =
        index.computeIfAbsent(
            day, d -> new Day(known != null ? known : keys.existing(d).orElse(null)));
    if (known != null && indexed.keys == null) {
      indexed.keys = known; // the day's keys were just obtained, so they exist
    }
    return indexed;
  }

  private static void remember(Day day, Scope scope, byte[] tag, Active active) {
    List<Active> list =
        day.blocks.computeIfAbsent(new Key(scope, Pseudonym.of(tag)), k -> new ArrayList<>());
    synchronized (list) {
      list.add(active);
    }
  }

  /**
   * Loads incidents recorded since the last look (by this node or another) and operators' actions
   * on them, including those that committed late (see {@link #LATE_COMMITS}), forgets old days and
   * ended allowances, and resolves each indexed day's keys again, so that a day whose keys were
   * destroyed stops matching.
   */
  public void refresh(Instant now) {
    LocalDate oldest = day(now.toEpochMilli()).minusDays(maxBlockDays);
    index.headMap(oldest).clear();
    for (var entry : index.entrySet()) {
      entry.getValue().keys = keys.existing(entry.getKey()).orElse(null);
    }
    allowances.values().removeIf(a -> a.until() <= now.toEpochMilli());
    long seenFrom = now.toEpochMilli() - LATE_COMMITS.toMillis();
    List<IncidentStore.Row> rows = database.read(c -> store.since(c, lastSeenId, seenFrom, oldest));
    for (IncidentStore.Row row : rows) {
      if (row.id() > lastSeenId) {
        lastSeenId = row.id();
      }
      byte[] tag = row.scope() == Scope.CLIENT ? row.clientTag() : row.prefixTag();
      if (tag.length != TAG_BYTES) {
        continue; // not a tag this node writes: it could never match one
      }
      Day day = index.get(row.day());
      List<Active> known =
          day == null ? null : day.blocks.get(new Key(row.scope(), Pseudonym.of(tag)));
      boolean already = false;
      if (known != null) {
        synchronized (known) {
          already =
              known.stream()
                  .anyMatch(
                      a -> a.createdAt() == row.lastSeen() && a.until() == row.blockedUntil());
        }
      }
      if (!already) {
        remember(
            day != null ? day : indexed(row.day(), null),
            row.scope(),
            tag,
            new Active(row.rule(), row.blockedUntil(), row.offence(), row.lastSeen(), row.id()));
      }
    }
    for (IncidentStore.Action action :
        database.read(c -> store.actionsSince(c, lastActionId, seenFrom))) {
      apply(action);
      lastActionId = Math.max(lastActionId, action.id());
    }
  }

  private static LocalDate day(long millis) {
    return Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC).toLocalDate();
  }
}
