package org.waypost.abuse;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.waypost.config.AbuseConfig;
import org.waypost.keys.EphemeralKeys;
import org.waypost.net.IpLiterals;

/**
 * Shipper keys, operator tokens and console passwords can be guessed too. Failed checks are counted
 * three ways, and a count that reaches its limit within the window locks out every check it covers,
 * a correct one included, so that guessing gains nothing:
 *
 * <ul>
 *   <li><b>per client</b>: {@code abuse.authFailures} lock that address out for {@code
 *       abuse.authLockoutMinutes};
 *   <li><b>per network</b>: {@code abuse.authNetworkFailures} from a /24 (IPv4) or /64 (IPv6) lock
 *       out every address in it for as long. A /64 because one subscriber, even one host, always
 *       has a whole /64 (SLAAC and privacy addresses rotate within it), so one guesser has 2^64
 *       addresses there, while a /64 is rarely shared by strangers. Lookups count per /48, a site,
 *       because a rate limit on public lookups costs a neighbour little; a lockout refuses every
 *       credential in the network, so it is kept to what is surely one party, and guessing spread
 *       wider meets the account count;
 *   <li><b>per account name</b> (console password logins only): {@code abuse.authAccountFailures}
 *       from anywhere pause logins to that name, from every address, for {@code
 *       abuse.authAccountLockoutMinutes}. Anyone can cause this pause, so it is short and never
 *       extended while it runs (refused attempts are not counted), and it takes more failures than
 *       one address may make: the real operator is kept out for minutes, not for good.
 * </ul>
 *
 * <p>Each count is held under an hourly pseudonym of its own domain (the account name, like the
 * address, is never held in clear), in a bounded cache whose entries expire once a lockout could no
 * longer be running. When the hourly key rotates, a count follows its subject through the previous
 * hour's pseudonym, so a lockout lasts as long as it says.
 */
public final class AuthLockout {
  public static final String RULE_AUTH = "auth-lockout";
  public static final String RULE_NETWORK = "auth-network-lockout";
  public static final String RULE_ACCOUNT = "auth-account-lockout";

  static final String AUTH_DOMAIN = "abuse-auth";
  static final String NETWORK_DOMAIN = "abuse-auth-network";
  static final String ACCOUNT_DOMAIN = "abuse-auth-account";

  /** The network a lockout covers: /24 for IPv4, /64 for IPv6 (see the class comment). */
  static final int IPV4_NETWORK_BITS = 24;

  static final int IPV6_NETWORK_BITS = 64;

  private final EphemeralKeys hourly;
  private final Clock clock;
  private final Refusals refusals;
  private final long windowMillis;
  private final Scope clients;
  private final Scope networks;
  private final Scope accounts;

  public AuthLockout(AbuseConfig config, EphemeralKeys hourly, Clock clock, MeterRegistry meters) {
    this.hourly = hourly;
    this.clock = clock;
    this.refusals = new Refusals(meters);
    this.windowMillis = TimeUnit.MINUTES.toMillis(config.windowMinutes());
    this.clients =
        new Scope(
            RULE_AUTH, AUTH_DOMAIN, config.authFailures(), config.authLockoutMinutes(), config);
    this.networks =
        new Scope(
            RULE_NETWORK,
            NETWORK_DOMAIN,
            config.authNetworkFailures(),
            config.authLockoutMinutes(),
            config);
    this.accounts =
        new Scope(
            RULE_ACCOUNT,
            ACCOUNT_DOMAIN,
            config.authAccountFailures(),
            config.authAccountLockoutMinutes(),
            config);
  }

  /** Before checking a key or token from {@code client}: refused while it is locked out. */
  public Decision admit(InetAddress client) {
    return admit(client, null);
  }

  /**
   * Before checking a password for {@code account} (null when the check names none) from {@code
   * client}: refused while the client, its network or the account is locked out. Of several
   * lockouts the one that ends last is reported, so that {@code Retry-After} is not too early.
   */
  public Decision admit(InetAddress client, String account) {
    long now = clock.millis();
    String rule = null;
    long until = now;
    for (Subject subject : subjects(client, account)) {
      long lockedUntil = subject.scope().lockedUntil(subject.input());
      if (lockedUntil > until) {
        until = lockedUntil;
        rule = subject.scope().rule;
      }
    }
    return rule == null ? Decision.ALLOWED : refusals.blocked(rule, until - now);
  }

  /** After a key or token check from {@code client} failed. */
  public void failed(InetAddress client) {
    failed(client, null);
  }

  /** After a password check for {@code account} (null for none) from {@code client} failed. */
  public void failed(InetAddress client, String account) {
    long now = clock.millis();
    for (Subject subject : subjects(client, account)) {
      subject.scope().fail(subject.input(), now);
    }
  }

  /** What a check from {@code client} for {@code account} is counted against. */
  private Subject[] subjects(InetAddress client, String account) {
    Subject address = new Subject(clients, client.getAddress());
    Subject network =
        new Subject(
            networks, IpLiterals.networkPrefix(client, IPV4_NETWORK_BITS, IPV6_NETWORK_BITS));
    String name = account == null ? "" : account.strip();
    if (name.isEmpty()) {
      return new Subject[] {address, network};
    }
    return new Subject[] {
      address, network, new Subject(accounts, name.getBytes(StandardCharsets.UTF_8))
    };
  }

  /** One thing failures are counted against: a scope, and the input its pseudonym is made of. */
  private record Subject(Scope scope, byte[] input) {}

  /** The failure counts of one kind (clients, networks or accounts), by hourly pseudonym. */
  private final class Scope {
    final String rule;
    private final String domain;
    private final int limit;
    private final long lockoutMillis;
    private final Cache<Pseudonym, Failures> failures;

    Scope(String rule, String domain, int limit, int lockoutMinutes, AbuseConfig config) {
      this.rule = rule;
      this.domain = domain;
      this.limit = limit;
      this.lockoutMillis = TimeUnit.MINUTES.toMillis(lockoutMinutes);
      // After the last failure or check, nothing needs the entry longer than a lockout it may
      // have started, or a window it may be counting in.
      this.failures =
          Caffeine.newBuilder()
              .maximumSize(config.maxTrackedClients())
              .expireAfterAccess(Duration.ofMinutes(lockoutMinutes + config.windowMinutes()))
              .build();
    }

    long lockedUntil(byte[] input) {
      Failures held = held(Pseudonym.of(hourly.tag(domain, input)), input);
      return held == null ? 0 : held.lockedUntil();
    }

    void fail(byte[] input, long now) {
      Pseudonym key = Pseudonym.of(hourly.tag(domain, input));
      Failures held = held(key, input);
      if (held == null) {
        held = failures.get(key, k -> new Failures());
      }
      held.fail(now, limit, windowMillis, lockoutMillis);
    }

    /** The counts under {@code key}, or carried over from the previous hour's pseudonym. */
    private Failures held(Pseudonym key, byte[] input) {
      Failures held = failures.getIfPresent(key);
      if (held != null || failures.estimatedSize() == 0) {
        return held;
      }
      Failures carried =
          hourly
              .previousTag(domain, input)
              .map(previous -> failures.asMap().remove(Pseudonym.of(previous)))
              .orElse(null);
      if (carried == null) {
        return null;
      }
      Failures raced = failures.asMap().putIfAbsent(key, carried);
      return raced != null ? raced : carried;
    }
  }

  /** Failed authentications of one subject in the window, and its lockout. */
  private static final class Failures {
    private long windowStart;
    private int count;
    private long lockedUntil;

    synchronized void fail(long now, int limit, long windowMillis, long lockoutMillis) {
      if (now - windowStart > windowMillis) {
        windowStart = now;
        count = 0;
      }
      count++;
      if (count >= limit) {
        lockedUntil = now + lockoutMillis;
        count = 0;
        windowStart = now;
      }
    }

    synchronized long lockedUntil() {
      return lockedUntil;
    }
  }
}
