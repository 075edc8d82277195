package org.waypost.abuse;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * Every limiter's way of saying no: the decision, with its wait rounded up to whole seconds for
 * {@code Retry-After}, counted in {@code waypost.abuse.refused{rule}}. A rule's counter is
 * registered on its first refusal, so that no rule is exported before it happens.
 */
final class Refusals {
  private final MeterRegistry meters;
  private final ConcurrentMap<String, Counter> byRule = new ConcurrentHashMap<>();

  Refusals(MeterRegistry meters) {
    this.meters = meters;
  }

  /** Over a rate limit until a token refills in {@code nanos}. */
  Decision limited(String rule, long nanos) {
    return counted(Decision.limited(rule, seconds(nanos)));
  }

  /** Blocked (or locked out) for another {@code millis}. */
  Decision blocked(String rule, long millis) {
    return blocked(rule, millis, 0);
  }

  /** Blocked for another {@code millis} under {@code incident} (0 for none). */
  Decision blocked(String rule, long millis, long incident) {
    return counted(
        Decision.blocked(rule, seconds(TimeUnit.MILLISECONDS.toNanos(millis)), incident));
  }

  private Decision counted(Decision decision) {
    byRule
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

  private static long seconds(long nanos) {
    return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(nanos + 999_999_999L));
  }
}
