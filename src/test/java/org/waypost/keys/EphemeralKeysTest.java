package org.waypost.keys;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.waypost.testing.MutableClock;

/** Tier-1 pseudonyms: stable within the hour for rate limits, unrelated the next hour. */
class EphemeralKeysTest {
  private static final byte[] IP = "203.0.113.7".getBytes(UTF_8);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:05:00Z"));
  private final EphemeralKeys keys = new EphemeralKeys(clock);

  @Test
  void sameInputInTheSameHourGivesTheSameTag() {
    byte[] tag = keys.tag("client", IP);

    clock.set(Instant.parse("2026-11-29T10:59:59Z"));

    assertThat(tag).hasSize(16);
    assertThat(keys.tag("client", IP)).isEqualTo(tag);
    assertThat(keys.tag("prefix", IP)).isNotEqualTo(tag);
  }

  @Test
  void theNextHourUsesANewKey() {
    byte[] tag = keys.tag("client", IP);

    clock.set(Instant.parse("2026-11-29T11:00:00Z"));
    byte[] nextHour = keys.tag("client", IP);

    assertThat(nextHour).hasSize(16).isNotEqualTo(tag);
    assertThat(keys.tag("client", IP)).isEqualTo(nextHour);
  }

  @Test
  void aClockSteppingBackAcrossTheHourKeepsTagsStable() {
    byte[] tag = keys.tag("client", IP);
    clock.advance(Duration.ofHours(1));
    keys.tag("client", IP);

    clock.advance(Duration.ofMinutes(-10));

    assertThat(keys.tag("client", IP)).isEqualTo(tag);
  }

  @Test
  void separateInstancesHaveUnrelatedKeys() {
    assertThat(new EphemeralKeys(clock).tag("client", IP)).isNotEqualTo(keys.tag("client", IP));
  }
}
