package org.waypost.abuse;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.waypost.db.Database;
import org.waypost.keys.DayKeys;
import org.waypost.keys.KeyStore;
import org.waypost.visitor.ClientAddresses;
import org.waypost.visitor.VisitorLog;

/**
 * Blocks as they outlive memory: each is persisted as an incident with day tags and a sealed
 * address, and indexed in memory by those day tags so that a client returning after a restart or
 * the hourly key rotation is still blocked, and a repeat offender is recognised. The index holds
 * only the incidents of the last {@code maxBlockDays} days; other nodes' incidents arrive through
 * {@link #refresh()}.
 */
public final class Blocks {
  public enum Scope {
    CLIENT,
    PREFIX
  }

  /** A block as the index knows it. */
  record Active(String rule, long until, int offence, long createdAt) {}

  private final Database database;
  private final IncidentStore store = new IncidentStore();
  private final KeyStore keys;
  private final int maxBlockDays;
  private final ConcurrentSkipListMap<LocalDate, Map<String, List<Active>>> index =
      new ConcurrentSkipListMap<>();
  private volatile long lastSeenId;

  public Blocks(Database database, KeyStore keys, int maxBlockDays) {
    this.database = database;
    this.keys = keys;
    this.maxBlockDays = maxBlockDays;
  }

  static byte[] associatedData(LocalDate day) {
    return ("waypost-incident:" + day).getBytes(StandardCharsets.US_ASCII);
  }

  void record(
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
    DayKeys dayKeys = keys.day(day);
    byte[] clientTag = dayKeys.tag(VisitorLog.CLIENT, client.getAddress());
    byte[] prefixTag = dayKeys.tag(VisitorLog.PREFIX, ClientAddresses.networkPrefix(client));
    String revealable =
        scope == Scope.CLIENT ? ClientAddresses.normalized(client) : network(client);
    byte[] sealed =
        dayKeys.seal(revealable.getBytes(StandardCharsets.US_ASCII), associatedData(day));
    database.inTransaction(
        c ->
            store.insert(
                c,
                new IncidentStore.Row(
                    0, day, rule, scope, clientTag, prefixTag, sealed, lookups, failures, firstSeen,
                    now, "BLOCKED", until, offence)));
    remember(
        day,
        scope,
        scope == Scope.CLIENT ? clientTag : prefixTag,
        new Active(rule, until, offence, now));
  }

  /** The network of a prefix block, as text: 203.0.113.0/24 or 2001:db8:1::/48. */
  static String network(InetAddress client) {
    byte[] masked = client.getAddress().clone();
    int keep = masked.length == 4 ? 3 : 6;
    for (int i = keep; i < masked.length; i++) {
      masked[i] = 0;
    }
    try {
      return ClientAddresses.normalized(InetAddress.getByAddress(masked))
          + (masked.length == 4 ? "/24" : "/48");
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The longest unexpired block on record for this client (or its prefix). */
  Optional<Active> activeBlock(InetAddress client, Scope scope, long now) {
    return matches(client, scope, now).stream()
        .filter(a -> a.until() > now)
        .max(java.util.Comparator.comparingLong(Active::until));
  }

  /** How many blocks of this client (or prefix) were imposed in the last week or so. */
  int recentOffences(InetAddress client, Scope scope, long now) {
    long since = now - java.util.concurrent.TimeUnit.DAYS.toMillis(maxBlockDays);
    return (int) matches(client, scope, now).stream().filter(a -> a.createdAt() >= since).count();
  }

  private List<Active> matches(InetAddress client, Scope scope, long now) {
    if (index.isEmpty()) {
      return List.of();
    }
    List<Active> found = new ArrayList<>();
    for (var entry : index.entrySet()) {
      Optional<DayKeys> dayKeys = keys.existing(entry.getKey());
      if (dayKeys.isEmpty()) {
        continue;
      }
      byte[] tag =
          scope == Scope.CLIENT
              ? dayKeys.get().tag(VisitorLog.CLIENT, client.getAddress())
              : dayKeys.get().tag(VisitorLog.PREFIX, ClientAddresses.networkPrefix(client));
      List<Active> blocks = entry.getValue().get(key(scope, tag));
      if (blocks != null) {
        synchronized (blocks) {
          found.addAll(blocks);
        }
      }
    }
    return found;
  }

  private void remember(LocalDate day, Scope scope, byte[] tag, Active active) {
    List<Active> list =
        index
            .computeIfAbsent(day, d -> new ConcurrentHashMap<>())
            .computeIfAbsent(key(scope, tag), k -> new ArrayList<>());
    synchronized (list) {
      list.add(active);
    }
  }

  /**
   * Loads incidents recorded since the last look (by this node or another), and forgets old days.
   */
  public void refresh(Instant now) {
    LocalDate oldest = day(now.toEpochMilli()).minusDays(maxBlockDays);
    index.headMap(oldest).clear();
    List<IncidentStore.Row> rows = database.read(c -> store.since(c, lastSeenId, oldest));
    for (IncidentStore.Row row : rows) {
      if (row.id() > lastSeenId) {
        lastSeenId = row.id();
      }
      byte[] tag = row.scope() == Scope.CLIENT ? row.clientTag() : row.prefixTag();
      List<Active> known = index.getOrDefault(row.day(), Map.of()).get(key(row.scope(), tag));
      boolean already =
          known != null
              && known.stream()
                  .anyMatch(
                      a -> a.createdAt() == row.lastSeen() && a.until() == row.blockedUntil());
      if (!already) {
        remember(
            row.day(),
            row.scope(),
            tag,
            new Active(row.rule(), row.blockedUntil(), row.offence(), row.lastSeen()));
      }
    }
  }

  private static String key(Scope scope, byte[] tag) {
    return scope.name() + ':' + java.util.HexFormat.of().formatHex(tag);
  }

  private static LocalDate day(long millis) {
    return Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC).toLocalDate();
  }
}
