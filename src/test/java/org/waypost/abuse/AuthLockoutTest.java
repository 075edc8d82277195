package org.waypost.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.waypost.keys.EphemeralKeys;
import org.waypost.testing.MutableClock;
import org.waypost.testing.TestApp;

/** The authentication lockout: ten failures in the window lock a client out for 15 minutes. */
class AuthLockoutTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final AuthLockout lockout =
      new AuthLockout(TestApp.config(Map.of()).abuse(), new EphemeralKeys(clock), clock, meters);

  private static InetAddress address(String literal) throws Exception {
    return InetAddress.getByName(literal);
  }

  @Test
  void tenFailuresLockTheClientOutForFifteenMinutes() throws Exception {
    InetAddress client = address("203.0.113.80");
    for (int i = 0; i < 9; i++) {
      lockout.failed(client);
    }
    assertThat(lockout.admit(client).allowed()).as("nine failures").isTrue();
    lockout.failed(client);

    Decision locked = lockout.admit(client);
    assertThat(locked.verdict()).isEqualTo(Decision.Verdict.BLOCKED);
    assertThat(locked.rule()).isEqualTo("auth-lockout");
    assertThat(locked.retryAfterSeconds()).isEqualTo(900);
    assertThat(lockout.admit(address("203.0.113.81")).allowed()).as("another client").isTrue();

    clock.advance(Duration.ofMinutes(15).minusSeconds(1));
    assertThat(lockout.admit(client).retryAfterSeconds()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(1));
    assertThat(lockout.admit(client).allowed()).as("lockout over").isTrue();
    assertThat(meters.get("waypost.abuse.refused").tag("rule", "auth-lockout").counter().count())
        .isEqualTo(2);
  }

  @Test
  void failuresFurtherApartThanTheWindowNeverAddUpToALockout() throws Exception {
    InetAddress client = address("2001:db8::80");
    for (int i = 0; i < 9; i++) {
      lockout.failed(client);
    }
    clock.advance(Duration.ofMinutes(11));
    for (int i = 0; i < 9; i++) {
      lockout.failed(client);
    }
    assertThat(lockout.admit(client).allowed()).isTrue();
    lockout.failed(client);
    assertThat(lockout.admit(client).allowed()).as("ten in the window").isFalse();
  }
}
