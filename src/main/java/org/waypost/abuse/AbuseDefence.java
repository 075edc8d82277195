package org.waypost.abuse;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.SynchronizationStrategy;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import org.waypost.config.AbuseConfig;
import org.waypost.keys.EphemeralKeys;
import org.waypost.net.IpLiterals;
import org.waypost.visitor.Outcome;
import org.waypost.visitor.Visit;

/**
 * Stops scrapers and number guessers without profiling anyone (guarantee 8).
 *
 * <ul>
 *   <li>Token buckets (Bucket4j) per client and per network prefix (/24, /48) on public lookups,
 *       where asking for k numbers costs k tokens; per shipper API key on the shipper API.
 *   <li>Enumeration detection: per client, the distinct numbers asked in a sliding window and how
 *       many were unknown or invalid; per prefix, the same counts summed. Enough failures at a high
 *       enough failure rate block the client (or the whole prefix) for an hour; each repeat within
 *       a week doubles the block, up to {@code abuse.maxBlockDays} (fail2ban's recidive).
 *   <li>Authentication failures per client, with a lockout.
 * </ul>
 *
 * <p>State is keyed by tier-1 pseudonyms (keyed hashes under an hourly in-memory key) in bounded
 * caches that drop idle clients first; at the hourly key rotation a client's state follows it
 * through the previous hour's tag. Blocks are also persisted as incidents with day tags, so they
 * survive restarts and rotations and link to the security log. All of this is per node: several
 * nodes share blocks through the incidents table, not counters (see docs/abuse.md).
 */
public final class AbuseDefence {
  /** The tag domain of a client's hourly pseudonym, shared with the access log. */
  public static final String CLIENT_DOMAIN = "client";

  static final String PREFIX_DOMAIN = "abuse-prefix";
  private static final long NUMBER_SEED = new java.security.SecureRandom().nextLong();
  static final String AUTH_DOMAIN = "abuse-auth";

  public static final String RULE_CLIENT_RATE = "client-rate";
  public static final String RULE_PREFIX_RATE = "prefix-rate";
  public static final String RULE_SHIPPER_RATE = "shipper-rate";
  public static final String RULE_ENUMERATION = "enumeration";
  public static final String RULE_PREFIX_ENUMERATION = "prefix-enumeration";
  public static final String RULE_AUTH = "auth-lockout";

  private final AbuseConfig config;
  private final EphemeralKeys hourly;
  private final Clock clock;
  private final TimeMeter time;
  private final Blocks blocks;
  private final Cache<Pseudonym, Tracked> clients;
  private final Cache<Pseudonym, Tracked> prefixes;
  private final Cache<Pseudonym, AuthFailures> auth;
  private static final int PREFIX_TAGS = 100_000;
  private final ConcurrentHashMap<Long, Pseudonym> prefixTags = new ConcurrentHashMap<>();
  private volatile long prefixTagsHour = Long.MIN_VALUE;
  private final Newcomers newClients;
  private final Newcomers newPrefixes;
  private final ConcurrentMap<String, Bucket> shippers = new ConcurrentHashMap<>();
  private final Bandwidth[] clientLimits;
  private final Bandwidth[] prefixLimits;
  private final Bandwidth shipperLimit;
  private final MeterRegistry meters;
  // registered on first use, as before, so that no rule or scope is exported before it happens
  private final ConcurrentMap<String, Counter> refusals = new ConcurrentHashMap<>();
  private final ConcurrentMap<Blocks.Scope, Counter> blocksImposed = new ConcurrentHashMap<>();

  public AbuseDefence(
      AbuseConfig config, EphemeralKeys hourly, Clock clock, Blocks blocks, MeterRegistry meters) {
    this.config = config;
    this.hourly = hourly;
    this.clock = clock;
    this.blocks = blocks;
    this.meters = meters;
    this.time =
        new TimeMeter() {
          @Override
          public long currentTimeNanos() {
            return TimeUnit.MILLISECONDS.toNanos(clock.millis());
          }

          @Override
          public boolean isWallClockBased() {
            return true;
          }
        };
    Duration idle = Duration.ofMinutes(Math.max(60, config.windowMinutes()));
    this.clients =
        Caffeine.newBuilder()
            .maximumSize(config.maxTrackedClients())
            .expireAfterAccess(idle)
            .build();
    this.prefixes =
        Caffeine.newBuilder()
            .maximumSize(config.maxTrackedClients())
            .expireAfterAccess(idle)
            .build();
    this.auth =
        Caffeine.newBuilder()
            .maximumSize(config.maxTrackedClients())
            .expireAfterWrite(
                Duration.ofMinutes(config.authLockoutMinutes() + config.windowMinutes()))
            .build();
    this.newClients = new Newcomers(config.maxTrackedClients());
    this.newPrefixes = new Newcomers(config.maxTrackedClients() / 4);
    this.clientLimits =
        new Bandwidth[] {
          perMinute(config.clientNumbersPerMinute()), perDay(config.clientNumbersPerDay())
        };
    this.prefixLimits =
        new Bandwidth[] {
          perMinute(config.prefixNumbersPerMinute()), perDay(config.prefixNumbersPerDay())
        };
    this.shipperLimit = perMinute(config.shipperRequestsPerMinute());
    meters.gauge(
        "waypost.abuse.tracked",
        List.of(io.micrometer.core.instrument.Tag.of("kind", "client")),
        clients,
        Cache::estimatedSize);
    meters.gauge(
        "waypost.abuse.tracked",
        List.of(io.micrometer.core.instrument.Tag.of("kind", "prefix")),
        prefixes,
        Cache::estimatedSize);
  }

  private static Bandwidth perMinute(int tokens) {
    return Bandwidth.builder().capacity(tokens).refillGreedy(tokens, Duration.ofMinutes(1)).build();
  }

  private static Bandwidth perDay(int tokens) {
    return Bandwidth.builder().capacity(tokens).refillGreedy(tokens, Duration.ofDays(1)).build();
  }

  private Bucket bucket(Bandwidth... limits) {
    var builder =
        Bucket.builder()
            .withCustomTimePrecision(time)
            .withSynchronizationStrategy(SynchronizationStrategy.LOCK_FREE);
    for (Bandwidth limit : limits) {
      builder.addLimit(limit);
    }
    return builder.build();
  }

  /**
   * Who a request comes from, as far as abuse defence is concerned: the state of the client and of
   * its network, looked up once per request and used before and after it is handled. Either may be
   * null: a newcomer this hour, known only to the {@link Newcomers} table.
   */
  public static final class Subject {
    private final InetAddress client;
    private final Pseudonym clientKey;
    private final Pseudonym prefixKey;
    private Tracked who;
    private Tracked network;

    private Subject(InetAddress client, Pseudonym clientKey, Pseudonym prefixKey) {
      this.client = client;
      this.clientKey = clientKey;
      this.prefixKey = prefixKey;
    }
  }

  public Subject subject(InetAddress client) {
    return subject(client, hourly.tag(CLIENT_DOMAIN, client.getAddress()));
  }

  /**
   * @param pseudonym the client's tag under {@link #CLIENT_DOMAIN}, already computed
   */
  public Subject subject(InetAddress client, byte[] pseudonym) {
    byte[] address = client.getAddress();
    byte[] prefix = IpLiterals.networkPrefix(client);
    Subject subject = new Subject(client, Pseudonym.of(pseudonym), prefixTag(client, prefix));
    subject.who = known(false, subject.clientKey, address, client);
    subject.network = known(true, subject.prefixKey, prefix, client);
    return subject;
  }

  /**
   * Before a lookup of {@code numbers} numbers: blocked, over a limit, or allowed (and charged).
   */
  public Decision admitLookup(Subject subject, int numbers) {
    long now = clock.millis();
    Decision blocked = subject.who == null ? null : blockedDecision(subject.who, now);
    if (blocked == null && subject.network != null) {
      blocked = blockedDecision(subject.network, now);
    }
    if (blocked != null) {
      return refused(blocked);
    }
    long hour = now / 3_600_000;
    if (subject.who != null) {
      ConsumptionProbe probe = subject.who.bucket.tryConsumeAndReturnRemaining(numbers);
      if (!probe.isConsumed()) {
        return refused(
            Decision.limited(RULE_CLIENT_RATE, seconds(probe.getNanosToWaitForRefill())));
      }
    }
    if (subject.network != null) {
      ConsumptionProbe probe = subject.network.bucket.tryConsumeAndReturnRemaining(numbers);
      if (!probe.isConsumed()) {
        if (subject.who != null) {
          subject.who.bucket.addTokens(numbers);
        }
        return refused(
            Decision.limited(RULE_PREFIX_RATE, seconds(probe.getNanosToWaitForRefill())));
      }
    } else {
      newPrefixes.add(subject.prefixKey, numbers, hour);
    }
    if (subject.who == null) {
      // a first request always fits: the per-minute and per-day limits are at least 35
      newClients.add(subject.clientKey, numbers, hour);
    }
    return Decision.ALLOWED;
  }

  private static Decision blockedDecision(Tracked tracked, long now) {
    long until = tracked.blockedUntil();
    if (until > now) {
      return Decision.blocked(
          tracked.blockRule(), seconds(TimeUnit.MILLISECONDS.toNanos(until - now)));
    }
    return null;
  }

  private Decision refused(Decision decision) {
    refusals
        .computeIfAbsent(
            decision.rule(),
            rule ->
                Counter.builder("waypost.abuse.refused")
                    .description("Requests refused with 429, by rule")
                    .tag("rule", rule)
                    .register(meters))
        .increment();
    return decision;
  }

  /**
   * After a lookup: counts its outcomes into the client's and the prefix's windows, and blocks
   * either when the enumeration rule is met.
   */
  public void observeLookups(Subject subject, List<Visit.Lookup> lookups) {
    if (lookups.isEmpty()) {
      return;
    }
    long now = clock.millis();
    long minute = now / 60_000;
    InetAddress client = subject.client;
    boolean anyFailed = lookups.stream().anyMatch(l -> l.outcome() != Outcome.FOUND);
    if (subject.who == null && anyFailed) {
      subject.who = promote(false, subject.clientKey, client);
    }
    if (subject.network == null && anyFailed) {
      subject.network = promote(true, subject.prefixKey, client);
    }
    Tracked who = subject.who;
    Tracked network = subject.network;
    if (who == null && network == null) {
      return; // a newcomer that found what it asked for: nothing to count yet
    }
    int[] hashes = new int[lookups.size()];
    boolean[] failed = new boolean[lookups.size()];
    int failures = 0;
    for (int i = 0; i < hashes.length; i++) {
      Visit.Lookup lookup = lookups.get(i);
      hashes[i] = numberHash(lookup.number());
      failed[i] = lookup.outcome() != Outcome.FOUND;
      failures += failed[i] ? 1 : 0;
    }
    // the network counts only what is new in the client's window: a reload is not a guess
    Window.Counts counts = null;
    int newLookups = hashes.length;
    int newFailures = failures;
    if (who != null) {
      Tracked.Recorded recorded = who.record(minute, config.windowMinutes(), hashes, failed);
      counts = recorded.counts();
      newLookups = recorded.newLookups();
      newFailures = recorded.newFailures();
    }
    int[] networkCounts =
        network == null ? new int[] {0, 0} : network.add(minute, newLookups, newFailures);
    if (counts != null
        && counts.failed() >= config.failures()
        && counts.failed() >= config.failureRate() * counts.distinct()) {
      block(
          who,
          client,
          Blocks.Scope.CLIENT,
          RULE_ENUMERATION,
          counts.distinct(),
          counts.failed(),
          counts.firstMinute() * 60_000,
          now);
      return;
    }
    if (network != null
        && networkCounts[1] >= config.prefixFailures()
        && networkCounts[1] >= config.failureRate() * networkCounts[0]) {
      block(
          network,
          client,
          Blocks.Scope.PREFIX,
          RULE_PREFIX_ENUMERATION,
          networkCounts[0],
          networkCounts[1],
          now - config.windowMinutes() * 60_000L,
          now);
    }
  }

  private void block(
      Tracked tracked,
      InetAddress client,
      Blocks.Scope scope,
      String rule,
      int lookups,
      int failures,
      long firstSeen,
      long now) {
    int offence = Math.max(tracked.offence(), blocks.recentOffences(client, scope, now)) + 1;
    long minutes = (long) config.blockMinutes() << Math.min(offence - 1, 20);
    long until =
        now
            + Math.min(
                TimeUnit.MINUTES.toMillis(minutes), TimeUnit.DAYS.toMillis(config.maxBlockDays()));
    if (!tracked.block(rule, until, offence)) {
      return;
    }
    blocksImposed
        .computeIfAbsent(
            scope,
            s ->
                Counter.builder("waypost.abuse.blocks")
                    .description("Blocks imposed, by scope")
                    .tag("scope", s.name().toLowerCase(java.util.Locale.ROOT))
                    .register(meters))
        .increment();
    blocks.record(client, scope, rule, lookups, failures, firstSeen, now, until, offence);
  }

  /** Before a shipper API request authenticated with {@code keyId}. */
  public Decision admitShipper(String keyId) {
    Bucket bucket = shippers.computeIfAbsent(keyId, k -> bucket(shipperLimit));
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    return probe.isConsumed()
        ? Decision.ALLOWED
        : refused(Decision.limited(RULE_SHIPPER_RATE, seconds(probe.getNanosToWaitForRefill())));
  }

  /** Before checking a key, token or password from {@code client}: refused while locked out. */
  public Decision admitAuthentication(InetAddress client) {
    AuthFailures failures = auth.getIfPresent(tag(AUTH_DOMAIN, client.getAddress()));
    long now = clock.millis();
    long lockedUntil = failures == null ? 0 : failures.lockedUntil();
    if (lockedUntil > now) {
      return refused(
          Decision.blocked(RULE_AUTH, seconds(TimeUnit.MILLISECONDS.toNanos(lockedUntil - now))));
    }
    return Decision.ALLOWED;
  }

  public void authenticationFailed(InetAddress client) {
    AuthFailures failures =
        auth.get(tag(AUTH_DOMAIN, client.getAddress()), k -> new AuthFailures());
    failures.fail(clock.millis(), config);
  }

  /**
   * A network's pseudonym for this hour, remembered so that every request from a busy network does
   * not compute it again. Bounded: emptied at each hour (when the key changes) and whenever it
   * grows past {@link #PREFIX_TAGS}.
   */
  private Pseudonym prefixTag(InetAddress client, byte[] prefix) {
    long hour = clock.millis() / 3_600_000;
    if (hour != prefixTagsHour) {
      prefixTags.clear();
      prefixTagsHour = hour;
    }
    byte[] a = client.getAddress();
    long network =
        a.length == 4
            ? (1L << 56) | ((a[0] & 0xFFL) << 16) | ((a[1] & 0xFFL) << 8) | (a[2] & 0xFFL)
            : (2L << 56)
                | ((a[0] & 0xFFL) << 40)
                | ((a[1] & 0xFFL) << 32)
                | ((a[2] & 0xFFL) << 24)
                | ((a[3] & 0xFFL) << 16)
                | ((a[4] & 0xFFL) << 8)
                | (a[5] & 0xFFL);
    Pseudonym known = prefixTags.get(network);
    if (known != null) {
      return known;
    }
    if (prefixTags.size() >= PREFIX_TAGS) {
      prefixTags.clear();
    }
    Pseudonym computed = tag(PREFIX_DOMAIN, prefix);
    prefixTags.put(network, computed);
    return computed;
  }

  private Pseudonym tag(String domain, byte[] input) {
    return Pseudonym.of(hourly.tag(domain, input));
  }

  /**
   * The state of a client (or prefix) that has some: held under this hour's pseudonym, carried over
   * from the previous hour's, promoted from the newcomer table on its second request, or created
   * for a block persisted earlier. Null for a newcomer.
   */
  private Tracked known(boolean prefix, Pseudonym key, byte[] input, InetAddress client) {
    Cache<Pseudonym, Tracked> cache = prefix ? prefixes : clients;
    Tracked tracked = cache.getIfPresent(key);
    if (tracked != null) {
      return tracked;
    }
    // nothing to carry over while nothing is held (a flood of one-time clients, say)
    Tracked carried =
        cache.estimatedSize() == 0
            ? null
            : hourly
                .previousTag(prefix ? PREFIX_DOMAIN : CLIENT_DOMAIN, input)
                .map(previous -> cache.asMap().remove(Pseudonym.of(previous)))
                .orElse(null);
    if (carried != null) {
      Tracked raced = cache.asMap().putIfAbsent(key, carried);
      return raced != null ? raced : carried;
    }
    long now = clock.millis();
    int spent = (prefix ? newPrefixes : newClients).remove(key, now / 3_600_000);
    Optional<Blocks.Active> block =
        blocks.activeBlock(client, prefix ? Blocks.Scope.PREFIX : Blocks.Scope.CLIENT, now);
    if (spent < 0 && block.isEmpty()) {
      return null;
    }
    Tracked created = create(prefix, Math.max(spent, 0));
    block.ifPresent(b -> created.block(b.rule(), b.until(), b.offence()));
    Tracked raced = cache.asMap().putIfAbsent(key, created);
    return raced != null ? raced : created;
  }

  /** Gives a newcomer full state (it asked for an unknown number on its first request). */
  private Tracked promote(boolean prefix, Pseudonym key, InetAddress client) {
    Tracked existing = (prefix ? prefixes : clients).getIfPresent(key);
    if (existing != null) {
      return existing;
    }
    int spent = (prefix ? newPrefixes : newClients).remove(key, clock.millis() / 3_600_000);
    Tracked created = create(prefix, Math.max(spent, 0));
    Tracked raced = (prefix ? prefixes : clients).asMap().putIfAbsent(key, created);
    return raced != null ? raced : created;
  }

  private Tracked create(boolean prefix, int alreadySpent) {
    Tracked created =
        prefix
            ? Tracked.prefix(bucket(prefixLimits), config.windowMinutes())
            : Tracked.client(bucket(clientLimits));
    if (alreadySpent > 0) {
      created.bucket.tryConsume(alreadySpent);
    }
    return created;
  }

  /**
   * A 32-bit hash of a number for the in-memory window, seeded at random per process: it never
   * leaves memory, and only has to tell a few dozen numbers apart.
   */
  private int numberHash(String number) {
    long h = NUMBER_SEED;
    for (int i = 0; i < number.length(); i++) {
      h = (h ^ number.charAt(i)) * 0x100000001B3L;
    }
    h ^= h >>> 29;
    h *= 0xBF58476D1CE4E5B9L;
    return (int) (h ^ (h >>> 32));
  }

  private static long seconds(long nanos) {
    return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(nanos + 999_999_999L));
  }

  /** Failed authentications of one client in the window, and its lockout. */
  private static final class AuthFailures {
    private long windowStart;
    private int count;
    private long lockedUntil;

    synchronized void fail(long now, AbuseConfig config) {
      long window = TimeUnit.MINUTES.toMillis(config.windowMinutes());
      if (now - windowStart > window) {
        windowStart = now;
        count = 0;
      }
      count++;
      if (count >= config.authFailures()) {
        lockedUntil = now + TimeUnit.MINUTES.toMillis(config.authLockoutMinutes());
        count = 0;
        windowStart = now;
      }
    }

    synchronized long lockedUntil() {
      return lockedUntil;
    }
  }
}
