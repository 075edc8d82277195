package org.waypost.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.waypost.testing.MutableClock;
import org.waypost.testing.TestApp;

/** The shipper API's quota: 1,200 requests a minute per key, refilled as time passes. */
class ShipperQuotaTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final ShipperQuota quota =
      new ShipperQuota(TestApp.config(Map.of()).abuse(), clock, meters);

  @Test
  void aKeyGetsTwelveHundredRequestsAMinuteThenWaitsForTheNextToken() {
    for (int i = 0; i < 1200; i++) {
      assertThat(quota.admit("key-a").allowed()).as("request %d", i).isTrue();
    }
    Decision refused = quota.admit("key-a");
    assertThat(refused.verdict()).isEqualTo(Decision.Verdict.RATE_LIMITED);
    assertThat(refused.rule()).isEqualTo("shipper-rate");
    assertThat(refused.retryAfterSeconds()).isEqualTo(1);
    assertThat(quota.admit("key-b").allowed()).as("another key").isTrue();
    assertThat(meters.get("waypost.abuse.refused").tag("rule", "shipper-rate").counter().count())
        .isEqualTo(1);

    clock.advance(Duration.ofMillis(50));
    assertThat(quota.admit("key-a").allowed()).as("one token a 50 ms").isTrue();
    assertThat(quota.admit("key-a").allowed()).isFalse();
  }
}
