package org.waypost.abuse;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.SynchronizationStrategy;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Bucket4j token buckets that read the injected {@link Clock} rather than the system's, so that
 * refills follow the same time as everything else (and tests can move it). Lock-free: a bucket is
 * touched by every request of its client.
 */
final class Buckets {
  private final TimeMeter time;

  Buckets(Clock clock) {
    this.time = timeMeter(clock);
  }

  /** Time as {@code clock} tells it, for Bucket4j (local and Redis-backed buckets alike). */
  static TimeMeter timeMeter(Clock clock) {
    return new TimeMeter() {
      @Override
      public long currentTimeNanos() {
        return TimeUnit.MILLISECONDS.toNanos(clock.millis());
      }

      @Override
      public boolean isWallClockBased() {
        return true;
      }
    };
  }

  static Bandwidth perMinute(int tokens) {
    return Bandwidth.builder().capacity(tokens).refillGreedy(tokens, Duration.ofMinutes(1)).build();
  }

  static Bandwidth perDay(int tokens) {
    return Bandwidth.builder().capacity(tokens).refillGreedy(tokens, Duration.ofDays(1)).build();
  }

  Bucket of(Bandwidth... limits) {
    var builder =
        Bucket.builder()
            .withCustomTimePrecision(time)
            .withSynchronizationStrategy(SynchronizationStrategy.LOCK_FREE);
    for (Bandwidth limit : limits) {
      builder.addLimit(limit);
    }
    return builder.build();
  }
}
