package org.waypost.abuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.waypost.config.ConfigException;
import org.waypost.keys.EphemeralKeys;
import org.waypost.testing.MutableClock;
import org.waypost.testing.TestApp;

/**
 * The authentication lockout: ten failures in the window lock a client out for 15 minutes, thirty
 * its /24 or /64 network, and twenty failed logins to one account name pause that account's logins
 * for 5 minutes.
 */
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

  private static Decision.Verdict verdict(Decision decision) {
    return decision.verdict();
  }

  @Test
  void thirtyFailuresFromOneSlash64LockOutEveryAddressInIt() throws Exception {
    InetAddress[] four = {
      address("2001:db8:0:1::a"),
      address("2001:db8:0:1::b"),
      address("2001:db8:0:1:1234:5678:9abc:def0"),
      address("2001:db8:0:1:ffff:ffff:ffff:ffff")
    };
    for (int i = 0; i < 29; i++) {
      lockout.failed(four[i % 4]);
    }
    for (InetAddress each : four) {
      assertThat(lockout.admit(each).allowed()).as("eight or fewer each, 29 in all").isTrue();
    }
    lockout.failed(four[1]);

    Decision locked = lockout.admit(address("2001:db8:0:1::99"));
    assertThat(verdict(locked)).isEqualTo(Decision.Verdict.BLOCKED);
    assertThat(locked.rule()).isEqualTo("auth-network-lockout");
    assertThat(locked.retryAfterSeconds()).isEqualTo(900);
    assertThat(lockout.admit(address("2001:db8:0:2::a")).allowed())
        .as("the next /64 of the same /48")
        .isTrue();
    clock.advance(Duration.ofMinutes(15));
    assertThat(lockout.admit(four[0]).allowed()).isTrue();
  }

  @Test
  void thirtyFailuresFromOneSlash24LockOutEveryAddressInIt() throws Exception {
    for (int i = 1; i <= 30; i++) {
      lockout.failed(address("198.51.100." + i));
    }
    assertThat(lockout.admit(address("198.51.100.200")).rule()).isEqualTo("auth-network-lockout");
    assertThat(lockout.admit(address("::ffff:198.51.100.201")).rule())
        .as("IPv4-mapped")
        .isEqualTo("auth-network-lockout");
    assertThat(lockout.admit(address("203.0.113.1")).allowed()).isTrue();
  }

  @Test
  void twentyFailedLoginsToOneAccountPauseItsLoginsFromEverywhereForFiveMinutes() throws Exception {
    for (int i = 1; i <= 19; i++) {
      lockout.failed(address("2001:db8:" + i + "::1"), i % 2 == 0 ? "lena" : " lena ");
    }
    assertThat(lockout.admit(address("2001:db8:99::1"), "lena").allowed()).isTrue();
    lockout.failed(address("2001:db8:20::1"), "lena");

    Decision paused = lockout.admit(address("2001:db8:99::1"), "lena");
    assertThat(verdict(paused)).isEqualTo(Decision.Verdict.BLOCKED);
    assertThat(paused.rule()).isEqualTo("auth-account-lockout");
    assertThat(paused.retryAfterSeconds()).isEqualTo(300);
    assertThat(lockout.admit(address("2001:db8:99::1"), "piet").allowed()).as("another").isTrue();
    assertThat(lockout.admit(address("2001:db8:99::1"), "Lena").allowed()).isTrue();
    assertThat(lockout.admit(address("2001:db8:99::1")).allowed()).as("a token check").isTrue();
    assertThat(lockout.admit(address("2001:db8:1::1"), "lena").rule())
        .isEqualTo("auth-account-lockout");

    clock.advance(Duration.ofMinutes(5));
    assertThat(lockout.admit(address("2001:db8:99::1"), "lena").allowed()).isTrue();
    assertThat(meters.get("waypost.abuse.refused").tag("rule", "auth-account-lockout").counter())
        .satisfies(c -> assertThat(c.count()).isEqualTo(2));
  }

  @Test
  void oneAddressAloneCannotLockAnAccount() throws Exception {
    InetAddress guesser = address("203.0.113.90");
    for (int i = 0; i < 10; i++) {
      lockout.failed(guesser, "lena");
    }
    assertThat(lockout.admit(guesser, "lena").rule()).isEqualTo("auth-lockout");
    assertThat(lockout.admit(address("192.0.2.10"), "lena").allowed())
        .as("lena herself, elsewhere")
        .isTrue();
  }

  @Test
  void ofSeveralLockoutsTheOneThatEndsLastIsReported() throws Exception {
    InetAddress guesser = address("2001:db8:7::1");
    for (int i = 0; i < 10; i++) {
      lockout.failed(guesser, "lena");
    }
    for (int i = 0; i < 10; i++) {
      lockout.failed(address("2001:db8:8::" + (i + 1)), "lena");
    }
    Decision both = lockout.admit(guesser, "lena");
    assertThat(both.rule()).isEqualTo("auth-lockout");
    assertThat(both.retryAfterSeconds()).isEqualTo(900);
    assertThat(lockout.admit(address("2001:db8:9::1"), "lena").retryAfterSeconds()).isEqualTo(300);
  }

  @Test
  void lockoutsAndCountsLastAcrossTheHourlyKeyRotation() throws Exception {
    clock.set(Instant.parse("2026-11-29T10:55:00Z"));
    InetAddress client = address("203.0.113.80");
    for (int i = 0; i < 10; i++) {
      lockout.failed(client);
    }
    for (int i = 1; i <= 19; i++) {
      lockout.failed(address("2001:db8:" + i + "::1"), "lena");
    }

    clock.set(Instant.parse("2026-11-29T11:01:00Z"));

    Decision stillLocked = lockout.admit(client);
    assertThat(stillLocked.rule()).isEqualTo("auth-lockout");
    assertThat(stillLocked.retryAfterSeconds()).isEqualTo(540);
    assertThat(lockout.admit(address("2001:db8:99::1"), "lena").allowed()).isTrue();
    lockout.failed(address("2001:db8:20::1"), "lena"); // the twentieth within the window
    assertThat(lockout.admit(address("2001:db8:99::1"), "lena").rule())
        .isEqualTo("auth-account-lockout");
  }

  @Test
  void theStartRefusesLimitsThatWouldLetOneAddressLockAnAccountOrItsNetwork() {
    assertThatThrownBy(() -> TestApp.config(Map.of("abuse.authNetworkFailures", "9")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("abuse.authNetworkFailures");
    assertThatThrownBy(() -> TestApp.config(Map.of("abuse.authAccountFailures", "10")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("abuse.authAccountFailures");
    assertThatThrownBy(() -> TestApp.config(Map.of("abuse.authAccountLockoutMinutes", "61")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("abuse.authAccountLockoutMinutes");
    assertThat(TestApp.config(Map.of("abuse.authAccountFailures", "11")).abuse().authFailures())
        .isEqualTo(10);
  }
}
