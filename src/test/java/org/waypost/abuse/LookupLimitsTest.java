package org.waypost.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waypost.keys.EphemeralKeys;
import org.waypost.testing.MutableClock;
import org.waypost.testing.StoreKind;
import org.waypost.testing.TestApp;
import org.waypost.visitor.Outcome;
import org.waypost.visitor.Visit;

/**
 * The lookup limits with the default configuration, one request at a time: the token buckets per
 * client and per network, the enumeration blocks, and the state a client keeps across the hourly
 * key rotation. {@code AbuseTest} drives the same rules through HTTP.
 */
class LookupLimitsTest {
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private TestApp server;
  private LookupLimits limits;

  @BeforeEach
  void start() {
    server = TestApp.start(StoreKind.SQLITE, dir, clock, Map.of());
    Blocks blocks = new Blocks(server.app().database(), server.app().keys(), 7);
    limits =
        new LookupLimits(
            server.app().config().abuse(), new EphemeralKeys(clock), clock, blocks, meters);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Decision lookUp(String client, int numbers) throws Exception {
    return limits.admit(limits.subject(InetAddress.getByName(client)), numbers);
  }

  /** One request for {@code count} numbers that all fail, admitted and then observed. */
  private Decision guess(String client, int first, int count) throws Exception {
    LookupLimits.Subject subject = limits.subject(InetAddress.getByName(client));
    Decision decision = limits.admit(subject, count);
    if (decision.allowed()) {
      List<Visit.Lookup> lookups =
          java.util.stream.IntStream.range(first, first + count)
              .mapToObj(
                  i -> new Visit.Lookup("94001112062064" + (10_000_000 + i), Outcome.NOT_FOUND))
              .toList();
      limits.observe(subject, lookups);
    }
    return decision;
  }

  private double refused(String rule) {
    return meters.get("waypost.abuse.refused").tag("rule", rule).counter().count();
  }

  @Test
  void aClientGetsSixtyNumbersAMinuteWhateverItsFirstRequestCost() throws Exception {
    assertThat(lookUp("203.0.113.10", 35).allowed()).as("a newcomer's full page").isTrue();
    assertThat(lookUp("203.0.113.10", 25).allowed()).isTrue();
    Decision refused = lookUp("203.0.113.10", 1);
    assertThat(refused.verdict()).isEqualTo(Decision.Verdict.RATE_LIMITED);
    assertThat(refused.rule()).isEqualTo("client-rate");
    assertThat(refused.retryAfterSeconds()).isEqualTo(1);
    assertThat(lookUp("203.0.113.11", 35).allowed()).as("a neighbour").isTrue();
    clock.advance(Duration.ofSeconds(1));
    assertThat(lookUp("203.0.113.10", 1).allowed()).as("one token a second").isTrue();
    assertThat(refused("client-rate")).isEqualTo(1);
    assertThat(meters.get("waypost.abuse.tracked").tag("kind", "client").gauge().value())
        .as("the neighbour is still a newcomer")
        .isEqualTo(1);
    assertThat(meters.get("waypost.abuse.tracked").tag("kind", "prefix").gauge().value())
        .isEqualTo(1);
  }

  @Test
  void aNetworkGetsThreeHundredNumbersAMinuteAndARefusalCostsTheClientNothing() throws Exception {
    assertThat(lookUp("198.51.100.100", 1).allowed()).isTrue();
    for (int host = 1; host <= 4; host++) {
      assertThat(lookUp("198.51.100." + host, 60).allowed()).as("host %d", host).isTrue();
    }
    assertThat(lookUp("198.51.100.5", 59).allowed()).as("the network's last 59").isTrue();

    Decision refused = lookUp("198.51.100.100", 2);
    assertThat(refused.verdict()).isEqualTo(Decision.Verdict.RATE_LIMITED);
    assertThat(refused.rule()).isEqualTo("prefix-rate");
    assertThat(refused.retryAfterSeconds()).as("five tokens a second").isEqualTo(1);
    assertThat(lookUp("203.0.113.10", 60).allowed()).as("another network").isTrue();
    Decision own = lookUp("198.51.100.100", 60);
    assertThat(own.rule()).isEqualTo("client-rate");
    assertThat(own.retryAfterSeconds()).as("59 tokens left, not 57").isEqualTo(1);
    assertThat(refused("prefix-rate")).isEqualTo(1);
  }

  @Test
  void twentyUnknownNumbersBlockTheClientForAnHour() throws Exception {
    for (int i = 0; i < 19; i++) {
      assertThat(guess("203.0.113.50", i, 1).allowed()).as("guess %d", i).isTrue();
    }
    assertThat(guess("203.0.113.50", 19, 1).allowed()).as("the 20th is still answered").isTrue();

    Decision blocked = lookUp("203.0.113.50", 1);
    assertThat(blocked.verdict()).isEqualTo(Decision.Verdict.BLOCKED);
    assertThat(blocked.rule()).isEqualTo("enumeration");
    assertThat(blocked.retryAfterSeconds()).isEqualTo(3600);
    assertThat(lookUp("203.0.113.51", 1).allowed()).as("a neighbour").isTrue();
    assertThat(meters.get("waypost.abuse.blocks").tag("scope", "client").counter().count())
        .isEqualTo(1);
    assertThat(refused("enumeration")).isEqualTo(1);
  }

  @Test
  void aHundredUnknownNumbersAcrossANetworkBlockTheNetwork() throws Exception {
    int n = 0;
    for (int host = 1; host <= 5; host++) {
      assertThat(guess("2001:db8:5::" + host, n, 19).allowed()).as("host %d", host).isTrue();
      n += 19;
    }
    assertThat(guess("2001:db8:5::6", n, 5).allowed()).isTrue();

    Decision blocked = lookUp("2001:db8:5:1::7", 1);
    assertThat(blocked.verdict()).isEqualTo(Decision.Verdict.BLOCKED);
    assertThat(blocked.rule()).isEqualTo("prefix-enumeration");
    assertThat(blocked.retryAfterSeconds()).isEqualTo(3600);
    assertThat(lookUp("2001:db8:6::7", 1).allowed()).as("another /48").isTrue();
    assertThat(meters.get("waypost.abuse.blocks").tag("scope", "prefix").counter().count())
        .isEqualTo(1);
  }

  @Test
  void aClientKeepsItsStateAcrossTheHourlyKeyRotation() throws Exception {
    clock.set(Instant.parse("2026-11-29T10:59:30Z"));
    assertThat(lookUp("203.0.113.20", 35).allowed()).isTrue();
    assertThat(lookUp("203.0.113.20", 25).allowed()).isTrue();
    clock.advance(Duration.ofSeconds(30));
    Decision refused = lookUp("203.0.113.20", 31);
    assertThat(refused.rule())
        .as("30 tokens refilled, not a fresh bucket")
        .isEqualTo("client-rate");
    assertThat(lookUp("203.0.113.20", 30).allowed()).isTrue();
  }
}
