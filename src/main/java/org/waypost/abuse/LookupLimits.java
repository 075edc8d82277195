package org.waypost.abuse;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.ConsumptionProbe;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import org.waypost.config.AbuseConfig;
import org.waypost.keys.EphemeralKeys;
import org.waypost.net.IpLiterals;
import org.waypost.visitor.Outcome;
import org.waypost.visitor.Visit;

/**
 * Stops scrapers and number guessers on public lookups without profiling anyone (guarantee 8): a
 * valid number leads to a delivery city and a parcel on a porch.
 *
 * <ul>
 *   <li>Token buckets (Bucket4j) per client and per network prefix (/24, /48), where asking for k
 *       numbers costs k tokens.
 *   <li>Enumeration detection: per client, the distinct numbers asked in a sliding window and how
 *       many were unknown or invalid; per prefix, the same counts summed. Enough failures at a high
 *       enough failure rate block the client (or the whole prefix) for an hour; each repeat within
 *       a week doubles the block, up to {@code abuse.maxBlockDays} (fail2ban's recidive).
 * </ul>
 *
 * <p>State is keyed by tier-1 pseudonyms (keyed hashes under an hourly in-memory key), held by a
 * {@link Roster} of clients and one of networks. Blocks are also persisted as incidents with day
 * tags ({@link Blocks}), so they survive restarts and rotations and link to the security log. All
 * of this is per node unless {@code abuse.redisUrl} is set: then buckets, windows and blocks live
 * in Redis ({@link SharedAbuseState}) and every node counts a client alike (docs/scaling.md).
 * Operators may lift a block or allow a network for a while ({@code Incidents}); an allowed network
 * is neither blocked nor rate-limited while the allowance lasts.
 */
public final class LookupLimits {
  /**
   * The tag domain of a client's hourly pseudonym. The web layer computes that pseudonym once per
   * request (the access log and {@code /api/v1/privacy/me} show it too) and hands it to {@link
   * #subject(InetAddress, byte[])}; the rotation carry-over recomputes it under this domain.
   */
  public static final String CLIENT_DOMAIN = "client";

  public static final String RULE_CLIENT_RATE = "client-rate";
  public static final String RULE_PREFIX_RATE = "prefix-rate";
  public static final String RULE_ENUMERATION = "enumeration";
  public static final String RULE_PREFIX_ENUMERATION = "prefix-enumeration";

  private static final long NUMBER_SEED = new SecureRandom().nextLong();

  /** The tag domain of a number in the shared windows (several nodes hash it alike). */
  private static final String NUMBER_DOMAIN = "number";

  private final AbuseConfig config;
  private final EphemeralKeys hourly;
  private final Clock clock;
  private final Blocks blocks;
  private final PrefixTags prefixTags;
  private final Roster clients;
  private final Roster networks;
  private final Refusals refusals;
  private final MeterRegistry meters;
  private final SharedAbuseState shared;
  // registered on first use, so that no scope is exported before it happens
  private final ConcurrentMap<Blocks.Scope, Counter> blocksImposed = new ConcurrentHashMap<>();

  public LookupLimits(
      AbuseConfig config, EphemeralKeys hourly, Clock clock, Blocks blocks, MeterRegistry meters) {
    this(config, hourly, clock, blocks, meters, null);
  }

  /**
   * @param shared the state several nodes share (Redis), or null for one node; while it cannot
   *     answer, this node's own counters decide
   */
  public LookupLimits(
      AbuseConfig config,
      EphemeralKeys hourly,
      Clock clock,
      Blocks blocks,
      MeterRegistry meters,
      SharedAbuseState shared) {
    this.shared = shared;
    this.config = config;
    this.hourly = hourly;
    this.clock = clock;
    this.blocks = blocks;
    this.meters = meters;
    this.refusals = new Refusals(meters);
    this.prefixTags = new PrefixTags(hourly);
    Buckets buckets = new Buckets(clock);
    Bandwidth[] clientLimits = {
      Buckets.perMinute(config.clientNumbersPerMinute()),
      Buckets.perDay(config.clientNumbersPerDay())
    };
    Bandwidth[] prefixLimits = {
      Buckets.perMinute(config.prefixNumbersPerMinute()),
      Buckets.perDay(config.prefixNumbersPerDay())
    };
    this.clients =
        new Roster(
            Blocks.Scope.CLIENT,
            CLIENT_DOMAIN,
            () -> Tracked.client(buckets.of(clientLimits)),
            config.maxTrackedClients(),
            config,
            hourly,
            blocks);
    this.networks =
        new Roster(
            Blocks.Scope.PREFIX,
            PrefixTags.DOMAIN,
            () -> Tracked.prefix(buckets.of(prefixLimits), config.windowMinutes()),
            config.maxTrackedClients() / 4,
            config,
            hourly,
            blocks);
    meters.gauge("waypost.abuse.tracked", List.of(Tag.of("kind", "client")), clients, Roster::size);
    meters.gauge(
        "waypost.abuse.tracked", List.of(Tag.of("kind", "prefix")), networks, Roster::size);
  }

  /**
   * Who a lookup comes from: the state of the client and of its network, looked up once per request
   * and used before and after it is handled. Either may be null: a newcomer this hour, known only
   * to its roster's newcomer table.
   */
  public static final class Subject {
    private final InetAddress client;
    private final Pseudonym clientKey;
    private final Pseudonym prefixKey;
    private Tracked who;
    private Tracked network;
    private Boolean allowed;
    private boolean admittedShared;

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
    long now = clock.millis();
    byte[] address = client.getAddress();
    byte[] prefix = IpLiterals.networkPrefix(client);
    Subject subject =
        new Subject(client, Pseudonym.of(pseudonym), prefixTags.of(client, prefix, now));
    subject.who = clients.known(subject.clientKey, address, client, now);
    subject.network = networks.known(subject.prefixKey, prefix, client, now);
    return subject;
  }

  /**
   * Before a lookup of {@code numbers} numbers: blocked, over a limit, or allowed (and charged).
   */
  public Decision admit(Subject subject, int numbers) {
    if (shared != null) {
      Decision decision = admitShared(subject, numbers);
      if (decision != null) {
        return decision;
      }
    }
    long now = clock.millis();
    Decision blocked = subject.who == null ? null : blockedBy(subject.who, now);
    if (blocked == null && subject.network != null) {
      blocked = blockedBy(subject.network, now);
    }
    if (blocked != null) {
      return allowed(subject, now) ? Decision.ALLOWED : blocked;
    }
    if (subject.who != null) {
      ConsumptionProbe probe = subject.who.bucket.tryConsumeAndReturnRemaining(numbers);
      if (!probe.isConsumed()) {
        return allowed(subject, now)
            ? Decision.ALLOWED
            : refusals.limited(RULE_CLIENT_RATE, probe.getNanosToWaitForRefill());
      }
    }
    if (subject.network != null) {
      ConsumptionProbe probe = subject.network.bucket.tryConsumeAndReturnRemaining(numbers);
      if (!probe.isConsumed()) {
        if (allowed(subject, now)) {
          return Decision.ALLOWED;
        }
        if (subject.who != null) {
          subject.who.bucket.addTokens(numbers);
        }
        return refusals.limited(RULE_PREFIX_RATE, probe.getNanosToWaitForRefill());
      }
    } else {
      networks.newcomer(subject.prefixKey, numbers, now);
    }
    if (subject.who == null) {
      // a first request always fits: the per-minute and per-day limits are at least 35
      clients.newcomer(subject.clientKey, numbers, now);
    }
    return Decision.ALLOWED;
  }

  /**
   * A refusal while {@code tracked} is blocked; null when it is not, or when operators lifted the
   * block since (which ends it here too).
   */
  private Decision blockedBy(Tracked tracked, long now) {
    long until = tracked.blockedUntil();
    if (until <= now) {
      return null;
    }
    long incident = tracked.blockIncident();
    if (blocks.lifted(incident)) {
      tracked.lift(incident);
      return null;
    }
    return refusals.blocked(tracked.blockRule(), until - now, incident);
  }

  /**
   * Whether operators allowed the subject's network for now: then neither a block nor a rate limit
   * holds it. Asked only on the way to a refusal, and once per request.
   */
  private boolean allowed(Subject subject, long now) {
    if (subject.allowed == null) {
      subject.allowed = blocks.allowed(subject.client, now);
    }
    return subject.allowed;
  }

  /**
   * After a lookup: counts its outcomes into the client's and the prefix's windows, and blocks
   * either when the enumeration rule is met.
   */
  public void observe(Subject subject, List<Visit.Lookup> lookups) {
    if (lookups.isEmpty() || (subject.admittedShared && observeShared(subject, lookups))) {
      return;
    }
    long now = clock.millis();
    long minute = now / 60_000;
    InetAddress client = subject.client;
    boolean anyFailed = lookups.stream().anyMatch(l -> l.outcome() != Outcome.FOUND);
    if (subject.who == null && anyFailed) {
      subject.who = clients.promote(subject.clientKey, now);
    }
    if (subject.network == null && anyFailed) {
      subject.network = networks.promote(subject.prefixKey, now);
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
      if (allowed(subject, now)) {
        return;
      }
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
        && networkCounts[1] >= config.failureRate() * networkCounts[0]
        && !allowed(subject, now)) {
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
    // a last block found wrong since does not count, here as in the persisted index
    int held = tracked.offence() - (blocks.forgiven(tracked.blockIncident()) ? 1 : 0);
    int offence = Math.max(held, blocks.recentOffences(client, scope, now)) + 1;
    long minutes = (long) config.blockMinutes() << Math.min(offence - 1, 20);
    long until =
        now
            + Math.min(
                TimeUnit.MINUTES.toMillis(minutes), TimeUnit.DAYS.toMillis(config.maxBlockDays()));
    if (!tracked.block(rule, until, offence)) {
      return;
    }
    countBlock(scope);
    tracked.blockedBy(
        until,
        blocks.record(client, scope, rule, lookups, failures, firstSeen, now, until, offence));
  }

  /**
   * {@link #admit} on the state all nodes share: blocks, then the client's and the network's
   * buckets in Redis. Null when Redis cannot answer, so that this node's own state decides.
   */
  private Decision admitShared(Subject subject, int numbers) {
    long now = clock.millis();
    for (Blocks.Scope scope : Blocks.Scope.values()) {
      Pseudonym key = scope == Blocks.Scope.CLIENT ? subject.clientKey : subject.prefixKey;
      var block = shared.block(scope, key);
      if (block.isEmpty()) {
        return null;
      }
      SharedAbuseState.Block b = block.get().orElse(null);
      if (b != null && b.until() > now) {
        if (blocks.lifted(b.incident())) {
          shared.lift(scope, key);
        } else {
          return allowed(subject, now)
              ? Decision.ALLOWED
              : refusals.blocked(b.rule(), b.until() - now, b.incident());
        }
      }
    }
    // a block this node remembers (e.g. loaded from incidents at start) holds as well
    Decision held = subject.who == null ? null : blockedBy(subject.who, now);
    if (held == null && subject.network != null) {
      held = blockedBy(subject.network, now);
    }
    if (held != null) {
      return allowed(subject, now) ? Decision.ALLOWED : held;
    }
    var client = shared.consume(Blocks.Scope.CLIENT, subject.clientKey, numbers);
    if (client.isEmpty()) {
      return null;
    }
    if (!client.get().isConsumed()) {
      return allowed(subject, now)
          ? Decision.ALLOWED
          : refusals.limited(RULE_CLIENT_RATE, client.get().getNanosToWaitForRefill());
    }
    var network = shared.consume(Blocks.Scope.PREFIX, subject.prefixKey, numbers);
    if (network.isPresent() && !network.get().isConsumed()) {
      if (allowed(subject, now)) {
        return Decision.ALLOWED;
      }
      shared.refund(subject.clientKey, numbers);
      return refusals.limited(RULE_PREFIX_RATE, network.get().getNanosToWaitForRefill());
    }
    subject.admittedShared = true;
    return Decision.ALLOWED;
  }

  /**
   * {@link #observe} on the shared windows; false when Redis cannot answer (then this node counts).
   * Numbers are hashed under the shared hourly key, so that every node hashes a number alike.
   */
  private boolean observeShared(Subject subject, List<Visit.Lookup> lookups) {
    long now = clock.millis();
    long minute = now / 60_000;
    int[] hashes = new int[lookups.size()];
    boolean[] failed = new boolean[lookups.size()];
    for (int i = 0; i < hashes.length; i++) {
      Visit.Lookup lookup = lookups.get(i);
      byte[] tag = hourly.tag(NUMBER_DOMAIN, lookup.number().getBytes(StandardCharsets.UTF_8));
      hashes[i] = ByteBuffer.wrap(tag).getInt();
      failed[i] = lookup.outcome() != Outcome.FOUND;
    }
    var recorded = shared.record(subject.clientKey, minute, config.windowMinutes(), hashes, failed);
    if (recorded.isEmpty()) {
      return false;
    }
    Window.Counts counts = recorded.get().counts();
    var networkCounts =
        shared.add(
            subject.prefixKey,
            minute,
            config.windowMinutes(),
            recorded.get().newLookups(),
            recorded.get().newFailures());
    if (counts.failed() >= config.failures()
        && counts.failed() >= config.failureRate() * counts.distinct()) {
      if (!allowed(subject, now)) {
        blockShared(
            subject,
            Blocks.Scope.CLIENT,
            RULE_ENUMERATION,
            counts.distinct(),
            counts.failed(),
            counts.firstMinute() * 60_000,
            now);
      }
      return true;
    }
    if (networkCounts.isPresent()) {
      int[] n = networkCounts.get();
      if (n[1] >= config.prefixFailures()
          && n[1] >= config.failureRate() * n[0]
          && !allowed(subject, now)) {
        blockShared(
            subject,
            Blocks.Scope.PREFIX,
            RULE_PREFIX_ENUMERATION,
            n[0],
            n[1],
            now - config.windowMinutes() * 60_000L,
            now);
      }
    }
    return true;
  }

  /**
   * Blocks on every node: the incident as on one node (repeat offences counted from the incidents
   * every node loads), then the block in Redis until it ends.
   */
  private void blockShared(
      Subject subject,
      Blocks.Scope scope,
      String rule,
      int lookups,
      int failures,
      long firstSeen,
      long now) {
    int offence = blocks.recentOffences(subject.client, scope, now) + 1;
    long minutes = (long) config.blockMinutes() << Math.min(offence - 1, 20);
    long until =
        now
            + Math.min(
                TimeUnit.MINUTES.toMillis(minutes), TimeUnit.DAYS.toMillis(config.maxBlockDays()));
    countBlock(scope);
    long incident =
        blocks.record(
            subject.client, scope, rule, lookups, failures, firstSeen, now, until, offence);
    Pseudonym key = scope == Blocks.Scope.CLIENT ? subject.clientKey : subject.prefixKey;
    shared.block(scope, key, new SharedAbuseState.Block(rule, until, incident));
  }

  private void countBlock(Blocks.Scope scope) {
    blocksImposed
        .computeIfAbsent(
            scope,
            s ->
                Counter.builder("waypost.abuse.blocks")
                    .description("Blocks imposed, by scope")
                    .tag("scope", s.name().toLowerCase(Locale.ROOT))
                    .register(meters))
        .increment();
  }

  /**
   * A 32-bit hash of a number for the in-memory window, seeded at random per process: it never
   * leaves memory, and only has to tell a few dozen numbers apart.
   */
  private static int numberHash(String number) {
    long h = NUMBER_SEED;
    for (int i = 0; i < number.length(); i++) {
      h = (h ^ number.charAt(i)) * 0x100000001B3L;
    }
    h ^= h >>> 29;
    h *= 0xBF58476D1CE4E5B9L;
    return (int) (h ^ (h >>> 32));
  }
}
