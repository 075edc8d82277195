package org.waypost.abuse;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.waypost.config.AbuseConfig;
import org.waypost.keys.EphemeralKeys;

/**
 * Shipper keys, operator tokens and console passwords can be guessed too: {@code
 * abuse.authFailures} failed checks from one client within the window lock it out of every check
 * for {@code abuse.authLockoutMinutes}, a correct one included, so that guessing gains nothing. The
 * failures are held per client under an hourly pseudonym of their own domain, in a bounded cache
 * whose entries expire once a lockout could no longer be running.
 */
public final class AuthLockout {
  public static final String RULE_AUTH = "auth-lockout";

  static final String AUTH_DOMAIN = "abuse-auth";

  private final AbuseConfig config;
  private final EphemeralKeys hourly;
  private final Clock clock;
  private final Refusals refusals;
  private final Cache<Pseudonym, Failures> failures;

  public AuthLockout(AbuseConfig config, EphemeralKeys hourly, Clock clock, MeterRegistry meters) {
    this.config = config;
    this.hourly = hourly;
    this.clock = clock;
    this.refusals = new Refusals(meters);
    this.failures =
        Caffeine.newBuilder()
            .maximumSize(config.maxTrackedClients())
            .expireAfterWrite(
                Duration.ofMinutes(config.authLockoutMinutes() + config.windowMinutes()))
            .build();
  }

  /** Before checking a key, token or password from {@code client}: refused while locked out. */
  public Decision admit(InetAddress client) {
    Failures failed = failures.getIfPresent(key(client));
    long now = clock.millis();
    long lockedUntil = failed == null ? 0 : failed.lockedUntil();
    if (lockedUntil > now) {
      return refusals.blocked(RULE_AUTH, lockedUntil - now);
    }
    return Decision.ALLOWED;
  }

  /** After a check from {@code client} failed. */
  public void failed(InetAddress client) {
    failures.get(key(client), k -> new Failures()).fail(clock.millis(), config);
  }

  private Pseudonym key(InetAddress client) {
    return Pseudonym.of(hourly.tag(AUTH_DOMAIN, client.getAddress()));
  }

  /** Failed authentications of one client in the window, and its lockout. */
  private static final class Failures {
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
